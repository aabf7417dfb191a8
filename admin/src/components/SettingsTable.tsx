import { Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import type { SettingStatus } from '../api';
import { useMessages, type MessageKey } from '../useMessages';
import { StateBadge } from './StateBadge';

const STATE_TONE = {
  set: 'success',
  default: 'neutral',
  missing: 'danger',
  invalid: 'danger',
} as const;

// Without a value: a secret that is set, an unset optional setting without a default (the state
// secret is derived; the Redis URL is only used with the redis store), or nothing at all.
const NO_VALUE = {
  set: 'value.hidden',
  invalid: 'value.hidden',
  default: 'value.none',
  missing: 'value.none',
} as const;
const UNSET_MEANS: Partial<Record<SettingStatus['key'], MessageKey>> = {
  stateSecret: 'value.derived',
  rateLimitRedisUrl: 'value.redisOnly',
};

const noValueLabel = (setting: SettingStatus): MessageKey =>
  (setting.state === 'default' && UNSET_MEANS[setting.key]) || NO_VALUE[setting.state];

const formatValue = (value: SettingStatus['value']) =>
  Array.isArray(value) ? value.join(', ') || '—' : String(value);

interface Props {
  settings: SettingStatus[];
  /** Problems found after the page loaded (e.g. TikTok refused the credentials), by setting. */
  extraProblems: Partial<Record<SettingStatus['key'], string>>;
}

/** Every setting: its state, where it came from, and its value (secrets are only ever "set"). */
export const SettingsTable = ({ settings, extraProblems }: Props) => {
  const { t } = useMessages();
  return (
    <Table colCount={4} rowCount={settings.length + 1}>
      <Thead>
        <Tr>
          {(['column.setting', 'column.state', 'column.source', 'column.value'] as const).map(
            (key) => (
              <Th key={key}>
                <Typography variant="sigma">{t(key)}</Typography>
              </Th>
            )
          )}
        </Tr>
      </Thead>
      <Tbody>
        {settings.map((setting) => {
          const problems = [...setting.problems];
          const extra = extraProblems[setting.key];
          if (extra) problems.push(extra);
          const state = problems.length > 0 ? 'invalid' : setting.state;
          return (
            <Tr key={setting.key} data-setting={setting.key}>
              <Td>
                <Typography fontWeight="semiBold">{setting.key}</Typography>
                {setting.required ? (
                  <Typography textColor="neutral600"> ({t('setting.required')})</Typography>
                ) : null}
                <Typography tag="p" variant="pi" textColor="neutral600">
                  <code>{setting.envName}</code>
                </Typography>
              </Td>
              <Td>
                <StateBadge tone={STATE_TONE[state]} data-state={state}>
                  {t(`state.${state}` as MessageKey)}
                </StateBadge>
                {problems.map((problem) => (
                  <Typography key={problem} tag="p" variant="pi" textColor="danger600">
                    {problem}
                  </Typography>
                ))}
              </Td>
              <Td>
                <Typography>{t(`source.${setting.source}` as MessageKey)}</Typography>
                {setting.envIgnored ? (
                  <Typography tag="p" variant="pi" textColor="neutral600">
                    {t('source.envIgnored', { env: setting.envName })}
                  </Typography>
                ) : null}
              </Td>
              <Td style={{ whiteSpace: 'normal', overflowWrap: 'anywhere', maxWidth: '24rem' }}>
                <Typography tag="code">
                  {'value' in setting ? formatValue(setting.value) : t(noValueLabel(setting))}
                </Typography>
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
};

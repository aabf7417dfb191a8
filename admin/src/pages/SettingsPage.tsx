import { useEffect, useState, type ReactNode } from 'react';
import { Box, Flex, IconButton, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { Layouts, Page, useClipboard, useFetchClient, useNotification } from '@strapi/strapi/admin';
import {
  API,
  type CredentialsCheck as Verdict,
  type SettingStatus,
  type StatusReport,
} from '../api';
import { CredentialsCheck } from '../components/CredentialsCheck';
import { PluginIcon } from '../components/PluginIcon';
import { SettingsTable } from '../components/SettingsTable';
import { StateBadge } from '../components/StateBadge';
import { PERMISSIONS } from '../pluginId';
import { useMessages, type MessageKey } from '../useMessages';

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <Box background="neutral0" hasRadius shadow="filterShadow" padding={6} tag="section">
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {children}
    </Flex>
  </Box>
);

// Scope and field names are case-sensitive: shown as code, not as (upper-cased) badges.
const CodeList = ({ values }: { values: string[] }) => (
  <Flex gap={2} wrap="wrap">
    {values.map((value) => (
      <Box
        key={value}
        background="neutral100"
        hasRadius
        paddingLeft={2}
        paddingRight={2}
        paddingTop={1}
        paddingBottom={1}
      >
        <Typography tag="code" variant="pi">
          {value}
        </Typography>
      </Box>
    ))}
  </Flex>
);

/** A URL to register in TikTok's portal, with a copy button. */
const PortalUrl = ({
  uri,
  testId,
  labels,
}: {
  /** Unknown while the plugin cannot tell its public URL (`strapiUrl` unset). */
  uri: string | null | undefined;
  testId: string;
  labels: { copy: MessageKey; copied: MessageKey };
}) => {
  const { t } = useMessages();
  const { copy } = useClipboard();
  const { toggleNotification } = useNotification();
  if (!uri) return <Typography textColor="danger600">{t('redirectUri.unknown')}</Typography>;
  const onCopy = async () => {
    const copied = await copy(uri);
    toggleNotification({
      type: copied ? 'success' : 'warning',
      message: t(copied ? labels.copied : 'copyFailed'),
    });
  };
  return (
    <Flex gap={2} alignItems="center">
      <Box
        background="neutral100"
        hasRadius
        paddingLeft={3}
        paddingRight={3}
        paddingTop={2}
        paddingBottom={2}
      >
        <Typography tag="code" data-testid={testId}>
          {uri}
        </Typography>
      </Box>
      <IconButton label={t(labels.copy)} onClick={onCopy} variant="tertiary">
        <Duplicate />
      </IconButton>
    </Flex>
  );
};

/** The report, once loaded. */
const Status = ({ report }: { report: StatusReport }) => {
  const { t, formatDate } = useMessages();
  // TikTok's verdict on the key and secret, known only after a check: shown in the table too.
  const [rejectedBy, setRejectedBy] = useState<string | null>(null);
  const onVerdict = (verdict: Verdict) =>
    setRejectedBy(
      verdict.outcome === 'rejected' ? t('problem.rejected', { detail: verdict.detail }) : null
    );
  const extraProblems: Partial<Record<SettingStatus['key'], string>> = rejectedBy
    ? { clientKey: rejectedBy, clientSecret: rejectedBy }
    : {};

  return (
    <Flex direction="column" alignItems="stretch" gap={6}>
      {report.missing.length > 0 ? (
        // Not an Alert: it would offer a close button, and this must stay until it is fixed.
        <Box background="danger100" borderColor="danger200" hasRadius padding={5} role="alert">
          <Typography fontWeight="bold" tag="p" textColor="danger700">
            {t('missing.title')}
          </Typography>
          <Typography tag="p" textColor="danger700">
            {t('missing.body', { names: report.missing.join(', ') })}
          </Typography>
        </Box>
      ) : null}

      <Section title={t('redirectUri.title')}>
        <Typography textColor="neutral600">{t('redirectUri.explain')}</Typography>
        <PortalUrl
          uri={report.redirectUri}
          testId="redirect-uri"
          labels={{ copy: 'redirectUri.copy', copied: 'redirectUri.copied' }}
        />
        <Typography variant="omega" fontWeight="semiBold">
          {t('scopes.title')}
        </Typography>
        <CodeList values={report.scopes} />
        <Typography variant="omega" fontWeight="semiBold">
          {t('fields.title')}
        </Typography>
        <CodeList values={report.userInfoFields} />
      </Section>

      <Section title={t('check.title')}>
        <CredentialsCheck disabled={report.missing.length > 0} onVerdict={onVerdict} />
      </Section>

      <Section title={t('flows.title')}>
        <Table colCount={3} rowCount={report.flows.length}>
          <Tbody>
            {report.flows.map((flow) => (
              <Tr key={flow.id} data-flow={flow.id}>
                <Td>
                  <Typography fontWeight="semiBold">{t(`flows.${flow.id}`)}</Typography>
                </Td>
                <Td>
                  <StateBadge tone={flow.available ? 'success' : 'danger'}>
                    {flow.available
                      ? t('flows.available')
                      : t('flows.unavailable', { needs: flow.needs.join(', ') })}
                  </StateBadge>
                </Td>
                <Td>
                  <Flex direction="column" alignItems="start" gap={1}>
                    {flow.routes.map((route) => (
                      <Typography key={route} tag="code" variant="pi">
                        {route}
                      </Typography>
                    ))}
                  </Flex>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        <Typography variant="pi" textColor="neutral600">
          {t('flows.tokenRedirectUris', { uris: report.tokenRedirectUris.join(', ') || '—' })}
        </Typography>
      </Section>

      <Section title={t('users.title')}>
        <Typography data-testid="tiktok-users">
          {t('users.identities', { count: report.users.identities.total })}
        </Typography>
        {report.users.identities.total > 0 && (
          <Typography data-testid="tiktok-identity-origins">
            {t('users.origins', report.users.identities)}
          </Typography>
        )}
        <Typography variant="pi" textColor="neutral600" data-testid="tiktok-provider-users">
          {t('users.tiktokUsers', { count: report.users.tiktokUsers })}
        </Typography>
        <Typography>
          {t('users.lastSignIn', {
            when: report.users.lastSignInAt
              ? formatDate(report.users.lastSignInAt, { dateStyle: 'medium', timeStyle: 'short' })
              : t('users.never'),
          })}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {t('users.lastSignInExplain')}
        </Typography>
      </Section>

      <Section title={t('webhook.title')}>
        <Typography textColor="neutral600">{t('webhook.explain')}</Typography>
        <PortalUrl
          uri={report.webhookUrl}
          testId="webhook-url"
          labels={{ copy: 'webhook.copy', copied: 'webhook.copied' }}
        />
      </Section>

      <Section title={t('tokens.title')}>
        {report.tokens.storeTokens ? (
          <Flex direction="column" alignItems="stretch" gap={1} data-testid="token-counts">
            <Typography>{t('tokens.stored', { count: report.tokens.stored })}</Typography>
            <Typography>
              {t('tokens.expiring', {
                count: report.tokens.expiring,
                days: report.tokens.expiringWithinDays,
              })}
            </Typography>
            <Typography textColor={report.tokens.unusable > 0 ? 'warning600' : undefined}>
              {t('tokens.unusable', { count: report.tokens.unusable })}
            </Typography>
          </Flex>
        ) : (
          <Typography data-testid="token-counts">{t('tokens.off')}</Typography>
        )}
        <Typography data-testid="disconnected-count">
          {t('tokens.disconnected', { count: report.tokens.disconnected })}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {t('tokens.explain')}
        </Typography>
      </Section>

      <Section title={t('settings.title')}>
        <SettingsTable settings={report.settings} extraProblems={extraProblems} />
      </Section>
    </Flex>
  );
};

/** Settings → TikTok Auth Mobile → Setup & status. */
const SettingsPage = () => {
  const { t } = useMessages();
  const { get } = useFetchClient();
  const [report, setReport] = useState<StatusReport | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    get<{ data: StatusReport }>(API.status).then(
      ({ data }) => setReport(data.data),
      () => setFailed(true)
    );
  }, [get]);

  return (
    <Page.Main>
      <Page.Title>{t('plugin.name')}</Page.Title>
      <Layouts.Header
        title={t('plugin.name')}
        subtitle={t('page.subtitle')}
        navigationAction={<PluginIcon />}
      />
      <Layouts.Content>
        {failed ? <Page.Error /> : report ? <Status report={report} /> : <Page.Loading />}
      </Layouts.Content>
    </Page.Main>
  );
};

const ProtectedSettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <SettingsPage />
  </Page.Protect>
);

export default ProtectedSettingsPage;

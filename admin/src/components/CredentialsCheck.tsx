import { useState } from 'react';
import { Alert, Box, Button, Flex, Typography } from '@strapi/design-system';
import { Key } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { API, type CredentialsCheck as Verdict } from '../api';
import { useMessages } from '../useMessages';

const ALERT_VARIANT = { accepted: 'success', rejected: 'danger', unknown: 'warning' } as const;

interface Props {
  disabled: boolean;
  onVerdict: (verdict: Verdict) => void;
}

/** Asks the server to try the client key and secret at TikTok's token endpoint, and says what TikTok answered. */
export const CredentialsCheck = ({ disabled, onVerdict }: Props) => {
  const { t } = useMessages();
  const { post } = useFetchClient();
  const [checking, setChecking] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const check = async () => {
    setChecking(true);
    setFailure(null);
    try {
      const { data } = await post<{ data: Verdict }>(API.checkCredentials);
      setVerdict(data.data);
      onVerdict(data.data);
    } catch (error) {
      setVerdict(null);
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setChecking(false);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography textColor="neutral600">{t('check.explain')}</Typography>
      <Box>
        <Button startIcon={<Key />} onClick={check} loading={checking} disabled={disabled}>
          {t('check.button')}
        </Button>
      </Box>
      {verdict ? (
        <Alert
          variant={ALERT_VARIANT[verdict.outcome]}
          title={t(`check.${verdict.outcome}.title`)}
          closeLabel={t('check.close')}
          onClose={() => setVerdict(null)}
          data-outcome={verdict.outcome}
        >
          {t(`check.${verdict.outcome}.body`, { detail: verdict.detail })}{' '}
          {t('check.logId', { logId: verdict.logId ?? t('check.noLogId') })}
        </Alert>
      ) : null}
      {failure ? (
        <Alert
          variant="danger"
          title={t('check.failed')}
          closeLabel={t('check.close')}
          onClose={() => setFailure(null)}
        >
          {failure}
        </Alert>
      ) : null}
    </Flex>
  );
};

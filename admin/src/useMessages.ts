import { useIntl } from 'react-intl';
import { PLUGIN_ID } from './pluginId';
import en from './translations/en.json';

export type MessageKey = keyof typeof en;
type Values = Record<string, string | number>;

/** The plugin's messages in the admin's locale; English (en.json) is the fallback text. */
export const useMessages = () => {
  const { formatMessage, formatDate } = useIntl();
  const t = (key: MessageKey, values?: Values) =>
    formatMessage({ id: `${PLUGIN_ID}.${key}`, defaultMessage: en[key] }, values);
  return { t, formatDate };
};

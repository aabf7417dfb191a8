import type { StatusReport } from '../../server/src/services/status';
import type { CredentialsCheck } from '../../server/src/services/tiktok';
import { PLUGIN_ID } from './pluginId';

export type { StatusReport, CredentialsCheck };
export type SettingStatus = StatusReport['settings'][number];

/** The plugin's admin API routes (server/src/routes/admin.ts). */
export const API = {
  status: `/${PLUGIN_ID}/status`,
  checkCredentials: `/${PLUGIN_ID}/check-credentials`,
};

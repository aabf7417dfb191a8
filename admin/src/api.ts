import { ADMIN_ROUTES } from '../../contracts';
import { PLUGIN_ID } from './pluginId';

export type { CredentialsCheck, SettingStatus, StatusReport } from '../../contracts';

/** The plugin's admin API routes, as Strapi mounts them on the admin API. */
export const API = {
  status: `/${PLUGIN_ID}${ADMIN_ROUTES.status}`,
  checkCredentials: `/${PLUGIN_ID}${ADMIN_ROUTES.checkCredentials}`,
};

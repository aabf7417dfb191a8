import { PLUGIN_ID, SETTINGS_READ_ACTION } from '../../contracts';

export { PLUGIN_ID };

/** Admin permissions, as the server's bootstrap registers them. */
export const PERMISSIONS = {
  read: [{ action: SETTINGS_READ_ACTION, subject: null }],
};

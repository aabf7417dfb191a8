export const PLUGIN_ID = 'tiktok-auth-mobile';

/** Admin permissions, as registered by the server's bootstrap (server/src/permissions.ts). */
export const PERMISSIONS = {
  read: [{ action: `plugin::${PLUGIN_ID}.settings.read`, subject: null }],
};

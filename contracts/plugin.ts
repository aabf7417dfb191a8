/** The plugin's id: its route base, its config key and the prefix of its admin translations. */
export const PLUGIN_ID = 'tiktok-auth-mobile';

/** The admin permission that opens the settings page and its API (Settings → Roles → Plugins). */
export const SETTINGS_READ_ACTION = `plugin::${PLUGIN_ID}.settings.read`;

/** The admin API routes of the settings page, under `/${PLUGIN_ID}` on Strapi's admin API. */
export const ADMIN_ROUTES = {
  status: '/status',
  checkCredentials: '/check-credentials',
} as const;

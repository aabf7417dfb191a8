export const PLUGIN_ID = 'tiktok-auth-mobile';

/** Where Strapi keeps this plugin's merged config (`strapi.config.get(...)`). */
export const PLUGIN_CONFIG_KEY = `plugin::${PLUGIN_ID}`;

export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';
export const IDENTITY_UID = `plugin::${PLUGIN_ID}.identity`;

/** The `provider` value stored on users created by this plugin (the seed's value). */
export const PROVIDER = 'tiktok';

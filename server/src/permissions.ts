import { PLUGIN_ID } from './plugin-id';

/** The admin permission that opens the settings page and its API (Settings → Roles → Plugins). */
export const SETTINGS_READ = `plugin::${PLUGIN_ID}.settings.read`;

/** Registered with Strapi's admin permission system at bootstrap. */
export const ADMIN_ACTIONS = [
  {
    section: 'plugins',
    displayName: 'Read',
    uid: 'settings.read',
    subCategory: 'settings',
    pluginName: PLUGIN_ID,
  },
];

import { PERMISSIONS, PLUGIN_ID } from './pluginId';

import type { StrapiApp } from '@strapi/strapi/admin';

const prefixKeys = (messages: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(messages).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value])
  );

const plugin: StrapiApp['appPlugins'][string] = {
  register(app) {
    // Settings → TikTok Auth Mobile → Setup & status; the page's code loads only when opened.
    app.addSettingsLink(
      {
        id: PLUGIN_ID,
        intlLabel: { id: `${PLUGIN_ID}.settings.section`, defaultMessage: 'TikTok Auth Mobile' },
      },
      {
        id: 'setup',
        to: PLUGIN_ID,
        intlLabel: { id: `${PLUGIN_ID}.settings.link`, defaultMessage: 'Setup & status' },
        Component: () => import('./pages/SettingsPage'),
        permissions: PERMISSIONS.read,
      }
    );
    app.registerPlugin({ id: PLUGIN_ID, name: 'TikTok Auth Mobile' });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: messages } = await import(`./translations/${locale}.json`);
          return { data: prefixKeys(messages as Record<string, string>), locale };
        } catch {
          // Locales without a file fall back to the English defaults in the components.
          return { data: {}, locale };
        }
      })
    );
  },
};

export default plugin;

import type { Core } from '@strapi/strapi';

/** The users-permissions "Advanced settings" this plugin obeys, as its store keeps them. */
export interface AdvancedSettings {
  allow_register?: boolean;
  unique_email?: boolean;
  default_role?: string;
}

const CORE_STORE_UID = 'strapi::core-store';
// The row key under which `strapi.store({ type: 'plugin', name: 'users-permissions' })` keeps them.
const ADVANCED_STORE_KEY = 'plugin_users-permissions_advanced';

/** The parts of a core-store lifecycle event that say which row was written. */
interface StoreEvent {
  result?: { key?: unknown };
  params?: { data?: { key?: unknown }; where?: { key?: unknown } };
}

/**
 * How long a copy is used before the store is read again. A change made through this process
 * (the admin's Advanced settings page, `strapi.store().set()`) drops the copy at once; this bounds
 * how long another Strapi process sharing the database keeps the old values.
 */
export const ADVANCED_SETTINGS_TTL_MS = 5000;

/**
 * users-permissions' advanced settings, read from the core store at most once per TTL instead of
 * once per sign-in: a returning person then costs no settings query at all.
 */
const advancedSettings = ({ strapi }: { strapi: Core.Strapi }) => {
  let cached: { settings: Promise<AdvancedSettings>; expiresAt: number } | undefined;
  const forget = () => {
    cached = undefined;
  };

  // A write to the core store drops the copy, unless it visibly concerns another key (such as
  // this plugin's own last-sign-in record); a write that names no key drops it to be safe.
  const forgetUnlessOtherKey = (event?: StoreEvent) => {
    const key = [event?.result?.key, event?.params?.data?.key, event?.params?.where?.key].find(
      (candidate): candidate is string => typeof candidate === 'string'
    );
    if (key === undefined || key === ADVANCED_STORE_KEY) forget();
  };
  strapi.db.lifecycles.subscribe({
    models: [CORE_STORE_UID],
    afterCreate: forgetUnlessOtherKey,
    afterCreateMany: forgetUnlessOtherKey,
    afterUpdate: forgetUnlessOtherKey,
    afterUpdateMany: forgetUnlessOtherKey,
    afterDelete: forgetUnlessOtherKey,
    afterDeleteMany: forgetUnlessOtherKey,
  });

  const read = async (): Promise<AdvancedSettings> =>
    ((await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get({})) ??
      {}) as AdvancedSettings;

  return {
    /** The current settings; concurrent callers share one read. */
    get(): Promise<AdvancedSettings> {
      const now = Date.now();
      if (!cached || cached.expiresAt <= now) {
        const settings = read();
        cached = { settings, expiresAt: now + ADVANCED_SETTINGS_TTL_MS };
        // A failed read is not kept: the next call tries again.
        settings.catch(() => {
          if (cached?.settings === settings) forget();
        });
      }
      return cached.settings;
    },
  };
};

export default advancedSettings;

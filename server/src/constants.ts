import { PLUGIN_ID } from '../../contracts/plugin';

// Shared with the admin page, so defined with the contracts.
export {
  ADMIN_ROUTES,
  PLUGIN_ID,
  SETTINGS_READ_ACTION as SETTINGS_READ,
} from '../../contracts/plugin';

/** Where Strapi keeps this plugin's merged config (`strapi.config.get(...)`). */
export const PLUGIN_CONFIG_KEY = `plugin::${PLUGIN_ID}`;

export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';
export const IDENTITY_UID = `plugin::${PLUGIN_ID}.identity`;
export const CORE_STORE_UID = 'strapi::core-store';

/** The `provider` value stored on users created by this plugin (the seed's value). */
export const PROVIDER = 'tiktok';

/**
 * Where Strapi mounts the content-API routes, after `api.rest.prefix` (`/api` unless the app
 * changed it): `/api/tiktok-auth-mobile/connect` and so on.
 */
export const ROUTE_BASE = `/${PLUGIN_ID}`;

/** The content-API routes, below ROUTE_BASE. */
export const ROUTES = {
  authorize: '/authorize',
  callback: '/callback',
  connect: '/connect',
  token: '/token',
  webhook: '/webhook',
  link: '/link',
  me: '/me',
} as const;

/**
 * The largest webhook body read. TikTok's events are a few hundred bytes; the raw body is kept in
 * memory until its signature is checked, so a larger one is refused unread.
 */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;

/** The route middleware of every route that calls TikTok (the per-client budget). */
export const RATE_LIMIT_MIDDLEWARE = `plugin::${PLUGIN_ID}.rate-limit`;

/**
 * The route middleware of the signed-in user's routes (`/link`, `/me`): checks the
 * users-permissions JWT itself, so that no role needs a permission for them.
 */
export const SIGNED_IN_MIDDLEWARE = `plugin::${PLUGIN_ID}.signed-in`;

/**
 * The events emitted on Strapi's event hub (§11), by the key Strapi's webhook store lists them
 * under; the value is the event name a webhook subscribes to and receives.
 */
export const EVENTS = {
  USER_CREATED: `${PLUGIN_ID}.user.created`,
  SIGN_IN: `${PLUGIN_ID}.sign-in`,
  IDENTITY_LINKED: `${PLUGIN_ID}.identity.linked`,
  IDENTITY_UNLINKED: `${PLUGIN_ID}.identity.unlinked`,
  AUTHORIZATION_REMOVED: `${PLUGIN_ID}.authorization.removed`,
} as const;

/** The cookie that carries Flow B from `/authorize` to `/callback`. */
export const FLOW_COOKIE = 'tiktok_auth_mobile_flow';
/** users-permissions' refresh-token cookie name when its config names none. */
export const DEFAULT_REFRESH_COOKIE = 'strapi_up_refresh';

/** The request header a native app sends to get its refresh token in the body in any case. */
export const REFRESH_IN_BODY_HEADER = 'x-tiktok-auth-refresh';

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

/** The identity content type's table (content-types/identity.ts). */
export const IDENTITY_TABLE = 'tiktok_auth_identities';

/** The plugin's own table, next to Strapi's: created at boot, not tracked by Strapi's schema sync. */
export const RATE_LIMIT_TABLE = 'tiktok_auth_mobile_rate_limits';

/** Named after users-permissions' table, in which Strapi's schema sync creates and keeps it. */
export const EMAIL_INDEX = 'up_users_email_index';

/** strapi.store()'s key format, so that `strapi.store({ type: 'plugin', name, key })` reads it too. */
export const LAST_SIGN_IN_KEY = `plugin_${PLUGIN_ID}_last-sign-in`;

/**
 * How long before its expiry an access token is refreshed: a token handed to app code must still
 * work when the app's own call reaches TikTok, after any retries of its own.
 */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * How long a refresh lease lasts beyond the TikTok call's own deadline (`timeoutMs`): a holder
 * that crashed stops blocking the identity's refreshes after this.
 */
export const TOKEN_LEASE_EXTRA_MS = 10_000;

/** How often a caller waiting for another's refresh reads the row again. */
export const TOKEN_LEASE_POLL_MS = 100;

/** Stored tokens the person must renew within this are counted as expiring on the admin page. */
export const TOKENS_EXPIRING_WITHIN_MS = 7 * 24 * 3_600_000;

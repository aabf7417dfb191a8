import type { SettingKey } from '../../../contracts/settings';
import type { TikTokUser } from '../lib/tiktok/types';

export const BASIC_SCOPE = 'user.info.basic';

/**
 * The sign-in flows, named after the route each one is built on: `connect` is Flow A (`/callback`
 * without a flow cookie, then `/connect`), `authorize` Flow B (`/authorize`, then `/callback` with
 * its cookie), `token` Flow C (`/token`).
 */
export const FLOWS = ['connect', 'authorize', 'token'] as const;
export type Flow = (typeof FLOWS)[number];
export const TIKTOK_API_BASE_URL = 'https://open.tiktokapis.com';
export const TIKTOK_AUTHORIZE_URL = 'https://www.tiktok.com/v2/auth/authorize/';
export const RATE_LIMIT_STORES = ['database', 'redis', 'memory'] as const;

/** The TikTok profile values profile sync can copy onto a user, by their name in `profileSync`. */
export const PROFILE_FIELDS = {
  displayName: 'display_name',
  avatarUrl: 'avatar_url',
  username: 'username',
  openId: 'open_id',
  unionId: 'union_id',
} as const satisfies Record<string, keyof TikTokUser>;
export type ProfileField = keyof typeof PROFILE_FIELDS;

/**
 * - `required`: the plugin cannot work without it; unset, every route answers 500;
 * - `optional`: has a safe default;
 * - `derived`: unset means "derive it" or "unused" (see the field in PluginConfig).
 */
type SettingKind = 'required' | 'optional' | 'derived';

interface SettingSpec {
  /** The env variable used when the plugin config leaves the setting blank. */
  env: string;
  /**
   * The same variable with the `TIKTOK_` prefix, read before `env`: the bare names collide easily
   * in a `.env` shared with other integrations.
   */
  prefixedEnv?: string;
  kind: SettingKind;
  /** Never shown anywhere, not even to an admin (a Redis URL may hold a password). */
  secret?: boolean;
  /** A comma-separated string (env or config) becomes a list. */
  list?: boolean;
  /** A comma-separated string of `key:value` pairs (env or config) becomes an object. */
  map?: boolean;
  /** The value of an unset `optional` setting. */
  default?: unknown;
}

/**
 * Every setting in one place, in the order the admin page lists them: the env name each falls
 * back to, whether it is required, secret or a list, and its default. The precedence (plugin
 * config, then env, then default), the unset-settings message and the admin page's report are
 * all read from here.
 */
export const SETTINGS = {
  clientKey: { env: 'CLIENT_KEY', prefixedEnv: 'TIKTOK_CLIENT_KEY', kind: 'required' },
  clientSecret: {
    env: 'CLIENT_SECRET',
    prefixedEnv: 'TIKTOK_CLIENT_SECRET',
    kind: 'required',
    secret: true,
  },
  redirectAppUrl: {
    env: 'REDIRECT_APP_URL',
    prefixedEnv: 'TIKTOK_REDIRECT_APP_URL',
    kind: 'required',
  },
  strapiUrl: { env: 'STRAPI_URL', prefixedEnv: 'TIKTOK_STRAPI_URL', kind: 'required' },
  scopes: { env: 'TIKTOK_SCOPES', kind: 'optional', list: true, default: [BASIC_SCOPE] },
  identityField: { env: 'TIKTOK_IDENTITY_FIELD', kind: 'optional', default: 'union_id' },
  emailDomain: { env: 'TIKTOK_EMAIL_DOMAIN', kind: 'optional', default: 'tiktok.com' },
  tokenDelivery: { env: 'TIKTOK_TOKEN_DELIVERY', kind: 'optional', default: 'query' },
  apiBaseUrl: { env: 'TIKTOK_API_BASE_URL', kind: 'optional', default: TIKTOK_API_BASE_URL },
  timeoutMs: { env: 'TIKTOK_TIMEOUT_MS', kind: 'optional', default: 8000 },
  authorizeUrl: { env: 'TIKTOK_AUTHORIZE_URL', kind: 'optional', default: TIKTOK_AUTHORIZE_URL },
  redirectWith: { env: 'TIKTOK_REDIRECT_WITH', kind: 'optional', default: 'tiktok_token' },
  // Empty means: only the plugin's own callback URL (known once `strapiUrl` is).
  allowedRedirectUris: {
    env: 'TIKTOK_ALLOWED_REDIRECT_URIS',
    kind: 'optional',
    list: true,
    default: [],
  },
  stateTtlSeconds: { env: 'TIKTOK_STATE_TTL_SECONDS', kind: 'optional', default: 600 },
  // 30 requests a minute per client: several sign-ins even behind a shared (NAT) address, while
  // one client alone cannot spend more than 5% of TikTok's default 600 calls a minute per app.
  rateLimitWindowMs: { env: 'TIKTOK_RATE_LIMIT_WINDOW_MS', kind: 'optional', default: 60000 },
  rateLimitMax: { env: 'TIKTOK_RATE_LIMIT_MAX', kind: 'optional', default: 30 },
  flows: { env: 'TIKTOK_FLOWS', kind: 'optional', list: true, default: FLOWS },
  // The database Strapi already uses: every instance of the app shares it, with nothing to set up.
  rateLimitStore: { env: 'TIKTOK_RATE_LIMIT_STORE', kind: 'optional', default: 'database' },
  // Off unless asked for: the user model has no attribute for TikTok values until the app adds one.
  profileSync: { env: 'TIKTOK_PROFILE_SYNC', kind: 'optional', map: true, default: {} },
  stateSecret: { env: 'TIKTOK_STATE_SECRET', kind: 'derived', secret: true },
  rateLimitRedisUrl: { env: 'TIKTOK_RATE_LIMIT_REDIS_URL', kind: 'derived', secret: true },
  // Opt-in: keeping people's TikTok tokens is a responsibility an app takes on knowingly.
  storeTokens: { env: 'TIKTOK_STORE_TOKENS', kind: 'optional', default: false },
  tokenEncryptionKey: { env: 'TIKTOK_TOKEN_ENCRYPTION_KEY', kind: 'derived', secret: true },
  tokenEncryptionPreviousKeys: {
    env: 'TIKTOK_TOKEN_ENCRYPTION_PREVIOUS_KEYS',
    kind: 'optional',
    list: true,
    secret: true,
    default: [],
  },
} as const satisfies Record<SettingKey, SettingSpec>;

type Settings = typeof SETTINGS;
export type RequiredSetting = {
  [Key in SettingKey]: Settings[Key]['kind'] extends 'required' ? Key : never;
}[SettingKey];
export type RequiredEnvName = Settings[RequiredSetting]['env'];

/** The settings as a list of `[key, spec]`, in the table's order. */
export const SETTING_ENTRIES = Object.entries(SETTINGS) as [SettingKey, SettingSpec][];

/** The env variables a setting is read from, in order: the prefixed name first. */
export const envNamesOf = (spec: SettingSpec): string[] =>
  spec.prefixedEnv ? [spec.prefixedEnv, spec.env] : [spec.env];

/** Every env variable the plugin reads. */
export const ENV_NAMES: readonly string[] = SETTING_ENTRIES.flatMap(([, spec]) => envNamesOf(spec));

export const isRequired = (key: SettingKey): key is RequiredSetting =>
  SETTINGS[key].kind === 'required';

export const isSecret = (key: SettingKey): boolean =>
  (SETTINGS[key] as SettingSpec).secret === true;

export interface PluginConfig {
  /** Unset values are `undefined`; the routes refuse to run until all four are set. */
  clientKey?: string;
  clientSecret?: string;
  redirectAppUrl?: string;
  strapiUrl?: string;
  /** Scopes the app asks TikTok for; they decide which user-info fields are requested. */
  scopes: string[];
  /** Which TikTok id makes the pseudo-email `${id}@${emailDomain}`. */
  identityField: 'union_id' | 'open_id';
  emailDomain: string;
  /** Where the callback puts its values in the app redirect: `?…` or `#…`. */
  tokenDelivery: 'query' | 'fragment';
  /** TikTok's API origin; pointed at a local emulator in development and tests. */
  apiBaseUrl: string;
  /** Deadline of each call to TikTok, from the request to the end of the body, in milliseconds. */
  timeoutMs: number;
  /** TikTok's authorize page, where `/authorize` sends the browser. */
  authorizeUrl: string;
  /** What the callback hands the app: TikTok's access token (Flow A) or a Strapi session. */
  redirectWith: 'tiktok_token' | 'strapi_jwt';
  /** `redirect_uri` values `/token` accepts; empty means only the plugin's own callback URL. */
  allowedRedirectUris: string[];
  /** Lifetime of the `/authorize` state cookie, in seconds. */
  stateTtlSeconds: number;
  /** Key material for the state cookie; unset means derived from Strapi's `APP_KEYS`. */
  stateSecret?: string;
  /** Length of one client's rate-limit window on the routes that call TikTok, in milliseconds. */
  rateLimitWindowMs: number;
  /** Requests one client may make per window on those routes; 0 turns the limit off. */
  rateLimitMax: number;
  /** The flows this app uses; the routes of the others answer 403. */
  flows: Flow[];
  /**
   * Where the budget (and TikTok's own back-off) is kept: Strapi's database, Redis, or this
   * process's memory (a single instance only).
   */
  rateLimitStore: (typeof RATE_LIMIT_STORES)[number];
  /**
   * Profile sync: TikTok profile values copied onto user attributes on every sign-in, e.g.
   * `{ displayName: 'displayName', avatarUrl: 'avatar' }`; empty turns it off.
   */
  profileSync: Partial<Record<ProfileField, string>>;
  /** The Redis server of `rateLimitStore: 'redis'`, e.g. redis://127.0.0.1:6379. */
  rateLimitRedisUrl?: string;
  /** Keep TikTok's access and refresh tokens of each identity, sealed, for the app's own calls. */
  storeTokens: boolean;
  /** The key the stored tokens are sealed with; unset means derived from Strapi's `APP_KEYS`. */
  tokenEncryptionKey?: string;
  /** Keys tokens were sealed with before a rotation: they still open, and are sealed again. */
  tokenEncryptionPreviousKeys: string[];
}

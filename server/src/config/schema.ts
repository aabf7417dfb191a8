import * as yup from 'yup';

/** The four settings the plugin cannot work without, with the env variable each falls back to. */
export const REQUIRED_SETTINGS = {
  clientKey: 'CLIENT_KEY',
  clientSecret: 'CLIENT_SECRET',
  redirectAppUrl: 'REDIRECT_APP_URL',
  strapiUrl: 'STRAPI_URL',
} as const;

/** Optional settings and their env fallbacks; every one has a safe default below. */
export const OPTIONAL_SETTINGS = {
  scopes: 'TIKTOK_SCOPES',
  identityField: 'TIKTOK_IDENTITY_FIELD',
  emailDomain: 'TIKTOK_EMAIL_DOMAIN',
  tokenDelivery: 'TIKTOK_TOKEN_DELIVERY',
  apiBaseUrl: 'TIKTOK_API_BASE_URL',
  timeoutMs: 'TIKTOK_TIMEOUT_MS',
  authorizeUrl: 'TIKTOK_AUTHORIZE_URL',
  redirectWith: 'TIKTOK_REDIRECT_WITH',
  allowedRedirectUris: 'TIKTOK_ALLOWED_REDIRECT_URIS',
  stateTtlSeconds: 'TIKTOK_STATE_TTL_SECONDS',
  rateLimitWindowMs: 'TIKTOK_RATE_LIMIT_WINDOW_MS',
  rateLimitMax: 'TIKTOK_RATE_LIMIT_MAX',
  flows: 'TIKTOK_FLOWS',
  rateLimitStore: 'TIKTOK_RATE_LIMIT_STORE',
} as const;

/** Optional settings without a default: unset means "derive it" or "unused" (see each field). */
export const DERIVED_SETTINGS = {
  stateSecret: 'TIKTOK_STATE_SECRET',
  rateLimitRedisUrl: 'TIKTOK_RATE_LIMIT_REDIS_URL',
} as const;

export type RequiredSetting = keyof typeof REQUIRED_SETTINGS;
export type RequiredEnvName = (typeof REQUIRED_SETTINGS)[RequiredSetting];
type OptionalSetting = keyof typeof OPTIONAL_SETTINGS;

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

export const DEFAULTS = {
  scopes: [BASIC_SCOPE],
  identityField: 'union_id',
  emailDomain: 'tiktok.com',
  tokenDelivery: 'query',
  apiBaseUrl: TIKTOK_API_BASE_URL,
  timeoutMs: 8000,
  authorizeUrl: TIKTOK_AUTHORIZE_URL,
  redirectWith: 'tiktok_token',
  // Empty means: only the plugin's own callback URL (known once `strapiUrl` is).
  allowedRedirectUris: [],
  stateTtlSeconds: 600,
  // 30 requests a minute per client: several sign-ins even behind a shared (NAT) address, while
  // one client alone cannot spend more than 5% of TikTok's default 600 calls a minute per app.
  rateLimitWindowMs: 60000,
  rateLimitMax: 30,
  flows: FLOWS,
  // The database Strapi already uses: every instance of the app shares it, with nothing to set up.
  rateLimitStore: 'database',
} as const;

export const RATE_LIMIT_STORES = ['database', 'redis', 'memory'] as const;

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
  /** The Redis server of `rateLimitStore: 'redis'`, e.g. redis://127.0.0.1:6379. */
  rateLimitRedisUrl?: string;
}

const isUrlWithScheme = (value: string, schemes?: readonly string[]): boolean => {
  try {
    const url = new URL(value);
    return schemes ? schemes.includes(url.protocol) : true;
  } catch {
    return false;
  }
};

// Schemes a browser would execute instead of handing to an app: never a redirect target.
const SCRIPT_SCHEMES = ['javascript:', 'data:', 'vbscript:', 'file:'];

/**
 * A text setting, trimmed. Only real strings are transformed: anything else fails the type check
 * with a message that names the key and, unlike yup's default, does not print the value.
 */
const text = (key: string, normalize: (value: string) => string = (value) => value) =>
  yup
    .string()
    .typeError(`${key} must be a string`)
    .transform((_value: unknown, original: unknown) =>
      typeof original === 'string' ? normalize(original.trim()) : original
    );

const withoutTrailingSlash = (value: string) => value.replace(/\/+$/, '');

// A URL TikTok compares byte for byte (authorize page, redirect URIs) is kept exactly as given.
const httpUrl = (key: string, normalize?: (value: string) => string) =>
  text(key, normalize).test(key, `${key} must be an absolute http(s) URL`, (value) =>
    value === undefined ? true : isUrlWithScheme(value, ['http:', 'https:'])
  );

const schema = yup
  .object({
    clientKey: text('clientKey').max(256, 'clientKey is too long'),
    clientSecret: text('clientSecret').max(512, 'clientSecret is too long'),
    redirectAppUrl: text('redirectAppUrl').test(
      'redirectAppUrl',
      'redirectAppUrl must be an absolute URL: a universal/app link (https://…) or an app scheme (myapp://…)',
      (value) =>
        value === undefined ||
        (isUrlWithScheme(value) && !SCRIPT_SCHEMES.includes(new URL(value).protocol))
    ),
    strapiUrl: httpUrl('strapiUrl', withoutTrailingSlash),
    scopes: yup
      .array(
        yup
          .string()
          .required()
          .matches(/^[a-z0-9_.]+$/, 'scopes must be TikTok scope names such as user.info.basic')
      )
      .required()
      .test('basic', `scopes must include ${BASIC_SCOPE}`, (value) => value.includes(BASIC_SCOPE)),
    identityField: yup
      .mixed<PluginConfig['identityField']>()
      .oneOf(['union_id', 'open_id'], 'identityField must be union_id or open_id')
      .required(),
    emailDomain: text('emailDomain', (value) => value.toLowerCase())
      .matches(
        /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
        'emailDomain must be a domain name such as tiktok.com'
      )
      .required(),
    tokenDelivery: yup
      .mixed<PluginConfig['tokenDelivery']>()
      .oneOf(['query', 'fragment'], 'tokenDelivery must be query or fragment')
      .required(),
    apiBaseUrl: httpUrl('apiBaseUrl', withoutTrailingSlash).required(),
    timeoutMs: yup
      .number()
      .typeError('timeoutMs must be a number of milliseconds')
      .integer('timeoutMs must be a whole number of milliseconds')
      .min(100, 'timeoutMs must be at least 100')
      .max(60000, 'timeoutMs must be at most 60000')
      .required(),
    authorizeUrl: httpUrl('authorizeUrl').required(),
    redirectWith: yup
      .mixed<PluginConfig['redirectWith']>()
      .oneOf(['tiktok_token', 'strapi_jwt'], 'redirectWith must be tiktok_token or strapi_jwt')
      .required(),
    allowedRedirectUris: yup.array(httpUrl('allowedRedirectUris').required()).required(),
    stateTtlSeconds: yup
      .number()
      .typeError('stateTtlSeconds must be a number of seconds')
      .integer('stateTtlSeconds must be a whole number of seconds')
      .min(60, 'stateTtlSeconds must be at least 60')
      .max(3600, 'stateTtlSeconds must be at most 3600')
      .required(),
    stateSecret: text('stateSecret').min(32, 'stateSecret must be at least 32 characters'),
    rateLimitWindowMs: yup
      .number()
      .typeError('rateLimitWindowMs must be a number of milliseconds')
      .integer('rateLimitWindowMs must be a whole number of milliseconds')
      .min(1000, 'rateLimitWindowMs must be at least 1000')
      .max(86400000, 'rateLimitWindowMs must be at most 86400000 (a day)')
      .required(),
    rateLimitMax: yup
      .number()
      .typeError('rateLimitMax must be a number of requests')
      .integer('rateLimitMax must be a whole number of requests')
      .min(0, 'rateLimitMax must be 0 (off) or more')
      .max(100000, 'rateLimitMax must be at most 100000')
      .required(),
    flows: yup
      .array(
        yup
          .mixed<Flow>()
          .oneOf([...FLOWS], `flows must be a list of ${FLOWS.join(', ')}`)
          .required()
      )
      .required()
      .min(1, `flows must name at least one of ${FLOWS.join(', ')}`),
    rateLimitStore: yup
      .mixed<PluginConfig['rateLimitStore']>()
      .oneOf([...RATE_LIMIT_STORES], 'rateLimitStore must be database, redis or memory')
      .required(),
    rateLimitRedisUrl: text('rateLimitRedisUrl')
      .test(
        'rateLimitRedisUrl',
        'rateLimitRedisUrl must be a redis:// or rediss:// URL',
        (value) => value === undefined || isUrlWithScheme(value, ['redis:', 'rediss:'])
      )
      .when('rateLimitStore', {
        is: 'redis',
        then: (field) =>
          field.required("rateLimitRedisUrl is required when rateLimitStore is 'redis'"),
      }),
  })
  .noUnknown(true, ({ unknown }) => `unknown key(s): ${unknown}`)
  .strict(false);

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/** A comma-separated env value (or config string) becomes a list; arrays pass through. */
const toList = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : value;

/**
 * Merges the plugin config with its env fallbacks and validates the result. Throws a
 * `ConfigError` naming every malformed key; values are never echoed, as some are secrets.
 */
export const parseConfig = (raw: unknown, env: Env): PluginConfig => {
  const given: Record<string, unknown> =
    raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  const merged: Record<string, unknown> = { ...given };

  const fallbacks: Record<string, string> = {
    ...REQUIRED_SETTINGS,
    ...OPTIONAL_SETTINGS,
    ...DERIVED_SETTINGS,
  };
  for (const [key, envName] of Object.entries(fallbacks)) {
    if (isBlank(merged[key])) merged[key] = isBlank(env[envName]) ? undefined : env[envName];
  }
  for (const key of Object.keys(OPTIONAL_SETTINGS) as OptionalSetting[]) {
    if (isBlank(merged[key])) merged[key] = DEFAULTS[key];
  }
  merged.scopes = toList(merged.scopes);
  merged.allowedRedirectUris = toList(merged.allowedRedirectUris);
  merged.flows = toList(merged.flows);

  try {
    return schema.validateSync(merged, { abortEarly: false, stripUnknown: false });
  } catch (error) {
    if (error instanceof yup.ValidationError) throw new ConfigError(error.errors);
    throw error;
  }
};

/** The env names of the required settings that are unset, in the spec's order. */
export const missingSettings = (config: PluginConfig): RequiredEnvName[] =>
  (Object.keys(REQUIRED_SETTINGS) as RequiredSetting[])
    .filter((key) => isBlank(config[key]))
    .map((key) => REQUIRED_SETTINGS[key]);

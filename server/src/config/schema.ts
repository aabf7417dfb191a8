import * as yup from 'yup';
import {
  BASIC_SCOPE,
  FLOWS,
  PROFILE_FIELDS,
  RATE_LIMIT_STORES,
  type Flow,
  type PluginConfig,
} from './settings';

// What a valid value is. Which value applies (plugin config, env, default) is settings.ts's and
// parse.ts's business: the schema sees the merged result only.

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

const PROFILE_FIELD_NAMES = Object.keys(PROFILE_FIELDS);
const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `profileSync`: TikTok field names to user attribute names, each attribute written by one field
 * at most. Whether the user model has the attribute is checked at bootstrap, when it is known.
 */
const profileSync = yup
  .mixed<PluginConfig['profileSync']>()
  .test(
    'profileSync',
    'profileSync must map TikTok fields to user attributes, e.g. { displayName: "displayName" } (env: displayName:displayName,avatarUrl:avatar)',
    isMapping
  )
  .test(
    'profileSyncFields',
    `profileSync keys must be TikTok fields: ${PROFILE_FIELD_NAMES.join(', ')}`,
    (value) =>
      !isMapping(value) || Object.keys(value).every((field) => PROFILE_FIELD_NAMES.includes(field))
  )
  .test(
    'profileSyncAttributes',
    'profileSync values must be user attribute names, each used once',
    (value) => {
      const attributes = isMapping(value) ? Object.values(value) : [];
      return (
        attributes.every((name) => typeof name === 'string' && ATTRIBUTE_NAME.test(name)) &&
        new Set(attributes).size === attributes.length
      );
    }
  )
  .required();

export const schema = yup
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
    profileSync,
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
    storeTokens: yup.boolean().typeError('storeTokens must be true or false').required(),
    tokenEncryptionKey: text('tokenEncryptionKey').min(
      32,
      'tokenEncryptionKey must be at least 32 characters'
    ),
    // Any length: a previous key may be an APP_KEYS entry (Strapi makes 24-character ones).
    tokenEncryptionPreviousKeys: yup
      .array(text('tokenEncryptionPreviousKeys').required())
      .required(),
  })
  .noUnknown(true, ({ unknown }) => `unknown key(s): ${unknown}`)
  .strict(false);

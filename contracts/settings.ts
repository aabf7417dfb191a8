/** Every plugin setting, by its key in `config/plugins` (the env name is in the status report). */
export type SettingKey =
  | 'clientKey'
  | 'clientSecret'
  | 'redirectAppUrl'
  | 'strapiUrl'
  | 'scopes'
  | 'identityField'
  | 'emailDomain'
  | 'tokenDelivery'
  | 'apiBaseUrl'
  | 'timeoutMs'
  | 'authorizeUrl'
  | 'redirectWith'
  | 'allowedRedirectUris'
  | 'stateTtlSeconds'
  | 'rateLimitWindowMs'
  | 'rateLimitMax'
  | 'flows'
  | 'rateLimitStore'
  | 'profileSync'
  | 'stateSecret'
  | 'rateLimitRedisUrl'
  | 'storeTokens'
  | 'tokenEncryptionKey'
  | 'tokenEncryptionPreviousKeys';

/** Where a setting's value came from, in the config's order of precedence. */
export type SettingSource = 'plugin-config' | 'env' | 'default' | 'unset';

/**
 * - `set`: a value was given and nothing known is wrong with it;
 * - `default`: nothing was given and the plugin's default (or derived key) applies;
 * - `missing`: a required setting is unset, so every route refuses to run;
 * - `invalid`: the value passed boot validation but TikTok will refuse it.
 *   Malformed values never get here: they stop Strapi at boot.
 */
export type SettingState = 'set' | 'default' | 'missing' | 'invalid';

export interface SettingStatus {
  key: SettingKey;
  envName: string;
  required: boolean;
  state: SettingState;
  source: SettingSource;
  /** Both a plugin config value and the env variable are set: the env variable is ignored. */
  envIgnored: boolean;
  /** The effective value; absent for secrets, which are only ever reported as set. */
  value?: string | number | boolean | string[];
  problems: string[];
}

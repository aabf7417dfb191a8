import {
  DERIVED_SETTINGS,
  OPTIONAL_SETTINGS,
  REQUIRED_SETTINGS,
  TIKTOK_API_BASE_URL,
  isBlank,
  type PluginConfig,
} from './schema';

type Env = Record<string, string | undefined>;

const ENV_NAMES = { ...REQUIRED_SETTINGS, ...OPTIONAL_SETTINGS, ...DERIVED_SETTINGS };

export type SettingKey = keyof typeof ENV_NAMES;

/** Where a setting's value came from, in parseConfig's order of precedence. */
export type SettingSource = 'plugin-config' | 'env' | 'default' | 'unset';

/**
 * - `set`: a value was given and nothing known is wrong with it;
 * - `default`: nothing was given and the plugin's default (or derived key) applies;
 * - `missing`: a required setting is unset, so every route refuses to run;
 * - `invalid`: the value passed boot validation but TikTok will refuse it (see `problemsOf`).
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
  value?: string | number | string[];
  problems: string[];
}

/** Settings whose value is never shown anywhere, not even to an admin (a Redis URL may hold a password). */
export const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set([
  'clientSecret',
  'stateSecret',
  'rateLimitRedisUrl',
]);

/** Per setting, where parseConfig took its value from; mirrors parseConfig's precedence. */
export const settingSources = (raw: unknown, env: Env): Record<SettingKey, SettingSource> => {
  const given = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const entries = (Object.entries(ENV_NAMES) as [SettingKey, string][]).map(([key, envName]) => {
    if (!isBlank(given[key])) return [key, 'plugin-config'];
    if (!isBlank(env[envName])) return [key, 'env'];
    return [key, key in OPTIONAL_SETTINGS ? 'default' : 'unset'];
  });
  return Object.fromEntries(entries) as Record<SettingKey, SettingSource>;
};

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What TikTok's developer portal refuses in a redirect URI although it is a valid URL: anything
 * but https, this machine, and a query or fragment.
 */
export const redirectUriProblems = (uri: string): string[] => {
  const url = new URL(uri);
  const problems: string[] = [];
  if (url.protocol !== 'https:') problems.push(`${uri}: TikTok only accepts https redirect URIs`);
  if (LOCAL_HOSTS.has(url.hostname)) {
    problems.push(`${uri}: TikTok refuses localhost redirect URIs`);
  }
  if (url.search || url.hash) {
    problems.push(`${uri}: TikTok refuses redirect URIs with a query or fragment`);
  }
  return problems;
};

/**
 * Problems boot validation lets through, for the settings that become TikTok redirect URIs. Only
 * TikTok itself is that strict: pointed at a local emulator, any URL is fine.
 */
const problemsOf = (key: SettingKey, config: PluginConfig, callbackUrl?: string): string[] => {
  if (config.apiBaseUrl !== TIKTOK_API_BASE_URL) return [];
  if (key === 'strapiUrl' && callbackUrl) return redirectUriProblems(callbackUrl);
  if (key === 'allowedRedirectUris') return config.allowedRedirectUris.flatMap(redirectUriProblems);
  return [];
};

/**
 * The state of every setting for the admin page, from the raw plugin config, the environment
 * and the config parsed from both at boot. Secrets are reported as set or not, never shown.
 */
export const describeSettings = (
  raw: unknown,
  env: Env,
  config: PluginConfig,
  callbackUrl?: string
): SettingStatus[] => {
  const sources = settingSources(raw, env);
  return (Object.entries(ENV_NAMES) as [SettingKey, string][]).map(([key, envName]) => {
    const required = key in REQUIRED_SETTINGS;
    const source = sources[key];
    const value = config[key];
    const problems = isBlank(value) ? [] : problemsOf(key, config, callbackUrl);
    let state: SettingState;
    if (isBlank(value)) state = required ? 'missing' : 'default';
    else if (problems.length > 0) state = 'invalid';
    else state = source === 'default' ? 'default' : 'set';
    return {
      key,
      envName,
      required,
      state,
      source: isBlank(value) && source !== 'default' ? 'unset' : source,
      envIgnored: source === 'plugin-config' && !isBlank(env[envName]),
      ...(SECRET_SETTINGS.has(key) || isBlank(value) ? {} : { value }),
      problems,
    };
  });
};

import type { SettingKey, SettingState, SettingStatus } from '../../../contracts/settings';
import { isBlank, resolveSettings } from './parse';
import { TIKTOK_API_BASE_URL, isRequired, isSecret, type PluginConfig } from './settings';

type Env = Record<string, string | undefined>;

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

/** A value as the page lists it: a mapping (profileSync) as `field → attribute` lines. */
const shown = (value: NonNullable<PluginConfig[SettingKey]>): SettingStatus['value'] =>
  typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value).map(([from, to]) => `${from} → ${to}`)
    : value;

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
  return resolveSettings(raw, env).map(({ key, source, envName, envSet }) => {
    const required = isRequired(key);
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
      envIgnored: source === 'plugin-config' && envSet,
      ...(isSecret(key) || isBlank(value) ? {} : { value: shown(value) }),
      problems,
    };
  });
};

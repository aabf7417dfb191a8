import * as yup from 'yup';
import type { SettingKey, SettingSource } from '../../../contracts/settings';
import { schema } from './schema';
import {
  SETTINGS,
  SETTING_ENTRIES,
  envNamesOf,
  isRequired,
  type PluginConfig,
  type RequiredEnvName,
  type RequiredSetting,
} from './settings';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

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
 * `displayName:displayName,avatarUrl:avatar` (env, or a config string) becomes an object;
 * objects pass through. Anything else is left for the schema to name.
 */
const toMap = (value: unknown) => {
  if (typeof value !== 'string') return value;
  const pairs = (toList(value) as string[]).map((pair) =>
    pair.split(':').map((part) => part.trim())
  );
  if (pairs.some((pair) => pair.length !== 2 || pair.includes(''))) return value;
  return Object.fromEntries(pairs);
};

const givenIn = (raw: unknown): Record<string, unknown> =>
  raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};

/**
 * The one precedence of every setting: the plugin config, else its env variable (the
 * `TIKTOK_`-prefixed one first, where there is one), else its default (optional settings), else
 * unset. A blank value (`''`, null) counts as not given. `envName` is the variable that was read,
 * or would be.
 */
export const resolveSettings = (raw: unknown, env: Env) => {
  const given = givenIn(raw);
  return SETTING_ENTRIES.map(([key, spec]) => {
    const names = envNamesOf(spec);
    const envName = names.find((name) => !isBlank(env[name]));
    const resolved = { key, envName: envName ?? spec.env, envSet: envName !== undefined };
    if (!isBlank(given[key])) {
      return { ...resolved, source: 'plugin-config' as const, value: given[key] };
    }
    if (envName) return { ...resolved, source: 'env' as const, value: env[envName] };
    if (spec.kind === 'optional') {
      return { ...resolved, source: 'default' as const, value: spec.default };
    }
    return { ...resolved, source: 'unset' as const, value: undefined };
  });
};

/** Per setting, where parseConfig takes its value from. */
export const settingSources = (raw: unknown, env: Env): Record<SettingKey, SettingSource> =>
  Object.fromEntries(resolveSettings(raw, env).map(({ key, source }) => [key, source])) as Record<
    SettingKey,
    SettingSource
  >;

/**
 * Merges the plugin config with its env fallbacks and defaults, and validates the result. Throws
 * a `ConfigError` naming every malformed key; values are never echoed, as some are secrets.
 */
export const parseConfig = (raw: unknown, env: Env): PluginConfig => {
  // Unknown keys stay in, so that the schema names them.
  const merged = givenIn(raw);
  for (const { key, value } of resolveSettings(raw, env)) {
    const spec = SETTINGS[key];
    merged[key] = 'list' in spec ? toList(value) : 'map' in spec ? toMap(value) : value;
  }
  try {
    return schema.validateSync(merged, { abortEarly: false, stripUnknown: false });
  } catch (error) {
    if (error instanceof yup.ValidationError) throw new ConfigError(error.errors);
    throw error;
  }
};

/** The env names of the required settings that are unset, in the table's order. */
export const missingSettings = (config: PluginConfig): RequiredEnvName[] =>
  SETTING_ENTRIES.map(([key]) => key)
    .filter((key): key is RequiredSetting => isRequired(key) && isBlank(config[key]))
    .map((key) => SETTINGS[key].env);

import type { Core } from '@strapi/strapi';
import { PLUGIN_CONFIG_KEY, ROUTE_BASE, ROUTES } from '../constants';
import { perInstance } from '../lib/per-instance';
import { missingSettings, parseConfig } from './parse';
import type { PluginConfig, RequiredEnvName } from './settings';

const appKeys = (strapi: Core.Strapi): string[] => {
  const keys: unknown = strapi.config.get('server.app.keys');
  return Array.isArray(keys)
    ? keys.filter((key): key is string => typeof key === 'string' && key !== '')
    : [];
};

/** The plugin's configuration, parsed once per Strapi instance and handed out typed. */
export const pluginConfig = perInstance((strapi: Core.Strapi) => {
  const parsed = parseConfig(strapi.config.get(PLUGIN_CONFIG_KEY), process.env);
  const missing = missingSettings(parsed);
  const apiPrefix = String(strapi.config.get('api.rest.prefix', '/api')).replace(/\/+$/, '');
  const routeBase = `${apiPrefix}${ROUTE_BASE}`;
  const callbackUrl = parsed.strapiUrl
    ? `${parsed.strapiUrl}${routeBase}${ROUTES.callback}`
    : undefined;
  const webhookUrl = parsed.strapiUrl
    ? `${parsed.strapiUrl}${routeBase}${ROUTES.webhook}`
    : undefined;
  const allowedRedirectUris =
    parsed.allowedRedirectUris.length > 0
      ? parsed.allowedRedirectUris
      : callbackUrl
        ? [callbackUrl]
        : [];
  const stateSecrets = parsed.stateSecret ? [parsed.stateSecret] : appKeys(strapi);
  const tokenSecrets = [
    ...(parsed.tokenEncryptionKey ? [parsed.tokenEncryptionKey] : appKeys(strapi)),
    ...parsed.tokenEncryptionPreviousKeys,
  ];

  return {
    get: (): PluginConfig => parsed,

    /** Env names of the required settings that are unset; empty when the plugin can run. */
    missing: (): readonly RequiredEnvName[] => missing,

    /** The redirect URI to register at TikTok, following a changed `api.rest.prefix`. */
    callbackUrl: (): string | undefined => callbackUrl,

    /** The webhook callback URL to register in the TikTok portal. */
    webhookUrl: (): string | undefined => webhookUrl,

    /** The path the plugin's routes live under, e.g. `/api/tiktok-auth-mobile`. */
    routeBase: (): string => routeBase,

    /** The `redirect_uri` values `/token` accepts, compared exactly as TikTok compares them. */
    allowedRedirectUris: (): readonly string[] => allowedRedirectUris,

    /**
     * Keys for the `/authorize` state cookie: `stateSecret`, else Strapi's `APP_KEYS`, which every
     * instance of one app shares; empty only if the app has neither.
     */
    stateSecrets: (): readonly string[] => stateSecrets,

    /**
     * Secrets of the token vault, the sealing one first: `tokenEncryptionKey`, else Strapi's
     * `APP_KEYS` (which rotate the same way: new one first), then `tokenEncryptionPreviousKeys`.
     * Empty only if the app has none of them.
     */
    tokenSecrets: (): readonly string[] => tokenSecrets,

    /** Whether people reach this Strapi over https (TLS often ends at a proxy in front of it). */
    isPublicUrlHttps: (): boolean => parsed.strapiUrl?.startsWith('https:') ?? false,
  };
});

export type PluginConfigAccess = ReturnType<typeof pluginConfig>;

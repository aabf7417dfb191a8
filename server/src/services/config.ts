import type { Core } from '@strapi/strapi';
import {
  missingSettings,
  parseConfig,
  type PluginConfig,
  type RequiredEnvName,
} from '../config/schema';
import { PLUGIN_CONFIG_KEY, PLUGIN_ID } from '../plugin-id';

/** The plugin's configuration, parsed once per Strapi instance and handed out typed. */
const config = ({ strapi }: { strapi: Core.Strapi }) => {
  const parsed = parseConfig(strapi.config.get(PLUGIN_CONFIG_KEY), process.env);
  const missing = missingSettings(parsed);
  const apiPrefix = String(strapi.config.get('api.rest.prefix', '/api')).replace(/\/+$/, '');
  const routeBase = `${apiPrefix}/${PLUGIN_ID}`;
  const callbackUrl = parsed.strapiUrl ? `${parsed.strapiUrl}${routeBase}/callback` : undefined;

  return {
    get: (): PluginConfig => parsed,

    /** Env names of the required settings that are unset; empty when the plugin can run. */
    missing: (): readonly RequiredEnvName[] => missing,

    /** Path of the plugin's content-API routes, e.g. `/api/tiktok-auth-mobile`. */
    routeBase: (): string => routeBase,

    /** The redirect URI to register at TikTok, following a changed `api.rest.prefix`. */
    callbackUrl: (): string | undefined => callbackUrl,
  };
};

export default config;

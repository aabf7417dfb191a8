import type { Core } from '@strapi/strapi';
import { ConfigError } from './config/parse';
import { profileSyncProblems } from './config/profile-sync';
import { pluginConfig } from './config/runtime';
import { TIKTOK_API_BASE_URL, TIKTOK_AUTHORIZE_URL, type PluginConfig } from './config/settings';
import { ADMIN_ACTIONS, PLUGIN_ID, USER_UID } from './constants';
import { ensureExactIdColumns } from './content-types/exact-ids';
import { registerWebhookEvents } from './events';
import { MESSAGES } from './messages';
import { rateLimits } from './rate-limit/budget';

/** The TikTok URLs of `config` whose origin is not TikTok's own, e.g. a forgotten emulator URL. */
const nonTikTokUrls = (config: PluginConfig) =>
  (
    [
      ['apiBaseUrl', config.apiBaseUrl, TIKTOK_API_BASE_URL],
      ['authorizeUrl', config.authorizeUrl, TIKTOK_AUTHORIZE_URL],
    ] as const
  ).filter(([, value, official]) => new URL(value).origin !== new URL(official).origin);

/**
 * Koa trusts X-Forwarded-For when `server.proxy.koa` is on; with `maxIpsCount` 0 it takes the
 * leftmost address, which is whatever the client wrote there.
 */
const trustsAnyForwardedClaim = (strapi: Core.Strapi): boolean =>
  Boolean(strapi.config.get('server.proxy.koa')) &&
  !(Number(strapi.config.get('server.proxy.maxIpsCount', 0)) > 0);

/** Stops boot when profile sync names a user attribute it cannot write (config is checked earlier). */
const checkProfileSync = (strapi: Core.Strapi, config: PluginConfig) => {
  const attributes = (strapi.getModel(USER_UID)?.attributes ?? {}) as Record<
    string,
    { type?: string }
  >;
  const problems = profileSyncProblems(config.profileSync, attributes);
  if (problems.length > 0) throw new ConfigError(problems);
};

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  const config = pluginConfig(strapi);
  checkProfileSync(strapi, config.get());
  if (config.get().storeTokens && config.tokenSecrets().length === 0) {
    throw new ConfigError([MESSAGES.tokenVaultWithoutKey]);
  }
  await strapi.service('admin::permission').actionProvider.registerMany(ADMIN_ACTIONS);
  registerWebhookEvents(strapi);
  await ensureExactIdColumns(strapi);
  await rateLimits(strapi).start();
  if (trustsAnyForwardedClaim(strapi)) {
    strapi.log.warn(`[${PLUGIN_ID}] ${MESSAGES.proxyTrustsAnyClaim}`);
  }

  if (process.env.NODE_ENV === 'production') {
    // Whoever answers at apiBaseUrl decides who signs in: in production it must be TikTok.
    for (const [key, value, official] of nonTikTokUrls(config.get())) {
      strapi.log.warn(
        `[${PLUGIN_ID}] SECURITY WARNING: ${key} is ${value}, not TikTok's ${official}, in production. ` +
          'That server decides who signs in. Point it at an emulator in development only.'
      );
    }
  }
  const missing = config.missing();
  if (missing.length > 0) {
    strapi.log.warn(
      `[${PLUGIN_ID}] ${MESSAGES.unsetVariables(missing)}. Its routes answer 500 until they are set.`
    );
    return;
  }
  strapi.log.info(
    `[${PLUGIN_ID}] ready; TikTok redirect URI: ${config.callbackUrl()}; ` +
      `/token accepts redirect_uri: ${config.allowedRedirectUris().join(', ')}`
  );
};

export default bootstrap;

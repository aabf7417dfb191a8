import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { BASIC_SCOPE } from '../config/schema';
import { MESSAGES } from '../errors';
import { appRedirectUrl } from '../redirect';
import { getService } from '../utils/get-service';
import { readAccessToken, readCallbackQuery, readDeviceId } from './validation';

// A TikTok error description is shown to the app as is, but never at any length.
const MAX_DESCRIPTION_LENGTH = 500;

const auth = ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => getService(strapi, 'config');

  /** Answers the spec's 500 when a required setting is unset; true when the route may go on. */
  const ensureConfigured = (ctx: Context): boolean => {
    const missing = settings().missing();
    if (missing.length === 0) return true;
    ctx.internalServerError(MESSAGES.unsetVariables(missing));
    return false;
  };

  /**
   * Strapi's request logger prints `ctx.url` once the response is ready: swap TikTok's one-time
   * code in it for a placeholder, so that the code never reaches a log.
   */
  const redactCode = (ctx: Context) => {
    const params = new URLSearchParams(ctx.querystring);
    if (!params.has('code')) return;
    params.set('code', '[redacted]');
    ctx.querystring = params.toString();
  };

  const handleCallback = async (ctx: Context) => {
    if (!ensureConfigured(ctx)) return;
    const config = settings().get();
    const query = readCallbackQuery(ctx.query);

    const toApp = (params: Record<string, string | undefined>) => {
      // The token travels in the URL: keep it out of caches and of the next page's Referer.
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Referrer-Policy', 'no-referrer');
      ctx.redirect(
        appRedirectUrl(
          config.redirectAppUrl!,
          { ...params, state: query?.state },
          config.tokenDelivery
        )
      );
    };

    if (!query) return toApp({ error: MESSAGES.invalidCallback });
    if (query.error) {
      return toApp({
        error: query.error,
        error_description: query.error_description?.slice(0, MAX_DESCRIPTION_LENGTH),
      });
    }
    if (!query.code) return toApp({ error: MESSAGES.noCode });
    const scopes = (query.scopes ?? '').split(',').map((scope) => scope.trim());
    if (!scopes.includes(BASIC_SCOPE)) return toApp({ error: MESSAGES.missingScopes });

    try {
      const token = await getService(strapi, 'tiktok').exchangeCode({
        code: query.code,
        redirectUri: settings().callbackUrl()!,
      });
      return toApp({ access_token: token.access_token });
    } catch (error) {
      const message =
        error instanceof errors.ApplicationError
          ? error.message
          : MESSAGES.tokenExchangeFailed('unexpected error');
      return toApp({ error: message });
    }
  };

  return {
    /** `GET /callback`: TikTok's redirect after login; answers with a redirect to the app. */
    async callback(ctx: Context) {
      try {
        await handleCallback(ctx);
      } finally {
        redactCode(ctx);
      }
    },

    /** `POST /connect`: a TikTok access token in, a Strapi session out. */
    async connect(ctx: Context) {
      if (!ensureConfigured(ctx)) return;
      const accessToken = readAccessToken(ctx.request.body);

      const profile = await getService(strapi, 'tiktok').fetchUser(accessToken);
      const user = await getService(strapi, 'accounts').findOrCreate(profile);
      if (user.blocked) throw new errors.ApplicationError(MESSAGES.blocked);

      ctx.body = await getService(strapi, 'session').signIn(
        user,
        ctx,
        readDeviceId(ctx.request.body)
      );
    },
  };
};

export default auth;

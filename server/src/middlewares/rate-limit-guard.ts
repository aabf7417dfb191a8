import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { errors } from '@strapi/utils';
import { clientKey } from '../lib/http/client-key';
import { MESSAGES } from '../messages';
import { rateLimits } from '../rate-limit/budget';
import { retryAfterOf, retryAfterSeconds } from '../rate-limit/refusals';

export interface RateLimitMiddlewareConfig {
  /**
   * The route answers with a redirect to the app whatever happens (`/callback`): a refused
   * request goes on to the controller, marked, instead of getting a JSON 429.
   */
  redirects?: boolean;
}

/** Set on `ctx.state` of a refused `/callback`: the controller redirects with the error. */
export const RATE_LIMITED = 'tiktokAuthMobileRateLimited';

/**
 * Strapi's request logger prints `ctx.url` once the answer is ready, whatever happened on the
 * way: swap TikTok's one-time code in it for a placeholder, so that it never reaches a log.
 */
const redactCode = (ctx: Context) => {
  const params = new URLSearchParams(ctx.querystring);
  if (!params.has('code')) return;
  params.set('code', '[redacted]');
  ctx.querystring = params.toString();
};

/**
 * The first of the route middlewares of every route that calls TikTok: counts the request
 * against its client's budget (one per client for the whole cluster) before anything reaches
 * TikTok, and redacts the callback's code on every path, refusals and errors included.
 */
const rateLimitGuard =
  (config: RateLimitMiddlewareConfig | undefined, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: Next) => {
    try {
      const verdict = await rateLimits(strapi).consume(clientKey(ctx));
      if (!verdict.allowed) {
        ctx.set('Retry-After', String(retryAfterSeconds(verdict.retryAfterMs)));
        if (!config?.redirects) throw new errors.RateLimitError(MESSAGES.tooManyRequests);
        ctx.state[RATE_LIMITED] = true;
      }
      await next();
    } catch (error) {
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined) ctx.set('Retry-After', String(retryAfter));
      throw error;
    } finally {
      redactCode(ctx);
    }
  };

export default rateLimitGuard;

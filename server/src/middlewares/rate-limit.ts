import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { errors } from '@strapi/utils';
import { MESSAGES } from '../errors';
import { getService } from '../utils/get-service';

/**
 * Refuses a client over its budget with Strapi's 429 before anything reaches TikTok. The client
 * is `ctx.request.ip`: the socket address, or the forwarded one when Strapi runs with
 * `server.proxy` (so a reverse proxy does not make every visitor one client).
 */
const rateLimit =
  (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: Next) => {
    const verdict = getService(strapi, 'rateLimit').hit(ctx.request.ip);
    if (!verdict.allowed) {
      ctx.set('Retry-After', String(Math.ceil(verdict.retryAfterMs / 1000)));
      throw new errors.RateLimitError(MESSAGES.tooManyRequests);
    }
    await next();
  };

export default rateLimit;

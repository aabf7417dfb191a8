import type { Core } from '@strapi/strapi';
import { RateLimiter } from '../rate-limiter';
import { getService } from '../utils/get-service';

// About 100 bytes per tracked client: a ceiling of a few MB whatever a flood of addresses does.
const MAX_TRACKED_CLIENTS = 50_000;

/** One limiter per Strapi instance, shared by every route that calls TikTok. */
const rateLimit = ({ strapi }: { strapi: Core.Strapi }) => {
  const { rateLimitWindowMs, rateLimitMax } = getService(strapi, 'config').get();
  const limiter = new RateLimiter({
    windowMs: rateLimitWindowMs,
    max: rateLimitMax,
    maxClients: MAX_TRACKED_CLIENTS,
  });
  return { hit: (client: string) => limiter.hit(client) };
};

export default rateLimit;

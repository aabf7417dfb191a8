import { errors } from '@strapi/utils';
import { MESSAGES } from '../messages';

/** A refusal that tells the client when to come back: the `Retry-After` header, in seconds. */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** TikTok answered 429 (now or on another instance): no call to it until the pause ends. */
export const tikTokRateLimited = (pauseMs: number) =>
  new errors.RateLimitError(MESSAGES.tikTokRateLimited, {
    retryAfter: retryAfterSeconds(pauseMs),
  });

/** The `Retry-After` seconds a refusal carries (TikTok's pause), if any. */
export const retryAfterOf = (error: unknown): number | undefined => {
  if (!(error instanceof errors.RateLimitError)) return undefined;
  const value = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof value === 'number' ? value : undefined;
};

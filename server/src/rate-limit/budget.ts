import type { Core } from '@strapi/strapi';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { pluginConfig } from '../config/runtime';
import { PLUGIN_ID } from '../constants';
import { perInstance } from '../lib/per-instance';
import { FallbackLimiter, openSharedStore, type LimiterOptions, type SharedStore } from './stores';

export interface Verdict {
  allowed: boolean;
  /** Milliseconds until the client's window ends. */
  retryAfterMs: number;
}

// A pause TikTok asked for, as seen by another instance, is read from the store at most this
// often per endpoint: a sign-in pays nothing for it the rest of the time.
const PAUSE_REFRESH_MS = 1000;

interface LocalPause {
  until: number;
  checkedAt: number;
}

/**
 * The budget of the routes that call TikTok, one per client for the whole cluster, and TikTok's
 * own "slow down" for each endpoint. Counts live in `rateLimitStore`; until `start()` has opened
 * it (and in unit tests, which never do), in this process's memory.
 */
export const rateLimits = perInstance((strapi: Core.Strapi) => {
  const config = pluginConfig(strapi).get();
  const budgetOptions: LimiterOptions = {
    keyPrefix: `${PLUGIN_ID}:budget`,
    points: config.rateLimitMax,
    // rate-limiter-flexible counts in seconds: a window is rounded up to whole ones.
    duration: Math.ceil(config.rateLimitWindowMs / 1000),
  };
  const pauseOptions: LimiterOptions = { keyPrefix: `${PLUGIN_ID}:pause`, points: 1, duration: 1 };
  const limited = config.rateLimitMax > 0;

  let budget: RateLimiterAbstract = new RateLimiterMemory(budgetOptions);
  let pauses: RateLimiterAbstract = new RateLimiterMemory(pauseOptions);
  let store: SharedStore | undefined;
  const localPauses = new Map<string, LocalPause>();
  const pauseReads = new Map<string, Promise<number>>();

  /** Reads the pause another instance may have stored, and keeps it as the local copy. */
  const readSharedPause = async (endpoint: string): Promise<number> => {
    const shared = await pauses.get(endpoint).catch(() => null);
    const now = Date.now();
    const left =
      shared && (shared.consumedPoints ?? 0) > pauseOptions.points ? shared.msBeforeNext : 0;
    localPauses.set(endpoint, { until: now + left, checkedAt: now });
    return left;
  };

  let warned = false;
  const storeFailed = () => {
    if (warned) return;
    warned = true;
    strapi.log.warn(
      `[${PLUGIN_ID}] the rate-limit store (${config.rateLimitStore}) failed: counting in this ` +
        "process's memory while it does, so each instance keeps its own budget until it answers again"
    );
  };

  return {
    /** Opens the shared store and moves the counts there (boot, after Strapi's database). */
    async start(): Promise<void> {
      store = await openSharedStore(strapi, config, storeFailed);
      if (!store) return;
      budget = store.limiter({
        ...budgetOptions,
        // A client over its budget is refused from memory until its window ends: a flood
        // costs the store nothing.
        inMemoryBlockOnConsumed: config.rateLimitMax + 1,
        insuranceLimiter: new FallbackLimiter(budgetOptions, storeFailed),
      });
      pauses = store.limiter({
        ...pauseOptions,
        insuranceLimiter: new RateLimiterMemory(pauseOptions),
      });
    },

    async stop(): Promise<void> {
      await store?.close();
    },

    /** Counts one request of `client` against its budget; `rateLimitMax: 0` allows everything. */
    async consume(client: string): Promise<Verdict> {
      if (!limited) return { allowed: true, retryAfterMs: 0 };
      try {
        const result = await budget.consume(client);
        return { allowed: true, retryAfterMs: result.msBeforeNext };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          return { allowed: false, retryAfterMs: refusal.msBeforeNext };
        }
        throw refusal;
      }
    },

    /** Milliseconds left of a pause TikTok asked for on `endpoint` (0: call it). */
    async tikTokPause(endpoint: string): Promise<number> {
      const now = Date.now();
      const local = localPauses.get(endpoint);
      if (local && local.until > now) return local.until - now;
      if (local && now - local.checkedAt < PAUSE_REFRESH_MS) return 0;
      // Sign-ins arriving while the store is read wait for that one read.
      let read = pauseReads.get(endpoint);
      if (!read) {
        read = readSharedPause(endpoint).finally(() => pauseReads.delete(endpoint));
        pauseReads.set(endpoint, read);
      }
      return read;
    },

    /** Stops calls to `endpoint` for `ms`, on every instance that shares the store. */
    async pauseTikTok(endpoint: string, ms: number): Promise<void> {
      const now = Date.now();
      localPauses.set(endpoint, { until: now + ms, checkedAt: now });
      await pauses.block(endpoint, Math.ceil(ms / 1000)).catch(() => undefined);
    },
  };
});

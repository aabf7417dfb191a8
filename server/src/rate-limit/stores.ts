import type { Core } from '@strapi/strapi';
import {
  RateLimiterMemory,
  RateLimiterMySQL,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { PluginConfig } from '../config/settings';
import { PLUGIN_ID, RATE_LIMIT_TABLE } from '../constants';
import { MESSAGES } from '../messages';

// Rows of windows that ended an hour ago are deleted every five minutes (a row is reused by its
// client's next window, so only clients that went away are ever swept).
const SWEEP_EVERY_MS = 5 * 60 * 1000;
const SWEEP_AFTER_MS = 60 * 60 * 1000;
// How long boot waits for Redis before counting in memory until it answers.
const REDIS_READY_TIMEOUT_MS = 3000;

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

export type StoreOptions = LimiterOptions & {
  insuranceLimiter?: RateLimiterAbstract;
  inMemoryBlockOnConsumed?: number;
};

/** Where shared counters live: one factory of limiters over it, and how to let it go. */
export interface SharedStore {
  limiter: (options: StoreOptions) => RateLimiterAbstract;
  close: () => Promise<void>;
}

/** The table rate-limiter-flexible's SQL stores expect, made portably with Strapi's knex. */
const ensureTable = async (strapi: Core.Strapi) => {
  const schema = () => strapi.db.getSchemaConnection();
  if (await schema().hasTable(RATE_LIMIT_TABLE)) return;
  try {
    await schema().createTable(RATE_LIMIT_TABLE, (table) => {
      table.string('key', 255).primary();
      table.integer('points').notNullable().defaultTo(0);
      table.bigInteger('expire');
    });
  } catch (error) {
    // Another instance booting at the same moment created it first.
    if (!(await schema().hasTable(RATE_LIMIT_TABLE))) throw error;
  }
};

/** The SQL store for the database Strapi runs on, through Strapi's own knex connection. */
const databaseStore = async (strapi: Core.Strapi): Promise<SharedStore> => {
  await ensureTable(strapi);
  const knex = strapi.db.connection;
  const common = {
    storeClient: knex,
    storeType: 'knex',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    // The library's own sweep outlives a destroyed connection; this one stops with Strapi.
    clearExpiredByTimeout: false,
  };
  const driver = String(knex.client.config.client);
  let limiter: SharedStore['limiter'];
  if (driver === 'pg' || driver === 'postgres') {
    const schemaName = strapi.db.getSchemaName();
    limiter = (options) => new RateLimiterPostgres({ ...common, schemaName, ...options });
  } else if (driver === 'mysql' || driver === 'mysql2') {
    const [rows] = (await knex.raw('SELECT DATABASE() AS name')) as [{ name: string }[]];
    const dbName = rows[0].name;
    limiter = (options) => new RateLimiterMySQL({ ...common, dbName, ...options });
  } else {
    limiter = (options) => new RateLimiterSQLite({ ...common, ...options });
  }

  const sweep = setInterval(() => {
    strapi.db
      .getConnection(RATE_LIMIT_TABLE)
      .where('expire', '<', Date.now() - SWEEP_AFTER_MS)
      .del()
      .catch(() => undefined);
  }, SWEEP_EVERY_MS);
  sweep.unref();
  return { limiter, close: async () => clearInterval(sweep) };
};

interface RedisClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  disconnect(): void;
}
type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClient;

/**
 * ioredis is an optional peer: apps on the database store never install it, and an app that
 * picks Redis without it learns so at boot, not at the first sign-in.
 */
const loadRedis = async (): Promise<RedisConstructor> => {
  try {
    // Strapi loads the CommonJS build, where require() finds the app's own ioredis.
    const loaded = // eslint-disable-next-line @typescript-eslint/no-require-imports
      (typeof require === 'function' ? require('ioredis') : await import('ioredis')) as {
        default?: RedisConstructor;
      };
    return loaded.default ?? (loaded as unknown as RedisConstructor);
  } catch {
    throw new Error(`[${PLUGIN_ID}] ${MESSAGES.redisClientMissing}`);
  }
};

const redisStore = async (url: string, onFailure: () => void): Promise<SharedStore> => {
  const Redis = await loadRedis();
  // No offline queue: while Redis is away, calls fail at once and the memory fallback answers.
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_READY_TIMEOUT_MS,
  });
  client.on('error', onFailure);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_READY_TIMEOUT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    limiter: (options) =>
      new RateLimiterRedis({ storeClient: client, rejectIfRedisNotReady: true, ...options }),
    close: async () => client.disconnect(),
  };
};

/** The shared store `rateLimitStore` names; `memory` has none. */
export const openSharedStore = (
  strapi: Core.Strapi,
  config: Pick<PluginConfig, 'rateLimitStore' | 'rateLimitRedisUrl'>,
  onFailure: () => void
): Promise<SharedStore | undefined> => {
  if (config.rateLimitStore === 'database') return databaseStore(strapi);
  if (config.rateLimitStore === 'redis') {
    return redisStore(config.rateLimitRedisUrl!, onFailure);
  }
  return Promise.resolve(undefined);
};

/**
 * The per-process counter used while the shared store fails: a client is still limited (per
 * instance) instead of either refused or let through without a count. Tells `onUse` each time.
 */
export class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: LimiterOptions,
    private readonly onUse: () => void
  ) {
    super(options);
  }

  consume(...args: Parameters<RateLimiterMemory['consume']>) {
    this.onUse();
    return super.consume(...args);
  }
}

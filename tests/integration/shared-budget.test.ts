import { randomInt } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { RATE_LIMIT_TABLE } from '../../server/src/constants';
import { StrapiProcess } from '../../dev/strapi';
import { TEST_DATABASE_CLIENT } from './databases';
import { listenOnLoopback, startTestApp, type TestApp, route } from './harness';

/**
 * Several Strapi processes are one system: the per-client budget and TikTok's own "slow down"
 * hold for the whole cluster, in the database the processes share or in Redis. The table is
 * checked on every database; two real processes need a database server (on SQLite-only runs
 * those blocks are absent), and the Redis ones TEST_REDIS_URL or REDIS_URL.
 */
const MAX = 10;
const JUNK_CALLS = 120;
const SIGN_INS = 40;
const CONNECT = route('connect');
const USER_INFO = '/v2/user/info/';
const MESSAGE = 'TikTok asked this app to slow down, please try again later.';
// Just over the interval at which an instance reads a pause set by another one.
const PAUSE_REFRESH_WAIT_MS = 1100;

/** A client address no earlier run used: a budget in Redis lives on for its window. */
const freshClient = () => `198.18.${randomInt(256)}.${randomInt(1, 255)}`;

const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
const KEY_PATTERN = 'tiktok-auth-mobile:*';

/** Redis outlives a test run: what a previous run (or the other database's) left is dropped. */
const clearRedisKeys = async () => {
  const client = new Redis(redisUrl!);
  try {
    const keys = await client.keys(KEY_PATTERN);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
};

describe(`the budget in Strapi's own ${TEST_DATABASE_CLIENT} database (the default store)`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TIKTOK_RATE_LIMIT_MAX: String(MAX), IS_PROXIED: 'true' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is one row per client in the plugin's own table, which every instance reads", async () => {
    const client = freshClient();
    for (let index = 0; index < 3; index += 1) {
      const response = await app
        .http()
        .post(CONNECT)
        .set('X-Forwarded-For', client)
        .send({ access_token: `act.row-${index}` });
      expect(response.status).toBe(400);
    }
    const rows = await app.strapi.db.connection(RATE_LIMIT_TABLE).select('key', 'points');
    expect(rows).toEqual([{ key: `tiktok-auth-mobile:budget:${client}`, points: 3 }]);
  });
});

const stores =
  TEST_DATABASE_CLIENT === 'sqlite'
    ? []
    : [
        { name: `one ${TEST_DATABASE_CLIENT} database (the default store)`, env: {}, redis: false },
        ...(redisUrl
          ? [
              {
                name: `Redis, next to one ${TEST_DATABASE_CLIENT} database`,
                env: { TIKTOK_RATE_LIMIT_STORE: 'redis', TIKTOK_RATE_LIMIT_REDIS_URL: redisUrl },
                redis: true,
              },
            ]
          : []),
      ];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const store of stores) {
  describe(`two Strapi processes sharing ${store.name}`, () => {
    let app: TestApp;
    let second: StrapiProcess | undefined;
    let urls: string[];

    beforeAll(async () => {
      if (store.redis) await clearRedisKeys();
      app = await startTestApp({
        env: {
          TIKTOK_RATE_LIMIT_MAX: String(MAX),
          TIKTOK_RATE_LIMIT_WINDOW_MS: '600000',
          IS_PROXIED: 'true',
          PROXY_MAX_IPS: '1',
          ...store.env,
        },
      });
      second = await StrapiProcess.start(app.env);
      urls = [await listenOnLoopback(app), second.url];
    });
    afterAll(async () => {
      await second?.stop();
      await app?.close();
      if (store.redis) await clearRedisKeys();
    });

    const connect = (index: number, client: string, token: string) =>
      request(urls[index % urls.length])
        .post(CONNECT)
        .set('X-Forwarded-For', client)
        .send({ access_token: token });

    it(`${JUNK_CALLS} junk /connect calls alternated over both reach TikTok ${MAX} times in total`, async () => {
      const client = freshClient();
      const before = app.emulator.callCount(USER_INFO);
      const statuses: number[] = [];
      for (let index = 0; index < JUNK_CALLS; index += 1) {
        statuses.push((await connect(index, client, `act.junk-${index}`)).status);
      }
      expect(app.emulator.callCount(USER_INFO) - before).toBe(MAX);
      expect(statuses.filter((status) => status === 400)).toHaveLength(MAX);
      expect(statuses.filter((status) => status === 429)).toHaveLength(JUNK_CALLS - MAX);
    });

    it("TikTok's 429 seen by one process pauses both", async () => {
      const before = app.emulator.callCount(USER_INFO);
      app.emulator.rateLimit(USER_INFO, 300);
      const first = await request(urls[0])
        .post(CONNECT)
        .set('X-Forwarded-For', freshClient())
        .send({ access_token: app.emulator.issueAccessToken('alice') });
      expect(first.status).toBe(429);
      // TikTok would answer again: any call that still reached it would now succeed.
      app.emulator.stopRateLimiting(USER_INFO);
      await sleep(PAUSE_REFRESH_WAIT_MS);

      const responses = await Promise.all(
        Array.from({ length: SIGN_INS }, (_, index) =>
          connect(index, freshClient(), app.emulator.issueAccessToken('alice'))
        )
      );
      for (const response of responses) {
        expect(response.status).toBe(429);
        expect(response.body.error.message).toBe(MESSAGE);
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(300);
      }
      expect(app.emulator.callCount(USER_INFO) - before).toBe(1);
    });
  });
}

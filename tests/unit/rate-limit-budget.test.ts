import { rateLimits } from '../../server/src/rate-limit/budget';
import { createFakeStrapi } from '../support/fake-strapi';

/** The memory store: the same service the database and Redis stores use, without a server. */
const limiterWith = (rateLimitMax: number) =>
  rateLimits(
    createFakeStrapi({
      pluginConfig: { rateLimitStore: 'memory', rateLimitMax, rateLimitWindowMs: 60000 },
    }).strapi
  );

const verdicts = async (service: ReturnType<typeof limiterWith>, client: string, count: number) => {
  const results = [];
  for (let index = 0; index < count; index += 1) results.push(await service.consume(client));
  return results;
};

describe('rate-limit service', () => {
  it('allows rateLimitMax requests per client and window, then refuses until the window ends', async () => {
    const service = limiterWith(3);
    await service.start();
    const results = await verdicts(service, '203.0.113.7', 5);
    expect(results.map((result) => result.allowed)).toEqual([true, true, true, false, false]);
    const refused = results[4];
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60000);
  });

  it('counts each client on its own', async () => {
    const service = limiterWith(1);
    expect((await service.consume('a')).allowed).toBe(true);
    expect((await service.consume('b')).allowed).toBe(true);
    expect((await service.consume('a')).allowed).toBe(false);
  });

  it('allows everything with rateLimitMax 0', async () => {
    const results = await verdicts(limiterWith(0), 'c', 50);
    expect(results.every((result) => result.allowed)).toBe(true);
  });

  it("keeps TikTok's pause per endpoint until it ends", async () => {
    const service = limiterWith(0);
    expect(await service.tikTokPause('/v2/user/info/')).toBe(0);
    await service.pauseTikTok('/v2/user/info/', 30_000);
    const left = await service.tikTokPause('/v2/user/info/');
    expect(left).toBeGreaterThan(29_000);
    expect(left).toBeLessThanOrEqual(30_000);
    expect(await service.tikTokPause('/v2/oauth/token/')).toBe(0);
  });
});

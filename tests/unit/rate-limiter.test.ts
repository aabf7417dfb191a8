import { RateLimiter } from '../../server/src/rate-limiter';

const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const limiter = (options: { max: number; windowMs?: number; maxClients?: number }) => {
  const time = clock();
  const instance = new RateLimiter({
    windowMs: options.windowMs ?? 60_000,
    max: options.max,
    maxClients: options.maxClients ?? 1000,
    now: time.now,
  });
  return { limiter: instance, time };
};

const allowedOf = (instance: RateLimiter, client: string, requests: number) =>
  Array.from({ length: requests }, () => instance.hit(client)).filter((v) => v.allowed).length;

describe('RateLimiter', () => {
  it('lets exactly max requests of a burst through, then refuses with the time left', () => {
    const { limiter: instance, time } = limiter({ max: 5 });
    expect(allowedOf(instance, 'a', 300)).toBe(5);
    time.advance(20_000);
    expect(instance.hit('a')).toEqual({ allowed: false, retryAfterMs: 40_000 });
  });

  it('counts each client on its own', () => {
    const { limiter: instance } = limiter({ max: 2 });
    expect(allowedOf(instance, 'a', 5)).toBe(2);
    expect(allowedOf(instance, 'b', 5)).toBe(2);
  });

  it("starts a new window once the client's window has passed", () => {
    const { limiter: instance, time } = limiter({ max: 2, windowMs: 1000 });
    expect(allowedOf(instance, 'a', 3)).toBe(2);
    time.advance(999);
    expect(instance.hit('a').allowed).toBe(false);
    time.advance(1);
    expect(allowedOf(instance, 'a', 3)).toBe(2);
  });

  it('allows everything when max is 0 and tracks nobody', () => {
    const { limiter: instance } = limiter({ max: 0 });
    expect(allowedOf(instance, 'a', 1000)).toBe(1000);
    expect(instance.size).toBe(0);
  });

  it('forgets expired windows, so memory follows the clients of the last window only', () => {
    const { limiter: instance, time } = limiter({ max: 1, windowMs: 1000 });
    for (let i = 0; i < 500; i += 1) instance.hit(`client-${i}`);
    expect(instance.size).toBe(500);
    time.advance(1000);
    instance.hit('late');
    expect(instance.size).toBe(1);
  });

  it('never tracks more than maxClients, dropping the oldest window first', () => {
    const { limiter: instance } = limiter({ max: 1, maxClients: 100 });
    for (let i = 0; i < 10_000; i += 1) instance.hit(`client-${i}`);
    expect(instance.size).toBe(100);
    expect(instance.hit('client-9999').allowed).toBe(false);
    // The first clients were forgotten: a fresh window (the documented price of the bound).
    expect(instance.hit('client-0').allowed).toBe(true);
  });
});

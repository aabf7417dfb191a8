import request from 'supertest';
import { listenOnLoopback, startTestApp, type TestApp } from './harness';

/** Quota protection: one client's flood reaches TikTok at most `rateLimitMax` times a window. */
const MAX = 10;
const BURST = 300;
const CONNECT = '/api/tiktok-auth-mobile/connect';
const CALLBACK = '/api/tiktok-auth-mobile/callback?code=junk&scopes=user.info.basic';

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp({
    env: {
      TIKTOK_RATE_LIMIT_MAX: String(MAX),
      TIKTOK_RATE_LIMIT_WINDOW_MS: '600000',
      IS_PROXIED: 'true',
    },
  });
  url = await listenOnLoopback(app);
});
afterAll(async () => {
  await app?.close();
});

/** Requests as sent by the client at `ip`, as the reverse proxy in front of Strapi reports it. */
const from = (ip: string) => ({
  connect: (token: string) =>
    request(url).post(CONNECT).set('X-Forwarded-For', ip).send({ access_token: token }),
  callback: () => request(url).get(CALLBACK).set('X-Forwarded-For', ip),
});

const userInfoCalls = () => app.emulator.callCount('/v2/user/info/');
const tokenCalls = () => app.emulator.callCount('/v2/oauth/token/');

describe('per-client rate limit on the routes that call TikTok', () => {
  it(`lets a burst of ${BURST} junk tokens reach TikTok at most ${MAX} times`, async () => {
    const before = userInfoCalls();
    const client = from('203.0.113.7');
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, index) => client.connect(`act.junk-${index}`))
    );

    expect(userInfoCalls() - before).toBeLessThanOrEqual(MAX);
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 400)).toHaveLength(MAX);
    expect(statuses.filter((status) => status === 429)).toHaveLength(BURST - MAX);

    const refused = responses.find((response) => response.status === 429)!;
    expect(refused.body).toEqual({
      data: null,
      error: {
        status: 429,
        name: 'RateLimitError',
        message: 'Too many requests, please try again later.',
        details: {},
      },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('shares one budget between /connect and /callback, refusing before the token exchange', async () => {
    const before = tokenCalls();
    const response = await from('203.0.113.7').callback();
    expect(response.status).toBe(429);
    expect(response.body.error.name).toBe('RateLimitError');
    expect(tokenCalls()).toBe(before);
  });

  it('counts every client on its own, by the address the proxy forwards', async () => {
    const response = await from('198.51.100.23').connect(app.emulator.issueAccessToken('alice'));
    expect(response.status).toBe(200);
    expect((await from('198.51.100.23').callback()).status).toBe(302);
  });

  it('leaves the rest of the API alone', async () => {
    const response = await request(url).get('/api/users/me').set('X-Forwarded-For', '203.0.113.7');
    expect(response.status).toBe(403);
  });
});

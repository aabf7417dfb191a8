import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { expectNoSecretsIn } from './secrets';
import {
  CALLBACK_URL,
  IOS_VERIFIER,
  issueCodeFor,
  listenOnLoopback,
  startTestApp,
  type TestApp,
  route,
} from './harness';

// jest runs without --expose-gc: ask V8 for `gc` at run time instead.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Quota protection: one client's flood reaches TikTok at most `rateLimitMax` times a window,
 * whatever it writes in X-Forwarded-For. Strapi trusts one proxy (`maxIpsCount: 1`): the
 * client is the last address of the header, the one the proxy itself added.
 */
const MAX = 10;
const BURST = 300;
const CONNECT = route('connect');
const CALLBACK = `${route('callback')}?code=junk&scopes=user.info.basic`;
const TOKEN = route('token');
const AUTHORIZE = route('authorize');

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await startTestApp({
    env: {
      TIKTOK_RATE_LIMIT_MAX: String(MAX),
      TIKTOK_RATE_LIMIT_WINDOW_MS: '600000',
      IS_PROXIED: 'true',
      PROXY_MAX_IPS: '1',
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
  token: (code: string) =>
    request(url)
      .post(TOKEN)
      .set('X-Forwarded-For', ip)
      .send({ code, code_verifier: IOS_VERIFIER, redirect_uri: CALLBACK_URL }),
  authorize: () => request(url).get(AUTHORIZE).set('X-Forwarded-For', ip),
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

  it('shares one budget between /connect and /callback, whose refusal redirects to the app', async () => {
    const before = tokenCalls();
    const response = await from('203.0.113.7').callback();
    expect(response.status).toBe(302);
    const toApp = new URL(response.headers.location);
    expect(toApp.origin + toApp.pathname).toBe('https://app.example.com/auth/tiktok');
    expect(toApp.searchParams.get('error')).toBe('Too many requests, please try again later.');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(tokenCalls()).toBe(before);
  });

  it("keeps every refused callback's code out of every log line", async () => {
    const codes = Array.from({ length: 20 }, () => `code.${randomBytes(16).toString('hex')}`);
    for (const code of codes) {
      const response = await request(url)
        .get(`${route('callback')}?code=${code}&scopes=user.info.basic&state=s1`)
        .set('X-Forwarded-For', '203.0.113.7');
      expect(response.status).toBe(302);
      const toApp = new URL(response.headers.location).searchParams;
      expect(toApp.get('error')).toBe('Too many requests, please try again later.');
      expect(toApp.get('state')).toBe('s1');
    }
    expect(app.logs.some((line) => line.message.includes('callback?code=%5Bredacted%5D'))).toBe(
      true
    );
    expectNoSecretsIn(app.logs, codes);
  });

  it('shares it with /token both ways, refusing before the token exchange', async () => {
    const before = tokenCalls();
    const response = await from('203.0.113.7').token(issueCodeFor(app, 'alice', IOS_VERIFIER));
    expect(response.status).toBe(429);
    expect(response.body.error.name).toBe('RateLimitError');
    expect(tokenCalls()).toBe(before);

    // And /token spends the same budget: a client that used it up there is refused at /connect.
    const other = from('192.0.2.77');
    for (let index = 0; index < MAX; index += 1) {
      expect((await other.token(`code.junk-${index}`)).status).toBe(400);
    }
    expect((await other.token('code.junk-over')).status).toBe(429);
    expect((await other.connect(app.emulator.issueAccessToken('alice'))).status).toBe(429);
    expect(tokenCalls()).toBe(before + MAX);
  });

  it('leaves /authorize out: it calls no TikTok API, and spends nothing of the budget', async () => {
    const authorizes = await Promise.all(
      Array.from({ length: MAX + 5 }, () => from('203.0.113.7').authorize())
    );
    expect(authorizes.map((response) => response.status)).toEqual(Array(MAX + 5).fill(302));

    const fresh = from('192.0.2.44');
    for (let index = 0; index < MAX + 5; index += 1) {
      expect((await fresh.authorize()).status).toBe(302);
    }
    const signedIn = await fresh.token(issueCodeFor(app, 'alice', IOS_VERIFIER));
    expect(signedIn.status).toBe(200);
  });

  it('counts every client on its own, by the address the proxy forwards', async () => {
    const response = await from('198.51.100.23').connect(app.emulator.issueAccessToken('alice'));
    expect(response.status).toBe(200);
    expect((await from('198.51.100.23').callback()).status).toBe(302);
    const viaToken = await from('198.51.100.23').token(issueCodeFor(app, 'alice', IOS_VERIFIER));
    expect(viaToken.status).toBe(200);
  });

  it('takes a forged address in front of the one the proxy added as the same client', async () => {
    const before = userInfoCalls();
    const responses = await Promise.all(
      Array.from({ length: 3 * MAX }, (_, index) =>
        request(url)
          .post(CONNECT)
          .set('X-Forwarded-For', `10.${index >> 8}.${index & 255}.1, 198.51.100.200`)
          .send({ access_token: `act.forged-${index}` })
      )
    );
    expect(userInfoCalls() - before).toBe(MAX);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(2 * MAX);
  });

  it('counts the addresses of one IPv6 /64 as one client', async () => {
    const before = userInfoCalls();
    const responses = await Promise.all(
      Array.from({ length: 3 * MAX }, (_, index) =>
        from(`2001:db8:77:1:${index.toString(16)}:${randomBytes(2).toString('hex')}::1`).connect(
          `act.v6-${index}`
        )
      )
    );
    expect(userInfoCalls() - before).toBe(MAX);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(2 * MAX);
  });

  it('keys a forwarded value that is no IP address by the socket: thousands of 4 KB ones are one client, and memory stays put', async () => {
    const FLOOD = 4000;
    const before = userInfoCalls();
    // What the process keeps after a full collection, so that the flood's passing garbage (and
    // how busy the machine is) does not count: only what is retained per forged value would.
    const retainedMb = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed / 2 ** 20;
    };
    const retainedBefore = retainedMb();
    let refused = 0;
    for (let start = 0; start < FLOOD; start += 100) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, (_, offset) =>
          request(url)
            .post(CONNECT)
            .set('X-Forwarded-For', `${start + offset}-${randomBytes(2046).toString('hex')}`)
            .send({ access_token: `act.flood-${start + offset}` })
        )
      );
      refused += batch.filter((response) => response.status === 429).length;
    }
    const grownMb = retainedMb() - retainedBefore;
    expect(userInfoCalls() - before).toBeLessThanOrEqual(MAX);
    expect(refused).toBeGreaterThanOrEqual(FLOOD - MAX);
    // Measured: about 4 MB. Keeping each forged value would retain at least 16 MB (4,000 × 4 KB).
    expect(grownMb).toBeLessThan(12);
  });

  it('leaves the rest of the API alone', async () => {
    const response = await request(url).get('/api/users/me').set('X-Forwarded-For', '203.0.113.7');
    expect(response.status).toBe(403);
  });
});

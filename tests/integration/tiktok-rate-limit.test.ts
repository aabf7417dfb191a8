import request from 'supertest';
import {
  CALLBACK_URL,
  IOS_VERIFIER,
  issueCodeFor,
  type TestApp,
  route,
  serveOnLoopback,
} from './harness';

/**
 * TikTok's own 429 rate_limit_exceeded: the plugin stops calling that endpoint for the window
 * TikTok asks for (its Retry-After, else 60 s) and answers every client at once with a clear
 * error and Retry-After, instead of spending more of the app's quota.
 */
const USER_INFO = '/v2/user/info/';
const TOKEN = '/v2/oauth/token/';
const MESSAGE = 'TikTok asked this app to slow down, please try again later.';
const SIGN_INS = 40;

let app: TestApp;
let url: string;

serveOnLoopback((started, served) => {
  app = started;
  url = served;
});

const connect = () =>
  request(url)
    .post(route('connect'))
    .send({ access_token: app.emulator.issueAccessToken('alice') });

const expectTikTokRefusal = (
  response: { status: number; body: unknown; headers: Record<string, string> },
  maxSeconds: number
) => {
  expect(response.status).toBe(429);
  expect(response.body).toMatchObject({
    data: null,
    error: { status: 429, name: 'RateLimitError', message: MESSAGE },
  });
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
};

describe("TikTok's 429 on user info", () => {
  it(`answers 429 with TikTok's Retry-After, then ${SIGN_INS} sign-ins reach TikTok at most once more`, async () => {
    app.emulator.rateLimit(USER_INFO, 120);
    try {
      const before = app.emulator.callCount(USER_INFO);
      expectTikTokRefusal(await connect(), 120);
      expect(app.emulator.callCount(USER_INFO)).toBe(before + 1);

      const responses = await Promise.all(Array.from({ length: SIGN_INS }, connect));
      for (const response of responses) expectTikTokRefusal(response, 120);
      expect(app.emulator.callCount(USER_INFO) - before - 1).toBeLessThanOrEqual(1);
    } finally {
      app.emulator.stopRateLimiting(USER_INFO);
    }
    // Within TikTok's window, even a TikTok that would answer again is left alone.
    expectTikTokRefusal(await connect(), 120);
    expect(
      app.logs.filter((line) => line.message.includes('TikTok answered rate_limit_exceeded'))
    ).toHaveLength(1);
  });
});

describe("TikTok's 429 on the token endpoint", () => {
  it('pauses for the default 60 s without Retry-After, on /token and /callback alike', async () => {
    app.emulator.rateLimit(TOKEN);
    try {
      const before = app.emulator.callCount(TOKEN);
      const token = () =>
        request(url)
          .post(route('token'))
          .send({
            code: issueCodeFor(app, 'alice', IOS_VERIFIER),
            code_verifier: IOS_VERIFIER,
            redirect_uri: CALLBACK_URL,
          });
      expectTikTokRefusal(await token(), 60);
      const responses = await Promise.all(Array.from({ length: SIGN_INS }, token));
      for (const response of responses) expectTikTokRefusal(response, 60);

      const callback = await request(url).get(
        `${route('callback')}?code=code.paused&scopes=user.info.basic&state=s2`
      );
      expect(callback.status).toBe(302);
      const toApp = new URL(callback.headers.location).searchParams;
      expect(toApp.get('error')).toBe(MESSAGE);
      expect(toApp.get('state')).toBe('s2');
      expect(Number(callback.headers['retry-after'])).toBeGreaterThan(0);
      expect(app.emulator.callCount(TOKEN) - before - 1).toBeLessThanOrEqual(1);
    } finally {
      app.emulator.stopRateLimiting(TOKEN);
    }
  });
});

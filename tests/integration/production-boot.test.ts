import { startTestApp, type TestApp, route } from './harness';

/** A production boot whose TikTok URLs are not TikTok's (an emulator left configured) warns loudly. */
let app: TestApp;
const nodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  process.env.NODE_ENV = 'production';
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
  process.env.NODE_ENV = nodeEnv;
});

it('warns once for each TikTok URL that points elsewhere, naming the key', () => {
  const warnings = app.logs.filter(
    (line) => line.level === 'warn' && line.message.includes('SECURITY WARNING')
  );
  expect(warnings.map((line) => line.message)).toEqual([
    expect.stringMatching(
      /^\[tiktok-auth-mobile\] SECURITY WARNING: apiBaseUrl is http:\/\/127\.0\.0\.1:\d+, not TikTok's https:\/\/open\.tiktokapis\.com, in production\./
    ),
    expect.stringMatching(
      /^\[tiktok-auth-mobile\] SECURITY WARNING: authorizeUrl is http:\/\/127\.0\.0\.1:\d+\/v2\/auth\/authorize\/, not TikTok's https:\/\/www\.tiktok\.com\/v2\/auth\/authorize\/, in production\./
    ),
  ]);
});

it('still boots and serves the routes', async () => {
  const response = await app
    .http()
    .post(route('connect'))
    .send({ access_token: app.emulator.issueAccessToken('alice') });
  expect(response.status).toBe(200);
});

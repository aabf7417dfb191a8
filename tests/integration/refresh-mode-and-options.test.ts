import {
  REDIRECT_APP_URL,
  STRAPI_URL,
  authorizeAt,
  callbackRedirect,
  startTestApp,
  type TestApp,
  route,
} from './harness';

/**
 * One boot with every non-default option at once: users-permissions in `jwtManagement: 'refresh'`,
 * a changed API prefix, the profile scope, and token delivery in the URL fragment.
 */
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    env: {
      UP_JWT_MANAGEMENT: 'refresh',
      API_PREFIX: '/v1',
      TIKTOK_SCOPES: 'user.info.basic, user.info.profile',
      TIKTOK_TOKEN_DELIVERY: 'fragment',
    },
  });
});
afterAll(async () => {
  await app?.close();
});

const fragmentParams = (url: URL) => new URLSearchParams(url.hash.slice(1));

describe('options', () => {
  it('derives the redirect URI from STRAPI_URL and the changed API prefix', () => {
    expect(app.callbackUrl).toBe(`${STRAPI_URL}${route('callback', '/v1')}`);
  });

  it('delivers the token in the fragment, keeping the app URL query as it is', async () => {
    const toApp = await callbackRedirect(
      app,
      await authorizeAt(app, 'alice', { scope: 'user.info.basic,user.info.profile', state: 'st' })
    );
    expect(`${toApp.origin}${toApp.pathname}${toApp.search}`).toBe(REDIRECT_APP_URL);
    expect(fragmentParams(toApp).get('access_token')).toMatch(/^act\./);
    expect(fragmentParams(toApp).get('state')).toBe('st');
  });

  it('names the user after the TikTok username when the profile scope is granted', async () => {
    const token = app.emulator.issueAccessToken('alice', ['user.info.basic', 'user.info.profile']);
    const response = await app.http().post(route('connect', '/v1')).send({ access_token: token });
    expect(response.status).toBe(200);
    expect(response.body.user.username).toBe('alice.tiktok');
  });

  it('falls back to the basic fields when the person did not grant the profile scope', async () => {
    const calls = app.emulator.callCount('/v2/user/info/');
    const token = app.emulator.issueAccessToken('bob', ['user.info.basic']);
    const response = await app.http().post(route('connect', '/v1')).send({ access_token: token });
    expect(response.status).toBe(200);
    expect(response.body.user.username).toBe('Bob 100% Real');
    expect(app.emulator.callCount('/v2/user/info/')).toBe(calls + 2);
  });
});

describe("jwtManagement: 'refresh'", () => {
  it('answers { jwt, refreshToken, user } and both tokens work with users-permissions', async () => {
    const token = app.emulator.issueAccessToken('alice', ['user.info.basic']);
    const response = await app
      .http()
      .post(route('connect', '/v1'))
      .set('User-Agent', 'TikTokAuthTest/1.0 (iPhone; iOS 18.0)')
      .send({ access_token: token, deviceId: 'device-1' });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['jwt', 'refreshToken', 'user']);

    const me = await app
      .http()
      .get('/v1/users/me')
      .set('Authorization', `Bearer ${response.body.jwt}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(response.body.user.id);

    const refreshed = await app
      .http()
      .post('/v1/auth/refresh')
      .send({ refreshToken: response.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.jwt).toBe('string');
  });

  it('sets the refresh token as an httpOnly cookie when the client asks, as the login does', async () => {
    const token = app.emulator.issueAccessToken('alice', ['user.info.basic']);
    const response = await app
      .http()
      .post(route('connect', '/v1'))
      .set('x-strapi-refresh-cookie', 'httpOnly')
      .send({ access_token: token });
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('refreshToken');
    const cookie = ([] as string[])
      .concat(response.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('strapi_up_refresh='));
    expect(cookie).toMatch(/httponly/i);
  });
});

const refreshCookieOf = (setCookie: string[] | string | undefined) =>
  ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith('strapi_up_refresh='));

// What `npx create-strapi-app` writes since 5.2x: refresh tokens in an httpOnly cookie only.
describe("jwtManagement: 'refresh' with users-permissions' sessions.httpOnly", () => {
  const SESSIONS = 'plugin::users-permissions.sessions';
  let previous: unknown;
  beforeAll(() => {
    previous = app.strapi.config.get(SESSIONS);
    app.strapi.config.set(SESSIONS, { httpOnly: true });
  });
  afterAll(() => {
    app.strapi.config.set(SESSIONS, previous);
  });

  const connect = (headers: Record<string, string> = {}) => {
    const token = app.emulator.issueAccessToken('alice', ['user.info.basic']);
    return app
      .http()
      .post('/v1/tiktok-auth-mobile/connect')
      .set(headers)
      .send({ access_token: token, deviceId: 'phone-1' });
  };

  it('puts the refresh token only in the cookie by default, as the login does', async () => {
    const response = await connect();
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['jwt', 'user']);
    expect(refreshCookieOf(response.headers['set-cookie'])).toMatch(/httponly/i);
  });

  it('answers the refresh token in the body to an app that sends x-tiktok-auth-refresh: body', async () => {
    const response = await connect({ 'x-tiktok-auth-refresh': 'body' });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['jwt', 'refreshToken', 'user']);
    expect(refreshCookieOf(response.headers['set-cookie'])).toBeUndefined();

    // users-permissions takes it from the body; in this mode it answers the next one as a cookie.
    const refreshed = await app
      .http()
      .post('/v1/auth/refresh')
      .send({ refreshToken: response.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body)).toEqual(['jwt']);
    const rotated = refreshCookieOf(refreshed.headers['set-cookie']);
    expect(rotated).toMatch(/httponly/i);
    const me = await app
      .http()
      .get('/v1/users/me')
      .set('Authorization', `Bearer ${refreshed.body.jwt}`);
    expect(me.body.id).toBe(response.body.user.id);

    const logout = await app
      .http()
      .post('/v1/auth/logout')
      .set('Authorization', `Bearer ${refreshed.body.jwt}`)
      .set('Cookie', rotated!.split(';')[0])
      .send({});
    expect(logout.status).toBe(200);
    const afterLogout = await app
      .http()
      .post('/v1/auth/refresh')
      .set('Cookie', rotated!.split(';')[0])
      .send({});
    expect(afterLogout.status).toBe(401);
  });
});

describe("jwtManagement: 'refresh', the native app's whole session", () => {
  it('refreshes with the body token, rotates it, and logs out so the token no longer works', async () => {
    const token = app.emulator.issueAccessToken('bob', ['user.info.basic']);
    const signIn = await app
      .http()
      .post('/v1/tiktok-auth-mobile/connect')
      .send({ access_token: token, deviceId: 'phone-2' });
    const refreshed = await app
      .http()
      .post('/v1/auth/refresh')
      .send({ refreshToken: signIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(signIn.body.refreshToken);

    const logout = await app
      .http()
      .post('/v1/auth/logout')
      .set('Authorization', `Bearer ${refreshed.body.jwt}`)
      .send({ deviceId: 'phone-2' });
    expect(logout.status).toBe(200);
    expect(logout.body).toEqual({ ok: true });
    const afterLogout = await app
      .http()
      .post('/v1/auth/refresh')
      .send({ refreshToken: refreshed.body.refreshToken });
    expect(afterLogout.status).toBe(401);
  });
});

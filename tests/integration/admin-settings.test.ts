import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminToken, createAdmin } from './admin-users';
import { CALLBACK_URL, REDIRECT_APP_URL, STRAPI_URL, startTestApp, type TestApp } from './harness';

const STATUS = '/tiktok-auth-mobile/status';
const CHECK = '/tiktok-auth-mobile/check-credentials';
const SETTINGS_READ = 'plugin::tiktok-auth-mobile.settings.read';
const STATE_SECRET = 'state-secret-that-must-never-leave-the-server';

const get = (app: TestApp, path: string, token?: string) => {
  const call = app.http().get(path);
  return token ? call.set('Authorization', `Bearer ${token}`) : call;
};
const post = (app: TestApp, path: string, token: string) =>
  app.http().post(path).set('Authorization', `Bearer ${token}`);

const superAdminToken = async (app: TestApp) =>
  adminToken(app, await createAdmin(app.strapi, 'super-admin'));

describe('admin settings API on a configured Strapi', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TIKTOK_STATE_SECRET: STATE_SECRET,
        TIKTOK_SCOPES: 'user.info.basic,user.info.profile',
      },
    });
    token = await superAdminToken(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports every setting, the redirect URI, scopes, fields and flows, without any secret', async () => {
    const response = await get(app, STATUS, token);
    expect(response.status).toBe(200);
    const report = response.body.data;

    const byKey = Object.fromEntries(
      report.settings.map((setting: { key: string }) => [setting.key, setting])
    );
    expect(byKey.clientKey).toEqual({
      key: 'clientKey',
      envName: 'CLIENT_KEY',
      required: true,
      state: 'set',
      source: 'env',
      envIgnored: false,
      value: app.emulator.clientKey,
      problems: [],
    });
    expect(byKey.clientSecret).toMatchObject({ state: 'set', source: 'env' });
    expect(byKey.clientSecret).not.toHaveProperty('value');
    expect(byKey.stateSecret).toMatchObject({ state: 'set', source: 'env' });
    expect(byKey.stateSecret).not.toHaveProperty('value');
    expect(byKey.redirectAppUrl).toMatchObject({ state: 'set', value: REDIRECT_APP_URL });
    expect(byKey.strapiUrl).toMatchObject({ state: 'set', value: STRAPI_URL });
    expect(byKey.identityField).toMatchObject({
      state: 'default',
      source: 'default',
      value: 'union_id',
    });

    expect(report.missing).toEqual([]);
    expect(report.redirectUri).toBe(CALLBACK_URL);
    expect(report.tokenRedirectUris).toEqual([CALLBACK_URL]);
    expect(report.scopes).toEqual(['user.info.basic', 'user.info.profile']);
    expect(report.userInfoFields).toEqual([
      'open_id',
      'union_id',
      'avatar_url',
      'display_name',
      'username',
    ]);
    expect(report.flows).toEqual([
      {
        id: 'A',
        available: true,
        needs: [],
        routes: ['GET /api/tiktok-auth-mobile/callback', 'POST /api/tiktok-auth-mobile/connect'],
      },
      {
        id: 'B',
        available: true,
        needs: [],
        routes: ['GET /api/tiktok-auth-mobile/authorize', 'GET /api/tiktok-auth-mobile/callback'],
      },
      { id: 'C', available: true, needs: [], routes: ['POST /api/tiktok-auth-mobile/token'] },
    ]);

    expect(response.text).not.toContain(app.emulator.clientSecret);
    expect(response.text).not.toContain(STATE_SECRET);
  });

  it('counts TikTok users and shows when one last signed in', async () => {
    const before = (await get(app, STATUS, token)).body.data.users;
    expect(before).toEqual({ count: 0, lastSignInAt: null });

    const startedAt = new Date().toISOString();
    const signIn = await app
      .http()
      .post('/api/tiktok-auth-mobile/connect')
      .send({ access_token: app.emulator.issueAccessToken('alice') });
    expect(signIn.status).toBe(200);
    // Another provider's user is not a TikTok user.
    await app.strapi.db.query('plugin::users-permissions.user').create({
      data: { username: 'local-user', email: 'local@example.com', provider: 'local' },
    });

    const after = (await get(app, STATUS, token)).body.data.users;
    expect(after.count).toBe(1);
    expect(after.lastSignInAt >= startedAt).toBe(true);
    expect(after.lastSignInAt <= new Date().toISOString()).toBe(true);
  });

  it('lets a role granted settings.read in, and answers 403 to an admin role without it', async () => {
    const reader = await adminToken(
      app,
      await createAdmin(app.strapi, { name: 'TikTok readers', permissions: [SETTINGS_READ] })
    );
    const other = await adminToken(
      app,
      await createAdmin(app.strapi, {
        name: 'Media only',
        permissions: ['plugin::upload.read'],
      })
    );

    expect((await get(app, STATUS, reader)).status).toBe(200);
    for (const call of [get(app, STATUS, other), post(app, CHECK, other)]) {
      const response = await call;
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
    }
  });

  it('answers 401 without a token and to a users-permissions (content API) JWT', async () => {
    const authenticated = await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'authenticated' } });
    const user = await app.strapi.db.query('plugin::users-permissions.user').create({
      data: {
        username: 'api-user',
        email: 'api-user@example.com',
        provider: 'local',
        confirmed: true,
        role: authenticated.id,
      },
    });
    const apiJwt = (await app.strapi
      .plugin('users-permissions')
      .service('jwt')
      .issue({ id: user.id })) as string;
    // The JWT is good on the content API...
    expect((await get(app, '/api/users/me', apiJwt)).status).toBe(200);

    // ...but the admin API verifies tokens with the admin secret: not an admin session.
    for (const call of [get(app, STATUS, apiJwt), get(app, STATUS), post(app, CHECK, apiJwt)]) {
      const response = await call;
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    }
  });

  it('checks the credentials: TikTok accepts them and the answer carries its log_id', async () => {
    const calls = app.emulator.calls.get('/v2/oauth/token/') ?? 0;
    const response = await post(app, CHECK, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      outcome: 'accepted',
      detail: 'invalid_grant',
      logId: expect.stringMatching(/^[0-9A-F]{24}$/),
    });
    expect(app.emulator.calls.get('/v2/oauth/token/')).toBe(calls + 1);
    expect(app.logs.map((line) => line.message).join('\n')).not.toContain(
      app.emulator.clientSecret
    );
  });
});

describe('credentials check with a wrong client secret', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLIENT_SECRET: 'not-the-emulator-secret' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports invalid_client as rejected credentials', async () => {
    const response = await post(app, CHECK, await superAdminToken(app));
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      outcome: 'rejected',
      detail: 'invalid_client',
      logId: expect.stringMatching(/^[0-9A-F]{24}$/),
    });
    expect(response.text).not.toContain('not-the-emulator-secret');
  });
});

describe('credentials check when TikTok cannot answer', () => {
  let app: TestApp;
  let token: string;
  let mode: 'hang' | 'unavailable' = 'hang';
  // Stands in for TikTok's API: either never answers (a timeout) or answers 503.
  const tiktok = http.createServer((req, res) => {
    if (mode === 'hang') return;
    res.writeHead(503, { 'Content-Type': 'text/html' });
    res.end('<h1>Service Unavailable</h1>');
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => tiktok.listen(0, '127.0.0.1', resolve));
    const { port } = tiktok.address() as AddressInfo;
    app = await startTestApp({
      env: { TIKTOK_API_BASE_URL: `http://127.0.0.1:${port}`, TIKTOK_TIMEOUT_MS: '300' },
    });
    token = await superAdminToken(app);
  });
  afterAll(async () => {
    await app?.close();
    tiktok.closeAllConnections();
    await new Promise((resolve) => tiktok.close(resolve));
  });

  it('reports a timeout as "could not check"', async () => {
    mode = 'hang';
    const response = await post(app, CHECK, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ outcome: 'unknown', detail: 'timeout of 300ms exceeded' });
  });

  it('reports a 5xx without an OAuth error as "could not check"', async () => {
    mode = 'unavailable';
    const response = await post(app, CHECK, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ outcome: 'unknown', detail: 'HTTP 503' });
  });
});

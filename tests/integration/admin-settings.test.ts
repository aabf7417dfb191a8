import { ROLE_UID, SETTINGS_READ, USER_UID } from '../../server/src/constants';
import {
  ADMIN_API,
  getWithToken,
  postWithToken,
  adminToken,
  createAdmin,
  superAdminToken,
} from './admin-users';
import {
  CALLBACK_URL,
  REDIRECT_APP_URL,
  STRAPI_URL,
  startTestApp,
  type TestApp,
  route,
} from './harness';

const STATE_SECRET = 'state-secret-that-must-never-leave-the-server';

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
    const response = await getWithToken(app, ADMIN_API.status, token);
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
    expect(report.webhookUrl).toBe(`${STRAPI_URL}${route('webhook')}`);
    expect(report.tokens).toEqual({
      storeTokens: false,
      stored: 0,
      expiring: 0,
      expiringWithinDays: 7,
      unusable: 0,
      disconnected: 0,
    });
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
        routes: [`GET ${route('callback')}`, `POST ${route('connect')}`],
      },
      {
        id: 'B',
        available: true,
        needs: [],
        routes: [`GET ${route('authorize')}`, `GET ${route('callback')}`],
      },
      { id: 'C', available: true, needs: [], routes: [`POST ${route('token')}`] },
    ]);

    expect(response.text).not.toContain(app.emulator.clientSecret);
    expect(response.text).not.toContain(STATE_SECRET);
  });

  it('counts linked TikTok accounts by origin, and shows when one last signed in', async () => {
    const before = (await getWithToken(app, ADMIN_API.status, token)).body.data.users;
    expect(before).toEqual({
      identities: { total: 0, signUp: 0, linked: 0 },
      tiktokUsers: 0,
      lastSignInAt: null,
    });

    const startedAt = new Date().toISOString();
    const signIn = await app
      .http()
      .post(route('connect'))
      .send({ access_token: app.emulator.issueAccessToken('alice') });
    expect(signIn.status).toBe(200);
    // Another provider's user is not a TikTok user; once it links TikTok, it counts as linked.
    const local = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: 'local-user', email: 'local@example.com', password: 'Passw0rd-local' });
    const linked = await app
      .http()
      .post(route('link'))
      .set('Authorization', `Bearer ${local.body.jwt}`)
      .send({ access_token: app.emulator.issueAccessToken('bob') });
    expect(linked.status).toBe(200);
    // A user of the original plugin, whose identity comes with its next sign-in.
    await app.strapi.db.query(USER_UID).create({
      data: { username: 'legacy', email: 'legacy-union@tiktok.com', provider: 'tiktok' },
    });

    const after = (await getWithToken(app, ADMIN_API.status, token)).body.data.users;
    expect(after.identities).toEqual({ total: 2, signUp: 1, linked: 1 });
    expect(after.tiktokUsers).toBe(2);
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

    expect((await getWithToken(app, ADMIN_API.status, reader)).status).toBe(200);
    for (const call of [
      getWithToken(app, ADMIN_API.status, other),
      postWithToken(app, ADMIN_API.checkCredentials, other),
    ]) {
      const response = await call;
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
    }
  });

  it('answers 401 without a token and to a users-permissions (content API) JWT', async () => {
    const authenticated = await app.strapi.db
      .query(ROLE_UID)
      .findOne({ where: { type: 'authenticated' } });
    const user = await app.strapi.db.query(USER_UID).create({
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
    expect((await getWithToken(app, '/api/users/me', apiJwt)).status).toBe(200);

    // ...but the admin API verifies tokens with the admin secret: not an admin session.
    for (const call of [
      getWithToken(app, ADMIN_API.status, apiJwt),
      getWithToken(app, ADMIN_API.status),
      postWithToken(app, ADMIN_API.checkCredentials, apiJwt),
    ]) {
      const response = await call;
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({ status: 401, name: 'UnauthorizedError' });
    }
  });

  it('checks the credentials: TikTok accepts them and the answer carries its log_id', async () => {
    const calls = app.emulator.calls.get('/v2/oauth/token/') ?? 0;
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
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

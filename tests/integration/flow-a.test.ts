import { ROLE_UID, USER_UID } from '../../server/src/constants';
import {
  CALLBACK_URL,
  DEFAULT_ADVANCED_SETTINGS,
  REDIRECT_APP_URL,
  authorizeAt,
  callbackRedirect,
  expectError,
  setAdvancedSettings,
  startTestApp,
  tokenForNewPerson,
  type TestApp,
  route,
} from './harness';

const CONNECT = route('connect');
const CALLBACK = route('callback');

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});
afterEach(async () => {
  await setAdvancedSettings(app.strapi, DEFAULT_ADVANCED_SETTINGS);
});

const connect = (body: unknown) =>
  app
    .http()
    .post(CONNECT)
    .send(body as object);

const usersWithEmail = (email: string) =>
  app.strapi.db.query(USER_UID).findMany({ where: { email } });
describe('Flow A: /callback then /connect', () => {
  it('signs a new person in end to end and the JWT is accepted by /api/users/me', async () => {
    const fromTikTok = await authorizeAt(app, 'alice', { state: 'app-state 1/2' });
    expect(`${fromTikTok.origin}${fromTikTok.pathname}`).toBe(CALLBACK_URL);

    const toApp = await callbackRedirect(app, fromTikTok);
    expect(toApp.toString().startsWith(`${REDIRECT_APP_URL}&`)).toBe(true);
    expect(toApp.searchParams.get('from')).toBe('strapi');
    expect(toApp.searchParams.get('state')).toBe('app-state 1/2');
    const accessToken = toApp.searchParams.get('access_token');
    expect(accessToken).toMatch(/^act\./);

    const signedIn = await connect({ access_token: accessToken });
    expect(signedIn.status).toBe(200);
    expect(Object.keys(signedIn.body).sort()).toEqual(['jwt', 'user']);
    const { jwt, user } = signedIn.body;
    expect(user).toMatchObject({
      email: 'c8f1a9d2-7b1e-5c44-9a31-a11ce0000001@tiktok.com',
      provider: 'tiktok',
      confirmed: true,
      blocked: false,
      username: 'Alice Example',
    });
    for (const secret of ['password', 'resetPasswordToken', 'confirmationToken']) {
      expect(user).not.toHaveProperty(secret);
    }

    const me = await app.http().get('/api/users/me').set('Authorization', `Bearer ${jwt}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email });

    const row = await app.strapi.db
      .query(USER_UID)
      .findOne({ where: { id: user.id }, populate: ['role'] });
    expect(row.role.type).toBe('authenticated');
  });

  it('logs none of the code, the TikTok token, the client secret or the JWT', async () => {
    const fromTikTok = await authorizeAt(app, 'bob');
    const code = fromTikTok.searchParams.get('code')!;
    const toApp = await callbackRedirect(app, fromTikTok);
    const accessToken = toApp.searchParams.get('access_token')!;
    const { jwt } = (await connect({ access_token: accessToken })).body;

    const logged = app.logs.map((line) => line.message).join('\n');
    expect(logged).toContain(`${route('callback')}?code=%5Bredacted%5D`);
    for (const secret of [code, accessToken, app.emulator.clientSecret, jwt]) {
      expect(typeof secret).toBe('string');
      expect(logged).not.toContain(secret);
    }
  });

  it('signs a returning person into the same account', async () => {
    const first = await connect({ access_token: app.emulator.issueAccessToken('alice') });
    const again = await connect({ access_token: app.emulator.issueAccessToken('alice') });
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(await usersWithEmail(first.body.user.email)).toHaveLength(1);
  });

  it('lower-cases the pseudo-email and keeps any characters of the TikTok name, % included', async () => {
    const response = await connect({ access_token: app.emulator.issueAccessToken('bob') });
    expect(response.status).toBe(200);
    expect(response.body.user.email).toBe('b0b-union-id-2@tiktok.com');
    expect(response.body.user.username).toBe('Bob 100% Real');
  });

  it('gives a unique username when the TikTok name is taken', async () => {
    await app.strapi.db.query(USER_UID).create({
      data: {
        username: 'Glitch Free',
        email: 'someone@example.com',
        provider: 'local',
        confirmed: true,
      },
    });
    const response = await connect({ access_token: tokenForNewPerson(app, 'twin', 'Glitch Free') });
    expect(response.status).toBe(200);
    expect(response.body.user.username).toMatch(/^Glitch Free\d{4}$/);
  });

  it('answers a TikTok error from the consent screen with an error redirect carrying the state', async () => {
    const denied = await authorizeAt(app, 'deny', { state: 'xyz' });
    const toApp = await callbackRedirect(app, denied);
    expect(toApp.searchParams.get('error')).toBe('access_denied');
    expect(toApp.searchParams.get('error_description')).toBe(
      'The user denied the authorization request.'
    );
    expect(toApp.searchParams.get('state')).toBe('xyz');
    expect(toApp.searchParams.has('access_token')).toBe(false);
  });
});

describe('/callback errors', () => {
  const redirectFor = async (query: string) => {
    const response = await app.http().get(`${CALLBACK}?${query}`);
    expect(response.status).toBe(302);
    expect(response.headers['cache-control']).toBe('no-store');
    const location = new URL(response.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/auth/tiktok');
    return location.searchParams;
  };

  it('refuses a login without user.info.basic', async () => {
    const params = await redirectFor('code=abc&scopes=user.info.profile&state=s');
    expect(params.get('error')).toBe("User hasn't provided needed scopes");
    expect(params.get('state')).toBe('s');
  });

  it('refuses a callback without a code', async () => {
    expect((await redirectFor('scopes=user.info.basic')).get('error')).toBe('No code provided');
  });

  it('reports a code TikTok refuses (HTTP 200 error body) without a token', async () => {
    const calls = app.emulator.callCount('/v2/oauth/token/');
    const params = await redirectFor('code=not-a-real-code&scopes=user.info.basic');
    expect(params.get('error')).toBe(
      'Failed to get TikTok token: Authorization code is expired or has been used.'
    );
    expect(params.has('access_token')).toBe(false);
    expect(app.emulator.callCount('/v2/oauth/token/')).toBe(calls + 1);
  });

  it('uses each code once, as TikTok does', async () => {
    const fromTikTok = await authorizeAt(app, 'alice');
    expect((await callbackRedirect(app, fromTikTok)).searchParams.has('access_token')).toBe(true);
    const replay = await callbackRedirect(app, fromTikTok);
    expect(replay.searchParams.get('error')).toMatch(/^Failed to get TikTok token: /);
  });

  it('never lets the request choose the redirect target, and keeps CR/LF and markup inert', async () => {
    const response = await app
      .http()
      .get(
        `${CALLBACK}?error=x&error_description=%0D%0ASet-Cookie:%20a=b<script>&redirect_uri=https://evil.example`
      );
    expect(response.status).toBe(302);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers.location.startsWith(REDIRECT_APP_URL)).toBe(true);
    expect(response.headers.location).not.toMatch(/[\r\n<>]/);
    expect(new URL(response.headers.location).searchParams.get('error_description')).toBe(
      '\r\nSet-Cookie: a=b<script>'
    );
  });

  it('refuses repeated parameters, which TikTok never sends', async () => {
    expect((await redirectFor('code=a&code=b&scopes=user.info.basic')).get('error')).toBe(
      'Invalid callback parameters'
    );
  });
});

describe('/connect errors', () => {
  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['an empty token', { access_token: '' }],
    ['a blank token', { access_token: '   ' }],
    ['a number', { access_token: 42 }],
    ['an array', { access_token: ['a', 'b'] }],
    ['an object', { access_token: { $ne: '' } }],
    ['null', { access_token: null }],
  ])('refuses %s as the token without calling TikTok', async (_label, body) => {
    const calls = app.emulator.callCount('/v2/user/info/');
    expectError(await connect(body), 400, 'No access token provided.');
    expect(app.emulator.callCount('/v2/user/info/')).toBe(calls);
  });

  it('reports a token TikTok rejects at HTTP level with its status', async () => {
    expectError(
      await connect({ access_token: 'act.not-issued' }),
      400,
      'Failed to fetch TikTok user: Request failed with status code 401'
    );
  });

  it('reports a TikTok answer without a user', async () => {
    expectError(
      await connect({ access_token: app.emulator.issueAccessToken('ghost') }),
      400,
      'User does not exist.'
    );
  });

  it("passes TikTok's own message on for an error object whose code is not ok", async () => {
    expectError(
      await connect({ access_token: app.emulator.issueAccessToken('glitch') }),
      400,
      'TikTok could not read this account right now.'
    );
  });

  it('refuses a profile without union_id', async () => {
    expectError(
      await connect({ access_token: app.emulator.issueAccessToken('nora') }),
      400,
      'Email was not available.'
    );
  });

  it('refuses new people when sign-ups are off but still lets existing ones in', async () => {
    const existing = await connect({ access_token: app.emulator.issueAccessToken('alice') });
    expect(existing.status).toBe(200);
    await setAdvancedSettings(app.strapi, { allow_register: false });

    expectError(
      await connect({ access_token: tokenForNewPerson(app, 'late', 'Late Comer') }),
      400,
      'Register action is actually not available.'
    );
    expect(await usersWithEmail('late-union@tiktok.com')).toHaveLength(0);
    expect((await connect({ access_token: app.emulator.issueAccessToken('alice') })).status).toBe(
      200
    );
  });

  it('never logs into an account of another provider that owns the pseudo-email', async () => {
    const local = await app.strapi.db.query(USER_UID).create({
      data: {
        username: 'local-owner',
        email: 'owned-union@tiktok.com',
        provider: 'local',
        confirmed: true,
      },
    });

    expectError(
      await connect({ access_token: tokenForNewPerson(app, 'owned', 'Owned') }),
      400,
      'Email is already taken.'
    );
    const sameEmail = await usersWithEmail('owned-union@tiktok.com');
    expect(sameEmail.map((user: { id: number }) => user.id)).toEqual([local.id]);
  });

  it('refuses a blocked user and issues no token', async () => {
    const first = await connect({ access_token: app.emulator.issueAccessToken('bob') });
    await app.strapi.db
      .query(USER_UID)
      .update({ where: { id: first.body.user.id }, data: { blocked: true } });
    const blocked = await connect({ access_token: app.emulator.issueAccessToken('bob') });
    expectError(blocked, 400, 'Your account has been blocked by an administrator');
    expect(blocked.body).not.toHaveProperty('jwt');
    await app.strapi.db
      .query(USER_UID)
      .update({ where: { id: first.body.user.id }, data: { blocked: false } });
  });

  it('gives a clear error and creates nothing when the default role is missing', async () => {
    await setAdvancedSettings(app.strapi, { default_role: 'no-such-role' });
    expect(
      await app.strapi.db.query(ROLE_UID).findOne({ where: { type: 'no-such-role' } })
    ).toBeNull();

    expectError(
      await connect({ access_token: tokenForNewPerson(app, 'roleless', 'Roleless') }),
      400,
      'Impossible to find the default role'
    );
    expect(await usersWithEmail('roleless-union@tiktok.com')).toHaveLength(0);
  });
});

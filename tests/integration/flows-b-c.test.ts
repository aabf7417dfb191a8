import { challengeFor } from '../../server/src/lib/oauth/pkce';
import { createStateSealer } from '../../server/src/lib/crypto/sealing';
import { FLOW_COOKIE, ROUTE_BASE, USER_UID } from '../../server/src/constants';
import {
  ANDROID_VERIFIER,
  CALLBACK_URL,
  IOS_VERIFIER,
  REDIRECT_APP_URL,
  authorizeAt,
  callbackRedirect,
  expectError,
  consentAt,
  flowCookieOf,
  issueCodeFor,
  runFlowB,
  startFlowB,
  startTestApp,
  type TestApp,
} from './harness';

const BASE = `/api${ROUTE_BASE}`;
const TOKEN_PATH = '/v2/oauth/token/';

const usersMe = (app: TestApp, jwt: string) =>
  app.http().get('/api/users/me').set('Authorization', `Bearer ${jwt}`);

describe('with the default options', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const exchanges = () => app.emulator.callCount(TOKEN_PATH);
  const token = (body: unknown) =>
    app
      .http()
      .post(`${BASE}/token`)
      .send(body as object);

  describe('Flow B: GET /authorize', () => {
    it('sends the browser to TikTok with PKCE (hex S256) and its own random state', async () => {
      const { tiktok } = await startFlowB(app, '?state=app-state');
      expect(`${tiktok.origin}${tiktok.pathname}`).toBe(`${app.emulator.url}/v2/auth/authorize/`);
      const params = Object.fromEntries(tiktok.searchParams);
      expect(params).toEqual({
        client_key: app.emulator.clientKey,
        scope: 'user.info.basic',
        response_type: 'code',
        redirect_uri: CALLBACK_URL,
        state: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        code_challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
        code_challenge_method: 'S256',
      });
      expect(params.state).not.toBe('app-state');
    });

    it('keeps state and verifier in a sealed, httpOnly, Lax, Secure cookie limited to the plugin', async () => {
      const { tiktok, setCookie, cookie } = await startFlowB(app, '?state=app-state');
      const attributes = setCookie.toLowerCase();
      expect(attributes).toContain(`path=/api${ROUTE_BASE};`);
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).toContain('secure');
      const expires = Date.parse(/expires=([^;]+)/.exec(setCookie)![1]);
      expect(expires - Date.now()).toBeGreaterThan(500_000);
      expect(expires - Date.now()).toBeLessThanOrEqual(600_000);
      // Nothing in the cookie can be read by the browser.
      const value = decodeURIComponent(cookie.slice(FLOW_COOKIE.length + 1));
      expect(value).not.toContain(tiktok.searchParams.get('state')!);
      expect(value).not.toContain('app-state');
    });

    it('signs the person in end to end and gives the app back its own state', async () => {
      const before = exchanges();
      const { toApp } = await runFlowB(app, 'alice', '?state=app%20state%2F1');
      expect(toApp.toString().startsWith(`${REDIRECT_APP_URL}&`)).toBe(true);
      expect(toApp.searchParams.get('state')).toBe('app state/1');
      expect(exchanges()).toBe(before + 1);

      const signedIn = await app
        .http()
        .post(`${BASE}/connect`)
        .send({ access_token: toApp.searchParams.get('access_token') });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user).toMatchObject({ provider: 'tiktok', username: 'Alice Example' });
      expect((await usersMe(app, signedIn.body.jwt)).body.id).toBe(signedIn.body.user.id);
    });

    it('sends no state to the app when the app chose none', async () => {
      const { toApp } = await runFlowB(app, 'alice');
      expect(toApp.searchParams.get('access_token')).toMatch(/^act\./);
      expect(toApp.searchParams.has('state')).toBe(false);
    });

    it('clears the cookie in the callback answer', async () => {
      const started = await startFlowB(app);
      const fromTikTok = await consentAt(started.tiktok, 'alice');
      const response = await app
        .http()
        .get(`${fromTikTok.pathname}${fromTikTok.search}`)
        .set('Cookie', started.cookie);
      const cleared = flowCookieOf(response.headers['set-cookie']);
      expect(cleared).toMatch(new RegExp(`^${FLOW_COOKIE}=;`));
      expect(cleared.toLowerCase()).toContain('expires=thu, 01 jan 1970');
    });

    it('passes a denial on to the app with its state', async () => {
      const { toApp } = await runFlowB(app, 'deny', '?state=s1');
      expect(Object.fromEntries(toApp.searchParams)).toMatchObject({
        error: 'access_denied',
        state: 's1',
      });
    });

    it('refuses a callback whose state is not the one the cookie holds, without an exchange', async () => {
      const first = await startFlowB(app, '?state=mine');
      const other = await startFlowB(app);
      const fromTikTok = await consentAt(other.tiktok, 'alice');
      const before = exchanges();
      const toApp = await callbackRedirect(app, fromTikTok, first.cookie);
      expect(Object.fromEntries(toApp.searchParams)).toEqual({
        from: 'strapi',
        error: 'State does not match the sign-in that was started',
        state: 'mine',
      });
      expect(exchanges()).toBe(before);
    });

    it('refuses a callback without a state when the flow started at /authorize', async () => {
      const started = await startFlowB(app);
      const fromTikTok = await consentAt(started.tiktok, 'alice');
      fromTikTok.searchParams.delete('state');
      const toApp = await callbackRedirect(app, fromTikTok, started.cookie);
      expect(toApp.searchParams.get('error')).toBe(
        'State does not match the sign-in that was started'
      );
    });

    it.each([
      [
        'a tampered',
        (value: string) => `${value.slice(0, -4)}${value.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
      ],
      ['a truncated', (value: string) => value.slice(0, 40)],
      ['a made-up', () => 'v1.bm90LWEtc2VhbGVkLXZhbHVlLWF0LWFsbC1qdXN0LXRleHQ'],
      [
        'a forged (other key)',
        () =>
          createStateSealer(['an-attacker-key']).seal({
            state: 'x',
            verifier: 'y',
            expiresAt: Date.now() + 60_000,
          }),
      ],
      [
        'an expired',
        () =>
          createStateSealer(['playgroundKeyA']).seal({
            state: 'x',
            verifier: 'y',
            expiresAt: Date.now() - 1,
          }),
      ],
    ])('refuses %s cookie with an error redirect and no exchange', async (_name, alter) => {
      const started = await startFlowB(app, '?state=s');
      const fromTikTok = await consentAt(started.tiktok, 'alice');
      const value = started.cookie.slice(FLOW_COOKIE.length + 1);
      const before = exchanges();
      const toApp = await callbackRedirect(app, fromTikTok, `${FLOW_COOKIE}=${alter(value)}`);
      expect(Object.fromEntries(toApp.searchParams)).toEqual({
        from: 'strapi',
        error: 'The sign-in expired or was tampered with: start again',
      });
      expect(exchanges()).toBe(before);
    });

    it('opens a cookie sealed with the APP_KEYS another instance shares', async () => {
      const started = await startFlowB(app);
      const fromTikTok = await consentAt(started.tiktok, 'alice');
      // Same secrets, new sealer: what a second Strapi process behind a load balancer would do.
      const sealer = createStateSealer(['playgroundKeyA', 'playgroundKeyB']);
      const value = started.cookie.slice(FLOW_COOKIE.length + 1);
      expect(sealer.open(decodeURIComponent(value))).toMatchObject({
        state: fromTikTok.searchParams.get('state'),
      });
    });

    it.each([
      ['a repeated state', '?state=a&state=b'],
      ['an oversized state', `?state=${'s'.repeat(513)}`],
      ['512 control characters', `?state=${'%01'.repeat(512)}`],
      ['a state with CR/LF', '?state=a%0D%0Ab'],
    ])('answers 400 to %s, and sets no cookie', async (_name, query) => {
      const response = await app.http().get(`${BASE}/authorize${query}`);
      expectError(
        response,
        400,
        'state must be a single value of at most 512 printable characters'
      );
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('carries a 512-character state of 3-byte characters in a cookie browsers keep, back to the app', async () => {
      const appState = '€'.repeat(512);
      const { started, toApp } = await runFlowB(
        app,
        'alice',
        `?state=${encodeURIComponent(appState)}`
      );
      expect(Buffer.byteLength(started.setCookie)).toBeLessThan(4096);
      expect(toApp.searchParams.get('state')).toBe(appState);
      expect(toApp.searchParams.get('access_token')).toMatch(/^act\./);
    });

    it('leaves Flow A alone when no cookie comes back', async () => {
      const toApp = await callbackRedirect(app, await authorizeAt(app, 'alice', { state: 'a' }));
      expect(toApp.searchParams.get('access_token')).toMatch(/^act\./);
      expect(toApp.searchParams.get('state')).toBe('a');
    });
  });

  describe('Flow C: POST /token', () => {
    const codeFor = (person: string, verifier: string) => issueCodeFor(app, person, verifier);

    it('exchanges the SDK code server-side and answers { jwt, user }', async () => {
      const fromTikTok = await authorizeAt(app, 'bob', {
        codeChallenge: challengeFor(IOS_VERIFIER),
      });
      const response = await token({
        code: fromTikTok.searchParams.get('code'),
        code_verifier: IOS_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['jwt', 'user']);
      expect(response.body.user).toMatchObject({ provider: 'tiktok', confirmed: true });
      expect(response.body.user).not.toHaveProperty('password');
      expect((await usersMe(app, response.body.jwt)).status).toBe(200);
    });

    it("accepts the Android SDK's 32-character verifier", async () => {
      const response = await token({
        code: codeFor('alice', ANDROID_VERIFIER),
        code_verifier: ANDROID_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
      expect(response.status).toBe(200);
    });

    it('signs the same person into the same account as Flow A does', async () => {
      const viaToken = await token({
        code: codeFor('alice', IOS_VERIFIER),
        code_verifier: IOS_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
      const viaConnect = await app
        .http()
        .post(`${BASE}/connect`)
        .send({ access_token: app.emulator.issueAccessToken('alice') });
      expect(viaToken.body.user.id).toBe(viaConnect.body.user.id);
      const sameEmail = await app.strapi.db
        .query(USER_UID)
        .count({ where: { email: viaToken.body.user.email } });
      expect(sameEmail).toBe(1);
    });

    it.each([
      ['an empty body', {}, 'No code provided'],
      ['a numeric code', { code: 42 }, 'No code provided'],
      ['a code list', { code: ['a', 'b'] }, 'No code provided'],
      ['a blank code', { code: '   ' }, 'No code provided'],
      ['an oversized code', { code: 'c'.repeat(2049) }, 'The code is too long.'],
      ['no verifier', { code: 'c', redirect_uri: CALLBACK_URL }, 'No code_verifier provided'],
      [
        'a 31-character verifier',
        { code: 'c', code_verifier: 'v'.repeat(31), redirect_uri: CALLBACK_URL },
        'Invalid code_verifier: 32 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~"',
      ],
      [
        'a 129-character verifier',
        { code: 'c', code_verifier: 'v'.repeat(129), redirect_uri: CALLBACK_URL },
        'Invalid code_verifier: 32 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~"',
      ],
      [
        'a verifier outside the alphabet',
        { code: 'c', code_verifier: `${'v'.repeat(40)}+/=`, redirect_uri: CALLBACK_URL },
        'Invalid code_verifier: 32 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~"',
      ],
      ['no redirect_uri', { code: 'c', code_verifier: IOS_VERIFIER }, 'No redirect_uri provided'],
      [
        'a redirect_uri off the allow-list',
        { code: 'c', code_verifier: IOS_VERIFIER, redirect_uri: 'https://evil.example.com/cb' },
        'redirect_uri is not allowed',
      ],
      [
        'a near miss of the callback URL',
        { code: 'c', code_verifier: IOS_VERIFIER, redirect_uri: `${CALLBACK_URL}/` },
        'redirect_uri is not allowed',
      ],
      ['a JSON array body', ['c'], 'No code provided'],
    ])('answers 400 to %s without calling TikTok', async (_name, body, message) => {
      const before = exchanges();
      expectError(await token(body), 400, message);
      expect(exchanges()).toBe(before);
    });

    it("passes TikTok's refusal of a wrong verifier on as a readable 400", async () => {
      const code = codeFor('alice', IOS_VERIFIER);
      expectError(
        await token({ code, code_verifier: ANDROID_VERIFIER, redirect_uri: CALLBACK_URL }),
        400,
        'Failed to get TikTok token: Code verifier is invalid.'
      );
    });

    it("passes TikTok's invalid_grant for a used code on as a readable 400", async () => {
      const code = codeFor('alice', IOS_VERIFIER);
      const body = { code, code_verifier: IOS_VERIFIER, redirect_uri: CALLBACK_URL };
      expect((await token(body)).status).toBe(200);
      expectError(
        await token(body),
        400,
        'Failed to get TikTok token: Authorization code is expired or has been used.'
      );
    });

    it('refuses a blocked person', async () => {
      const first = await token({
        code: codeFor('bob', IOS_VERIFIER),
        code_verifier: IOS_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
      await app.strapi.db
        .query(USER_UID)
        .update({ where: { id: first.body.user.id }, data: { blocked: true } });
      try {
        const again = await token({
          code: codeFor('bob', IOS_VERIFIER),
          code_verifier: IOS_VERIFIER,
          redirect_uri: CALLBACK_URL,
        });
        expectError(again, 400, 'Your account has been blocked by an administrator');
        expect(again.body).not.toHaveProperty('jwt');
      } finally {
        await app.strapi.db
          .query(USER_UID)
          .update({ where: { id: first.body.user.id }, data: { blocked: false } });
      }
    });
  });
});

describe('with redirectWith strapi_jwt, refresh sessions and an allow-list', () => {
  const APP_CALLBACK = 'https://app.example.com/tiktok/done';
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      env: {
        UP_JWT_MANAGEMENT: 'refresh',
        TIKTOK_REDIRECT_WITH: 'strapi_jwt',
        TIKTOK_ALLOWED_REDIRECT_URIS: `${APP_CALLBACK}, ${CALLBACK_URL}`,
        TIKTOK_STATE_SECRET: 'a-dedicated-state-secret-of-40-characters',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('Flow B hands the app a Strapi session instead of the TikTok token', async () => {
    const { toApp } = await runFlowB(app, 'alice', '?state=s2');
    const params = Object.fromEntries(toApp.searchParams);
    expect(params).toEqual({
      from: 'strapi',
      jwt: expect.any(String),
      refreshToken: expect.any(String),
      state: 's2',
    });
    expect((await usersMe(app, params.jwt)).body.provider).toBe('tiktok');
  });

  it("hands the refresh token in the app URL even with users-permissions' sessions.httpOnly", async () => {
    // A cookie set on the callback would stay in the in-app browser, out of the app's reach.
    const SESSIONS = 'plugin::users-permissions.sessions';
    const previous = app.strapi.config.get(SESSIONS);
    app.strapi.config.set(SESSIONS, { httpOnly: true });
    try {
      const started = await startFlowB(app, '?state=s3');
      const fromTikTok = await consentAt(started.tiktok, 'alice');
      const response = await app
        .http()
        .get(`${fromTikTok.pathname}${fromTikTok.search}`)
        .set('Cookie', started.cookie);
      expect(response.status).toBe(302);
      const setCookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
      expect(setCookies.some((c) => c.startsWith('strapi_up_refresh='))).toBe(false);
      const refreshToken = new URL(response.headers.location).searchParams.get('refreshToken');
      expect(refreshToken).toEqual(expect.any(String));

      const refreshed = await app.http().post('/api/auth/refresh').send({ refreshToken });
      expect(refreshed.status).toBe(200);
    } finally {
      app.strapi.config.set(SESSIONS, previous);
    }
  });

  it('refuses a callback link without the /authorize cookie (login CSRF): no exchange, no session', async () => {
    // The link-maker's own code, opened in the victim's browser, which holds no flow cookie.
    const link = await authorizeAt(app, 'bob');
    const exchanges = app.emulator.callCount(TOKEN_PATH);
    const toApp = await callbackRedirect(app, link);
    expect(Object.fromEntries(toApp.searchParams)).toEqual({
      from: 'strapi',
      error: 'No sign-in was started from this browser: start again',
    });
    expect(app.emulator.callCount(TOKEN_PATH)).toBe(exchanges);
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { email: 'b0b-union-id-2@tiktok.com' } })
    ).toBe(0);
  });

  it('tells the app when the sign-in after the exchange fails', async () => {
    const { toApp } = await runFlowB(app, 'ghost');
    expect(toApp.searchParams.get('error')).toBe('User does not exist.');
    expect(toApp.searchParams.has('jwt')).toBe(false);
  });

  it('seals the cookie with the configured stateSecret', async () => {
    const { cookie } = await startFlowB(app);
    const value = decodeURIComponent(cookie.slice(FLOW_COOKIE.length + 1));
    expect(createStateSealer(['playgroundKeyA']).open(value)).toBeUndefined();
    expect(
      createStateSealer(['a-dedicated-state-secret-of-40-characters']).open(value)
    ).toBeDefined();
  });

  it('Flow C accepts every allow-listed redirect_uri and answers with a refresh token', async () => {
    for (const redirectUri of [APP_CALLBACK, CALLBACK_URL]) {
      const code = issueCodeFor(app, 'alice', IOS_VERIFIER, redirectUri);
      const response = await app
        .http()
        .post(`${BASE}/token`)
        .send({ code, code_verifier: IOS_VERIFIER, redirect_uri: redirectUri });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['jwt', 'refreshToken', 'user']);
    }
  });
});

describe('with only Flow C turned on (flows: token)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TIKTOK_FLOWS: 'token' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const TURNED_OFF = (flow: string) => `The ${flow} sign-in flow is turned off on this server`;

  it('answers 403 on /authorize and /connect, without calling TikTok or setting a cookie', async () => {
    const calls = app.emulator.callCount('/v2/user/info/');
    const authorize = await app.http().get(`${BASE}/authorize?state=s`);
    expectError(authorize, 403, TURNED_OFF('authorize'));
    expect(authorize.headers['set-cookie']).toBeUndefined();
    const connect = await app
      .http()
      .post(`${BASE}/connect`)
      .send({ access_token: app.emulator.issueAccessToken('alice') });
    expectError(connect, 403, TURNED_OFF('connect'));
    expect(app.emulator.callCount('/v2/user/info/')).toBe(calls);
  });

  it('refuses /callback with or without a flow cookie, without an exchange', async () => {
    const exchanges = app.emulator.callCount(TOKEN_PATH);
    const withoutCookie = await callbackRedirect(app, await authorizeAt(app, 'alice'));
    expect(withoutCookie.searchParams.get('error')).toBe(TURNED_OFF('connect'));

    const sealed = createStateSealer(['playgroundKeyA']).seal({
      state: 'server-state',
      verifier: IOS_VERIFIER,
      expiresAt: Date.now() + 60_000,
    });
    const link = await authorizeAt(app, 'alice', { state: 'server-state' });
    const withCookie = await callbackRedirect(app, link, `${FLOW_COOKIE}=${sealed}`);
    expect(withCookie.searchParams.get('error')).toBe(TURNED_OFF('authorize'));
    expect(withCookie.searchParams.has('access_token')).toBe(false);
    expect(app.emulator.callCount(TOKEN_PATH)).toBe(exchanges);
  });

  it('still signs people in with /token', async () => {
    const code = issueCodeFor(app, 'alice', IOS_VERIFIER);
    const response = await app
      .http()
      .post(`${BASE}/token`)
      .send({ code, code_verifier: IOS_VERIFIER, redirect_uri: CALLBACK_URL });
    expect(response.status).toBe(200);
    expect(response.body.user.provider).toBe('tiktok');
  });
});

import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import authController from '../../server/src/controllers/auth';
import { FLOW_COOKIE, ROLE_UID, ROUTE_BASE, ROUTES, USER_UID } from '../../server/src/constants';
import type { StrapiUser } from '../../server/src/services/accounts';
import type { SignInBody } from '../../server/src/services/session';
import { challengeFor } from '../../server/src/lib/oauth/pkce';
import { createStateSealer, type FlowState } from '../../server/src/lib/crypto/sealing';
import { asKoa, createFakeContext, redirectTarget, type FakeContext } from '../support/fake-koa';
import {
  FAKE_APP_KEYS,
  createFakeStrapi,
  type Env,
  type FakeStrapiOptions,
} from '../support/fake-strapi';
import {
  TIKTOK_BASE_URL,
  tokenEndpoint,
  tokenSuccess,
  useNock,
  userInfoBody,
  userInfoEndpoint,
  type ReplyOptions,
} from '../support/tiktok-nock';

useNock();

const APP_URL = 'https://app.example.com/auth/tiktok?from=strapi';
const STRAPI_URL = 'https://api.example.com';
const CONFIGURED = {
  clientKey: 'client-key',
  clientSecret: 'client-secret',
  redirectAppUrl: APP_URL,
  strapiUrl: STRAPI_URL,
  apiBaseUrl: TIKTOK_BASE_URL,
  timeoutMs: 500,
};
const ACCESS_TOKEN = 'act.from-the-app';
const PERSON = { open_id: 'open-1', union_id: 'union-1', display_name: 'Alice' };
const SIGNED_IN: SignInBody = { jwt: 'strapi.jwt.value', user: { id: 1, username: 'Alice' } };

const setup = (options: FakeStrapiOptions = {}) => {
  const signIn = jest.fn<Promise<SignInBody>, [StrapiUser, Context]>(async () => SIGNED_IN);
  const fake = createFakeStrapi({
    pluginConfig: CONFIGURED,
    advanced: { allow_register: true, unique_email: true, default_role: 'authenticated' },
    services: { session: { signIn } },
    ...options,
  });
  fake.db.seed(ROLE_UID, [{ id: 3, type: 'authenticated' }]);
  return { fake, signIn, controller: authController({ strapi: fake.strapi }) };
};

/** What a controller call threw, or undefined when it answered. */
const failureOf = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => undefined,
    (error: unknown) => error
  );

/** The app redirect's target (without query) and all its query parameters. */
const appRedirect = (ctx: FakeContext) => {
  const url = redirectTarget(ctx);
  return {
    target: `${url.origin}${url.pathname}`,
    params: Object.fromEntries(url.searchParams),
    hash: url.hash,
  };
};

const callback = async (query: Record<string, unknown>, options?: FakeStrapiOptions) => {
  const { controller } = setup(options);
  const ctx = createFakeContext({ query });
  await controller.callback(asKoa(ctx));
  return ctx;
};

describe('auth controller: unconfigured plugin', () => {
  const { clientKey, apiBaseUrl } = CONFIGURED;

  it.each<[string, Record<string, unknown>, Env, string]>([
    [
      'nothing is set',
      { apiBaseUrl },
      {},
      'CLIENT_KEY, CLIENT_SECRET, REDIRECT_APP_URL, STRAPI_URL',
    ],
    [
      'only the client key is set',
      { clientKey, apiBaseUrl },
      {},
      'CLIENT_SECRET, REDIRECT_APP_URL, STRAPI_URL',
    ],
    [
      'the env provides the secret and the app URL',
      { clientKey, apiBaseUrl },
      { CLIENT_SECRET: 's', REDIRECT_APP_URL: 'myapp://x' },
      'STRAPI_URL',
    ],
  ])(
    'answers the 500 naming exactly what is missing when %s, without calling TikTok',
    async (_case, pluginConfig, env, names) => {
      const token = tokenEndpoint({ status: 200, body: tokenSuccess() });
      const user = userInfoEndpoint({
        token: ACCESS_TOKEN,
        status: 200,
        body: userInfoBody(PERSON),
      });
      const { controller, signIn } = setup({ pluginConfig, env });
      const viaCallback = createFakeContext({ query: { code: 'c', scopes: 'user.info.basic' } });
      const viaConnect = createFakeContext({ body: { access_token: ACCESS_TOKEN } });

      await controller.callback(asKoa(viaCallback));
      await controller.connect(asKoa(viaConnect));

      for (const ctx of [viaCallback, viaConnect]) {
        expect(ctx.internalServerError).toHaveBeenCalledWith(
          `Unset environment variables: check ${names}`
        );
        expect(ctx.redirect).not.toHaveBeenCalled();
      }
      expect(viaConnect.body).toBeUndefined();
      expect(signIn).not.toHaveBeenCalled();
      expect([token.scope.isDone(), user.isDone()]).toEqual([false, false]);
    }
  );
});

describe('auth controller: callback', () => {
  const appTarget = 'https://app.example.com/auth/tiktok';

  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    [
      'passes on TikTok’s error, description and state',
      { error: 'access_denied', error_description: 'The user denied the request', state: 'st-1' },
      { error: 'access_denied', error_description: 'The user denied the request', state: 'st-1' },
    ],
    [
      'passes on TikTok’s error without description',
      { error: 'server_error' },
      { error: 'server_error' },
    ],
    [
      'cuts a long error description to 500 characters',
      { error: 'access_denied', error_description: 'd'.repeat(900) },
      { error: 'access_denied', error_description: 'd'.repeat(500) },
    ],
    [
      'refuses a callback without code',
      { scopes: 'user.info.basic', state: 'st-2' },
      { error: 'No code provided', state: 'st-2' },
    ],
    [
      'refuses scopes without user.info.basic',
      { code: 'code-1', scopes: 'user.info.profile,video.list', state: 'st-3' },
      { error: "User hasn't provided needed scopes", state: 'st-3' },
    ],
    [
      'refuses a callback without scopes',
      { code: 'code-1' },
      { error: "User hasn't provided needed scopes" },
    ],
    [
      'refuses repeated parameters as a whole',
      { code: ['code-1', 'code-2'], scopes: 'user.info.basic', state: 'st-4' },
      { error: 'Invalid callback parameters' },
    ],
  ])('%s, with no call to TikTok', async (_case, query, expected) => {
    const token = tokenEndpoint({ status: 200, body: tokenSuccess() });
    const ctx = await callback(query);
    expect(appRedirect(ctx)).toEqual({
      target: appTarget,
      params: { from: 'strapi', ...expected },
      hash: '',
    });
    expect(token.scope.isDone()).toBe(false);
  });

  it('redirects with the token exchange failure, keeping the state', async () => {
    tokenEndpoint({
      status: 200,
      body: { error: 'invalid_grant', error_description: 'Authorization code is expired.' },
    });
    const ctx = await callback({ code: 'code-1', scopes: 'user.info.basic', state: 'st-5' });
    expect(appRedirect(ctx).params).toEqual({
      from: 'strapi',
      error: 'Failed to get TikTok token: Authorization code is expired.',
      state: 'st-5',
    });
  });

  it('exchanges the code with the derived redirect URI and hands the access token to the app', async () => {
    const token = tokenEndpoint({
      status: 200,
      body: tokenSuccess({ access_token: 'act.new token&x=1' }),
    });
    const ctx = await callback({
      code: 'code-1',
      scopes: 'user.info.basic,user.info.profile',
      state: 'app state 1/2',
    });

    expect(appRedirect(ctx)).toEqual({
      target: appTarget,
      params: { from: 'strapi', access_token: 'act.new token&x=1', state: 'app state 1/2' },
      hash: '',
    });
    expect(ctx.redirect.mock.calls[0][0]).toContain('access_token=act.new%20token%26x%3D1');
    expect(ctx.set).toHaveBeenCalledWith('Cache-Control', 'no-store');
    expect(ctx.set).toHaveBeenCalledWith('Referrer-Policy', 'no-referrer');
    expect(token.requests[0].form).toEqual(
      expect.objectContaining({
        code: 'code-1',
        redirect_uri: `${STRAPI_URL}/api${ROUTE_BASE}${ROUTES.callback}`,
      })
    );
    expect(token.requests[0].form).not.toHaveProperty('code_verifier');
  });

  it('follows a changed api.rest.prefix in the redirect URI', async () => {
    const token = tokenEndpoint({ status: 200, body: tokenSuccess() });
    await callback({ code: 'code-1', scopes: 'user.info.basic' }, { apiPrefix: '/v2/' });
    expect(token.requests[0].form.redirect_uri).toBe(
      `${STRAPI_URL}/v2${ROUTE_BASE}${ROUTES.callback}`
    );
  });

  it('puts the values in the fragment when tokenDelivery is fragment', async () => {
    tokenEndpoint({ status: 200, body: tokenSuccess({ access_token: 'act.frag' }) });
    const ctx = await callback(
      { code: 'code-1', scopes: 'user.info.basic', state: 's' },
      { pluginConfig: { ...CONFIGURED, tokenDelivery: 'fragment' } }
    );
    expect(appRedirect(ctx)).toEqual({
      target: appTarget,
      params: { from: 'strapi' },
      hash: '#access_token=act.frag&state=s',
    });
  });

  it('ignores any redirect target sent in the query', async () => {
    tokenEndpoint({ status: 200, body: tokenSuccess() });
    const ctx = await callback({
      code: 'c',
      scopes: 'user.info.basic',
      redirect_uri: 'https://evil.example',
      redirectAppUrl: 'https://evil.example',
    });
    expect(appRedirect(ctx).target).toBe(appTarget);
  });
});

describe('auth controller: connect', () => {
  const storedUser = (overrides: Record<string, unknown> = {}) => ({
    id: 12,
    username: 'alice',
    email: 'union-1@tiktok.com',
    provider: 'tiktok',
    confirmed: true,
    blocked: false,
    ...overrides,
  });

  /** Runs `connect` with `body` against a database holding `users`; never throws, returns the failure. */
  const connect = async (body: unknown, users: Record<string, unknown>[] = []) => {
    const { fake, signIn, controller } = setup();
    fake.db.seed(USER_UID, users);
    const ctx = createFakeContext({ body });
    const failure = await failureOf(controller.connect(asKoa(ctx)));
    return { fake, signIn, ctx, failure };
  };

  const expectRefused = (failure: unknown, message: string) => {
    expect(failure).toBeInstanceOf(errors.ApplicationError);
    expect((failure as Error).message).toBe(message);
  };

  it('signs an existing user in and answers the session body', async () => {
    userInfoEndpoint({ token: ACCESS_TOKEN, status: 200, body: userInfoBody(PERSON) });
    const { ctx, signIn, failure } = await connect({ access_token: ACCESS_TOKEN }, [storedUser()]);
    expect(failure).toBeUndefined();
    expect(ctx.body).toEqual(SIGNED_IN);
    expect(signIn).toHaveBeenCalledWith(
      expect.objectContaining({ id: 12, provider: 'tiktok' }),
      ctx,
      undefined
    );
  });

  it('creates the user on a first sign-in, then signs them in', async () => {
    userInfoEndpoint({ token: ACCESS_TOKEN, status: 200, body: userInfoBody(PERSON) });
    const { ctx, fake, signIn, failure } = await connect({
      access_token: ACCESS_TOKEN,
      deviceId: 'phone-1',
    });
    expect(failure).toBeUndefined();
    expect(fake.db.rows(USER_UID)).toEqual([
      expect.objectContaining({
        email: 'union-1@tiktok.com',
        provider: 'tiktok',
        role: 3,
        username: 'Alice',
      }),
    ]);
    expect(signIn).toHaveBeenCalledWith(
      expect.objectContaining({ email: 'union-1@tiktok.com' }),
      ctx,
      'phone-1'
    );
    expect(ctx.body).toEqual(SIGNED_IN);
  });

  it('refuses a blocked user without issuing a session', async () => {
    userInfoEndpoint({ token: ACCESS_TOKEN, status: 200, body: userInfoBody(PERSON) });
    const { ctx, signIn, failure } = await connect({ access_token: ACCESS_TOKEN }, [
      storedUser({ blocked: true }),
    ]);
    expectRefused(failure, 'Your account has been blocked by an administrator');
    expect(signIn).not.toHaveBeenCalled();
    expect(ctx.body).toBeUndefined();
  });

  it.each<[string, unknown, ReplyOptions, string, boolean]>([
    [
      'a body without token',
      { token: ACCESS_TOKEN },
      { status: 200, body: userInfoBody(PERSON) },
      'No access token provided.',
      false,
    ],
    [
      'a non-string token',
      { access_token: [ACCESS_TOKEN] },
      { status: 200, body: userInfoBody(PERSON) },
      'No access token provided.',
      false,
    ],
    [
      'a token TikTok rejects',
      { access_token: ACCESS_TOKEN },
      {
        status: 401,
        body: { data: {}, error: { code: 'access_token_invalid', message: 'invalid' } },
      },
      'Failed to fetch TikTok user: Request failed with status code 401',
      true,
    ],
    [
      'a token of nobody',
      { access_token: ACCESS_TOKEN },
      { status: 200, body: { data: {}, error: { code: 'ok' } } },
      'User does not exist.',
      true,
    ],
    [
      'a profile without union_id',
      { access_token: ACCESS_TOKEN },
      { status: 200, body: userInfoBody({ open_id: 'open-1' }) },
      'Email was not available.',
      true,
    ],
  ])('refuses %s without a session', async (_case, body, reply, message, callsTikTok) => {
    const endpoint = userInfoEndpoint({ token: ACCESS_TOKEN, ...reply });
    const { ctx, fake, signIn, failure } = await connect(body);
    expectRefused(failure, message);
    expect(endpoint.isDone()).toBe(callsTikTok);
    expect(signIn).not.toHaveBeenCalled();
    expect(ctx.body).toBeUndefined();
    expect(fake.db.rows(USER_UID)).toHaveLength(0);
  });
});

describe('auth controller: authorize (Flow B)', () => {
  const authorize = async (query: Record<string, unknown>, options?: FakeStrapiOptions) => {
    const { controller, fake } = setup(options);
    const ctx = createFakeContext({ query });
    await controller.authorize(asKoa(ctx));
    return { ctx, fake };
  };

  it('redirects to TikTok with PKCE and seals verifier, state and the app state in a cookie', async () => {
    const { ctx } = await authorize({ state: 'mine' });
    const target = redirectTarget(ctx);
    expect(`${target.origin}${target.pathname}`).toBe('https://www.tiktok.com/v2/auth/authorize/');
    const [name, sealed, options] = ctx.cookies.set.mock.calls[0] as [string, string, object];
    expect(name).toBe(FLOW_COOKIE);
    expect(options).toEqual({
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: `/api${ROUTE_BASE}`,
      overwrite: true,
      maxAge: 600_000,
    });
    // The https public URL decides, whatever the hop to Strapi was.
    expect(ctx.cookies.secure).toBe(true);

    const flow = createStateSealer(FAKE_APP_KEYS).open(sealed)!;
    expect(flow.appState).toBe('mine');
    expect(target.searchParams.get('state')).toBe(flow.state);
    expect(target.searchParams.get('code_challenge')).toBe(challengeFor(flow.verifier));
    expect(ctx.set).toHaveBeenCalledWith('Cache-Control', 'no-store');
  });

  it('follows the configured authorize URL, scopes, prefix, lifetime and plain-http public URL', async () => {
    const { ctx } = await authorize(
      {},
      {
        pluginConfig: {
          ...CONFIGURED,
          strapiUrl: 'http://127.0.0.1:1337',
          authorizeUrl: 'http://127.0.0.1:4010/v2/auth/authorize/?lang=en',
          scopes: ['user.info.basic', 'user.info.profile'],
          stateTtlSeconds: 120,
        },
        apiPrefix: '/v1',
      }
    );
    const target = redirectTarget(ctx);
    expect(target.searchParams.get('lang')).toBe('en');
    expect(target.searchParams.get('scope')).toBe('user.info.basic,user.info.profile');
    expect(target.searchParams.get('redirect_uri')).toBe(
      `http://127.0.0.1:1337/v1${ROUTE_BASE}${ROUTES.callback}`
    );
    expect(ctx.cookies.set.mock.calls[0][2]).toMatchObject({
      secure: false,
      path: `/v1${ROUTE_BASE}`,
      maxAge: 120_000,
    });
    expect(ctx.cookies.secure).toBeUndefined();
  });

  it('seals with stateSecret instead of APP_KEYS when one is configured', async () => {
    const stateSecret = 's'.repeat(32);
    const { ctx } = await authorize({}, { pluginConfig: { ...CONFIGURED, stateSecret } });
    const sealed = ctx.cookies.set.mock.calls[0][1] as string;
    expect(createStateSealer(FAKE_APP_KEYS).open(sealed)).toBeUndefined();
    expect(createStateSealer([stateSecret]).open(sealed)).toBeDefined();
  });
});

describe('auth controller: callback after /authorize', () => {
  const sealer = createStateSealer(FAKE_APP_KEYS);
  const VERIFIER = 'v'.repeat(64);
  const cookieFor = (overrides: Partial<FlowState> = {}) =>
    sealer.seal({
      state: 'server-state',
      verifier: VERIFIER,
      appState: 'app-state',
      expiresAt: Date.now() + 60_000,
      ...overrides,
    });

  const callbackWithCookie = async (query: Record<string, unknown>, cookie: string) => {
    const { controller } = setup();
    const ctx = createFakeContext({ query, cookies: { [FLOW_COOKIE]: cookie } });
    await controller.callback(asKoa(ctx));
    return ctx;
  };

  it('sends the verifier in the exchange, returns the app its state and clears the cookie', async () => {
    const token = tokenEndpoint({ status: 200, body: tokenSuccess({ access_token: 'act.b' }) });
    const ctx = await callbackWithCookie(
      { code: 'code-1', scopes: 'user.info.basic', state: 'server-state' },
      cookieFor()
    );
    expect(token.requests[0].form.code_verifier).toBe(VERIFIER);
    expect(appRedirect(ctx).params).toEqual({
      from: 'strapi',
      access_token: 'act.b',
      state: 'app-state',
    });
    expect(ctx.cookies.set).toHaveBeenCalledWith(
      FLOW_COOKIE,
      null,
      expect.objectContaining({ path: `/api${ROUTE_BASE}`, httpOnly: true })
    );
  });

  it.each<[string, Record<string, unknown>, () => string, Record<string, string>]>([
    [
      'a state that differs',
      { code: 'c', scopes: 'user.info.basic', state: 'server-statf' },
      () => cookieFor(),
      { error: 'State does not match the sign-in that was started', state: 'app-state' },
    ],
    [
      'no state',
      { code: 'c', scopes: 'user.info.basic' },
      () => cookieFor(),
      { error: 'State does not match the sign-in that was started', state: 'app-state' },
    ],
    [
      'an expired cookie',
      { code: 'c', scopes: 'user.info.basic', state: 'server-state' },
      () => cookieFor({ expiresAt: Date.now() - 1 }),
      { error: 'The sign-in expired or was tampered with: start again' },
    ],
    [
      'a forged cookie',
      { code: 'c', scopes: 'user.info.basic', state: 'server-state' },
      () =>
        createStateSealer(['guessed']).seal({
          state: 'server-state',
          verifier: VERIFIER,
          expiresAt: Date.now() + 60_000,
        }),
      { error: 'The sign-in expired or was tampered with: start again' },
    ],
    [
      'a TikTok error with a foreign state',
      { error: 'access_denied', state: 'other' },
      () => cookieFor(),
      { error: 'State does not match the sign-in that was started', state: 'app-state' },
    ],
  ])(
    'refuses %s without calling TikTok, and clears the cookie',
    async (_case, query, cookie, expected) => {
      const token = tokenEndpoint({ status: 200, body: tokenSuccess() });
      const ctx = await callbackWithCookie(query, cookie());
      expect(appRedirect(ctx).params).toEqual({ from: 'strapi', ...expected });
      expect(token.scope.isDone()).toBe(false);
      expect(ctx.cookies.set).toHaveBeenCalledWith(FLOW_COOKIE, null, expect.any(Object));
    }
  );

  it('signs the person in and hands the app the Strapi session with redirectWith strapi_jwt', async () => {
    tokenEndpoint({ status: 200, body: tokenSuccess({ access_token: ACCESS_TOKEN }) });
    userInfoEndpoint({ token: ACCESS_TOKEN, status: 200, body: userInfoBody(PERSON) });
    const { controller, signIn } = setup({
      pluginConfig: { ...CONFIGURED, redirectWith: 'strapi_jwt' },
    });
    const ctx = createFakeContext({
      query: { code: 'c', scopes: 'user.info.basic', state: 'server-state' },
      cookies: { [FLOW_COOKIE]: cookieFor() },
    });
    await controller.callback(asKoa(ctx));
    expect(signIn).toHaveBeenCalledTimes(1);
    expect(appRedirect(ctx).params).toEqual({
      from: 'strapi',
      jwt: SIGNED_IN.jwt,
      state: 'app-state',
    });
  });
});

describe('auth controller: flows turned off, and the login CSRF of strapi_jwt', () => {
  const FROM_TIKTOK = { code: 'c', scopes: 'user.info.basic', state: 'attacker-state' };
  const cookie = () =>
    createStateSealer(FAKE_APP_KEYS).seal({
      state: 'attacker-state',
      verifier: 'v'.repeat(64),
      expiresAt: Date.now() + 60_000,
    });

  /** Runs `/callback` and checks that TikTok was never called and nobody signed in. */
  const refusedCallback = async (pluginConfig: Record<string, unknown>, withCookie: boolean) => {
    const token = tokenEndpoint({ status: 200, body: tokenSuccess() });
    const { controller, signIn } = setup({ pluginConfig: { ...CONFIGURED, ...pluginConfig } });
    const ctx = createFakeContext({
      query: FROM_TIKTOK,
      cookies: withCookie ? { [FLOW_COOKIE]: cookie() } : {},
    });
    await controller.callback(asKoa(ctx));
    expect(token.scope.isDone()).toBe(false);
    expect(signIn).not.toHaveBeenCalled();
    return appRedirect(ctx).params;
  };

  it('refuses a callback without the /authorize cookie when it would hand out a Strapi session', async () => {
    expect(await refusedCallback({ redirectWith: 'strapi_jwt' }, false)).toEqual({
      from: 'strapi',
      error: 'No sign-in was started from this browser: start again',
    });
  });

  it('refuses a callback without the cookie when Flow A (connect) is turned off', async () => {
    expect(await refusedCallback({ flows: ['authorize', 'token'] }, false)).toEqual({
      from: 'strapi',
      error: 'The connect sign-in flow is turned off on this server',
    });
  });

  it('refuses a callback with the cookie when Flow B (authorize) is turned off', async () => {
    expect(await refusedCallback({ flows: ['connect', 'token'] }, true)).toEqual({
      from: 'strapi',
      error: 'The authorize sign-in flow is turned off on this server',
    });
  });

  it.each<['authorize' | 'connect' | 'token', Record<string, unknown>]>([
    ['authorize', { query: { state: 'app' } }],
    ['connect', { body: { access_token: ACCESS_TOKEN } }],
    ['token', { body: { code: 'c', code_verifier: 'i'.repeat(43), redirect_uri: 'x' } }],
  ])(
    'answers 403 on %s when its flow is turned off, without calling TikTok',
    async (route, input) => {
      const exchange = tokenEndpoint({ status: 200, body: tokenSuccess() });
      const user = userInfoEndpoint({
        token: ACCESS_TOKEN,
        status: 200,
        body: userInfoBody(PERSON),
      });
      const others = ['authorize', 'connect', 'token'].filter((flow) => flow !== route);
      const { controller } = setup({ pluginConfig: { ...CONFIGURED, flows: others } });
      const ctx = createFakeContext(input);
      await controller[route](asKoa(ctx));
      expect(ctx.forbidden).toHaveBeenCalledWith(
        `The ${route} sign-in flow is turned off on this server`
      );
      expect([exchange.scope.isDone(), user.isDone()]).toEqual([false, false]);
      expect(ctx.cookies.set).not.toHaveBeenCalled();
    }
  );
});

describe('auth controller: token (Flow C)', () => {
  const VERIFIER = 'i'.repeat(43);
  const CALLBACK = `${STRAPI_URL}/api${ROUTE_BASE}${ROUTES.callback}`;

  const token = async (body: unknown, options?: FakeStrapiOptions) => {
    const { controller, signIn } = setup(options);
    const ctx = createFakeContext({ body });
    const failure = await failureOf(controller.token(asKoa(ctx)));
    return { ctx, signIn, failure };
  };

  it('exchanges code and verifier for the redirect URI, then signs the person in', async () => {
    const exchange = tokenEndpoint({
      status: 200,
      body: tokenSuccess({ access_token: ACCESS_TOKEN }),
    });
    userInfoEndpoint({ token: ACCESS_TOKEN, status: 200, body: userInfoBody(PERSON) });
    const { ctx, signIn, failure } = await token({
      code: 'sdk-code',
      code_verifier: VERIFIER,
      redirect_uri: CALLBACK,
      deviceId: 'phone-2',
    });
    expect(failure).toBeUndefined();
    expect(exchange.requests[0].form).toMatchObject({
      code: 'sdk-code',
      code_verifier: VERIFIER,
      redirect_uri: CALLBACK,
      grant_type: 'authorization_code',
    });
    expect(signIn).toHaveBeenCalledWith(
      expect.objectContaining({ provider: 'tiktok' }),
      ctx,
      'phone-2'
    );
    expect(ctx.body).toEqual(SIGNED_IN);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['another URL', 'https://evil.example/cb', {}],
    ['the callback with a trailing slash', `${CALLBACK}/`, {}],
    [
      'the callback once an allow-list replaces it',
      CALLBACK,
      { allowedRedirectUris: ['https://app.example.com/cb'] },
    ],
  ])('refuses %s before calling TikTok', async (_case, redirectUri, config) => {
    const exchange = tokenEndpoint({ status: 200, body: tokenSuccess() });
    const { failure, signIn } = await token(
      { code: 'c', code_verifier: VERIFIER, redirect_uri: redirectUri },
      { pluginConfig: { ...CONFIGURED, ...config } }
    );
    expect(failure).toBeInstanceOf(errors.ValidationError);
    expect((failure as Error).message).toBe('redirect_uri is not allowed');
    expect(exchange.scope.isDone()).toBe(false);
    expect(signIn).not.toHaveBeenCalled();
  });

  it("answers TikTok's refusal readably, with no session", async () => {
    tokenEndpoint({
      status: 200,
      body: {
        error: 'invalid_request',
        error_description: 'Code verifier is invalid.',
        log_id: 'l',
      },
    });
    const { failure, signIn } = await token({
      code: 'c',
      code_verifier: VERIFIER,
      redirect_uri: CALLBACK,
    });
    expect(failure).toBeInstanceOf(errors.ApplicationError);
    expect((failure as Error).message).toBe(
      'Failed to get TikTok token: Code verifier is invalid.'
    );
    expect(signIn).not.toHaveBeenCalled();
  });
});

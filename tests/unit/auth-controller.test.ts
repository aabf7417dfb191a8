import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import authController from '../../server/src/controllers/auth';
import { ROLE_UID, USER_UID } from '../../server/src/plugin-id';
import type { StrapiUser } from '../../server/src/services/accounts';
import type { SignInBody } from '../../server/src/services/session';
import { asKoa, createFakeContext, redirectTarget, type FakeContext } from '../support/fake-koa';
import { createFakeStrapi, type Env, type FakeStrapiOptions } from '../support/fake-strapi';
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
        redirect_uri: `${STRAPI_URL}/api/tiktok-auth-mobile/callback`,
      })
    );
    expect(token.requests[0].form).not.toHaveProperty('code_verifier');
  });

  it('follows a changed api.rest.prefix in the redirect URI', async () => {
    const token = tokenEndpoint({ status: 200, body: tokenSuccess() });
    await callback({ code: 'code-1', scopes: 'user.info.basic' }, { apiPrefix: '/v2/' });
    expect(token.requests[0].form.redirect_uri).toBe(
      `${STRAPI_URL}/v2/tiktok-auth-mobile/callback`
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
    const failure = await controller.connect(asKoa(ctx)).then(
      () => undefined,
      (error: unknown) => error
    );
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

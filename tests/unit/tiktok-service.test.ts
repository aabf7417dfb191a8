import { ROUTE_BASE, ROUTES } from '../../server/src/constants';
import net, { type AddressInfo } from 'node:net';
import nock from 'nock';
import { errors } from '@strapi/utils';
import { rejectionOf } from '../support/errors';
import { createFakeStrapi, type FakeStrapi } from '../support/fake-strapi';
import { pauseFromRetryAfter, tikTokOAuthErrorOf } from '../../server/src/services/tiktok';
import {
  BASIC_FIELDS,
  PROFILE_FIELDS,
  TIKTOK_BASE_URL,
  revokeEndpoint,
  tokenEndpoint,
  tokenSuccess,
  useNock,
  userInfoBody,
  userInfoEndpoint,
  type ReplyOptions,
} from '../support/tiktok-nock';
import { withDeadline } from '../../server/src/services/tiktok';

useNock();

const SECRET = 'client-SECRET-never-logged';
const ACCESS_TOKEN = 'act.ACCESS-never-logged';
const CODE = 'CODE-never-logged';
const REDIRECT_URI = `https://api.example.com/api${ROUTE_BASE}${ROUTES.callback}`;
const TIMEOUT_MS = 200;
const PROFILE_SCOPES = ['user.info.basic', 'user.info.profile'];

/** TikTok's answer when asked for a field whose scope the person did not grant. */
const scopeNotAuthorized = {
  status: 401,
  body: {
    data: {},
    error: { code: 'scope_not_authorized', message: 'The user did not authorize the scope.' },
  },
};

const PERSON = {
  open_id: 'open-1',
  union_id: 'union-1',
  avatar_url: 'https://p16.tiktokcdn.example/a.jpeg',
  display_name: 'Alice',
};

const fakeWith = (pluginConfig: Record<string, unknown> = {}): FakeStrapi =>
  createFakeStrapi({
    pluginConfig: {
      clientKey: 'client-key',
      clientSecret: SECRET,
      redirectAppUrl: 'myapp://tiktok',
      strapiUrl: 'https://api.example.com',
      apiBaseUrl: TIKTOK_BASE_URL,
      timeoutMs: TIMEOUT_MS,
      ...pluginConfig,
    },
  });

const tiktokService = (pluginConfig?: Record<string, unknown>) =>
  fakeWith(pluginConfig).service('tiktok');
type TikTokService = ReturnType<typeof tiktokService>;

const rejection = (call: Promise<unknown>) => rejectionOf(call, errors.ApplicationError);

describe('tiktok service: exchangeCode', () => {
  const exchange = (codeVerifier?: string) =>
    tiktokService().exchangeCode({ code: CODE, redirectUri: REDIRECT_URI, codeVerifier });

  it('posts exactly the OAuth form fields, url-encoded', async () => {
    const endpoint = tokenEndpoint({ status: 200, body: tokenSuccess() });
    await exchange();
    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.form).toEqual({
      client_key: 'client-key',
      client_secret: SECRET,
      code: CODE,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
    });
  });

  it('adds code_verifier only when one is given', async () => {
    const endpoint = tokenEndpoint({ status: 200, body: tokenSuccess() });
    await exchange('verifier-0123456789abcdef0123456789');
    expect(endpoint.requests[0].form).toMatchObject({
      code_verifier: 'verifier-0123456789abcdef0123456789',
    });
  });

  it('encodes a code with reserved characters so it arrives intact', async () => {
    const endpoint = tokenEndpoint({ status: 200, body: tokenSuccess() });
    const code = 'a&b=c d*%2F';
    await tiktokService().exchangeCode({ code, redirectUri: REDIRECT_URI });
    expect(endpoint.requests[0].form.code).toBe(code);
  });

  it('returns TikTok’s token body', async () => {
    const body = tokenSuccess({ scope: 'user.info.basic,user.info.profile' });
    tokenEndpoint({ status: 200, body });
    await expect(exchange()).resolves.toEqual(body);
  });

  it.each<[string, ReplyOptions, string]>([
    [
      'an OAuth error sent with HTTP 200',
      {
        status: 200,
        body: {
          error: 'invalid_grant',
          error_description: 'Authorization code is expired.',
          log_id: 'l1',
        },
      },
      'Authorization code is expired.',
    ],
    [
      'an OAuth error without description',
      { status: 200, body: { error: 'invalid_request', log_id: 'l2' } },
      'invalid_request',
    ],
    [
      'an HTTP 401 with an OAuth error body',
      {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client key or secret is incorrect.' },
      },
      'Client key or secret is incorrect.',
    ],
    ['an HTTP 500 without body', { status: 500 }, 'Request failed with status code 500'],
    [
      'a 200 with malformed JSON',
      { status: 200, body: '{"access_token": "act.x",' },
      'TikTok sent an unreadable answer',
    ],
    [
      'a 200 without access_token',
      { status: 200, body: { token_type: 'Bearer', open_id: 'o' } },
      'TikTok sent no access token',
    ],
    [
      'a 200 with an empty access_token',
      { status: 200, body: tokenSuccess({ access_token: '' }) },
      'TikTok sent no access token',
    ],
    [
      'a 200 that is not JSON',
      { status: 200, body: '<html>gateway</html>' },
      'TikTok sent an unreadable answer',
    ],
    [
      'a 200 that is a JSON array',
      { status: 200, body: [tokenSuccess()] },
      'TikTok sent an unreadable answer',
    ],
  ])('fails readably on %s', async (_case, reply, reason) => {
    tokenEndpoint(reply);
    const error = await rejection(exchange());
    expect(error.message).toBe(`Failed to get TikTok token: ${reason}`);
  });

  // A real socket on loopback that TikTok "drops": nock's replyWithError races with the
  // keep-alive agent and can emit its error after the test has ended.
  it('fails readably when the connection breaks', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const service = tiktokService({ apiBaseUrl: `http://127.0.0.1:${port}` });
      const error = await rejection(
        service.exchangeCode({ code: CODE, redirectUri: REDIRECT_URI })
      );
      expect(error.message).toMatch(
        /^Failed to get TikTok token: (socket hang up|read ECONNRESET)$/
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('tiktok service: connection refused', () => {
  it.each([
    [
      'the token exchange',
      (service: TikTokService) => service.exchangeCode({ code: CODE, redirectUri: REDIRECT_URI }),
      'Failed to get TikTok token: ',
    ],
    [
      'the user info call',
      (service: TikTokService) => service.fetchUser(ACCESS_TOKEN),
      'Failed to fetch TikTok user: ',
    ],
  ])('fails %s readably when nothing listens', async (_case, call, prefix) => {
    // A port that was free a moment ago: nothing accepts connections there.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const error = await rejection(call(tiktokService({ apiBaseUrl: `http://127.0.0.1:${port}` })));
    expect(error.message).toBe(`${prefix}connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe('tiktok service: fetchUser', () => {
  it('asks for the basic fields with the token as a Bearer header by default', async () => {
    const endpoint = userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: BASIC_FIELDS,
      status: 200,
      body: userInfoBody(PERSON),
    });
    await expect(tiktokService().fetchUser(ACCESS_TOKEN)).resolves.toEqual(PERSON);
    expect(endpoint.isDone()).toBe(true);
  });

  it('adds username when the scopes include user.info.profile', async () => {
    const person = { ...PERSON, username: 'alice.tt' };
    const endpoint = userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: PROFILE_FIELDS,
      status: 200,
      body: userInfoBody(person),
    });
    await expect(
      tiktokService({ scopes: PROFILE_SCOPES }).fetchUser(ACCESS_TOKEN)
    ).resolves.toEqual(person);
    expect(endpoint.isDone()).toBe(true);
  });

  it.each<[string, Omit<ReplyOptions, 'delayMs'>, string]>([
    [
      'an HTTP 401',
      {
        status: 401,
        body: {
          data: {},
          error: { code: 'access_token_invalid', message: 'The access token is invalid.' },
        },
      },
      'Failed to fetch TikTok user: Request failed with status code 401',
    ],
    [
      'an HTTP 500 without body',
      { status: 500 },
      'Failed to fetch TikTok user: Request failed with status code 500',
    ],
    [
      'a 200 whose error code is not ok',
      {
        status: 200,
        body: {
          data: {},
          error: {
            code: 'access_token_invalid',
            message: 'The access token is invalid or not found.',
            log_id: 'l3',
          },
        },
      },
      'The access token is invalid or not found.',
    ],
    [
      'a 200 whose error has no message',
      { status: 200, body: { data: {}, error: { code: 'internal_error' } } },
      'internal_error',
    ],
    [
      'an HTTP 500 with an HTML page',
      { status: 500, body: '<!doctype html><h1>Internal Server Error</h1>' },
      'Failed to fetch TikTok user: Request failed with status code 500',
    ],
    [
      'a 200 with malformed JSON',
      { status: 200, body: '{"data": {"user": {' },
      'Failed to fetch TikTok user: TikTok sent an unreadable answer',
    ],
    [
      'a 200 with empty data',
      { status: 200, body: { data: {}, error: { code: 'ok', message: '' } } },
      'User does not exist.',
    ],
    ['a 200 with an empty user', { status: 200, body: userInfoBody({}) }, 'User does not exist.'],
    [
      'a 200 without data at all',
      { status: 200, body: { error: { code: 'ok' } } },
      'User does not exist.',
    ],
    [
      'a 200 that is not JSON',
      { status: 200, body: 'garbage' },
      'Failed to fetch TikTok user: TikTok sent an unreadable answer',
    ],
  ])('fails readably on %s', async (_case, reply, message) => {
    userInfoEndpoint({ token: ACCESS_TOKEN, ...reply });
    const error = await rejection(tiktokService().fetchUser(ACCESS_TOKEN));
    expect(error.message).toBe(message);
  });

  it('retries once with the basic fields when TikTok refuses the profile fields', async () => {
    const refused = userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: PROFILE_FIELDS,
      ...scopeNotAuthorized,
    });
    const retried = userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: BASIC_FIELDS,
      status: 200,
      body: userInfoBody(PERSON),
    });
    await expect(
      tiktokService({ scopes: PROFILE_SCOPES }).fetchUser(ACCESS_TOKEN)
    ).resolves.toEqual(PERSON);
    expect([refused.isDone(), retried.isDone()]).toEqual([true, true]);
  });

  it('does not retry when the basic fields themselves are refused', async () => {
    userInfoEndpoint({ token: ACCESS_TOKEN, fields: BASIC_FIELDS, ...scopeNotAuthorized });
    const second = userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: BASIC_FIELDS,
      status: 200,
      body: userInfoBody(PERSON),
    });
    const error = await rejection(tiktokService().fetchUser(ACCESS_TOKEN));
    expect(error.message).toBe('Failed to fetch TikTok user: Request failed with status code 401');
    expect(second.isDone()).toBe(false);
  });

  it('does not retry on another 401 when asking for profile fields', async () => {
    userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: PROFILE_FIELDS,
      status: 401,
      body: { data: {}, error: { code: 'access_token_invalid', message: 'expired' } },
    });
    const retry = userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: BASIC_FIELDS,
      status: 200,
      body: userInfoBody(PERSON),
    });
    await rejection(tiktokService({ scopes: PROFILE_SCOPES }).fetchUser(ACCESS_TOKEN));
    expect(retry.isDone()).toBe(false);
  });
});

describe('tiktok service: timeouts', () => {
  it.each([
    [
      'the token exchange',
      () => tokenEndpoint({ status: 200, body: tokenSuccess(), delayMs: 3000 }),
      (service: TikTokService) => service.exchangeCode({ code: CODE, redirectUri: REDIRECT_URI }),
      `Failed to get TikTok token: timeout of ${TIMEOUT_MS}ms exceeded`,
    ],
    [
      'the user info call',
      () =>
        userInfoEndpoint({
          token: ACCESS_TOKEN,
          status: 200,
          body: userInfoBody(PERSON),
          delayMs: 3000,
        }),
      (service: TikTokService) => service.fetchUser(ACCESS_TOKEN),
      `Failed to fetch TikTok user: timeout of ${TIMEOUT_MS}ms exceeded`,
    ],
  ])('gives up on %s after timeoutMs with a clear error', async (_case, mock, call, message) => {
    mock();
    const startedAt = Date.now();
    const error = await rejection(call(tiktokService()));
    expect(error.message).toBe(message);
    expect(Date.now() - startedAt).toBeLessThan(1500);
  });
});

describe('withDeadline', () => {
  /** A call that only ends when its signal aborts, as an HTTP call stuck in a slow body does. */
  const stuck = (signal: AbortSignal) =>
    new Promise<never>((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(new Error('canceled')))
    );

  it('aborts a call still running at the deadline and says it timed out', async () => {
    await expect(withDeadline(50, stuck)).rejects.toThrow('timeout of 50ms exceeded');
  });

  it('hands back what a call resolves before the deadline', async () => {
    await expect(withDeadline(1000, async () => 'answer')).resolves.toBe('answer');
  });

  it('passes on a failure that is not the deadline', async () => {
    const failure = new Error('connect ECONNREFUSED');
    await expect(withDeadline(1000, () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe('tiktok service: logs', () => {
  it('never logs the client secret, the code or the tokens, even when TikTok refuses', async () => {
    const fake = fakeWith({ scopes: PROFILE_SCOPES });
    const service = fake.service('tiktok');
    tokenEndpoint({
      status: 200,
      body: { error: 'invalid_grant', error_description: 'Code expired.', log_id: 'log-x' },
    });
    userInfoEndpoint({ token: ACCESS_TOKEN, fields: PROFILE_FIELDS, ...scopeNotAuthorized });
    userInfoEndpoint({
      token: ACCESS_TOKEN,
      fields: BASIC_FIELDS,
      status: 200,
      body: {
        data: {},
        error: { code: 'access_token_invalid', message: 'bad token', log_id: 'log-y' },
      },
    });

    await rejection(
      service.exchangeCode({
        code: CODE,
        redirectUri: REDIRECT_URI,
        codeVerifier: 'VERIFIER-never-logged',
      })
    );
    await rejection(service.fetchUser(ACCESS_TOKEN));

    expect(fake.log.warn).toHaveBeenCalledTimes(2);
    const logged = fake.loggedText();
    expect(logged).toContain('log-x');
    for (const secret of [SECRET, CODE, ACCESS_TOKEN, 'VERIFIER-never-logged'])
      expect(logged).not.toContain(secret);
  });
});

describe("tiktok service: TikTok's own rate limit", () => {
  const TIKTOK_MESSAGE = 'TikTok asked this app to slow down, please try again later.';
  const oauthLimit = { error: 'rate_limit_exceeded', error_description: 'Too many requests.' };
  const apiLimit = { data: {}, error: { code: 'rate_limit_exceeded', message: 'Too many.' } };

  /** Each endpoint answering rate_limit_exceeded once, then (if asked again) success. */
  const ENDPOINTS = [
    {
      name: 'the token endpoint',
      limit: (reply: Omit<ReplyOptions, 'body'>, body: unknown = oauthLimit) => {
        const limited = tokenEndpoint({ ...reply, body: body as nock.Body });
        const after = tokenEndpoint({ status: 200, body: tokenSuccess() });
        return () => limited.requests.length + after.requests.length;
      },
      call: (service: TikTokService) =>
        service.exchangeCode({ code: CODE, redirectUri: REDIRECT_URI }),
      other: (service: TikTokService) => service.fetchUser(ACCESS_TOKEN),
      otherReply: () =>
        userInfoEndpoint({ token: ACCESS_TOKEN, status: 200, body: userInfoBody(PERSON) }),
    },
    {
      name: 'user info',
      limit: (reply: Omit<ReplyOptions, 'body'>, body: unknown = apiLimit) => {
        let calls = 0;
        nock(TIKTOK_BASE_URL)
          .get('/v2/user/info/')
          .query(true)
          .times(2)
          .reply(() => {
            calls += 1;
            return [reply.status, body as nock.Body, reply.headers ?? {}];
          });
        return () => calls;
      },
      call: (service: TikTokService) => service.fetchUser(ACCESS_TOKEN),
      other: (service: TikTokService) =>
        service.exchangeCode({ code: CODE, redirectUri: REDIRECT_URI }),
      otherReply: () => tokenEndpoint({ status: 200, body: tokenSuccess() }),
    },
  ];

  describe.each(ENDPOINTS)('at $name', ({ limit, call, other, otherReply }) => {
    it.each([
      [
        'an HTTP 429 with Retry-After: 120',
        { status: 429, headers: { 'Retry-After': '120' } },
        120,
      ],
      ['an HTTP 429 without Retry-After', { status: 429 }, 60],
    ])('on %s: answers 429 and calls it no more for the window', async (_c, reply, seconds) => {
      const calls = limit(reply);
      const service = tiktokService();
      const first = await rejectionOf(call(service), errors.RateLimitError);
      expect(first.message).toBe(TIKTOK_MESSAGE);
      expect(first.details).toEqual({ retryAfter: seconds });

      const again = await rejectionOf(call(service), errors.RateLimitError);
      expect(again.message).toBe(TIKTOK_MESSAGE);
      expect((again.details as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(seconds);
      expect(calls()).toBe(1);
    });

    it('takes rate_limit_exceeded in a 200 body the same way', async () => {
      const calls = limit({ status: 200 });
      const service = tiktokService();
      await rejectionOf(call(service), errors.RateLimitError);
      await rejectionOf(call(service), errors.RateLimitError);
      expect(calls()).toBe(1);
    });

    it('pauses only that endpoint', async () => {
      limit({ status: 429 });
      const service = tiktokService();
      await rejectionOf(call(service), errors.RateLimitError);
      otherReply();
      await expect(other(service)).resolves.toBeDefined();
    });
  });

  it.each([
    ['whole seconds', '30', 30_000],
    ['an HTTP date', new Date(Date.UTC(2030, 0, 1, 0, 2)).toUTCString(), 120_000],
    ['zero (at least a second)', '0', 1000],
    ['more than an hour (an hour at most)', '86400', 3_600_000],
    ['garbage (the default)', 'soon', 60_000],
    ['nothing (the default)', undefined, 60_000],
  ])('reads Retry-After given as %s', (_case, header, ms) => {
    expect(pauseFromRetryAfter(header, Date.UTC(2030, 0, 1))).toBe(ms);
  });
});

describe('tiktok service: refreshToken', () => {
  const REFRESH_TOKEN = 'rft.REFRESH-never-logged';
  const refresh = (service = tiktokService()) => service.refreshToken(REFRESH_TOKEN);

  it('posts grant_type=refresh_token with the app credentials, url-encoded', async () => {
    const endpoint = tokenEndpoint({ status: 200, body: tokenSuccess() });
    await refresh();
    expect(endpoint.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(endpoint.requests[0].form).toEqual({
      client_key: 'client-key',
      client_secret: SECRET,
      grant_type: 'refresh_token',
      refresh_token: REFRESH_TOKEN,
    });
  });

  it('returns TikTok’s answer as is: the rotated refresh token and TikTok’s current lifetimes', async () => {
    const body = tokenSuccess({
      access_token: 'act.new',
      refresh_token: 'rft.rotated',
      expires_in: 7200,
      refresh_expires_in: 15552000,
    });
    tokenEndpoint({ status: 200, body });
    await expect(refresh()).resolves.toEqual(body);
  });

  it.each<[string, ReplyOptions]>([
    [
      'invalid_grant with HTTP 200',
      {
        status: 200,
        body: {
          error: 'invalid_grant',
          error_description: 'Refresh token is invalid or expired.',
          log_id: 'l1',
        },
      },
    ],
    [
      'invalid_grant with HTTP 400',
      {
        status: 400,
        body: {
          error: 'invalid_grant',
          error_description: 'Refresh token is invalid or expired.',
          log_id: 'l2',
        },
      },
    ],
  ])('fails clearly on %s, with TikTok’s code in the details', async (_name, reply) => {
    tokenEndpoint(reply);
    const error = await rejection(refresh());
    expect(error.message).toBe(
      'Failed to refresh TikTok token: Refresh token is invalid or expired.'
    );
    expect(tikTokOAuthErrorOf(error)).toBe('invalid_grant');
  });

  it.each<[string, ReplyOptions, string]>([
    [
      'an answer without access token',
      { status: 200, body: { ...tokenSuccess(), access_token: '' } },
      'TikTok sent an incomplete answer',
    ],
    [
      'an answer without refresh token',
      { status: 200, body: { ...tokenSuccess(), refresh_token: undefined } },
      'TikTok sent an incomplete answer',
    ],
    [
      'an answer without lifetimes',
      { status: 200, body: { ...tokenSuccess(), expires_in: 'soon' } },
      'TikTok sent an incomplete answer',
    ],
    [
      'an HTML 502',
      { status: 502, body: '<html>Bad gateway</html>' },
      'Request failed with status code 502',
    ],
  ])('fails clearly on %s, without a TikTok code', async (_name, reply, reason) => {
    tokenEndpoint(reply);
    const error = await rejection(refresh());
    expect(error.message).toBe(`Failed to refresh TikTok token: ${reason}`);
    expect(tikTokOAuthErrorOf(error)).toBeUndefined();
  });

  it('gives up at the deadline', async () => {
    tokenEndpoint({ status: 200, body: tokenSuccess(), delayMs: TIMEOUT_MS * 5 });
    expect((await rejection(refresh())).message).toBe(
      `Failed to refresh TikTok token: timeout of ${TIMEOUT_MS}ms exceeded`
    );
  });

  it('pauses the token endpoint when TikTok answers rate_limit_exceeded', async () => {
    tokenEndpoint({
      status: 429,
      body: { error: 'rate_limit_exceeded' },
      headers: { 'Retry-After': '30' },
    });
    const service = tiktokService();
    await expect(refresh(service)).rejects.toBeInstanceOf(errors.RateLimitError);
    const later = tokenEndpoint({ status: 200, body: tokenSuccess() });
    await expect(refresh(service)).rejects.toBeInstanceOf(errors.RateLimitError);
    expect(later.requests).toHaveLength(0);
  });

  it('logs neither the refresh token nor the secret, refused or not', async () => {
    const fake = fakeWith();
    tokenEndpoint({
      status: 200,
      body: { error: 'invalid_grant', error_description: 'No.', log_id: 'l3' },
    });
    await rejection(fake.service('tiktok').refreshToken(REFRESH_TOKEN));
    tokenEndpoint({ status: 200, body: tokenSuccess() });
    await fake.service('tiktok').refreshToken(REFRESH_TOKEN);
    expect(fake.loggedText()).toContain('invalid_grant');
    expect(fake.loggedText()).not.toContain(REFRESH_TOKEN);
    expect(fake.loggedText()).not.toContain(SECRET);
  });
});

describe('tiktok service: revokeToken', () => {
  it('posts the access token with the app credentials and accepts TikTok’s empty answer', async () => {
    const endpoint = revokeEndpoint({ status: 200, body: {} });
    await expect(tiktokService().revokeToken(ACCESS_TOKEN)).resolves.toBeUndefined();
    expect(endpoint.requests[0].form).toEqual({
      client_key: 'client-key',
      client_secret: SECRET,
      token: ACCESS_TOKEN,
    });
  });

  it('accepts an answer with no body at all', async () => {
    revokeEndpoint({ status: 200 });
    await expect(tiktokService().revokeToken(ACCESS_TOKEN)).resolves.toBeUndefined();
  });

  it.each<[string, ReplyOptions, string | undefined, string]>([
    [
      'an OAuth error with HTTP 200',
      {
        status: 200,
        body: { error: 'invalid_request', error_description: 'Token is missing.', log_id: 'l4' },
      },
      'invalid_request',
      'Token is missing.',
    ],
    [
      'invalid_client with HTTP 401',
      {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client key or secret is incorrect.' },
      },
      'invalid_client',
      'Client key or secret is incorrect.',
    ],
    ['a 500 without body', { status: 500 }, undefined, 'Request failed with status code 500'],
  ])('fails clearly on %s', async (_name, reply, code, reason) => {
    revokeEndpoint(reply);
    const error = await rejection(tiktokService().revokeToken(ACCESS_TOKEN));
    expect(error.message).toBe(`Failed to revoke TikTok token: ${reason}`);
    expect(tikTokOAuthErrorOf(error)).toBe(code);
  });

  it('gives up at the deadline', async () => {
    revokeEndpoint({ status: 200, body: {}, delayMs: TIMEOUT_MS * 5 });
    expect((await rejection(tiktokService().revokeToken(ACCESS_TOKEN))).message).toBe(
      `Failed to revoke TikTok token: timeout of ${TIMEOUT_MS}ms exceeded`
    );
  });
});

describe('tikTokOAuthErrorOf', () => {
  it('reads only the code the client put in an ApplicationError', () => {
    expect(
      tikTokOAuthErrorOf(new errors.ApplicationError('x', { tiktokError: 'invalid_grant' }))
    ).toBe('invalid_grant');
    expect(tikTokOAuthErrorOf(new errors.ApplicationError('x'))).toBeUndefined();
    expect(tikTokOAuthErrorOf(new Error('invalid_grant'))).toBeUndefined();
  });
});

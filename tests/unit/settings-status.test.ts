import type { SettingStatus } from '../../contracts';
import {
  CORE_STORE_UID,
  IDENTITY_UID,
  LAST_SIGN_IN_KEY,
  ROUTE_BASE,
  ROUTES,
  USER_UID,
} from '../../server/src/constants';
import { parseConfig, settingSources } from '../../server/src/config/parse';
import { describeSettings, redirectUriProblems } from '../../server/src/config/report';
import { createFakeStrapi, FakeDb } from '../support/fake-strapi';
import { TIKTOK_BASE_URL, tokenEndpoint, useNock, type ReplyOptions } from '../support/tiktok-nock';

type Env = Record<string, string | undefined>;

const SECRET = 'client-SECRET-never-shown';
const STATE_SECRET = 'state-SECRET-never-shown-0123456789abcdef';
const CALLBACK = `https://api.example.com/api${ROUTE_BASE}${ROUTES.callback}`;
const REQUIRED = {
  clientKey: 'client-key',
  clientSecret: SECRET,
  redirectAppUrl: 'myapp://tiktok',
  strapiUrl: 'https://api.example.com',
};

/** The settings as the page gets them, keyed by setting, from the plugin config and env. */
const settingsOf = (raw: Record<string, unknown>, env: Env = {}, callbackUrl = CALLBACK) => {
  const list = describeSettings(raw, env, parseConfig(raw, env), callbackUrl);
  return Object.fromEntries(list.map((setting) => [setting.key, setting])) as Record<
    string,
    SettingStatus
  >;
};

describe('settingSources', () => {
  it('follows parseConfig: plugin config first, then env, then the default', () => {
    const sources = settingSources(
      { clientKey: 'from-config', clientSecret: '', scopes: null },
      { CLIENT_KEY: 'from-env', CLIENT_SECRET: 'from-env', REDIRECT_APP_URL: '' }
    );
    expect(sources).toMatchObject({
      clientKey: 'plugin-config',
      clientSecret: 'env',
      redirectAppUrl: 'unset',
      strapiUrl: 'unset',
      scopes: 'default',
      timeoutMs: 'default',
      stateSecret: 'unset',
    });
  });

  it('treats a config that is not an object as empty', () => {
    expect(settingSources(undefined, { CLIENT_KEY: 'k' }).clientKey).toBe('env');
  });
});

describe('describeSettings with TIKTOK_-prefixed variables', () => {
  it('names the variable a setting was read from, and flags it when the plugin config wins', () => {
    const env = { TIKTOK_CLIENT_KEY: 'k', CLIENT_SECRET: 's' };
    const raw = { clientSecret: 'from-config' };
    const report = describeSettings(raw, env, parseConfig(raw, env));
    const byKey = Object.fromEntries(report.map((setting) => [setting.key, setting]));
    expect(byKey.clientKey).toMatchObject({ envName: 'TIKTOK_CLIENT_KEY', source: 'env' });
    expect(byKey.clientSecret).toMatchObject({
      envName: 'CLIENT_SECRET',
      source: 'plugin-config',
      envIgnored: true,
    });
    expect(byKey.strapiUrl).toMatchObject({ envName: 'STRAPI_URL', state: 'missing' });
  });
});

describe('describeSettings', () => {
  it('reports state, source and value, and never the value of a secret', () => {
    const settings = settingsOf(
      { ...REQUIRED, clientSecret: undefined, timeoutMs: 5000 },
      { CLIENT_SECRET: SECRET, TIKTOK_STATE_SECRET: STATE_SECRET }
    );
    expect(settings.clientKey).toEqual({
      key: 'clientKey',
      envName: 'CLIENT_KEY',
      required: true,
      state: 'set',
      source: 'plugin-config',
      envIgnored: false,
      value: 'client-key',
      problems: [],
    });
    expect(settings.clientSecret).toEqual({
      key: 'clientSecret',
      envName: 'CLIENT_SECRET',
      required: true,
      state: 'set',
      source: 'env',
      envIgnored: false,
      problems: [],
    });
    expect(settings.stateSecret).toMatchObject({ state: 'set', source: 'env' });
    expect(settings.stateSecret).not.toHaveProperty('value');
    expect(settings.timeoutMs).toMatchObject({ state: 'set', value: 5000 });
    expect(settings.scopes).toMatchObject({
      state: 'default',
      source: 'default',
      value: ['user.info.basic'],
    });
    expect(JSON.stringify(settings)).not.toContain(SECRET);
    expect(JSON.stringify(settings)).not.toContain(STATE_SECRET);
  });

  it('reports the rate-limit store, and never the Redis URL, which may hold a password', () => {
    const redisUrl = 'redis://:redis-PASSWORD-never-shown@cache.internal:6379';
    const settings = settingsOf(
      { ...REQUIRED, rateLimitStore: 'redis' },
      { TIKTOK_RATE_LIMIT_REDIS_URL: redisUrl },
      undefined
    );
    expect(settings.rateLimitStore).toMatchObject({ state: 'set', value: 'redis' });
    expect(settings.rateLimitRedisUrl).toMatchObject({ state: 'set', source: 'env' });
    expect(settings.rateLimitRedisUrl).not.toHaveProperty('value');
    expect(JSON.stringify(settings)).not.toContain('redis-PASSWORD-never-shown');
  });

  it('marks unset required settings missing and an unset state secret as derived (default)', () => {
    const settings = settingsOf({ clientKey: 'k' }, {}, undefined);
    for (const key of ['clientSecret', 'redirectAppUrl', 'strapiUrl']) {
      expect(settings[key]).toMatchObject({ required: true, state: 'missing', source: 'unset' });
      expect(settings[key]).not.toHaveProperty('value');
    }
    expect(settings.stateSecret).toMatchObject({ required: false, state: 'default' });
  });

  it('calls a blank plugin config value missing: parseConfig does not fall back to env for it', () => {
    const settings = settingsOf({ ...REQUIRED, clientKey: '   ' }, { CLIENT_KEY: 'from-env' });
    expect(settings.clientKey).toMatchObject({ state: 'missing', source: 'unset' });
  });

  it('flags an env variable that the plugin config overrides', () => {
    const settings = settingsOf(REQUIRED, { STRAPI_URL: 'https://other.example.com' });
    expect(settings.strapiUrl).toMatchObject({ source: 'plugin-config', envIgnored: true });
    expect(settings.clientKey.envIgnored).toBe(false);
  });

  it('marks redirect URIs TikTok refuses as invalid, although they passed boot validation', () => {
    const settings = settingsOf(
      {
        ...REQUIRED,
        strapiUrl: 'http://api.example.com',
        allowedRedirectUris: ['https://app.example.com/cb?x=1', 'https://app.example.com/cb'],
      },
      {},
      'http://api.example.com/api/tiktok-auth-mobile/callback'
    );
    expect(settings.strapiUrl).toMatchObject({
      state: 'invalid',
      value: 'http://api.example.com',
      problems: [
        'http://api.example.com/api/tiktok-auth-mobile/callback: TikTok only accepts https redirect URIs',
      ],
    });
    expect(settings.allowedRedirectUris).toMatchObject({
      state: 'invalid',
      problems: [
        'https://app.example.com/cb?x=1: TikTok refuses redirect URIs with a query or fragment',
      ],
    });
  });

  it('finds no redirect URI problem when TikTok is a local emulator', () => {
    const settings = settingsOf(
      { ...REQUIRED, strapiUrl: 'http://127.0.0.1:1337', apiBaseUrl: 'http://127.0.0.1:4010' },
      {},
      'http://127.0.0.1:1337/api/tiktok-auth-mobile/callback'
    );
    expect(settings.strapiUrl).toMatchObject({ state: 'set', problems: [] });
  });
});

describe('redirectUriProblems', () => {
  it.each([
    ['https://api.example.com/api/tiktok-auth-mobile/callback', 0],
    ['https://localhost/api/tiktok-auth-mobile/callback', 1],
    ['http://127.0.0.1:1337/api/tiktok-auth-mobile/callback', 2],
    ['http://[::1]:1337/cb', 2],
    ['http://api.example.com/cb', 1],
    ['https://api.example.com/cb#x', 1],
    ['http://api.example.com/cb?a=b', 2],
  ])('%s has %i problem(s)', (uri, count) => {
    expect(redirectUriProblems(uri)).toHaveLength(count);
  });
});

describe('tiktok service: checkCredentials', () => {
  useNock();

  const check = () =>
    createFakeStrapi({
      pluginConfig: { ...REQUIRED, apiBaseUrl: TIKTOK_BASE_URL, timeoutMs: 200 },
    })
      .service('tiktok')
      .checkCredentials(CALLBACK);

  it('redeems an impossible code with the configured client key and secret', async () => {
    const endpoint = tokenEndpoint({ status: 200, body: { error: 'invalid_grant' } });
    await check();
    expect(endpoint.requests[0].form).toEqual({
      client_key: 'client-key',
      client_secret: SECRET,
      code: 'tiktok-auth-mobile-credentials-check',
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
    });
  });

  it.each<[string, ReplyOptions, object]>([
    [
      'invalid_client with 401',
      { status: 401, body: { error: 'invalid_client', log_id: 'L1' } },
      { outcome: 'rejected', detail: 'invalid_client', logId: 'L1' },
    ],
    [
      'invalid_client with 200',
      { status: 200, body: { error: 'invalid_client', log_id: 'L2' } },
      { outcome: 'rejected', detail: 'invalid_client', logId: 'L2' },
    ],
    ['a bare 401', { status: 401 }, { outcome: 'rejected', detail: 'HTTP 401' }],
    [
      'invalid_grant with 200',
      { status: 200, body: { error: 'invalid_grant', log_id: 'L3' } },
      { outcome: 'accepted', detail: 'invalid_grant', logId: 'L3' },
    ],
    [
      'invalid_request with 400',
      { status: 400, body: { error: 'invalid_request', log_id: 'L4' } },
      { outcome: 'accepted', detail: 'invalid_request', logId: 'L4' },
    ],
    [
      'internal_error with 500',
      { status: 500, body: { error: 'internal_error', log_id: 'L5' } },
      { outcome: 'unknown', detail: 'internal_error', logId: 'L5' },
    ],
    ['a 502 page', { status: 502, body: '<html>' }, { outcome: 'unknown', detail: 'HTTP 502' }],
    [
      'a 200 without an error',
      { status: 200, body: {} },
      { outcome: 'unknown', detail: 'HTTP 200' },
    ],
    [
      'no answer in time',
      { status: 200, body: {}, delayMs: 1000 },
      { outcome: 'unknown', detail: 'timeout of 200ms exceeded' },
    ],
  ])('reads %s', async (_name, reply, verdict) => {
    tokenEndpoint(reply);
    await expect(check()).resolves.toEqual(verdict);
  });

  it('logs the outcome and log_id, never the secret', async () => {
    const fake = createFakeStrapi({
      pluginConfig: { ...REQUIRED, apiBaseUrl: TIKTOK_BASE_URL, timeoutMs: 200 },
    });
    tokenEndpoint({ status: 401, body: { error: 'invalid_client', log_id: 'LOG-9' } });
    await fake.service('tiktok').checkCredentials(CALLBACK);
    expect(fake.loggedText()).toContain('rejected (invalid_client, log_id LOG-9)');
    expect(fake.loggedText()).not.toContain(SECRET);
  });
});

describe('status service: last sign-in', () => {
  const statusOf = (db: FakeDb) =>
    createFakeStrapi({ db, pluginConfig: REQUIRED }).service('status');

  it('creates its record once, then keeps every copy current and reads the newest', async () => {
    const db = new FakeDb();
    const status = statusOf(db);
    expect((await status.report()).users).toEqual({
      identities: { total: 0, signUp: 0, linked: 0 },
      tiktokUsers: 0,
      lastSignInAt: null,
    });

    await status.recordSignIn(new Date('2026-01-01T10:00:00.000Z'));
    expect(db.rows(CORE_STORE_UID)).toHaveLength(1);
    // A copy, as two simultaneous first sign-ins on two instances can each create one.
    db.seed(CORE_STORE_UID, [
      { key: LAST_SIGN_IN_KEY, value: JSON.stringify('2026-01-01T09:00:00.000Z') },
    ]);
    await status.recordSignIn(new Date('2026-01-02T10:00:00.000Z'));

    expect(db.rows(CORE_STORE_UID).map((row) => row.value)).toEqual([
      JSON.stringify('2026-01-02T10:00:00.000Z'),
      JSON.stringify('2026-01-02T10:00:00.000Z'),
    ]);
    expect((await status.report()).users.lastSignInAt).toBe('2026-01-02T10:00:00.000Z');
  });

  it('writes at most once a minute, so sign-ins cost no write on the hot path', async () => {
    const db = new FakeDb();
    const status = statusOf(db);
    const updates = jest.spyOn(db.query(CORE_STORE_UID), 'updateMany');
    await status.recordSignIn(new Date('2026-01-01T10:00:00.000Z'));
    await status.recordSignIn(new Date('2026-01-01T10:00:59.999Z'));
    expect(updates).toHaveBeenCalledTimes(1);
    await status.recordSignIn(new Date('2026-01-01T10:01:00.000Z'));
    expect(updates).toHaveBeenCalledTimes(2);
    expect((await status.report()).users.lastSignInAt).toBe('2026-01-01T10:01:00.000Z');
  });

  it('counts linked identities by origin, leaving out stale claims, and tiktok users apart', async () => {
    const db = new FakeDb();
    db.seed(USER_UID, [{ provider: 'tiktok' }, { provider: 'tiktok' }, { provider: 'local' }]);
    db.seed(IDENTITY_UID, [
      { pseudoEmail: 'a@tiktok.com', userId: 1, origin: 'signup' },
      // Written before identities had an origin: made by a sign-up.
      { pseudoEmail: 'b@tiktok.com', userId: 2 },
      { pseudoEmail: 'c@tiktok.com', userId: 3, origin: 'link' },
      { pseudoEmail: 'd@tiktok.com', userId: null, origin: 'signup' },
    ]);
    expect((await statusOf(db).report()).users).toMatchObject({
      identities: { total: 3, signUp: 2, linked: 1 },
      tiktokUsers: 2,
    });
  });

  it('counts the token vault: stored, expiring within 7 days, unusable, disconnected', async () => {
    const db = new FakeDb();
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
    db.seed(IDENTITY_UID, [
      { pseudoEmail: 'a@t', tokenState: 'stored', refreshToken: 's', refreshExpiresAt: inDays(90) },
      { pseudoEmail: 'b@t', tokenState: 'stored', refreshToken: 's', refreshExpiresAt: inDays(3) },
      // Flow A: an access token alone, expiring soon, or with no known expiry.
      { pseudoEmail: 'c@t', tokenState: 'stored', refreshToken: null, accessExpiresAt: inDays(1) },
      { pseudoEmail: 'd@t', tokenState: 'stored', refreshToken: null, accessExpiresAt: null },
      { pseudoEmail: 'e@t', tokenState: 'unusable', tokenError: 'refused' },
      { pseudoEmail: 'f@t', tokenState: null, disconnectedAt: new Date() },
    ]);
    const report = await createFakeStrapi({
      db,
      pluginConfig: { ...REQUIRED, storeTokens: true },
    })
      .service('status')
      .report();
    expect(report.tokens).toEqual({
      storeTokens: true,
      stored: 4,
      expiring: 2,
      expiringWithinDays: 7,
      unusable: 1,
      disconnected: 1,
    });
    expect(report.webhookUrl).toBe(`${REQUIRED.strapiUrl}/api/tiktok-auth-mobile/webhook`);
  });

  it('never fails a sign-in over the record: a database error is a warning', async () => {
    const db = new FakeDb();
    jest
      .spyOn(db.query(CORE_STORE_UID), 'updateMany')
      .mockRejectedValue(new Error('database is locked'));
    const fake = createFakeStrapi({ db, pluginConfig: REQUIRED });
    await expect(fake.service('status').recordSignIn()).resolves.toBeUndefined();
    expect(fake.log.warn).toHaveBeenCalledWith(
      '[tiktok-auth-mobile] could not record the sign-in time: database is locked'
    );
  });

  it('lists the flows, available once the four required settings are set', async () => {
    const configured = await statusOf(new FakeDb()).report();
    expect(configured.flows.map((flow) => [flow.id, flow.available, flow.needs])).toEqual([
      ['A', true, []],
      ['B', true, []],
      ['C', true, []],
    ]);
    const unconfigured = await createFakeStrapi({ pluginConfig: { clientKey: 'k' } })
      .service('status')
      .report();
    for (const flow of unconfigured.flows) {
      expect(flow).toMatchObject({
        available: false,
        needs: ['CLIENT_SECRET', 'REDIRECT_APP_URL', 'STRAPI_URL'],
      });
    }
    expect(unconfigured.missing).toEqual(['CLIENT_SECRET', 'REDIRECT_APP_URL', 'STRAPI_URL']);
    expect(unconfigured.redirectUri).toBeNull();
    expect(unconfigured.tokenRedirectUris).toEqual([]);
  });

  it('shows a flow turned off by flows as unavailable, naming what turns it on', async () => {
    const report = await createFakeStrapi({ pluginConfig: { ...REQUIRED, flows: ['token'] } })
      .service('status')
      .report();
    expect(report.flows.map((flow) => [flow.id, flow.available, flow.needs])).toEqual([
      ['A', false, ['connect in TIKTOK_FLOWS']],
      ['B', false, ['authorize in TIKTOK_FLOWS']],
      ['C', true, []],
    ]);
  });

  it('needs a state cookie key for Flow B: TIKTOK_STATE_SECRET, else APP_KEYS', async () => {
    const report = await createFakeStrapi({ pluginConfig: REQUIRED, appKeys: [] })
      .service('status')
      .report();
    expect(report.flows.map((flow) => [flow.id, flow.available, flow.needs])).toEqual([
      ['A', true, []],
      ['B', false, ['TIKTOK_STATE_SECRET or APP_KEYS']],
      ['C', true, []],
    ]);
    const withSecret = await createFakeStrapi({
      pluginConfig: { ...REQUIRED, stateSecret: STATE_SECRET },
      appKeys: [],
    })
      .service('status')
      .report();
    expect(withSecret.flows[1]).toMatchObject({ id: 'B', available: true });
  });
});

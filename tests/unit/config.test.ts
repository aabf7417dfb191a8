import { profileSyncProblems } from '../../server/src/config/profile-sync';
import { ConfigError, missingSettings, parseConfig } from '../../server/src/config/parse';
import type { PluginConfig, RequiredEnvName } from '../../server/src/config/settings';
import { thrownBy } from '../support/errors';

type Env = Record<string, string | undefined>;

const REQUIRED = {
  clientKey: 'client-key',
  clientSecret: 'client-secret',
  redirectAppUrl: 'https://app.example.com/auth',
  strapiUrl: 'https://api.example.com',
};

const configError = (raw: unknown, env: Env = {}): ConfigError =>
  thrownBy(() => parseConfig(raw, env), ConfigError);

describe('parseConfig', () => {
  it('applies a safe default to every optional setting and leaves required ones unset', () => {
    expect(parseConfig({}, {})).toEqual({
      clientKey: undefined,
      clientSecret: undefined,
      redirectAppUrl: undefined,
      strapiUrl: undefined,
      scopes: ['user.info.basic'],
      identityField: 'union_id',
      emailDomain: 'tiktok.com',
      tokenDelivery: 'query',
      apiBaseUrl: 'https://open.tiktokapis.com',
      timeoutMs: 8000,
      authorizeUrl: 'https://www.tiktok.com/v2/auth/authorize/',
      redirectWith: 'tiktok_token',
      allowedRedirectUris: [],
      stateTtlSeconds: 600,
      stateSecret: undefined,
      rateLimitWindowMs: 60000,
      rateLimitMax: 30,
      flows: ['connect', 'authorize', 'token'],
      rateLimitStore: 'database',
      profileSync: {},
      rateLimitRedisUrl: undefined,
      storeTokens: false,
      tokenEncryptionKey: undefined,
      tokenEncryptionPreviousKeys: [],
    });
  });

  it.each([undefined, null, 'a string', 42])(
    'treats a non-object plugin config (%p) as empty',
    (raw) => {
      expect(parseConfig(raw, {})).toEqual(parseConfig({}, {}));
    }
  );

  interface Fallback {
    key: keyof PluginConfig;
    env: string;
    value: string;
    parsed: unknown;
  }
  const fallbacks: Fallback[] = [
    { key: 'clientKey', env: 'CLIENT_KEY', value: 'key-from-env', parsed: 'key-from-env' },
    {
      key: 'clientSecret',
      env: 'CLIENT_SECRET',
      value: 'secret-from-env',
      parsed: 'secret-from-env',
    },
    {
      key: 'redirectAppUrl',
      env: 'REDIRECT_APP_URL',
      value: 'myapp://tiktok',
      parsed: 'myapp://tiktok',
    },
    {
      key: 'strapiUrl',
      env: 'STRAPI_URL',
      value: 'https://api.example.com/',
      parsed: 'https://api.example.com',
    },
    {
      key: 'scopes',
      env: 'TIKTOK_SCOPES',
      value: ' user.info.basic, user.info.profile ,',
      parsed: ['user.info.basic', 'user.info.profile'],
    },
    { key: 'identityField', env: 'TIKTOK_IDENTITY_FIELD', value: 'open_id', parsed: 'open_id' },
    {
      key: 'emailDomain',
      env: 'TIKTOK_EMAIL_DOMAIN',
      value: 'Users.Example.ORG',
      parsed: 'users.example.org',
    },
    { key: 'tokenDelivery', env: 'TIKTOK_TOKEN_DELIVERY', value: 'fragment', parsed: 'fragment' },
    {
      key: 'apiBaseUrl',
      env: 'TIKTOK_API_BASE_URL',
      value: 'http://127.0.0.1:4010//',
      parsed: 'http://127.0.0.1:4010',
    },
    { key: 'timeoutMs', env: 'TIKTOK_TIMEOUT_MS', value: '2500', parsed: 2500 },
    {
      key: 'authorizeUrl',
      env: 'TIKTOK_AUTHORIZE_URL',
      value: 'http://127.0.0.1:4010/v2/auth/authorize/',
      parsed: 'http://127.0.0.1:4010/v2/auth/authorize/',
    },
    { key: 'redirectWith', env: 'TIKTOK_REDIRECT_WITH', value: 'strapi_jwt', parsed: 'strapi_jwt' },
    {
      key: 'allowedRedirectUris',
      env: 'TIKTOK_ALLOWED_REDIRECT_URIS',
      value: 'https://a.example.com/cb/, https://b.example.com/cb',
      parsed: ['https://a.example.com/cb/', 'https://b.example.com/cb'],
    },
    { key: 'stateTtlSeconds', env: 'TIKTOK_STATE_TTL_SECONDS', value: '120', parsed: 120 },
    {
      key: 'stateSecret',
      env: 'TIKTOK_STATE_SECRET',
      value: 'x'.repeat(40),
      parsed: 'x'.repeat(40),
    },
    {
      key: 'rateLimitWindowMs',
      env: 'TIKTOK_RATE_LIMIT_WINDOW_MS',
      value: '30000',
      parsed: 30000,
    },
    { key: 'rateLimitMax', env: 'TIKTOK_RATE_LIMIT_MAX', value: '5', parsed: 5 },
    {
      key: 'flows',
      env: 'TIKTOK_FLOWS',
      value: 'authorize, token',
      parsed: ['authorize', 'token'],
    },
    { key: 'rateLimitStore', env: 'TIKTOK_RATE_LIMIT_STORE', value: 'memory', parsed: 'memory' },
    {
      key: 'profileSync',
      env: 'TIKTOK_PROFILE_SYNC',
      value: ' displayName : displayName, avatarUrl:avatar ',
      parsed: { displayName: 'displayName', avatarUrl: 'avatar' },
    },
    {
      key: 'rateLimitRedisUrl',
      env: 'TIKTOK_RATE_LIMIT_REDIS_URL',
      value: 'redis://127.0.0.1:6379',
      parsed: 'redis://127.0.0.1:6379',
    },
    { key: 'storeTokens', env: 'TIKTOK_STORE_TOKENS', value: 'true', parsed: true },
    {
      key: 'tokenEncryptionKey',
      env: 'TIKTOK_TOKEN_ENCRYPTION_KEY',
      value: 'k'.repeat(32),
      parsed: 'k'.repeat(32),
    },
    {
      key: 'tokenEncryptionPreviousKeys',
      env: 'TIKTOK_TOKEN_ENCRYPTION_PREVIOUS_KEYS',
      value: `${'a'.repeat(32)}, ${'b'.repeat(40)}`,
      parsed: ['a'.repeat(32), 'b'.repeat(40)],
    },
  ];

  it.each(fallbacks)(
    'reads $key from $env when the plugin config leaves it out',
    ({ key, env, value, parsed }) => {
      expect(parseConfig({}, { [env]: value })[key]).toEqual(parsed);
    }
  );

  it.each(fallbacks)(
    'reads $key from $env when the plugin config has an empty string',
    ({ key, env, value, parsed }) => {
      expect(parseConfig({ [key]: '' }, { [env]: value })[key]).toEqual(parsed);
    }
  );

  it.each(fallbacks)('treats an empty $env like an unset one', ({ key, env }) => {
    expect(parseConfig({}, { [env]: '' })[key]).toEqual(parseConfig({}, {})[key]);
  });

  describe('TIKTOK_-prefixed names of the required settings', () => {
    const prefixed = {
      TIKTOK_CLIENT_KEY: 'key-prefixed',
      TIKTOK_CLIENT_SECRET: 'secret-prefixed',
      TIKTOK_REDIRECT_APP_URL: 'myapp://prefixed',
      TIKTOK_STRAPI_URL: 'https://prefixed.example.com',
    };

    it('reads each one when the bare name is unset', () => {
      expect(parseConfig({}, prefixed)).toMatchObject({
        clientKey: 'key-prefixed',
        clientSecret: 'secret-prefixed',
        redirectAppUrl: 'myapp://prefixed',
        strapiUrl: 'https://prefixed.example.com',
      });
      expect(missingSettings(parseConfig({}, prefixed))).toEqual([]);
    });

    it('prefers the prefixed name over the bare one, and the plugin config over both', () => {
      const env = { ...prefixed, CLIENT_KEY: 'key-bare', STRAPI_URL: 'https://bare.example.com' };
      expect(parseConfig({}, env)).toMatchObject({
        clientKey: 'key-prefixed',
        strapiUrl: 'https://prefixed.example.com',
      });
      expect(parseConfig({ clientKey: 'key-config' }, env).clientKey).toBe('key-config');
    });

    it('falls back to the bare name when the prefixed one is empty', () => {
      expect(parseConfig({}, { TIKTOK_CLIENT_KEY: '', CLIENT_KEY: 'key-bare' }).clientKey).toBe(
        'key-bare'
      );
    });

    it('still names the bare variables when a setting is missing', () => {
      const withoutSecret = { ...prefixed, TIKTOK_CLIENT_SECRET: undefined };
      expect(missingSettings(parseConfig({}, withoutSecret))).toEqual(['CLIENT_SECRET']);
    });
  });

  it('prefers every plugin config value over its environment variable', () => {
    const fromConfig: PluginConfig = {
      ...REQUIRED,
      scopes: ['user.info.basic', 'user.info.profile'],
      identityField: 'open_id',
      emailDomain: 'example.org',
      tokenDelivery: 'fragment',
      apiBaseUrl: 'https://tiktok.test',
      timeoutMs: 1234,
      authorizeUrl: 'https://tiktok.test/v2/auth/authorize/',
      redirectWith: 'strapi_jwt',
      allowedRedirectUris: ['https://app.example.com/tiktok/'],
      stateTtlSeconds: 300,
      stateSecret: 'a-state-secret-of-at-least-32-characters',
      rateLimitWindowMs: 120000,
      rateLimitMax: 0,
      flows: ['token'],
      rateLimitStore: 'redis',
      profileSync: { username: 'tiktokHandle' },
      rateLimitRedisUrl: 'rediss://:pw@cache.internal:6380/2',
      storeTokens: true,
      tokenEncryptionKey: 'a-token-key-of-at-least-32-characters',
      tokenEncryptionPreviousKeys: ['an-older-token-key-of-32-characters-or-more'],
    };
    const env = Object.fromEntries(fallbacks.map(({ env: name, value }) => [name, value]));
    expect(parseConfig(fromConfig, env)).toEqual(fromConfig);
  });

  it('trims string settings and strips trailing slashes from strapiUrl and apiBaseUrl', () => {
    const parsed = parseConfig(
      {
        clientKey: '  client-key  ',
        strapiUrl: ' https://api.example.com/base/// ',
        apiBaseUrl: 'https://tiktok.test/',
      },
      {}
    );
    expect(parsed).toMatchObject({
      clientKey: 'client-key',
      strapiUrl: 'https://api.example.com/base',
      apiBaseUrl: 'https://tiktok.test',
    });
  });

  it('accepts scopes given as a list or as a comma-separated string in the plugin config', () => {
    const expected = ['user.info.basic', 'user.info.profile'];
    expect(parseConfig({ scopes: expected }, {}).scopes).toEqual(expected);
    expect(parseConfig({ scopes: 'user.info.basic,user.info.profile' }, {}).scopes).toEqual(
      expected
    );
  });

  it('accepts flows given as a list or as a comma-separated string in the plugin config', () => {
    expect(parseConfig({ flows: ['token', 'authorize'] }, {}).flows).toEqual([
      'token',
      'authorize',
    ]);
    expect(parseConfig({ flows: 'token,authorize' }, {}).flows).toEqual(['token', 'authorize']);
  });

  it.each([
    'myapp://tiktok/done',
    'com.example.app:/oauth2redirect',
    'https://app.example.com/auth/tiktok?from=strapi',
    'http://localhost:8081/cb',
  ])('accepts %s as redirectAppUrl', (redirectAppUrl) => {
    expect(parseConfig({ redirectAppUrl }, {}).redirectAppUrl).toBe(redirectAppUrl);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '/relative/path',
    'not a url',
  ])('refuses %s as redirectAppUrl, naming the key', (redirectAppUrl) => {
    expect(configError({ redirectAppUrl }).message).toContain('redirectAppUrl');
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['clientKey', 'over 256 characters', { clientKey: 'k'.repeat(257) }],
    ['clientSecret', 'over 512 characters', { clientSecret: 's'.repeat(513) }],
    ['strapiUrl', 'without a scheme', { strapiUrl: 'api.example.com' }],
    ['strapiUrl', 'with an app scheme', { strapiUrl: 'myapp://api' }],
    ['scopes', 'without user.info.basic', { scopes: 'user.info.profile' }],
    ['scopes', 'with a name that is no scope', { scopes: ['user.info.basic', 'User Info'] }],
    ['identityField', 'other than union_id/open_id', { identityField: 'email' }],
    ['emailDomain', 'without a dot', { emailDomain: 'localhost' }],
    ['emailDomain', 'with spaces', { emailDomain: 'not a domain.com' }],
    ['tokenDelivery', 'other than query/fragment', { tokenDelivery: 'body' }],
    ['apiBaseUrl', 'without a scheme', { apiBaseUrl: 'tiktok.test' }],
    ['apiBaseUrl', 'not http(s)', { apiBaseUrl: 'ftp://tiktok.test' }],
    ['timeoutMs', 'not a number', { timeoutMs: 'soon' }],
    ['timeoutMs', 'not whole', { timeoutMs: 1.5 }],
    ['timeoutMs', 'under 100', { timeoutMs: 99 }],
    ['timeoutMs', 'over 60000', { timeoutMs: 60001 }],
    ['timeoutMs', 'given as an object', { timeoutMs: { ms: 100 } }],
    ['tokenDelivery', 'given as a list', { tokenDelivery: ['query'] }],
    ['identityField', 'given as an object', { identityField: { field: 'union_id' } }],
    ['scopes', 'given as an object', { scopes: { basic: true } }],
    ['clientKey', 'given as a number', { clientKey: 12345 }],
    ['clientSecret', 'given as a list', { clientSecret: ['s3cret'] }],
    ['redirectAppUrl', 'given as a list', { redirectAppUrl: ['myapp://x'] }],
    ['strapiUrl', 'given as an object', { strapiUrl: { a: 'x' } }],
    ['emailDomain', 'given as a list', { emailDomain: ['tiktok.com'] }],
    ['apiBaseUrl', 'given as an object', { apiBaseUrl: { url: 'https://tiktok.test' } }],
    ['rateLimitWindowMs', 'under a second', { rateLimitWindowMs: 999 }],
    ['rateLimitWindowMs', 'not a number', { rateLimitWindowMs: '1 minute' }],
    ['rateLimitMax', 'negative', { rateLimitMax: -1 }],
    ['rateLimitMax', 'not whole', { rateLimitMax: 2.5 }],
    ['flows', 'with an unknown flow', { flows: ['token', 'A'] }],
    ['flows', 'empty', { flows: [] }],
    ['flows', 'given as an object', { flows: { token: true } }],
    ['rateLimitStore', 'unknown', { rateLimitStore: 'memcached' }],
    ['rateLimitRedisUrl', 'missing with the redis store', { rateLimitStore: 'redis' }],
    ['rateLimitRedisUrl', 'not a redis URL', { rateLimitRedisUrl: 'http://127.0.0.1:6379' }],
    ['storeTokens', 'other than true/false', { storeTokens: 'sometimes' }],
    ['tokenEncryptionKey', 'under 32 characters', { tokenEncryptionKey: 'short' }],
    ['tokenEncryptionKey', 'given as a list', { tokenEncryptionKey: ['k'.repeat(32)] }],
    [
      'tokenEncryptionPreviousKeys',
      'with a key that is not a string',
      { tokenEncryptionPreviousKeys: ['k'.repeat(32), 42] },
    ],
    ['profileSync', 'with an unknown TikTok field', { profileSync: { bio: 'bio' } }],
    ['profileSync', 'with a non-name attribute', { profileSync: { displayName: 'a b' } }],
    [
      'profileSync',
      'writing one attribute twice',
      { profileSync: { displayName: 'name', username: 'name' } },
    ],
    ['profileSync', 'given as a list', { profileSync: ['displayName'] }],
    ['profileSync', 'given as pairs without a colon', { profileSync: 'displayName' }],
  ])('refuses a %s %s with a ConfigError naming it', (key, _problem, raw) => {
    expect(configError(raw).message).toContain(key);
  });

  it.each([
    ['STRAPI_URL', 'api.example.com', 'strapiUrl'],
    ['TIKTOK_TIMEOUT_MS', 'soon', 'timeoutMs'],
    ['TIKTOK_SCOPES', 'video.list', 'scopes'],
    ['TIKTOK_STORE_TOKENS', 'yes please', 'storeTokens'],
    ['TIKTOK_PROFILE_SYNC', 'displayName:displayName,bio', 'profileSync'],
  ])('refuses a malformed %s from the environment (%p)', (env, value, key) => {
    expect(configError({}, { [env]: value }).message).toContain(key);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
  ])('reads TIKTOK_STORE_TOKENS=%s as %p', (value, expected) => {
    expect(parseConfig({}, { TIKTOK_STORE_TOKENS: value }).storeTokens).toBe(expected);
  });

  it('never echoes a token key it refuses', () => {
    const key = 'a-secret-token-key';
    expect(configError({ tokenEncryptionKey: key }).message).not.toContain(key);
    expect(configError({}, { TIKTOK_TOKEN_ENCRYPTION_KEY: key }).message).not.toContain(key);
  });

  it('names every malformed key in one error', () => {
    const { message } = configError({ strapiUrl: 'nope', tokenDelivery: 'body', timeoutMs: 5 });
    expect(message).toEqual(expect.stringContaining('strapiUrl'));
    expect(message).toEqual(expect.stringContaining('tokenDelivery'));
    expect(message).toEqual(expect.stringContaining('timeoutMs'));
  });

  it('refuses an unknown key, naming it', () => {
    expect(configError({ ...REQUIRED, clientSecrett: 'typo' }).message).toContain('clientSecrett');
  });

  it.each<[string, Record<string, unknown>]>([
    ['too long', { clientSecret: `TOP-SECRET-${'x'.repeat(600)}` }],
    [
      'valid while another key is malformed',
      { clientSecret: 'TOP-SECRET-value', strapiUrl: 'nope' },
    ],
    ['valid next to an unknown key', { clientSecret: 'TOP-SECRET-value', extra: true }],
    ['given as a list', { clientSecret: ['TOP-SECRET-value'] }],
  ])('never echoes the client secret in the message when it is %s', (_case, raw) => {
    expect(configError({ ...REQUIRED, ...raw }).message).not.toContain('TOP-SECRET');
  });
});

describe('missingSettings', () => {
  it.each<[string, Record<string, unknown>, Env, RequiredEnvName[]]>([
    ['nothing is set', {}, {}, ['CLIENT_KEY', 'CLIENT_SECRET', 'REDIRECT_APP_URL', 'STRAPI_URL']],
    ['all four come from the plugin config', REQUIRED, {}, []],
    [
      'all four come from the environment',
      {},
      {
        CLIENT_KEY: 'k',
        CLIENT_SECRET: 's',
        REDIRECT_APP_URL: 'myapp://x',
        STRAPI_URL: 'https://a.example',
      },
      [],
    ],
    [
      'only the secret and the Strapi URL are missing',
      { clientKey: 'k', redirectAppUrl: 'myapp://x' },
      {},
      ['CLIENT_SECRET', 'STRAPI_URL'],
    ],
    [
      'the key is blank everywhere',
      { ...REQUIRED, clientKey: '' },
      { CLIENT_KEY: '' },
      ['CLIENT_KEY'],
    ],
    ['the key is only whitespace', { ...REQUIRED, clientKey: '   ' }, {}, ['CLIENT_KEY']],
    [
      'the URLs are missing, the rest from env',
      {},
      { CLIENT_SECRET: 's', CLIENT_KEY: 'k' },
      ['REDIRECT_APP_URL', 'STRAPI_URL'],
    ],
  ])('lists the env names in the spec order when %s', (_case, raw, env, expected) => {
    expect(missingSettings(parseConfig(raw, env))).toEqual(expected);
  });
});

describe('profileSyncProblems', () => {
  const attributes = {
    username: { type: 'string' },
    email: { type: 'email' },
    displayName: { type: 'string' },
    avatar: { type: 'text' },
    age: { type: 'integer' },
  };

  it('finds nothing wrong with text attributes the app added', () => {
    expect(
      profileSyncProblems({ displayName: 'displayName', avatarUrl: 'avatar' }, attributes)
    ).toEqual([]);
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'an attribute the model lacks',
      { displayName: 'nickname' },
      'profileSync maps displayName to "nickname", which the user model does not have',
    ],
    [
      'one users-permissions manages',
      { username: 'username' },
      'profileSync maps username to "username", which users-permissions manages: choose an attribute of your own',
    ],
    ['the password', { displayName: 'password' }, 'which users-permissions manages'],
    [
      'an attribute that is not text',
      { openId: 'age' },
      'profileSync maps openId to "age", of type integer: it must be a string or text attribute',
    ],
  ])('names %s', (_case, mapping, problem) => {
    expect(profileSyncProblems(mapping, attributes)).toEqual([expect.stringContaining(problem)]);
  });
});

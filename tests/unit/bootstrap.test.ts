import bootstrap from '../../server/src/bootstrap';
import { createFakeStrapi, type FakeStrapiOptions } from '../support/fake-strapi';

const CONFIGURED = {
  clientKey: 'k',
  clientSecret: 's',
  redirectAppUrl: 'myapp://tiktok',
  strapiUrl: 'https://api.example.com',
  // The fake has no database to keep the budget in.
  rateLimitStore: 'memory',
};

const bootWith = async (
  nodeEnv: string,
  pluginConfig: Record<string, unknown>,
  proxy?: FakeStrapiOptions['proxy']
) => {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    const fake = createFakeStrapi({ pluginConfig: { ...CONFIGURED, ...pluginConfig }, proxy });
    await bootstrap({ strapi: fake.strapi });
    return fake.log.warn.mock.calls.map(([message]) => String(message));
  } finally {
    process.env.NODE_ENV = saved;
  }
};

describe('bootstrap: TikTok URLs in production', () => {
  const emulator = {
    apiBaseUrl: 'http://127.0.0.1:4010',
    authorizeUrl: 'http://127.0.0.1:4010/v2/auth/authorize/',
  };

  it("is silent in production with TikTok's own URLs", async () => {
    expect(await bootWith('production', {})).toEqual([]);
  });

  it('is silent outside production whatever the URLs', async () => {
    expect(await bootWith('development', emulator)).toEqual([]);
  });

  it('warns for each URL whose origin is not TikTok’s, even on a look-alike host', async () => {
    const warnings = await bootWith('production', {
      apiBaseUrl: 'https://open.tiktokapis.com.evil.example',
      authorizeUrl: 'http://www.tiktok.com/v2/auth/authorize/',
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('SECURITY WARNING: apiBaseUrl');
    expect(warnings[1]).toContain('SECURITY WARNING: authorizeUrl');
  });
});

describe('bootstrap: trusted proxy', () => {
  const PROXY_WARNING = 'server.proxy.koa is on with maxIpsCount 0';

  it.each([
    ['trusted with maxIpsCount unset', { koa: true }],
    ['trusted with maxIpsCount 0', { koa: true, maxIpsCount: 0 }],
  ])('warns once when the proxy is %s', async (_case, proxy) => {
    const warnings = await bootWith('development', {}, proxy);
    expect(warnings.filter((line) => line.includes(PROXY_WARNING))).toHaveLength(1);
  });

  it.each([
    ['not trusted', undefined],
    ['off', { koa: false }],
    ['trusted with maxIpsCount 1', { koa: true, maxIpsCount: 1 }],
  ])('is silent when the proxy is %s', async (_case, proxy) => {
    expect(await bootWith('development', {}, proxy)).toEqual([]);
  });
});

describe('bootstrap: the token vault', () => {
  const boot = (pluginConfig: Record<string, unknown>, appKeys: string[]) =>
    bootstrap({
      strapi: createFakeStrapi({ pluginConfig: { ...CONFIGURED, ...pluginConfig }, appKeys })
        .strapi,
    });

  it('refuses to boot with storeTokens on and no key to seal the tokens', async () => {
    await expect(boot({ storeTokens: true }, [])).rejects.toThrow(
      'invalid configuration: storeTokens is on but no key seals the tokens: set TIKTOK_TOKEN_ENCRYPTION_KEY (32+ characters) or APP_KEYS'
    );
  });

  it.each([
    ['storeTokens off', { storeTokens: false }, []],
    ['a dedicated key', { storeTokens: true, tokenEncryptionKey: 'k'.repeat(32) }, []],
    ['APP_KEYS', { storeTokens: true }, ['appKeyA']],
  ])('boots with %s', async (_case, config, appKeys) => {
    await expect(boot(config, appKeys)).resolves.toBeUndefined();
  });
});

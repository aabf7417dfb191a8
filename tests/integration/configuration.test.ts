import { authorizeAt, callbackRedirect, startTestApp, type TestApp, route } from './harness';

/** Boot-time behaviour: each case needs its own Strapi, so this file boots three times. */

describe('missing settings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLIENT_SECRET: undefined, STRAPI_URL: undefined } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const message = 'Unset environment variables: check CLIENT_SECRET, STRAPI_URL';

  it('boots with exactly one warning naming the missing variables', () => {
    const ours = app.logs.filter((line) => line.message.includes('tiktok-auth-mobile'));
    expect(ours).toHaveLength(1);
    expect(ours[0].level).toBe('warn');
    expect(ours[0].message).toContain(message);
  });

  it.each([
    ['GET', `${route('callback')}?code=abc&scopes=user.info.basic`],
    ['POST', route('connect')],
    ['GET', `${route('authorize')}?state=s`],
    ['POST', route('token')],
  ])('%s %s answers a 500 naming exactly the missing ones', async (method, path) => {
    const response =
      method === 'GET'
        ? await app.http().get(path)
        : await app.http().post(path).send({ access_token: 'x', code: 'c' });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      data: null,
      error: { status: 500, name: 'InternalServerError', message, details: {} },
    });
    expect(app.emulator.calls.size).toBe(0);
  });
});

describe('wrong client secret', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLIENT_SECRET: 'not-the-secret' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('logs, once, the redirect URI to register and what /token accepts', () => {
    const ours = app.logs.filter((line) => line.message.includes('tiktok-auth-mobile'));
    expect(ours).toEqual([
      {
        level: 'info',
        message: `[tiktok-auth-mobile] ready; TikTok redirect URI: ${app.callbackUrl}; /token accepts redirect_uri: ${app.callbackUrl}`,
      },
    ]);
  });

  it("reports TikTok's invalid_client answer readably, without the secret", async () => {
    const toApp = await callbackRedirect(app, await authorizeAt(app, 'alice'));
    expect(toApp.searchParams.get('error')).toBe(
      'Failed to get TikTok token: Client key or secret is incorrect.'
    );
    expect(toApp.toString()).not.toContain('not-the-secret');
  });
});

describe('malformed settings', () => {
  it('stop the boot with a message naming the key', async () => {
    await expect(
      startTestApp({ env: { STRAPI_URL: 'api.example.com', TIKTOK_TIMEOUT_MS: 'soon' } })
    ).rejects.toThrow(
      /tiktok-auth-mobile.*strapiUrl must be an absolute http\(s\) URL.*timeoutMs must be a number/
    );
  });

  it('stop the boot when profile sync names an attribute the user model lacks', async () => {
    await expect(
      startTestApp({ env: { TIKTOK_PROFILE_SYNC: 'displayName:nickname,avatarUrl:avatar' } })
    ).rejects.toThrow(
      'invalid configuration: profileSync maps displayName to "nickname", which the user model does not have'
    );
  });
});

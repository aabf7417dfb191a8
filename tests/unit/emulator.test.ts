import { TikTokEmulator } from '../../dev/emulator/src';

/** The emulator's own behaviour that the plugin's tests do not reach. */

let emulator: TikTokEmulator;
beforeAll(async () => {
  emulator = new TikTokEmulator({
    people: [
      { id: 'rita', open_id: 'rita-open', union_id: 'rita-union', behavior: 'rate-limited' },
      { id: 'nina', open_id: 'nina-open', union_id: 'nina-union', note: 'a <b>note</b>' },
    ],
  });
  await emulator.listen();
});
afterAll(() => emulator.close());

it('answers user-info for a rate-limited person as TikTok does when the quota is used up', async () => {
  const response = await fetch(`${emulator.url}/v2/user/info/?fields=open_id,union_id`, {
    headers: { Authorization: `Bearer ${emulator.issueAccessToken('rita')}` },
  });
  expect(response.status).toBe(429);
  expect(await response.json()).toMatchObject({
    data: {},
    error: { code: 'rate_limit_exceeded', message: expect.any(String), log_id: expect.any(String) },
  });
});

it('answers 429 on a rate-limited endpoint, in its own format, with Retry-After, until stopped', async () => {
  emulator.rateLimit('/v2/oauth/token/', 90);
  emulator.rateLimit('/v2/user/info/');
  const token = await fetch(`${emulator.url}/v2/oauth/token/`, { method: 'POST' });
  expect(token.status).toBe(429);
  expect(token.headers.get('retry-after')).toBe('90');
  expect(await token.json()).toMatchObject({ error: 'rate_limit_exceeded' });
  const info = await fetch(`${emulator.url}/v2/user/info/?fields=open_id`);
  expect(info.status).toBe(429);
  expect(info.headers.get('retry-after')).toBeNull();
  expect(await info.json()).toMatchObject({ data: {}, error: { code: 'rate_limit_exceeded' } });

  emulator.stopRateLimiting('/v2/user/info/');
  emulator.stopRateLimiting('/v2/oauth/token/');
  const after = await fetch(`${emulator.url}/v2/user/info/?fields=open_id`);
  expect(after.status).toBe(401);
});

it('shows each person’s note, escaped, on the consent page', async () => {
  const query = new URLSearchParams({
    client_key: emulator.clientKey,
    scope: 'user.info.basic',
    response_type: 'code',
    redirect_uri: 'https://app.example.com/cb',
  });
  const html = await (await fetch(`${emulator.url}/v2/auth/authorize/?${query}`)).text();
  expect(html).toContain('<small>a &#60;b&#62;note&#60;/b&#62;</small>');
  expect(html).toContain('data-person="rita"');
});

import { signWebhook } from '../../server/src/lib/webhook/signature';
import { MAX_WEBHOOK_BODY_BYTES } from '../../server/src/constants';
import { expectError, listenOnLoopback, route, startTestApp, type TestApp } from './harness';
import { expectNoSecretsIn } from './secrets';

/**
 * `POST /webhook` on a real Strapi: the signature is checked over the exact bytes TikTok sent,
 * with the app's middleware configuration as it is (strapi::body included), and every other JSON
 * route still gets its parsed body.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const now = () => Math.floor(Date.now() / 1000);

const eventBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    client_key: app.emulator.clientKey,
    event: 'authorization.removed',
    create_time: now(),
    user_openid: '_000alice-open-id',
    content: '{"reason":1}',
    ...overrides,
  });

const deliver = (body: string, signature: string | undefined, path = route('webhook')) => {
  const call = app.http().post(path).set('Content-Type', 'application/json');
  return (signature === undefined ? call : call.set('TikTok-Signature', signature)).send(body);
};

const signed = (body: string, timestamp = now(), secret = app.emulator.clientSecret) =>
  signWebhook(secret, body, timestamp);

describe('a delivery signed with the client secret', () => {
  it('is acknowledged with 200', async () => {
    const body = eventBody();
    const response = await deliver(body, signed(body));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true });
  });

  it('is verified over its exact bytes: spacing, key order and unicode as sent', async () => {
    const body = `{ "event":"authorization.removed",  "client_key":"${app.emulator.clientKey}",\n "create_time":${now()}, "user_openid":"ø-ünïcode", "content":"{\\"reason\\": 2}" }`;
    expect((await deliver(body, signed(body))).status).toBe(200);
  });

  it('is acknowledged for other events and other apps alike, so TikTok stops retrying', async () => {
    const other = eventBody({ event: 'video.publish.completed', content: '{"share_id":"s"}' });
    expect((await deliver(other, signed(other))).status).toBe(200);
    const foreign = eventBody({ client_key: 'another-app' });
    expect((await deliver(foreign, signed(foreign))).status).toBe(200);
  });

  it('reaches the route with a trailing slash or another case, as the router matches them', async () => {
    const body = eventBody();
    const path = `${route('webhook')}/`.replace('webhook', 'WebHook');
    expect((await deliver(body, signed(body), path)).status).toBe(200);
  });

  it('is refused with 400 when the signed body is not a TikTok event', async () => {
    for (const body of ['not json', '[]', '{"event":"x"}', eventBody({ create_time: '17' })]) {
      expectError(await deliver(body, signed(body)), 400, 'Not a TikTok webhook event');
    }
  });
});

describe('a delivery that is not signed right is refused with 401 in Strapi’s shape', () => {
  const expect401 = (response: { status: number; body: unknown }) =>
    expectError(response, 401, 'Invalid TikTok webhook signature');

  it('without a signature header', async () => {
    expect401(await deliver(eventBody(), undefined));
  });

  it('signed with another secret', async () => {
    const body = eventBody();
    expect401(await deliver(body, signed(body, now(), 'not-the-client-secret')));
  });

  it('with a malformed header', async () => {
    const body = eventBody();
    expect401(await deliver(body, `s=${signed(body).split('s=')[1]}`));
    expect401(await deliver(body, 'garbage'));
  });

  it('signed more than 5 minutes before or after now', async () => {
    const body = eventBody();
    expect401(await deliver(body, signed(body, now() - 301)));
    expect401(await deliver(body, signed(body, now() + 301)));
    expect((await deliver(body, signed(body, now() - 290))).status).toBe(200);
  });

  it('whose bytes differ from the signed ones, even as the same JSON', async () => {
    const body = eventBody();
    const signature = signed(body);
    expect401(await deliver(JSON.stringify(JSON.parse(body), null, 2), signature));
    expect401(await deliver(`${body} `, signature));
    expect401(await deliver(eventBody({ content: '{"reason":2}' }), signature));
  });

  it('sent as a form instead of JSON: the bytes are checked all the same', async () => {
    const body = 'event=authorization.removed';
    const response = await app
      .http()
      .post(route('webhook'))
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('TikTok-Signature', signed('{}'))
      .send(body);
    expect401(response);
  });
});

it('refuses a body over the limit with 413, whether its length is announced or not', async () => {
  const big = eventBody({ content: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
  expectError(await deliver(big, signed(big)), 413, 'The webhook body is too large.');

  const base = await listenOnLoopback(app);
  try {
    const chunked = await fetch(`${base}${route('webhook')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'TikTok-Signature': signed(big) },
      body: new Blob([big]).stream(),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    // The connection and the server are fine afterwards.
    const body = eventBody();
    expect((await deliver(body, signed(body))).status).toBe(200);
  } finally {
    await new Promise((resolve) => app.strapi.server.httpServer.close(resolve));
  }
});

describe('the app’s other routes', () => {
  it('still get their JSON bodies parsed: the plugin’s own and users-permissions’', async () => {
    const token = app.emulator.issueAccessToken('alice');
    const connect = await app
      .http()
      .post(route('connect'))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ access_token: token }));
    expect(connect.status).toBe(200);
    expect(connect.body.user).toMatchObject({ provider: 'tiktok' });

    const login = await app
      .http()
      .post('/api/auth/local')
      .send({ identifier: 'nobody@example.com', password: 'wrong-password' });
    expectError(login, 400, 'Invalid identifier or password');
  });

  it('GET /webhook is not a route', async () => {
    expect((await app.http().get(route('webhook'))).status).toBe(404);
  });
});

it('takes the emulator’s deliveries, retries included, and logs no secret on any path', async () => {
  const base = await listenOnLoopback(app);
  try {
    app.emulator.webhookUrl = `${base}${route('webhook')}`;
    const delivery = await app.emulator.disconnect('bob', 1);
    await app.emulator.redeliver(delivery.id);
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([200, 200]);
  } finally {
    await new Promise((resolve) => app.strapi.server.httpServer.close(resolve));
  }

  const body = eventBody();
  const refusedSignature = signed(body, now(), 'not-the-client-secret');
  await deliver(body, refusedSignature);
  expectNoSecretsIn(app.logs, [
    app.emulator.clientSecret,
    refusedSignature.split('s=')[1],
    signed(body).split('s=')[1],
  ]);
  expect(
    app.logs.some((line) => line.message.includes('webhook refused: signature mismatch'))
  ).toBe(true);
});

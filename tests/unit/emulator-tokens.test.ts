import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TikTokEmulator, tikTokError } from '../../dev/emulator/src';
import { verifyWebhookSignature } from '../../server/src/lib/webhook/signature';

/** The emulator's refresh, revoke and webhook deliveries, driven over HTTP as a client would. */

const TOKEN = '/v2/oauth/token/';
const REVOKE = '/v2/oauth/revoke/';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A local webhook URL recording what it receives, answering `status`. */
const listener = async (status = 200) => {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
};

let emulator: TikTokEmulator;
beforeEach(async () => {
  emulator = new TikTokEmulator({ accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 3600 });
  await emulator.listen();
});
afterEach(() => emulator.close());

const form = (path: string, fields: Record<string, string>) =>
  fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_key: emulator.clientKey,
      client_secret: emulator.clientSecret,
      ...fields,
    }),
  });

const refresh = async (refreshToken: string) => {
  const response = await form(TOKEN, { grant_type: 'refresh_token', refresh_token: refreshToken });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const userInfoStatus = async (accessToken: string) =>
  (
    await fetch(`${emulator.url}/v2/user/info/?fields=open_id`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    })
  ).status;

const invalidGrant = {
  error: 'invalid_grant',
  error_description: expect.any(String),
  log_id: expect.any(String),
};

describe('token lifetimes', () => {
  it('answers the expires_in and refresh_expires_in it was configured with', async () => {
    const code = emulator.issueCode('alice', ['user.info.basic'], 'https://app.example.com/cb');
    const response = await form(TOKEN, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://app.example.com/cb',
    });
    expect(await response.json()).toMatchObject({ expires_in: 60, refresh_expires_in: 3600 });
  });

  it('lets an access token expire after expires_in', async () => {
    const short = new TikTokEmulator({ accessTokenTtlSeconds: 1 });
    await short.listen();
    try {
      const { access_token } = short.issueTokens('alice');
      const status = () =>
        fetch(`${short.url}/v2/user/info/?fields=open_id`, {
          headers: { Authorization: `Bearer ${access_token}` },
        }).then((response) => response.status);
      expect(await status()).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await status()).toBe(401);
    } finally {
      await short.close();
    }
  });
});

describe('grant_type=refresh_token', () => {
  it('answers new tokens and a new refresh token, and counts the call', async () => {
    const first = emulator.issueTokens('alice', ['user.info.basic', 'user.info.profile']);
    const { status, body } = await refresh(first.refresh_token);
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^act\./),
      expires_in: 60,
      open_id: '_000alice-open-id',
      refresh_token: expect.stringMatching(/^rft\./),
      refresh_expires_in: expect.any(Number),
      scope: 'user.info.basic,user.info.profile',
      token_type: 'Bearer',
    });
    expect(body.access_token).not.toBe(first.access_token);
    expect(body.refresh_token).not.toBe(first.refresh_token);
    expect(await userInfoStatus(body.access_token as string)).toBe(200);
    expect(emulator.grantCount('refresh_token')).toBe(1);
    expect(emulator.grantCount('authorization_code')).toBe(0);
  });

  it('retires the refresh token it rotated: a second use is invalid_grant, the newest works', async () => {
    const first = emulator.issueTokens('alice');
    const rotated = await refresh(first.refresh_token);
    expect(await refresh(first.refresh_token)).toEqual({ status: 200, body: invalidGrant });
    expect((await refresh(rotated.body.refresh_token as string)).body).toMatchObject({
      access_token: expect.any(String),
    });
    expect(emulator.grantCount('refresh_token')).toBe(3);
  });

  it('refuses a refresh token it never issued with TikTok’s invalid_grant', async () => {
    expect(await refresh('rft.made-up')).toEqual({ status: 200, body: invalidGrant });
  });

  it('counts refresh_expires_in from the code exchange, not from each rotation', async () => {
    const first = emulator.issueTokens('alice');
    expect(first.refresh_expires_in).toBe(3600);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { body } = await refresh(first.refresh_token);
    expect(body.refresh_expires_in).toBeLessThan(3600);
  });

  it('refuses wrong client credentials before looking at the token', async () => {
    const { refresh_token } = emulator.issueTokens('alice');
    const response = await fetch(`${emulator.url}${TOKEN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_key: emulator.clientKey,
        client_secret: 'wrong',
        grant_type: 'refresh_token',
        refresh_token,
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    expect((await refresh(refresh_token)).status).toBe(200);
  });

  it('can be made to fail with the fault mechanism, in the OAuth format', async () => {
    emulator.fault(tikTokError(400, 'invalid_grant', 'Refresh token revoked.'), TOKEN);
    const { refresh_token } = emulator.issueTokens('alice');
    expect(await refresh(refresh_token)).toEqual({ status: 400, body: invalidGrant });
  });
});

describe('POST /v2/oauth/revoke/', () => {
  it('ends the authorization: user-info answers access_token_invalid, a refresh invalid_grant', async () => {
    const tokens = emulator.issueTokens('alice');
    const other = emulator.issueTokens('alice');
    const response = await form(REVOKE, { token: tokens.access_token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});

    const info = await fetch(`${emulator.url}/v2/user/info/?fields=open_id`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(401);
    expect(await info.json()).toMatchObject({ error: { code: 'access_token_invalid' } });
    expect(await refresh(tokens.refresh_token)).toEqual({ status: 200, body: invalidGrant });
    // Another sign-in of the same person is another authorization: untouched.
    expect(await userInfoStatus(other.access_token)).toBe(200);
    expect(emulator.callCount(REVOKE)).toBe(1);
  });

  it('also ends the access tokens a refresh issued in the same authorization', async () => {
    const first = emulator.issueTokens('alice');
    const rotated = await refresh(first.refresh_token);
    await form(REVOKE, { token: first.access_token });
    expect(await userInfoStatus(rotated.body.access_token as string)).toBe(401);
    expect((await refresh(rotated.body.refresh_token as string)).body).toEqual(invalidGrant);
  });

  it('answers an unknown token as a revoked one, and refuses wrong credentials', async () => {
    expect(await (await form(REVOKE, { token: 'act.unknown' })).json()).toEqual({});
    const refused = await fetch(`${emulator.url}${REVOKE}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_key: 'other', client_secret: 'x', token: 'act.x' }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers a fault on the revoke path in the OAuth format', async () => {
    emulator.fault(tikTokError(500, 'internal_error', 'Try again.'), REVOKE);
    const response = await form(REVOKE, { token: 'act.x' });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: 'internal_error' });
  });
});

describe('disconnecting in TikTok: authorization.removed deliveries', () => {
  it('revokes the person’s tokens and delivers a signed event to the webhook URL', async () => {
    const hook = await listener();
    emulator.webhookUrl = hook.url;
    try {
      const alice = emulator.issueTokens('alice');
      const bob = emulator.issueTokens('bob');
      const delivery = await emulator.disconnect('alice', 2);

      expect(await userInfoStatus(alice.access_token)).toBe(401);
      expect((await refresh(alice.refresh_token)).body).toEqual(invalidGrant);
      expect(await userInfoStatus(bob.access_token)).toBe(200);

      expect(hook.received).toHaveLength(1);
      const [{ headers, body }] = hook.received;
      expect(headers['content-type']).toBe('application/json');
      expect(body.toString()).toBe(delivery.body);
      expect(JSON.parse(body.toString())).toEqual({
        client_key: emulator.clientKey,
        event: 'authorization.removed',
        create_time: expect.any(Number),
        user_openid: '_000alice-open-id',
        content: '{"reason":2}',
      });
      // The plugin's own verification accepts the emulator's independent signature.
      expect(
        verifyWebhookSignature({
          header: headers['tiktok-signature'] as string,
          body,
          secret: emulator.clientSecret,
        }).ok
      ).toBe(true);
      expect(delivery).toMatchObject({
        id: 'delivery-1',
        personId: 'alice',
        event: 'authorization.removed',
        attempts: [{ at: expect.any(Number), status: 200 }],
      });
    } finally {
      await hook.close();
    }
  });

  it('delivers the same event again on redeliver: same bytes, each attempt recorded', async () => {
    const hook = await listener(503);
    emulator.webhookUrl = hook.url;
    try {
      const delivery = await emulator.disconnect('bob');
      await emulator.redeliver(delivery.id);
      expect(hook.received.map(({ body }) => body.toString())).toEqual([
        delivery.body,
        delivery.body,
      ]);
      expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([503, 503]);
      expect(emulator.deliveries).toEqual([delivery]);
    } finally {
      await hook.close();
    }
  });

  it('records why nothing was delivered: no webhook URL, or nobody listening', async () => {
    const none = await emulator.disconnect('alice');
    expect(none.attempts).toEqual([
      { at: expect.any(Number), error: expect.stringMatching(/no webhook URL/) },
    ]);
    const hook = await listener();
    await hook.close();
    emulator.webhookUrl = hook.url;
    const refused = await emulator.redeliver(none.id);
    expect(refused.attempts[1]).toEqual({ at: expect.any(Number), error: expect.any(String) });
  });

  it('refuses an unknown person, an unknown delivery and a reason outside 0–5', async () => {
    await expect(emulator.disconnect('nobody')).rejects.toThrow('unknown emulated person');
    await expect(emulator.disconnect('alice', 6)).rejects.toThrow('reason must be 0 to 5');
    await expect(emulator.redeliver('delivery-9')).rejects.toThrow('unknown delivery');
  });
});

describe('control endpoints', () => {
  const post = (path: string) => fetch(`${emulator.url}${path}`, { method: 'POST' });

  it('disconnects a person, redelivers and lists deliveries over HTTP, faults or not', async () => {
    const hook = await listener();
    emulator.webhookUrl = hook.url;
    // A fault on every TikTok endpoint leaves the emulator's own controls alone.
    emulator.fault(tikTokError(500, 'internal_error', 'Down.'));
    try {
      const { access_token } = emulator.issueTokens('alice');
      const disconnected = await post('/emulator/people/alice/disconnect?reason=1');
      expect(disconnected.status).toBe(200);
      const { delivery } = (await disconnected.json()) as { delivery: { id: string } };
      expect(delivery).toMatchObject({ personId: 'alice', attempts: [{ status: 200 }] });

      const again = await post(`/emulator/webhooks/${delivery.id}/redeliver`);
      expect(await again.json()).toMatchObject({ delivery: { attempts: [{}, { status: 200 }] } });
      const list = await fetch(`${emulator.url}/emulator/webhooks`);
      expect(await list.json()).toMatchObject({ deliveries: [{ id: delivery.id }] });
      expect(hook.received).toHaveLength(2);

      emulator.clearFault();
      expect(await userInfoStatus(access_token)).toBe(401);
    } finally {
      await hook.close();
    }
  });

  it('answers 404 for an unknown person or delivery and 400 for a bad reason', async () => {
    expect((await post('/emulator/people/nobody/disconnect')).status).toBe(404);
    expect((await post('/emulator/webhooks/delivery-7/redeliver')).status).toBe(404);
    expect((await post('/emulator/people/alice/disconnect?reason=9')).status).toBe(400);
    expect((await post('/emulator/anything')).status).toBe(404);
  });
});

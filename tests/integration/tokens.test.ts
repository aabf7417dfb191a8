import request from 'supertest';
import { TOKEN_PATH, type Fault } from '../../dev/emulator/src/faults';
import { FAULTS } from '../../dev/emulator/src';
import { StrapiProcess } from '../../dev/strapi';
import { EVENTS, IDENTITY_TABLE } from '../../server/src/constants';
import { signWebhook } from '../../server/src/lib/webhook/signature';
import { TEST_DATABASE_CLIENT } from './databases';
import {
  ANDROID_VERIFIER,
  CALLBACK_URL,
  expectError,
  issueCodeFor,
  listenOnLoopback,
  route,
  startTestApp,
  tokenForNewPerson,
  type TestApp,
} from './harness';
import { expectNoSecretsIn } from './secrets';

/**
 * §9 and §10 over HTTP on a real Strapi with `storeTokens` on: what each sign-in keeps, sealed;
 * `service('tokens').accessToken` (through the playground's test route) refreshing ahead of
 * expiry with rotation, once per identity however many callers (and processes) ask; refused
 * refreshes, revocation, unlinking, TikTok's `authorization.removed`, and a key rotation.
 */
const KEY_A = 'first-token-vault-key-0123456789abcdef';
const KEY_B = 'second-token-vault-key-0123456789abcdef';

let app: TestApp;
let url: string;
beforeAll(async () => {
  app = await startTestApp({
    env: {
      TIKTOK_STORE_TOKENS: 'true',
      TIKTOK_TOKEN_ENCRYPTION_KEY: KEY_A,
      PLAYGROUND_TOKEN_ROUTE: 'true',
    },
  });
  url = await listenOnLoopback(app);
  app.emulator.webhookUrl = `${url}${route('webhook')}`;
});
afterAll(async () => {
  await app?.close();
});

/** Every token and secret a test saw: none may appear in any log. */
const seen: string[] = [];
const remember = <T extends string>(token: T): T => {
  seen.push(token);
  return token;
};

let sequence = 0;
const newPerson = (name: string) => {
  sequence += 1;
  const id = `${name}-${sequence}`;
  tokenForNewPerson(app, id);
  return id;
};

interface SignedIn {
  jwt: string;
  user: { id: number };
}

/** Flow C: the SDK's code, exchanged at `/token`. */
const signInWithCode = async (personId: string): Promise<SignedIn> => {
  const response = await app
    .http()
    .post(route('token'))
    .send({
      code: remember(issueCodeFor(app, personId, ANDROID_VERIFIER)),
      code_verifier: ANDROID_VERIFIER,
      redirect_uri: CALLBACK_URL,
    });
  expect(response.status).toBe(200);
  remember(response.body.jwt);
  return response.body as SignedIn;
};

/** What app code gets from `service('tokens').accessToken(userId)`, on the Strapi at `base`. */
const accessTokenOf = async (userId: number, base = url) => {
  const response = await request(base).post('/api/tiktok-calls/access-token').send({ userId });
  if (response.body.accessToken) remember(response.body.accessToken);
  return response as unknown as {
    status: number;
    body: { accessToken?: string; error?: string; reason?: string };
  };
};

const me = (jwt: string) => app.http().get(route('me')).set('Authorization', `Bearer ${jwt}`);

/** The identity's row as the database holds it, read with plain SQL. */
const rawRow = async (userId: number): Promise<Record<string, unknown>> =>
  app.strapi.db.connection(IDENTITY_TABLE).where({ user_id: userId }).first();

/** Makes the stored access token expire in `seconds` (inside the refresh margin when small). */
const expireAccessIn = async (userId: number, seconds: number) => {
  await app.strapi.db
    .connection(IDENTITY_TABLE)
    .where({ user_id: userId })
    .update({ access_expires_at: new Date(Date.now() + seconds * 1000) });
};

/** Whether TikTok (the emulator) still takes the access token. */
const worksAtTikTok = async (token: string) =>
  (
    await fetch(`${app.emulator.url}/v2/user/info/?fields=open_id`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).status === 200;

/** Holds every answer of the token endpoint for `ms`: refreshes overlap for sure. */
const slowTokenEndpoint =
  (ms: number): Fault =>
  (_req, _res, answer) => {
    setTimeout(answer, ms);
  };

const refreshes = () => app.emulator.grantCount('refresh_token');

describe('what a sign-in keeps', () => {
  it('Flow C: access and refresh tokens, sealed, with TikTok’s lifetimes; /me shows no token', async () => {
    const person = newPerson('flow-c');
    const { jwt, user } = await signInWithCode(person);
    const row = await rawRow(user.id);
    expect(row.token_state).toBe('stored');
    for (const column of ['access_token', 'refresh_token']) {
      expect(String(row[column])).toMatch(/^t1\.[0-9a-f]{8}\.[\w-]+$/);
    }
    const body = (await me(jwt)).body;
    expect(body.tokens.stored).toBe(true);
    const day = Date.now() + app.emulator.accessTokenTtlSeconds * 1000;
    expect(Math.abs(Date.parse(body.tokens.accessExpiresAt) - day)).toBeLessThan(60_000);
    const year = Date.now() + app.emulator.refreshTokenTtlSeconds * 1000;
    expect(Math.abs(Date.parse(body.tokens.refreshExpiresAt) - year)).toBeLessThan(60_000);
    expect(JSON.stringify(body)).not.toMatch(/act\.|rft\./);

    const before = refreshes();
    const token = await accessTokenOf(user.id);
    expect(token.status).toBe(200);
    expect(await worksAtTikTok(token.body.accessToken!)).toBe(true);
    expect(refreshes()).toBe(before);
  });

  it('Flow A: the access token it was handed, with no expiry known and nothing to refresh', async () => {
    const person = newPerson('flow-a');
    const given = remember(app.emulator.issueAccessToken(person));
    const response = await app.http().post(route('connect')).send({ access_token: given });
    expect(response.status).toBe(200);
    remember(response.body.jwt);
    const row = await rawRow(response.body.user.id);
    expect(row).toMatchObject({ token_state: 'stored', refresh_token: null });
    expect(row.access_expires_at).toBeNull();
    expect((await me(response.body.jwt)).body.tokens).toEqual({
      stored: true,
      accessExpiresAt: null,
      refreshExpiresAt: null,
    });
    expect((await accessTokenOf(response.body.user.id)).body.accessToken).toBe(given);
  });

  it('POST /link with a code: the linked person’s tokens', async () => {
    const name = `linker-${Date.now()}`;
    const account = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: name, email: `${name}@example.com`, password: 'Passw0rd-local' });
    const person = newPerson('linked');
    const linked = await app
      .http()
      .post(route('link'))
      .set('Authorization', `Bearer ${remember(account.body.jwt)}`)
      .send({
        code: remember(issueCodeFor(app, person, ANDROID_VERIFIER)),
        code_verifier: ANDROID_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
    expect(linked.status).toBe(200);
    expect(linked.body.identity.tokens.stored).toBe(true);
    expect(await worksAtTikTok((await accessTokenOf(account.body.user.id)).body.accessToken!)).toBe(
      true
    );
  });

  it('encryption at rest: no column of the table holds a token in clear', async () => {
    const dump = JSON.stringify(await app.strapi.db.connection(IDENTITY_TABLE).select('*'));
    expect(dump).not.toMatch(/act\.|rft\./);
    for (const token of seen) expect(dump).not.toContain(token);
  });

  it('a user with no TikTok tokens gets a clear error', async () => {
    const name = `plain-${Date.now()}`;
    const account = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: name, email: `${name}@example.com`, password: 'Passw0rd-local' });
    remember(account.body.jwt);
    expect((await accessTokenOf(account.body.user.id)).body).toEqual({
      error: 'No TikTok tokens are kept for this user: they must sign in with TikTok again.',
      reason: 'none',
    });
  });
});

describe('refresh', () => {
  it('happens ahead of expiry, keeps TikTok’s rotated refresh token and its new lifetimes', async () => {
    const { jwt, user } = await signInWithCode(newPerson('refresh'));
    const first = (await accessTokenOf(user.id)).body.accessToken!;
    const sealedRefresh = (await rawRow(user.id)).refresh_token;

    await expireAccessIn(user.id, 120);
    const before = refreshes();
    const second = (await accessTokenOf(user.id)).body.accessToken!;
    expect(refreshes()).toBe(before + 1);
    expect(second).not.toBe(first);
    expect(await worksAtTikTok(second)).toBe(true);
    const row = await rawRow(user.id);
    expect(row.refresh_token).not.toBe(sealedRefresh);
    expect(row.token_lease_id).toBeNull();
    const expiresAt = Date.parse((await me(jwt)).body.tokens.accessExpiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now() + 3_600_000);

    // The token is fresh again: no call to TikTok.
    expect((await accessTokenOf(user.id)).body.accessToken).toBe(second);
    expect(refreshes()).toBe(before + 1);

    // Rotation: the emulator retired the first refresh token; the next refresh uses the new one.
    await expireAccessIn(user.id, 60);
    const third = (await accessTokenOf(user.id)).body.accessToken!;
    expect(third).not.toBe(second);
    expect(refreshes()).toBe(before + 2);
  });

  it('runs once for many simultaneous callers, who all get its token', async () => {
    const { user } = await signInWithCode(newPerson('together'));
    await expireAccessIn(user.id, 30);
    const before = refreshes();
    app.emulator.fault(slowTokenEndpoint(400), TOKEN_PATH);
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => accessTokenOf(user.id)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      expect(new Set(answers.map((answer) => answer.body.accessToken)).size).toBe(1);
    } finally {
      app.emulator.clearFault(TOKEN_PATH);
    }
    expect(refreshes()).toBe(before + 1);
  });

  it('that TikTok refuses (invalid_grant) marks the tokens unusable, with no further call', async () => {
    const person = newPerson('refused');
    const { jwt, user } = await signInWithCode(person);
    // The authorization ends at TikTok; no webhook reaches Strapi for it.
    const webhookUrl = app.emulator.webhookUrl;
    app.emulator.webhookUrl = undefined;
    await app.emulator.disconnect(person, 1);
    app.emulator.webhookUrl = webhookUrl;

    await expireAccessIn(user.id, 10);
    const before = refreshes();
    const refused = await accessTokenOf(user.id);
    expect(refused.body).toEqual({
      error:
        'TikTok refused to refresh the tokens of this user: they must sign in with TikTok again.',
      reason: 'unusable',
    });
    expect(refreshes()).toBe(before + 1);
    expect((await accessTokenOf(user.id)).body.reason).toBe('unusable');
    expect(refreshes()).toBe(before + 1);

    const row = await rawRow(user.id);
    expect(row).toMatchObject({ token_state: 'unusable', access_token: null, refresh_token: null });
    expect((await me(jwt)).body.tokens).toEqual({
      stored: false,
      accessExpiresAt: null,
      refreshExpiresAt: null,
    });

    // Signing in again stores new tokens.
    await signInWithCode(person);
    expect((await accessTokenOf(user.id)).status).toBe(200);
  });

  it('that cannot reach TikTok fails without marking the tokens unusable', async () => {
    const { user } = await signInWithCode(newPerson('outage'));
    await expireAccessIn(user.id, 10);
    app.emulator.fault(FAULTS.html500, TOKEN_PATH);
    try {
      const failed = await accessTokenOf(user.id);
      expect(failed.status).toBe(400);
      expect(failed.body.error).toMatch(/^Failed to refresh TikTok token: /);
      expect(await rawRow(user.id)).toMatchObject({ token_state: 'stored', token_lease_id: null });
    } finally {
      app.emulator.clearFault(TOKEN_PATH);
    }
    expect((await accessTokenOf(user.id)).status).toBe(200);
  });

  it('by a holder that crashed is taken over once its lease expires', async () => {
    const { user } = await signInWithCode(newPerson('crashed'));
    await expireAccessIn(user.id, 10);
    await app.strapi.db
      .connection(IDENTITY_TABLE)
      .where({ user_id: user.id })
      .update({ token_lease_id: 'gone', token_lease_until: new Date(Date.now() + 1500) });
    const before = refreshes();
    const answer = await accessTokenOf(user.id);
    expect(answer.status).toBe(200);
    expect(refreshes()).toBe(before + 1);
  });
});

describe('revocation', () => {
  it('revoke(userId) ends the authorization at TikTok and forgets the tokens', async () => {
    const { jwt, user } = await signInWithCode(newPerson('revoked'));
    const token = (await accessTokenOf(user.id)).body.accessToken!;
    await app.strapi.plugin('tiktok-auth-mobile').service('tokens').revoke(user.id);
    expect(await worksAtTikTok(token)).toBe(false);
    expect(await rawRow(user.id)).toMatchObject({ token_state: null, access_token: null });
    expect((await me(jwt)).body.tokens.stored).toBe(false);
    expect((await accessTokenOf(user.id)).body.reason).toBe('none');
  });

  it('forgets the tokens even when TikTok cannot be reached', async () => {
    const { user } = await signInWithCode(newPerson('revoke-outage'));
    const token = (await accessTokenOf(user.id)).body.accessToken!;
    app.emulator.fault(FAULTS.html500, '/v2/oauth/revoke/');
    try {
      await app.strapi.plugin('tiktok-auth-mobile').service('tokens').revoke(user.id);
    } finally {
      app.emulator.clearFault('/v2/oauth/revoke/');
    }
    expect(await worksAtTikTok(token)).toBe(true);
    expect(await rawRow(user.id)).toMatchObject({ token_state: null, access_token: null });
  });

  it('DELETE /link revokes the linked person’s tokens', async () => {
    const name = `unlinker-${Date.now()}`;
    const account = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: name, email: `${name}@example.com`, password: 'Passw0rd-local' });
    const jwt = remember(account.body.jwt);
    const person = newPerson('unlinked');
    await app
      .http()
      .post(route('link'))
      .set('Authorization', `Bearer ${jwt}`)
      .send({
        code: remember(issueCodeFor(app, person, ANDROID_VERIFIER)),
        code_verifier: ANDROID_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
    const token = (await accessTokenOf(account.body.user.id)).body.accessToken!;
    const revokes = app.emulator.callCount('/v2/oauth/revoke/');
    const unlinked = await app.http().delete(route('link')).set('Authorization', `Bearer ${jwt}`);
    expect(unlinked.status).toBe(200);
    expect(app.emulator.callCount('/v2/oauth/revoke/')).toBe(revokes + 1);
    expect(await worksAtTikTok(token)).toBe(false);
  });
});

describe('authorization.removed from TikTok', () => {
  const removals: unknown[] = [];
  beforeAll(() => {
    app.strapi.eventHub.on(EVENTS.AUTHORIZATION_REMOVED, async (payload: unknown) => {
      removals.push(payload);
    });
  });

  const deliver = (body: string, signature: string) =>
    app
      .http()
      .post(route('webhook'))
      .set('Content-Type', 'application/json')
      .set('TikTok-Signature', signature)
      .send(body);
  const eventBody = (openId: string, createTime: number, event = 'authorization.removed') =>
    JSON.stringify({
      client_key: app.emulator.clientKey,
      event,
      create_time: createTime,
      user_openid: openId,
      content: '{"reason":2}',
    });
  const now = () => Math.floor(Date.now() / 1000);

  it('forgets the tokens, marks the identity disconnected and emits the event once', async () => {
    const person = newPerson('removed');
    const { jwt, user } = await signInWithCode(person);
    const delivery = await app.emulator.disconnect(person, 2);
    expect(delivery.attempts.at(-1)?.status).toBe(200);

    const identity = (await me(jwt)).body;
    expect(identity.disconnected).toEqual({ at: expect.any(String), reason: 'account deleted' });
    expect(identity.tokens.stored).toBe(false);
    expect(await rawRow(user.id)).toMatchObject({ access_token: null, refresh_token: null });
    expect((await accessTokenOf(user.id)).body).toEqual({
      error: 'This user removed the app in TikTok: they must sign in with TikTok again.',
      reason: 'disconnected',
    });
    expect(removals).toEqual([
      {
        user: { id: user.id, documentId: expect.any(String) },
        identity: expect.objectContaining({
          openId: `${person}-open`,
          disconnected: { at: identity.disconnected.at, reason: 'account deleted' },
        }),
      },
    ]);
    expect(JSON.stringify(removals)).not.toMatch(/act\.|rft\.|tokens/);

    // TikTok's retries of the same event change nothing more.
    await app.emulator.redeliver(delivery.id);
    await app.emulator.redeliver(delivery.id);
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([200, 200, 200]);
    expect(removals).toHaveLength(1);
    expect((await me(jwt)).body.disconnected).toEqual(identity.disconnected);

    // Signing in again authorizes the app anew: the disconnection is cleared, tokens kept again.
    // A late redelivery of the event created before that sign-in changes nothing.
    const old = eventBody(`${person}-open`, now() - 60);
    await signInWithCode(person);
    expect((await me(jwt)).body).toMatchObject({ disconnected: null, tokens: { stored: true } });
    expect((await deliver(old, signWebhook(app.emulator.clientSecret, old, now()))).status).toBe(
      200
    );
    expect((await me(jwt)).body).toMatchObject({ disconnected: null, tokens: { stored: true } });
    expect(removals).toHaveLength(1);
  });

  it('is refused unsigned, wrongly signed or stale, changing nothing', async () => {
    const person = newPerson('forged');
    const { jwt } = await signInWithCode(person);
    const body = eventBody(`${person}-open`, now());
    for (const signature of [
      'garbage',
      signWebhook('not-the-client-secret', body, now()),
      signWebhook(app.emulator.clientSecret, body, now() - 400),
    ]) {
      expectError(await deliver(body, signature), 401, 'Invalid TikTok webhook signature');
    }
    expect((await me(jwt)).body).toMatchObject({ disconnected: null, tokens: { stored: true } });
    expect(removals).toHaveLength(1);
  });

  it('is acknowledged and ignored for an unknown open_id, and other events are too', async () => {
    const count = await app.strapi.db.connection(IDENTITY_TABLE).whereNotNull('disconnected_at');
    for (const body of [
      eventBody('nobody-open', now()),
      eventBody(`${newPerson('other-event')}-open`, now(), 'video.publish.completed'),
    ]) {
      const response = await deliver(body, signWebhook(app.emulator.clientSecret, body, now()));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true });
    }
    expect(await app.strapi.db.connection(IDENTITY_TABLE).whereNotNull('disconnected_at')).toEqual(
      count
    );
    expect(removals).toHaveLength(1);
  });
});

// Only a database server can be shared by two processes; on SQLite-only runs this block is absent.
const sharedServers = TEST_DATABASE_CLIENT === 'sqlite' ? [] : [TEST_DATABASE_CLIENT];
for (const client of sharedServers) {
  describe(`two Strapi processes sharing one ${client} database`, () => {
    let second: StrapiProcess | undefined;
    beforeAll(async () => {
      second = await StrapiProcess.start(app.env);
    });
    afterAll(async () => {
      await second?.stop();
    });

    it('asking for an expiring token at the same moment cause one refresh, and share its token', async () => {
      for (let round = 0; round < 3; round += 1) {
        const { user } = await signInWithCode(newPerson('two-process'));
        await expireAccessIn(user.id, 30);
        const before = refreshes();
        app.emulator.fault(slowTokenEndpoint(300), TOKEN_PATH);
        try {
          const answers = await Promise.all(
            [url, second!.url, url, second!.url].map((base) => accessTokenOf(user.id, base))
          );
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
          expect(new Set(answers.map((answer) => answer.body.accessToken)).size).toBe(1);
        } finally {
          app.emulator.clearFault(TOKEN_PATH);
        }
        expect(refreshes()).toBe(before + 1);
      }
    });
  });
}

describe('a rotation of the vault key', () => {
  it('opens tokens sealed with the previous key and seals them again with the new one', async () => {
    const used = await signInWithCode(newPerson('rotated'));
    const idle = await signInWithCode(newPerson('idle'));
    const token = (await accessTokenOf(used.user.id)).body.accessToken!;
    const keyIdOf = async (userId: number) =>
      String((await rawRow(userId)).access_token).split('.')[1];
    const oldKeyId = await keyIdOf(used.user.id);

    app.env.TIKTOK_TOKEN_ENCRYPTION_KEY = KEY_B;
    app.env.TIKTOK_TOKEN_ENCRYPTION_PREVIOUS_KEYS = KEY_A;
    app = await app.reboot();
    url = await listenOnLoopback(app);
    expect((await accessTokenOf(used.user.id)).body.accessToken).toBe(token);
    const newKeyId = await keyIdOf(used.user.id);
    expect(newKeyId).not.toBe(oldKeyId);
    expect(String((await rawRow(used.user.id)).refresh_token).split('.')[1]).toBe(newKeyId);
    expect(await keyIdOf(idle.user.id)).toBe(oldKeyId);

    // Once the previous key is dropped, tokens not used since cannot be opened: unusable.
    app.env.TIKTOK_TOKEN_ENCRYPTION_PREVIOUS_KEYS = undefined;
    app = await app.reboot();
    url = await listenOnLoopback(app);
    expect((await accessTokenOf(used.user.id)).body.accessToken).toBe(token);
    expect((await accessTokenOf(idle.user.id)).body.reason).toBe('unusable');
    expect(await rawRow(idle.user.id)).toMatchObject({ token_state: 'unusable' });
  });
});

describe('logs', () => {
  it('hold none of the tokens, codes, JWTs or keys of these requests', () => {
    expectNoSecretsIn(app.logs, [...seen, app.emulator.clientSecret, KEY_A, KEY_B]);
  });
});

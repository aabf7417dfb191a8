import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENTS, USER_UID } from '../../server/src/constants';
import { adminToken, createAdmin } from './admin-users';
import {
  ANDROID_VERIFIER,
  CALLBACK_URL,
  expectError,
  issueCodeFor,
  route,
  startTestApp,
  tokenForNewPerson,
  type TestApp,
} from './harness';

/**
 * One boot with users-permissions in `jwtManagement: 'refresh'`, only Flow C on, profile sync
 * mapping TikTok's display name and avatar onto two attributes the playground adds to its users,
 * and a Strapi webhook, created through the admin API, subscribed to the plugin's events and
 * pointing at a listener on 127.0.0.1.
 */
interface Delivery {
  event: string;
  user: { id: number; documentId: string };
  identity: Record<string, unknown> | null;
}

let app: TestApp;
let listener: Server;
const deliveries: Delivery[] = [];
const raw: string[] = [];

beforeAll(async () => {
  listener = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      raw.push(body);
      deliveries.push(JSON.parse(body) as Delivery);
      res.end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  app = await startTestApp({
    env: {
      UP_JWT_MANAGEMENT: 'refresh',
      TIKTOK_FLOWS: 'token',
      TIKTOK_PROFILE_SYNC: 'displayName:displayName,avatarUrl:avatar',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => listener.close(resolve));
});

/** Waits (bounded) until `count` deliveries arrived: Strapi's webhook runner posts them async. */
const deliveriesSoon = async (count: number): Promise<Delivery[]> => {
  for (let wait = 0; wait < 100 && deliveries.length < count; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return deliveries;
};

const signInWithCode = (personId: string) =>
  app
    .http()
    .post(route('token'))
    .set('x-tiktok-auth-refresh', 'body')
    .send({
      code: issueCodeFor(app, personId, ANDROID_VERIFIER),
      code_verifier: ANDROID_VERIFIER,
      redirect_uri: CALLBACK_URL,
    });

describe('webhook events', () => {
  it('the webhook store accepts the five events, and no made-up one', async () => {
    const token = await adminToken(app, await createAdmin(app.strapi, 'super-admin'));
    const create = (events: string[]) =>
      app
        .http()
        .post('/admin/webhooks')
        .set('Authorization', `Bearer ${token}`)
        .send({
          name: `tiktok ${events.length}`,
          url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`,
          headers: {},
          events,
        });
    expect((await create(['tiktok-auth-mobile.nope'])).status).toBe(400);
    const created = await create(Object.values(EVENTS));
    expect(created.status).toBe(201);
  });

  it('delivers user.created and sign-in, then identity.linked and identity.unlinked, with no token', async () => {
    const personId = 'eventful';
    tokenForNewPerson(app, personId, 'Eve Ntful');
    const signUp = await signInWithCode(personId);
    expect(signUp.status).toBe(200);
    const userId = signUp.body.user.id as number;

    const local = await app
      .http()
      .post('/api/auth/local/register')
      .send({ username: 'evented', email: 'evented@example.com', password: 'Passw0rd-local' });
    const other = 'linked-event';
    tokenForNewPerson(app, other, 'Link Ed');
    const linked = await app
      .http()
      .post(route('link'))
      .set('Authorization', `Bearer ${local.body.jwt}`)
      .send({
        code: issueCodeFor(app, other, ANDROID_VERIFIER),
        code_verifier: ANDROID_VERIFIER,
        redirect_uri: CALLBACK_URL,
      });
    expect(linked.status).toBe(200);
    const unlinked = await app
      .http()
      .delete(route('link'))
      .set('Authorization', `Bearer ${local.body.jwt}`);
    expect(unlinked.status).toBe(200);

    const received = await deliveriesSoon(4);
    expect(received.map((delivery) => delivery.event)).toEqual([
      EVENTS.USER_CREATED,
      EVENTS.SIGN_IN,
      EVENTS.IDENTITY_LINKED,
      EVENTS.IDENTITY_UNLINKED,
    ]);
    expect(received[0]).toMatchObject({
      user: { id: userId, documentId: signUp.body.user.documentId },
      identity: {
        openId: `${personId}-open`,
        unionId: `${personId}-union`,
        displayName: 'Eve Ntful',
        scopes: ['user.info.basic'],
      },
    });
    expect(received[2]).toMatchObject({
      user: { id: local.body.user.id },
      identity: { openId: `${other}-open` },
    });
    for (const body of raw) {
      expect(body).not.toMatch(/act\.|rft\.|code\.|eyJ|tokens|refresh/i);
      expect(body).not.toContain(signUp.body.refreshToken);
    }
  });
});

describe("jwtManagement: 'refresh' and flows: token only", () => {
  it('takes a session access token at /me and /link, and refuses its refresh token', async () => {
    const signIn = await signInWithCode('alice');
    expect(signIn.status).toBe(200);
    const me = await app.http().get(route('me')).set('Authorization', `Bearer ${signIn.body.jwt}`);
    expect(me.status).toBe(200);
    expect(me.body.openId).toBe('_000alice-open-id');
    expectError(
      await app.http().get(route('me')).set('Authorization', `Bearer ${signIn.body.refreshToken}`),
      401,
      'Missing or invalid credentials'
    );
  });

  it('refuses an access token at /link while Flow A is off, as /connect is refused', async () => {
    const signIn = await signInWithCode('bob');
    const response = await app
      .http()
      .post(route('link'))
      .set('Authorization', `Bearer ${signIn.body.jwt}`)
      .send({ access_token: app.emulator.issueAccessToken('bob') });
    expectError(response, 403, 'The connect sign-in flow is turned off on this server');
  });
});

describe('profile sync', () => {
  it('copies the display name and avatar onto the user, and again only when they change', async () => {
    const personId = 'syncer';
    app.emulator.addPerson({
      id: personId,
      open_id: `${personId}-open`,
      union_id: `${personId}-union`,
      display_name: 'First Name',
      avatar_url: 'https://emulator.invalid/avatars/1.jpeg',
    });
    const first = await signInWithCode(personId);
    expect(first.body.user).toMatchObject({
      displayName: 'First Name',
      avatar: 'https://emulator.invalid/avatars/1.jpeg',
    });

    app.emulator.addPerson({
      id: personId,
      open_id: `${personId}-open`,
      union_id: `${personId}-union`,
      display_name: 'Second Name',
      avatar_url: 'https://emulator.invalid/avatars/1.jpeg',
    });
    const second = await signInWithCode(personId);
    expect(second.body.user).toMatchObject({ id: first.body.user.id, displayName: 'Second Name' });
    await expect(
      app.strapi.db.query(USER_UID).findOne({ where: { id: first.body.user.id } })
    ).resolves.toMatchObject({ displayName: 'Second Name' });

    // Unchanged: the users table is not written.
    const sql: string[] = [];
    const listen = (query: { sql: string }) => sql.push(query.sql);
    app.strapi.db.connection.on('query', listen);
    const third = await signInWithCode(personId);
    app.strapi.db.connection.removeListener('query', listen);
    expect(third.status).toBe(200);
    expect(sql.filter((statement) => /^update [`"]up_users[`"]/i.test(statement))).toEqual([]);
    const me = await app.http().get(route('me')).set('Authorization', `Bearer ${second.body.jwt}`);
    expect(me.body).toMatchObject({ displayName: 'Second Name' });
  });
});

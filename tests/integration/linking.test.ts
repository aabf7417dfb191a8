import { answerTogether } from '../../dev/emulator/src';
import { IDENTITY_UID, USER_UID } from '../../server/src/constants';
import { challengeFor } from '../../server/src/lib/oauth/pkce';
import {
  ANDROID_VERIFIER,
  CALLBACK_URL,
  expectError,
  issueCodeFor,
  route,
  tokenForNewPerson,
  type TestApp,
  serveOnLoopback,
} from './harness';
import request from 'supertest';
import { StrapiProcess } from '../../dev/strapi';
import { TEST_DATABASE_CLIENT } from './databases';

/**
 * §8 over HTTP: `POST /link`, `DELETE /link` and `GET /me` with a users-permissions JWT, every
 * rule and error, the users of the original plugin, and simultaneous links.
 */
let app: TestApp;
let url: string;
serveOnLoopback((started, served) => {
  app = started;
  url = served;
});

let sequence = 0;
const unique = (name: string) => {
  sequence += 1;
  return `${name}-${sequence}`;
};

/** A new e-mail/password account, registered through users-permissions: its JWT and user. */
const register = async (name = unique('local')) => {
  const response = await app
    .http()
    .post('/api/auth/local/register')
    .send({ username: name, email: `${name}@example.com`, password: 'Passw0rd-local' });
  expect(response.status).toBe(200);
  return response.body as { jwt: string; user: { id: number; email: string } };
};

const link = (jwt: string, body: object) =>
  app.http().post(route('link')).set('Authorization', `Bearer ${jwt}`).send(body);
const unlink = (jwt: string) =>
  app.http().delete(route('link')).set('Authorization', `Bearer ${jwt}`);
const me = (jwt: string) => app.http().get(route('me')).set('Authorization', `Bearer ${jwt}`);
const connect = (token: string) => app.http().post(route('connect')).send({ access_token: token });
const userRow = (id: number) =>
  app.strapi.db.query(USER_UID).findOne({ where: { id } }) as Promise<Record<string, unknown>>;

/** Nothing in an answer looks like a token: no key naming one, no emulator token or code. */
const expectNoToken = (body: unknown) => {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/"(access_?token|refresh_?token|jwt|code)"/i);
  expect(text).not.toMatch(/act\.|rft\.|code\./);
};

describe('the signed-in routes refuse a request without a valid JWT, in Strapi shape', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a made-up JWT', 'Bearer not.a.jwt'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('%s → 401', async (_case, header) => {
    for (const call of [
      app.http().get(route('me')),
      app.http().delete(route('link')),
      app.http().post(route('link')).send({ access_token: 'x' }),
    ]) {
      const response = await (header ? call.set('Authorization', header) : call);
      expectError(response, 401, 'Missing or invalid credentials');
    }
  });

  it('a JWT of a blocked user → 401, and TikTok is not asked', async () => {
    const { jwt, user } = await register();
    await app.strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { blocked: true } });
    const calls = app.emulator.callCount('/v2/user/info/');
    const token = tokenForNewPerson(app, unique('blocked-linker'));
    expectError(await link(jwt, { access_token: token }), 401, 'Invalid credentials');
    expect(app.emulator.callCount('/v2/user/info/')).toBe(calls);
  });
});

describe('POST /link', () => {
  it('links TikTok to an e-mail/password account; TikTok then signs into that account', async () => {
    const { jwt, user } = await register();
    const person = unique('linker');
    const response = await link(jwt, { access_token: tokenForNewPerson(app, person, 'Linky') });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      linked: true,
      identity: {
        openId: `${person}-open`,
        unionId: `${person}-union`,
        displayName: 'Linky',
        scopes: ['user.info.basic'],
        disconnected: null,
        tokens: { stored: false, accessExpiresAt: null, refreshExpiresAt: null },
      },
    });
    expectNoToken(response.body);

    const signIn = await connect(app.emulator.issueAccessToken(person));
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ id: user.id, email: user.email, provider: 'local' });
    // No TikTok user was made for the person.
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { email: `${person}-union@tiktok.com` } })
    ).toBe(0);

    const identity = await me(jwt);
    expect(identity.status).toBe(200);
    expect(identity.body.lastSignInAt).toEqual(expect.any(String));
    expect(Date.parse(identity.body.lastSignInAt)).toBeGreaterThanOrEqual(
      Date.parse(identity.body.linkedAt)
    );
    expectNoToken(identity.body);
  });

  it('linking the same person again is a no-op 200', async () => {
    const { jwt } = await register();
    const person = unique('again');
    expect((await link(jwt, { access_token: tokenForNewPerson(app, person) })).status).toBe(200);
    const again = await link(jwt, { access_token: app.emulator.issueAccessToken(person) });
    expect(again.status).toBe(200);
    expect(again.body.linked).toBe(false);
    expect(
      await app.strapi.db.query(IDENTITY_UID).count({ where: { openId: `${person}-open` } })
    ).toBe(1);
  });

  it('409 when the person is linked to another user', async () => {
    const first = await register();
    const second = await register();
    const person = unique('taken');
    expect((await link(first.jwt, { access_token: tokenForNewPerson(app, person) })).status).toBe(
      200
    );
    const response = await link(second.jwt, {
      access_token: app.emulator.issueAccessToken(person),
    });
    expectError(response, 409, 'This TikTok account is already linked to another user.');
  });

  it('409 when the person signed up with TikTok (their own user)', async () => {
    const { jwt } = await register();
    const person = unique('signed-up');
    expect((await connect(tokenForNewPerson(app, person))).status).toBe(200);
    const response = await link(jwt, { access_token: app.emulator.issueAccessToken(person) });
    expectError(response, 409, 'This TikTok account is already linked to another user.');
  });

  it('409 when the user already has another TikTok account', async () => {
    const { jwt } = await register();
    expect((await link(jwt, { access_token: tokenForNewPerson(app, unique('one')) })).status).toBe(
      200
    );
    const response = await link(jwt, { access_token: tokenForNewPerson(app, unique('two')) });
    expectError(response, 409, 'A TikTok account is already linked to this user.');
  });

  it('409 when a user TikTok created links another TikTok account', async () => {
    const signUp = await connect(tokenForNewPerson(app, unique('tiktok-user')));
    const response = await link(signUp.body.jwt, {
      access_token: tokenForNewPerson(app, unique('second-account')),
    });
    expectError(response, 409, 'A TikTok account is already linked to this user.');
  });

  it('links with an SDK code (Flow C), keeping the scopes TikTok granted', async () => {
    const { jwt } = await register();
    const person = unique('coder');
    tokenForNewPerson(app, person);
    const code = app.emulator.issueCode(
      person,
      ['user.info.basic', 'video.list'],
      CALLBACK_URL,
      challengeFor(ANDROID_VERIFIER)
    );
    const response = await link(jwt, {
      code,
      code_verifier: ANDROID_VERIFIER,
      redirect_uri: CALLBACK_URL,
    });
    expect(response.status).toBe(200);
    expect(response.body.identity.scopes).toEqual(['user.info.basic', 'video.list']);

    const other = await register();
    const again = await link(other.jwt, {
      code: issueCodeFor(app, person, ANDROID_VERIFIER),
      code_verifier: ANDROID_VERIFIER,
      redirect_uri: CALLBACK_URL,
    });
    expectError(again, 409, 'This TikTok account is already linked to another user.');
  });

  it.each([
    [{}, 'No access token provided.'],
    [
      { access_token: 'a', code: 'c' },
      'Send either access_token, or code with code_verifier and redirect_uri, not both.',
    ],
    [{ code: 'c', code_verifier: ANDROID_VERIFIER }, 'No redirect_uri provided'],
    [
      { code: 'c', code_verifier: ANDROID_VERIFIER, redirect_uri: 'https://evil.example/cb' },
      'redirect_uri is not allowed',
    ],
  ])('400 for the body %j', async (body, message) => {
    const { jwt } = await register();
    expectError(await link(jwt, body), 400, message);
  });

  it("passes TikTok's refusal of the token through as /connect does", async () => {
    const { jwt } = await register();
    const response = await link(jwt, { access_token: 'act.made-up' });
    expectError(response, 400, 'Failed to fetch TikTok user: Request failed with status code 401');
  });
});

describe('users of the original plugin (pseudo-email, no identity row)', () => {
  /** A user as the original plugin made it: its pseudo-email and provider, no identity row. */
  const legacyUser = async (person: string) =>
    (await app.strapi.db.query(USER_UID).create({
      data: {
        username: `${person}-legacy`,
        email: `${person}-union@tiktok.com`,
        provider: 'tiktok',
        confirmed: true,
        blocked: false,
      },
    })) as { id: number };

  it('counts as linked: linking the person elsewhere is a 409', async () => {
    const person = unique('legacy-linked');
    const token = tokenForNewPerson(app, person);
    const legacy = await legacyUser(person);
    const { jwt } = await register();
    expectError(
      await link(jwt, { access_token: token }),
      409,
      'This TikTok account is already linked to another user.'
    );
    // The person still signs in as their user, which now has its identity row.
    const signIn = await connect(app.emulator.issueAccessToken(person));
    expect(signIn.body.user.id).toBe(legacy.id);
    await expect(
      app.strapi.db.query(IDENTITY_UID).findOne({ where: { userId: legacy.id } })
    ).resolves.toMatchObject({
      openId: `${person}-open`,
      unionId: `${person}-union`,
      origin: 'signup',
    });
  });

  it('signs in as that user, which gets its identity row; /me shows it afterwards', async () => {
    const person = unique('legacy-sign-in');
    const legacy = await legacyUser(person);
    const signIn = await connect(tokenForNewPerson(app, person, 'Old Timer'));
    expect(signIn.status).toBe(200);
    expect(signIn.body.user.id).toBe(legacy.id);
    const identity = await me(signIn.body.jwt);
    expect(identity.body).toMatchObject({ openId: `${person}-open`, displayName: 'Old Timer' });
  });
});

describe('DELETE /link and GET /me', () => {
  it('unlinks an e-mail/password account; TikTok then makes a user of its own', async () => {
    const { jwt, user } = await register();
    const person = unique('leaver');
    expect((await link(jwt, { access_token: tokenForNewPerson(app, person) })).status).toBe(200);

    const response = await unlink(jwt);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ unlinked: true });
    expectError(await me(jwt), 404, 'No TikTok account is linked to this user.');
    expectError(await unlink(jwt), 404, 'No TikTok account is linked to this user.');

    const signIn = await connect(app.emulator.issueAccessToken(person));
    expect(signIn.status).toBe(200);
    expect(signIn.body.user.id).not.toBe(user.id);
    expect(signIn.body.user.provider).toBe('tiktok');
  });

  it('400 for a user TikTok created that has no password, and nothing changes', async () => {
    const person = unique('only-way');
    const signIn = await connect(tokenForNewPerson(app, person));
    expectError(
      await unlink(signIn.body.jwt),
      400,
      'Cannot unlink the only way this user signs in.'
    );
    expect((await me(signIn.body.jwt)).status).toBe(200);
    const again = await connect(app.emulator.issueAccessToken(person));
    expect(again.body.user.id).toBe(signIn.body.user.id);
  });

  it('a user TikTok created that has a password becomes a password user', async () => {
    const person = unique('got-password');
    const signIn = await connect(tokenForNewPerson(app, person));
    const id = signIn.body.user.id as number;
    await app.strapi
      .plugin('users-permissions')
      .service('user')
      .edit(id, { password: 'Passw0rd-later' });

    expect((await unlink(signIn.body.jwt)).status).toBe(200);
    expect(await userRow(id)).toMatchObject({ provider: 'local' });
    const local = await app
      .http()
      .post('/api/auth/local')
      .send({ identifier: `${person}-union@tiktok.com`, password: 'Passw0rd-later' });
    expect(local.status).toBe(200);
    expect(local.body.user.id).toBe(id);
    // TikTok no longer signs into it, and the pseudo-email is now a password user's.
    expectError(
      await connect(app.emulator.issueAccessToken(person)),
      400,
      'Email is already taken.'
    );
  });

  it('404 from /me for a user without TikTok', async () => {
    const { jwt } = await register();
    expectError(await me(jwt), 404, 'No TikTok account is linked to this user.');
  });
});

describe('simultaneous links', () => {
  const ROUNDS = 5;

  it('of one person to two users: exactly one link and one 409, every time', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const [first, second] = [await register(), await register()];
      const person = unique('raced');
      tokenForNewPerson(app, person);
      app.emulator.fault(answerTogether(2));
      const responses = await Promise.all(
        [first, second].map(({ jwt }) =>
          request(url)
            .post(route('link'))
            .set('Authorization', `Bearer ${jwt}`)
            .send({ access_token: app.emulator.issueAccessToken(person) })
        )
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      expect(responses.find((r) => r.status === 409)!.body.error.message).toBe(
        'This TikTok account is already linked to another user.'
      );
      const rows = await app.strapi.db.query(IDENTITY_UID).findMany({
        where: { openId: `${person}-open` },
      });
      expect(rows).toHaveLength(1);
    }
  });

  it('of two people to one user: exactly one link and one 409', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { jwt, user } = await register();
      const tokens = [
        tokenForNewPerson(app, unique('pair')),
        tokenForNewPerson(app, unique('pair')),
      ];
      app.emulator.fault(answerTogether(2));
      const responses = await Promise.all(
        tokens.map((token) =>
          request(url)
            .post(route('link'))
            .set('Authorization', `Bearer ${jwt}`)
            .send({ access_token: token })
        )
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      expect(responses.find((r) => r.status === 409)!.body.error.message).toBe(
        'A TikTok account is already linked to this user.'
      );
      expect(await app.strapi.db.query(IDENTITY_UID).count({ where: { userId: user.id } })).toBe(1);
    }
  });

  it("of a person to a user while the person's first sign-in runs: one user, linked once", async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { jwt, user } = await register();
      const person = unique('sign-in-race');
      tokenForNewPerson(app, person);
      app.emulator.fault(answerTogether(2));
      const [linked, signedIn] = await Promise.all([
        request(url)
          .post(route('link'))
          .set('Authorization', `Bearer ${jwt}`)
          .send({ access_token: app.emulator.issueAccessToken(person) }),
        request(url)
          .post(route('connect'))
          .send({ access_token: app.emulator.issueAccessToken(person) }),
      ]);
      expect(signedIn.status).toBe(200);
      // Whichever wrote first decides; both answers agree with what the table holds.
      const rows = (await app.strapi.db.query(IDENTITY_UID).findMany({
        where: { openId: `${person}-open` },
      })) as { userId: number }[];
      expect(rows).toHaveLength(1);
      if (linked.status === 200) {
        expect(rows[0].userId).toBe(user.id);
        expect(signedIn.body.user.id).toBe(user.id);
      } else {
        expectError(linked, 409, 'This TikTok account is already linked to another user.');
        expect(rows[0].userId).toBe(signedIn.body.user.id);
      }
    }
  });
});

// Only a database server can be shared by two processes; on SQLite-only runs this block is absent.
const sharedServers = TEST_DATABASE_CLIENT === 'sqlite' ? [] : [TEST_DATABASE_CLIENT];
for (const client of sharedServers) {
  describe(`simultaneous links over two Strapi processes sharing one ${client} database`, () => {
    let second: StrapiProcess | undefined;
    beforeAll(async () => {
      second = await StrapiProcess.start(app.env);
    });
    afterAll(async () => {
      await second?.stop();
    });

    it('of one person to two users, one on each: exactly one link and one 409', async () => {
      for (let round = 0; round < 5; round += 1) {
        const users = [await register(), await register()];
        const person = unique('two-process');
        tokenForNewPerson(app, person);
        app.emulator.fault(answerTogether(2));
        const responses = await Promise.all(
          [url, second!.url].map((base, index) =>
            request(base)
              .post(route('link'))
              .set('Authorization', `Bearer ${users[index].jwt}`)
              .send({ access_token: app.emulator.issueAccessToken(person) })
          )
        );
        expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
        expect(
          await app.strapi.db.query(IDENTITY_UID).count({ where: { openId: `${person}-open` } })
        ).toBe(1);
      }
    });
  });
}

describe('logs', () => {
  it('hold no token, code or JWT of any of these requests', () => {
    const text = app.logs.map((line) => line.message).join('\n');
    expect(text).not.toMatch(/act\.|rft\.|code\.|eyJ/);
  });
});

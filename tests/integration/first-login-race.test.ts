import { IDENTITY_UID, USER_UID } from '../../server/src/constants';
import request from 'supertest';
import { answerTogether } from '../../dev/emulator/src';
import { StrapiProcess } from '../../dev/strapi';
import { TEST_DATABASE_CLIENT } from './databases';
import { listenOnLoopback, startTestApp, type TestApp, route, serveOnLoopback } from './harness';

/**
 * Simultaneous first sign-ins of one new person create exactly one user, on the database of this
 * run (SQLite, or TEST_DATABASE_URL's), and over two Strapi processes sharing a database server.
 * "TikTok" holds every user-info answer until all the sign-ins have asked, so that they all reach
 * the database together instead of one after the other.
 */
const CONNECT = route('connect');
const SIMULTANEOUS = 50;
const SAME_NAME = 20;

let sequence = 0;

/** A person the emulator did not know yet, with `count` fresh access tokens for them. */
const newPerson = (app: TestApp, count: number, displayName = `Racer ${sequence + 1}`) => {
  sequence += 1;
  const id = `racer-${sequence}-${Date.now()}`;
  app.emulator.addPerson({
    id,
    open_id: `${id}-open`,
    union_id: `${id}-union`,
    display_name: displayName,
  });
  const tokens = Array.from({ length: count }, () => app.emulator.issueAccessToken(id));
  return { email: `${id}-union@tiktok.com`, tokens };
};

/** `count` different people TikTok shows under one display name, one access token each. */
const peopleNamed = (app: TestApp, count: number, name: string) =>
  Array.from({ length: count }, () => newPerson(app, 1, name).tokens[0]);

/** Every sign-in succeeded, as a user of its own, and no two users share a username. */
const expectDistinctUsernames = async (
  app: TestApp,
  name: string,
  responses: Awaited<ReturnType<typeof signInAll>>
) => {
  expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
  const ids = responses.map((response) => response.body.user.id as number);
  expect(new Set(ids).size).toBe(responses.length);
  const users = (await app.strapi.db.query(USER_UID).findMany({ where: { id: { $in: ids } } })) as {
    username: string;
  }[];
  const usernames = users.map((user) => user.username);
  expect(new Set(usernames).size).toBe(responses.length);
  expect(usernames.filter((username) => username === name)).toHaveLength(1);
  for (const username of usernames) expect(username.startsWith(name)).toBe(true);
};

/** Signs each token in at once: TikTok holds its answers until all have asked, lining them up. */
const signInAll = (app: TestApp, baseUrls: string[], tokens: string[]) => {
  app.emulator.fault(answerTogether(tokens.length));
  return Promise.all(
    tokens.map((token, index) =>
      request(baseUrls[index % baseUrls.length])
        .post(CONNECT)
        .send({ access_token: token })
    )
  );
};

const expectOneUser = async (
  app: TestApp,
  email: string,
  responses: Awaited<ReturnType<typeof signInAll>>
) => {
  expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
  const ids = new Set(responses.map((response) => response.body.user.id));
  expect(ids.size).toBe(1);
  const users = await app.strapi.db.query(USER_UID).findMany({ where: { email } });
  expect(users.map((user: { id: number }) => user.id)).toEqual([...ids]);
  expect(await app.strapi.db.query(IDENTITY_UID).count({ where: { pseudoEmail: email } })).toBe(1);
  return users[0] as { id: number; documentId: string };
};

describe(`first sign-in on ${TEST_DATABASE_CLIENT}`, () => {
  let app: TestApp;
  let url: string;
  serveOnLoopback((started, served) => {
    app = started;
    url = served;
  });

  it(`${SIMULTANEOUS} simultaneous first sign-ins of one person create exactly one user`, async () => {
    const { email, tokens } = newPerson(app, SIMULTANEOUS);
    const user = await expectOneUser(app, email, await signInAll(app, [url], tokens));
    const created = app.logs.filter((line) =>
      line.message.includes(`created user ${user.id} for a new TikTok sign-in`)
    );
    expect(created).toHaveLength(1);
  });

  it('gives a user deleted in the admin a fresh account, even when they retry at once', async () => {
    const { email, tokens } = newPerson(app, 1 + SIMULTANEOUS);
    const [first] = await signInAll(app, [url], tokens.slice(0, 1));
    const deleted = await expectOneUser(app, email, [first]);
    // What the admin's content manager does.
    await app.strapi.documents(USER_UID).delete({ documentId: deleted.documentId });
    expect(await app.strapi.db.query(USER_UID).count({ where: { email } })).toBe(0);

    const fresh = await expectOneUser(app, email, await signInAll(app, [url], tokens.slice(1)));
    expect(fresh.id).not.toBe(deleted.id);
  });

  it(`${SAME_NAME} different people with one display name, at once, get ${SAME_NAME} usernames`, async () => {
    const tokens = peopleNamed(app, SAME_NAME, 'clash.name');
    await expectDistinctUsernames(app, 'clash.name', await signInAll(app, [url], tokens));
  });
});

// Only a database server can be shared by two processes; on SQLite-only runs this block is absent.
const sharedServers = TEST_DATABASE_CLIENT === 'sqlite' ? [] : [TEST_DATABASE_CLIENT];
for (const client of sharedServers) {
  describe(`first sign-in over two Strapi processes sharing one ${client} database`, () => {
    let app: TestApp;
    let second: StrapiProcess | undefined;
    let urls: string[];
    beforeAll(async () => {
      app = await startTestApp();
      // Booted after the first one has created the schema, as a rolling deploy would.
      second = await StrapiProcess.start(app.env);
      urls = [await listenOnLoopback(app), second.url];
    });
    afterAll(async () => {
      await second?.stop();
      await app?.close();
    });

    it(`${SIMULTANEOUS} simultaneous first sign-ins spread over both create exactly one user`, async () => {
      const { email, tokens } = newPerson(app, SIMULTANEOUS);
      const responses = await signInAll(app, urls, tokens);
      await expectOneUser(app, email, responses);
    });

    it(`${SAME_NAME} different people with one display name, spread over both, get ${SAME_NAME} usernames`, async () => {
      const tokens = peopleNamed(app, SAME_NAME, 'two.process.clash');
      await expectDistinctUsernames(app, 'two.process.clash', await signInAll(app, urls, tokens));
    });
  });
}

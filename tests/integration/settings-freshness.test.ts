import request from 'supertest';
import { StrapiProcess } from '../../dev/strapi';
import { TEST_DATABASE_CLIENT } from './databases';
import {
  expectError,
  setAdvancedSettings,
  setAdvancedSettingsInDatabase,
  startTestApp,
  tokenForNewPerson,
  type TestApp,
  route,
  serveOnLoopback,
} from './harness';

/**
 * users-permissions' advanced settings apply to the very next sign-in, whoever changed them: this
 * process, another Strapi process sharing the database, or SQL run straight on the database.
 */
const CONNECT = route('connect');
const REGISTER_DISABLED = 'Register action is actually not available.';

let sequence = 0;
const nextId = () => {
  sequence += 1;
  return `fresh-${sequence}-${Date.now()}`;
};

/** A new person signing in at `baseUrl`. */
const newPersonAt = (app: TestApp, baseUrl: string) =>
  request(baseUrl)
    .post(CONNECT)
    .send({ access_token: tokenForNewPerson(app, nextId()) });

/** Sign-ups off, the next new person refused; back on, the next one accepted. */
const expectNextSignInFollows = async (
  app: TestApp,
  baseUrl: string,
  set: (changes: { allow_register: boolean }) => Promise<void>
) => {
  // A first new person, so that any copy of the settings would now be warm.
  expect((await newPersonAt(app, baseUrl)).status).toBe(200);

  await set({ allow_register: false });
  expectError(await newPersonAt(app, baseUrl), 400, REGISTER_DISABLED);

  await set({ allow_register: true });
  expect((await newPersonAt(app, baseUrl)).status).toBe(200);
};

describe(`advanced settings on ${TEST_DATABASE_CLIENT}`, () => {
  let app: TestApp;
  let url: string;
  serveOnLoopback((started, served) => {
    app = started;
    url = served;
  });

  it('a change through the store applies to the very next sign-in', async () => {
    await expectNextSignInFollows(app, url, (changes) => setAdvancedSettings(app.strapi, changes));
  });

  it('a change written straight into the database applies to the very next sign-in', async () => {
    await expectNextSignInFollows(app, url, (changes) =>
      setAdvancedSettingsInDatabase(app.strapi, changes)
    );
  });

  it('a returning person still signs in while sign-ups are off', async () => {
    const id = nextId();
    const token = tokenForNewPerson(app, id);
    expect((await request(url).post(CONNECT).send({ access_token: token })).status).toBe(200);
    await setAdvancedSettingsInDatabase(app.strapi, { allow_register: false });
    try {
      const again = await request(url).post(CONNECT).send({ access_token: token });
      expect(again.status).toBe(200);
    } finally {
      await setAdvancedSettingsInDatabase(app.strapi, { allow_register: true });
    }
  });
});

// Only a database server can be shared by two processes; on SQLite-only runs this block is absent.
const sharedServers = TEST_DATABASE_CLIENT === 'sqlite' ? [] : [TEST_DATABASE_CLIENT];
for (const client of sharedServers) {
  describe(`advanced settings over two Strapi processes sharing one ${client} database`, () => {
    let app: TestApp;
    let second: StrapiProcess | undefined;
    beforeAll(async () => {
      app = await startTestApp();
      second = await StrapiProcess.start(app.env);
    });
    afterAll(async () => {
      await second?.stop();
      await app?.close();
    });

    it('sign-ups turned off and on through one process apply to the very next sign-in on the other', async () => {
      await expectNextSignInFollows(app, second!.url, (changes) =>
        setAdvancedSettings(app.strapi, changes)
      );
    });

    it('a change written straight into the database applies at once on the other process', async () => {
      await expectNextSignInFollows(app, second!.url, (changes) =>
        setAdvancedSettingsInDatabase(app.strapi, changes)
      );
    });
  });
}

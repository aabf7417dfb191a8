import { IDENTITY_TABLE, IDENTITY_UID, USER_UID } from '../../server/src/constants';
import { TEST_DATABASE_CLIENT } from './databases';
import { route, startTestApp, type TestApp } from './harness';

/**
 * An upgrade on a database the previous version of the plugin wrote: its identity table (unique
 * pseudo-email and username, no TikTok ids), its rows, users the original plugin made with no
 * row at all, and a claim left without a user. Strapi boots the new version on it, its schema
 * sync adds the new columns and unique indexes, and every person signs in to the same user.
 */

// What the identity table gained since: its columns (database names) and unique indexes.
const NEW_COLUMNS = [
  'open_id',
  'union_id',
  'display_name',
  'avatar_url',
  'scopes',
  'origin',
  'linked_at',
  'last_sign_in_at',
  'disconnected_at',
  'disconnect_reason',
];
const NEW_INDEXES = [
  ['tiktok_auth_identities_open_id_unique', 'open_id'],
  ['tiktok_auth_identities_union_id_unique', 'union_id'],
  ['tiktok_auth_identities_user_id_unique', 'user_id'],
] as const;

interface StoredSchema {
  tables: { name: string; columns: { name: string }[]; indexes: { name: string }[] }[];
}

/**
 * Turns the identity table back into the previous version's, in the database and in the schema
 * Strapi stored for it (what its next boot diffs against).
 */
const reshapeAsPreviousVersion = async (app: TestApp) => {
  const knex = app.strapi.db.connection;
  for (const [name, column] of NEW_INDEXES) {
    await knex.schema.alterTable(IDENTITY_TABLE, (table) => table.dropUnique([column], name));
  }
  await knex.schema.alterTable(IDENTITY_TABLE, (table) => table.dropColumns(...NEW_COLUMNS));

  const [stored] = await knex('strapi_database_schema').select('id', 'schema');
  const schema = (
    typeof stored.schema === 'string' ? JSON.parse(stored.schema) : stored.schema
  ) as StoredSchema;
  const table = schema.tables.find((candidate) => candidate.name === IDENTITY_TABLE)!;
  table.columns = table.columns.filter((column) => !NEW_COLUMNS.includes(column.name));
  table.indexes = table.indexes.filter(
    (index) => !NEW_INDEXES.some(([name]) => name === index.name)
  );
  await knex('strapi_database_schema')
    .where({ id: stored.id })
    .update({ schema: JSON.stringify(schema), hash: 'previous-version' });
};

let app: TestApp;
afterAll(async () => {
  await app?.close();
});

describe(`upgrading a ${TEST_DATABASE_CLIENT} database the previous version wrote`, () => {
  const people = {
    // A row from the previous version: pseudo-email, user and username, no TikTok ids.
    rowed: { id: 'mig-rowed', union: 'mig-rowed-union' },
    // TikTok's ids differ by case; the pseudo-email is lower-cased.
    mixedCase: { id: 'mig-mixed', union: 'MiG-MiXeD-Union' },
    // A user the original plugin made: no row at all.
    unrowed: { id: 'mig-unrowed', union: 'mig-unrowed-union' },
    // A claim whose user was never made (or was deleted).
    stale: { id: 'mig-stale', union: 'mig-stale-union' },
  };
  const emailOf = (union: string) => `${union.toLowerCase()}@tiktok.com`;
  const userIds: Record<string, number> = {};

  beforeAll(async () => {
    const first = await startTestApp();
    await reshapeAsPreviousVersion(first);
    const knex = first.strapi.db.connection;
    const users = first.strapi.db.query(USER_UID);
    for (const [key, person] of Object.entries(people)) {
      first.emulator.addPerson({
        id: person.id,
        open_id: `${person.id}-open`,
        union_id: person.union,
        display_name: person.id,
      });
      if (key === 'stale') continue;
      const user = (await users.create({
        data: {
          username: person.id,
          email: emailOf(person.union),
          provider: 'tiktok',
          confirmed: true,
        },
      })) as { id: number };
      userIds[key] = user.id;
    }
    const previousRows = [
      {
        pseudo_email: emailOf(people.rowed.union),
        user_id: userIds.rowed,
        username: people.rowed.id,
      },
      {
        pseudo_email: emailOf(people.mixedCase.union),
        user_id: userIds.mixedCase,
        username: people.mixedCase.id,
      },
      { pseudo_email: emailOf(people.stale.union), user_id: null, username: 'stale-claim' },
    ];
    await knex(IDENTITY_TABLE).insert(previousRows);

    app = await first.reboot();
  });

  it('adds the new columns and unique indexes, keeping every row', async () => {
    const rows = (await app.strapi.db.connection(IDENTITY_TABLE).select('*')) as Record<
      string,
      unknown
    >[];
    expect(rows).toHaveLength(3);
    for (const column of NEW_COLUMNS) expect(rows[0]).toHaveProperty(column);
    const indexes = await (
      app.strapi.db.dialect as unknown as {
        schemaInspector: { getIndexes: (table: string) => Promise<{ name: string }[]> };
      }
    ).schemaInspector.getIndexes(IDENTITY_TABLE);
    for (const [name] of NEW_INDEXES) {
      expect(indexes.map((index) => index.name)).toContain(name);
    }
  });

  it.each(['rowed', 'mixedCase', 'unrowed'] as const)(
    'signs the %s person in to the same user, whose row now holds their ids',
    async (key) => {
      const person = people[key];
      const response = await app
        .http()
        .post(route('connect'))
        .send({ access_token: app.emulator.issueAccessToken(person.id) });
      expect(response.status).toBe(200);
      expect(response.body.user.id).toBe(userIds[key]);
      await expect(
        app.strapi.db.query(IDENTITY_UID).findOne({ where: { userId: userIds[key] } })
      ).resolves.toMatchObject({
        pseudoEmail: emailOf(person.union),
        openId: `${person.id}-open`,
        unionId: person.union,
        lastSignInAt: expect.anything(),
      });
    }
  );

  it('gives the person of a stale claim a fresh account', async () => {
    const response = await app
      .http()
      .post(route('connect'))
      .send({ access_token: app.emulator.issueAccessToken(people.stale.id) });
    expect(response.status).toBe(200);
    expect(Object.values(userIds)).not.toContain(response.body.user.id);
    expect(await app.strapi.db.query(IDENTITY_UID).count({})).toBe(4);
  });

  it('finds ids exactly after the upgrade: the same id in another case is nobody', async () => {
    const lookalike = await app.strapi
      .plugin('tiktok-auth-mobile')
      .service('identities')
      .findByOpenId(`${people.mixedCase.id}-OPEN`);
    expect(lookalike).toBeNull();
    const found = await app.strapi
      .plugin('tiktok-auth-mobile')
      .service('identities')
      .findByOpenId(`${people.mixedCase.id}-open`);
    expect(found).toMatchObject({ userId: userIds.mixedCase });
  });
});

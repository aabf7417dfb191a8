import { EMAIL_INDEX, IDENTITY_UID, USER_UID } from '../../server/src/constants';
import { startTestApp, type TestApp, route } from './harness';

const CONNECT = route('connect');

interface IndexInfo {
  name: string;
  columns: string[];
}

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const connect = (token: string) => app.http().post(CONNECT).send({ access_token: token });

/** The SQL the database ran while `action` did. */
const queriesDuring = async (action: () => Promise<void>): Promise<string[]> => {
  const sql: string[] = [];
  const listener = (query: { sql: string }) => sql.push(query.sql);
  const knex = app.strapi.db.connection;
  knex.on('query', listener);
  try {
    await action();
  } finally {
    knex.removeListener('query', listener);
  }
  return sql;
};

describe('what a returning person costs the database', () => {
  it('is its identity kept current and read, then its user: no settings read', async () => {
    const token = app.emulator.issueAccessToken('alice');
    expect((await connect(token)).status).toBe(200);

    const sql = await queriesDuring(async () => {
      const response = await connect(token);
      expect(response.status).toBe(200);
      expect(response.body.user).toMatchObject({ username: 'Alice Example' });
    });

    const identityUpdate = /^update [`"]tiktok_auth_identities[`"] set .*last_sign_in_at/i;
    const userRead = /^select .* from [`"]up_users[`"] .* where .*[`"]id[`"] = /i;
    if (app.strapi.db.dialect.useReturning()) {
      // PostgreSQL, SQLite: one UPDATE … RETURNING is the identity's read and write.
      expect(sql).toHaveLength(2);
      expect(sql[0]).toMatch(identityUpdate);
      expect(sql[0]).toMatch(/returning/i);
      expect(sql[1]).toMatch(userRead);
    } else {
      expect(sql).toHaveLength(3);
      expect(sql[0]).toMatch(/^select .* from [`"]tiktok_auth_identities[`"] .*open_id/i);
      expect(sql[1]).toMatch(userRead);
      expect(sql[2]).toMatch(identityUpdate);
    }
  });

  it("writes nothing on a blocked user's identity and lets them in again once unblocked", async () => {
    const token = app.emulator.issueAccessToken('bob');
    const first = await connect(token);
    expect(first.status).toBe(200);
    const identity = () =>
      app.strapi.db.query(IDENTITY_UID).findOne({ where: { userId: first.body.user.id } });
    const before = (await identity()).lastSignInAt;
    const setBlocked = (blocked: boolean) =>
      app.strapi.db
        .query(USER_UID)
        .update({ where: { id: first.body.user.id }, data: { blocked } });

    await setBlocked(true);
    const refused = await connect(token);
    expect(refused.status).toBe(400);
    expect(refused.body).not.toHaveProperty('jwt');
    expect((await identity()).lastSignInAt).toBe(before);

    await setBlocked(false);
    const again = await connect(token);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(new Date((await identity()).lastSignInAt).getTime()).toBeGreaterThan(
      new Date(before).getTime()
    );
  });
  it('has an index on the users email column, on every database', async () => {
    const inspector = (
      app.strapi.db.dialect as unknown as {
        schemaInspector: { getIndexes: (table: string) => Promise<IndexInfo[]> };
      }
    ).schemaInspector;
    const indexes = await inspector.getIndexes('up_users');
    expect(indexes).toContainEqual(
      expect.objectContaining({ name: EMAIL_INDEX, columns: ['email'] })
    );
  });

  // Only SQLite's planner is predictable on a table this small; the others may prefer a scan.
  if (!process.env.TEST_DATABASE_URL) {
    it('finds the person through that index on SQLite, not by scanning the users table', async () => {
      const [user] = await app.strapi.db.query(USER_UID).findMany({
        where: { provider: 'tiktok' },
        limit: 1,
      });
      const lookup = app.strapi.db
        .connection('up_users')
        .select('*')
        .where({ email: user.email })
        .toSQL()
        .toNative();
      const plan = await app.strapi.db.connection.raw<{ detail: string }[]>(
        `explain query plan ${lookup.sql}`,
        [...lookup.bindings]
      );
      expect(plan.map((step) => step.detail).join('\n')).toMatch(
        new RegExp(`USING INDEX ${EMAIL_INDEX}`)
      );
    });
  }
});

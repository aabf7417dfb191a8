import { EMAIL_DOMAIN } from './harness';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
// pg (a devDependency for the integration tests) ships no types; these three calls are all.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped: no import to type
const { Client } = require('pg') as { Client: new (config: object) => PgClient };

/** The PostgreSQL server the bench uses (the same one as the integration tests). */
const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const withClient = async <T>(database: string, run: (client: PgClient) => Promise<T>) => {
  const client = new Client({ ...SERVER, database });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
};

/** A fresh database for one run, handed to `run` by name and dropped afterwards. */
export const withDatabase = async <T>(run: (name: string) => Promise<T>): Promise<T> => {
  const name = `tiktok_auth_bench_${process.pid}_${Date.now()}`;
  await withClient('postgres', (client) => client.query(`CREATE DATABASE ${name}`));
  try {
    return await run(name);
  } finally {
    await withClient('postgres', (client) =>
      client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    );
  }
};

/** The union_id (and so the pseudo-email) of the n-th seeded person. */
export const seededUnionId = (n: number) => `seed-${n}`;

/**
 * Grows the users table to `total` users with SQL alone (generate_series), each as the plugin
 * would have created it for a TikTok person: the user, its role link, its identity row. Returns
 * how many seeded people there are: seededUnionId(1) to seededUnionId(that). Strapi must have
 * booted on the database once (it creates the tables).
 */
export const seedUsers = (database: string, total: number): Promise<number> =>
  withClient(database, async (client) => {
    const count = Number((await client.query('SELECT count(*) AS n FROM up_users')).rows[0].n);
    const seeded = Number(
      (await client.query(`SELECT count(*) AS n FROM up_users WHERE email LIKE 'seed-%'`)).rows[0].n
    );
    const adding = total - count;
    if (adding <= 0) return seeded;
    await client.query('BEGIN');
    await client.query(
      `WITH people AS (
         SELECT n, 'seed-' || n || '@' || $3 AS email FROM generate_series($1::int, $2::int) AS n
       ), users AS (
         INSERT INTO up_users (document_id, username, email, provider, confirmed, blocked,
                               created_at, updated_at, published_at)
         SELECT 'seed' || lpad(n::text, 20, '0'), 'seed.person.' || n, email, 'tiktok', true,
                false, now(), now(), now()
         FROM people
         RETURNING id, email
       ), links AS (
         INSERT INTO up_users_role_lnk (user_id, role_id, user_ord)
         SELECT users.id, roles.id, 1 FROM users, up_roles AS roles
         WHERE roles.type = 'authenticated'
       )
       INSERT INTO tiktok_auth_identities (document_id, pseudo_email, user_id,
                                           created_at, updated_at, published_at)
       SELECT 'seedid' || lpad(users.id::text, 18, '0'), users.email, users.id, now(), now(), now()
       FROM users`,
      [seeded + 1, seeded + adding, EMAIL_DOMAIN]
    );
    await client.query('COMMIT');
    // Fresh statistics, as autovacuum would give a table that grew over months.
    await client.query('ANALYZE up_users, up_users_role_lnk, tiktok_auth_identities');
    return seeded + adding;
  });

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import knex, { type Knex } from 'knex';

export type DatabaseClient = 'sqlite' | 'postgres' | 'mysql';

interface ServerDatabase {
  client: 'postgres' | 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
}

const SCHEMES: Record<string, ServerDatabase['client']> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

/**
 * The database server of this test run, from `TEST_DATABASE_URL` (`postgres://user@host:port`
 * or `mysql://user:password@host:port`, no database name: each test file gets its own).
 * Unset: every test runs on SQLite, so `npm test` needs no server.
 */
const serverFromEnv = (): ServerDatabase | undefined => {
  const raw = process.env.TEST_DATABASE_URL;
  if (!raw) return undefined;
  const url = new URL(raw);
  const client = SCHEMES[url.protocol];
  if (!client) throw new Error(`TEST_DATABASE_URL: unsupported scheme ${url.protocol}`);
  return {
    client,
    host: url.hostname,
    port: Number(url.port) || (client === 'postgres' ? 5432 : 3306),
    user: decodeURIComponent(url.username) || (client === 'postgres' ? 'postgres' : 'root'),
    password: decodeURIComponent(url.password),
  };
};

const server = serverFromEnv();

/** The database every integration test of this run boots on. */
export const TEST_DATABASE_CLIENT: DatabaseClient = server?.client ?? 'sqlite';

export interface TestDatabase {
  /** The playground's DATABASE_* variables pointing at this database. */
  env: Record<string, string>;
  drop: () => Promise<void>;
}

const adminConnection = (db: ServerDatabase): Knex =>
  knex({
    client: db.client === 'postgres' ? 'pg' : 'mysql2',
    connection: { host: db.host, port: db.port, user: db.user, password: db.password },
    pool: { min: 0, max: 1 },
  });

const quote = (db: ServerDatabase, name: string) =>
  db.client === 'postgres' ? `"${name}"` : `\`${name}\``;

/** A fresh, uniquely named database (a SQLite file in `dataDir`), dropped by `drop()`. */
export const createTestDatabase = async (dataDir: string): Promise<TestDatabase> => {
  if (!server) {
    return {
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dataDir, 'data.db') },
      drop: async () => undefined,
    };
  }
  const name = `tiktok_it_${randomBytes(6).toString('hex')}`;
  const admin = adminConnection(server);
  try {
    await admin.raw(
      server.client === 'postgres'
        ? `CREATE DATABASE ${quote(server, name)}`
        : `CREATE DATABASE ${quote(server, name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`
    );
  } finally {
    await admin.destroy();
  }
  return {
    env: {
      DATABASE_CLIENT: server.client,
      DATABASE_HOST: server.host,
      DATABASE_PORT: String(server.port),
      DATABASE_NAME: name,
      DATABASE_USERNAME: server.user,
      DATABASE_PASSWORD: server.password,
    },
    drop: async () => {
      const dropper = adminConnection(server);
      try {
        await dropper.raw(
          `DROP DATABASE IF EXISTS ${quote(server, name)}${server.client === 'postgres' ? ' WITH (FORCE)' : ''}`
        );
      } finally {
        await dropper.destroy();
      }
    },
  };
};

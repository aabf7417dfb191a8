const path = require('node:path');

/**
 * `DATABASE_SQLITE_WAL=true` runs the file in write-ahead-log mode with `synchronous = NORMAL`
 * (SQLite's advice for WAL: a commit no longer waits for the disk), set on each new connection
 * as any Strapi app would; unset keeps SQLite's default rollback journal. The bench compares both.
 */
const sqlitePool = (wal) =>
  wal
    ? {
        afterCreate: (connection, done) => {
          connection.pragma('journal_mode = WAL');
          connection.pragma('synchronous = NORMAL');
          done(null, connection);
        },
      }
    : undefined;

/** SQLite by default (a file: Strapi cannot run on `:memory:`); PostgreSQL or MySQL by env. */
module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  if (client === 'sqlite') {
    return {
      connection: {
        client: 'sqlite',
        connection: {
          filename: env('DATABASE_FILENAME', path.join(__dirname, '..', '.tmp', 'data.db')),
        },
        useNullAsDefault: true,
        pool: sqlitePool(env.bool('DATABASE_SQLITE_WAL', false)),
      },
    };
  }
  return {
    connection: {
      client,
      connection: {
        host: env('DATABASE_HOST', '127.0.0.1'),
        port: env.int('DATABASE_PORT', client === 'postgres' ? 5432 : 3306),
        database: env('DATABASE_NAME', 'test'),
        user: env('DATABASE_USERNAME', client === 'postgres' ? 'postgres' : 'root'),
        password: env('DATABASE_PASSWORD', ''),
      },
      pool: { min: 0, max: env.int('DATABASE_POOL_MAX', 10) },
    },
  };
};

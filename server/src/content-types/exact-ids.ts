import type { Core } from '@strapi/strapi';
import { IDENTITY_TABLE } from '../constants';

// The columns that hold TikTok's ids, which differ by case alone (base64-like strings).
const ID_COLUMNS = ['open_id', 'union_id'] as const;

/**
 * TikTok's ids are case-sensitive, and MySQL/MariaDB compare strings with the table's
 * collation, case-insensitive by default: a lookup or a unique index there would take one person
 * for another. Strapi's schema sync has no collation setting, so the id columns get a binary one
 * here, after the sync. Idempotent and cheap (one catalogue read per boot); run again after a
 * schema change that rebuilt a column. PostgreSQL and SQLite compare exactly already.
 */
export const ensureExactIdColumns = async (strapi: Core.Strapi): Promise<void> => {
  const knex = strapi.db.connection;
  const driver = String(knex.client.config.client);
  if (driver !== 'mysql' && driver !== 'mysql2') return;

  const columns = (await knex('information_schema.columns')
    .select({ name: 'COLUMN_NAME', collation: 'COLLATION_NAME' })
    .where('TABLE_SCHEMA', knex.raw('DATABASE()'))
    .andWhere('TABLE_NAME', IDENTITY_TABLE)
    .whereIn('COLUMN_NAME', [...ID_COLUMNS])) as { name: string; collation: string | null }[];
  const loose = columns
    .filter((column) => !String(column.collation).endsWith('_bin'))
    .map((column) => column.name);
  if (loose.length === 0) return;

  await knex.raw(
    `ALTER TABLE ?? ${loose.map(() => 'MODIFY ?? VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL').join(', ')}`,
    [IDENTITY_TABLE, ...loose]
  );
};

import type { Core } from '@strapi/strapi';
import services from '../../server/src/services';
import { IDENTITY_UID, PLUGIN_CONFIG_KEY, PLUGIN_ID, USER_UID } from '../../server/src/constants';
import { pluginConfig } from '../../server/src/config/runtime';
import { ENV_NAMES } from '../../server/src/config/settings';
import type { Service, ServiceName } from '../../server/src/services/get-service';

/** Every env variable the plugin falls back to: cleared while a fake builds its config. */
export const PLUGIN_ENV_NAMES: readonly string[] = ENV_NAMES;

export type Env = Record<string, string | undefined>;

/** What `strapi.config.get('server.app.keys')` returns (Strapi's APP_KEYS). */
export const FAKE_APP_KEYS = ['unit-app-key-a', 'unit-app-key-b'];

/** Runs `fn` with exactly `env` as the plugin's variables (others removed), then restores them. */
export const withPluginEnv = <T>(env: Env, fn: () => T): T => {
  const saved = PLUGIN_ENV_NAMES.map((name) => [name, process.env[name]] as const);
  const apply = (values: Iterable<readonly [string, string | undefined]>) => {
    for (const [name, value] of values) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(PLUGIN_ENV_NAMES.map((name) => [name, env[name]] as const));
  try {
    return fn();
  } finally {
    apply(saved);
  }
};

export type Row = Record<string, unknown> & { id: number };
type Where = Record<string, unknown>;
interface QueryParams {
  where?: Where;
}

/**
 * Plain equality, plus the few operators the plugin uses: `$or`, `null` (IS NULL), `$ne`,
 * `{ $notNull: true }` and `$lt` (numbers and dates; NULL is never less).
 */
const matches = (row: Row, where: Where = {}): boolean =>
  Object.entries(where).every(([key, value]) => {
    if (key === '$or') return (value as Where[]).some((branch) => matches(row, branch));
    if (value === null) return row[key] === null || row[key] === undefined;
    if (typeof value === 'object' && '$ne' in value) return row[key] !== value.$ne;
    if (typeof value === 'object' && '$lt' in value) {
      const cell = row[key] as Date | number | string | null | undefined;
      return (
        cell !== null &&
        cell !== undefined &&
        new Date(cell).getTime() < new Date((value as { $lt: Date | number }).$lt).getTime()
      );
    }
    if (typeof value === 'object' && '$notNull' in value) {
      return (
        (row[key] !== null && row[key] !== undefined) === (value as { $notNull: boolean }).$notNull
      );
    }
    return row[key] === value;
  });

// The database unique indexes the plugin relies on; as in SQL, they hold any number of NULLs.
const UNIQUE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  [IDENTITY_UID]: ['pseudoEmail', 'username', 'openId', 'unionId', 'userId'],
};

/** The subset of `strapi.db.query(uid)` the plugin uses, over an array; `where` is plain equality. */
export class FakeQuery {
  constructor(
    private readonly rows: Row[],
    private readonly nextId: () => number,
    private readonly unique: readonly string[] = []
  ) {}

  async findMany({ where }: QueryParams = {}): Promise<Row[]> {
    return this.rows.filter((row) => matches(row, where)).map((row) => ({ ...row }));
  }

  async findOne({ where }: QueryParams = {}): Promise<Row | null> {
    const row = this.rows.find((candidate) => matches(candidate, where));
    return row ? { ...row } : null;
  }

  async count({ where }: QueryParams = {}): Promise<number> {
    return this.rows.filter((row) => matches(row, where)).length;
  }

  /** Refuses `data` when it would give `self` (a new row when absent) another row's unique value. */
  private checkUnique(data: Record<string, unknown>, self?: Row): void {
    for (const column of this.unique) {
      const value = data[column];
      if (
        value !== undefined &&
        value !== null &&
        this.rows.some((row) => row !== self && row[column] === value)
      ) {
        throw new Error(`UNIQUE constraint failed: ${column}`);
      }
    }
  }

  async create({ data }: { data: Record<string, unknown> }): Promise<Row> {
    this.checkUnique(data);
    const id = this.nextId();
    const row: Row = { documentId: `doc-${id}`, ...data, id };
    this.rows.push(row);
    return { ...row };
  }

  async update({
    where,
    data,
  }: {
    where?: Where;
    data: Record<string, unknown>;
  }): Promise<Row | null> {
    const row = this.rows.find((candidate) => matches(candidate, where));
    if (!row) return null;
    this.checkUnique(data, row);
    Object.assign(row, data);
    return { ...row };
  }

  async updateMany({
    where,
    data,
  }: {
    where?: Where;
    data: Record<string, unknown>;
  }): Promise<{ count: number }> {
    const rows = this.rows.filter((row) => matches(row, where));
    for (const row of rows) this.checkUnique(data, row);
    for (const row of rows) Object.assign(row, data);
    return { count: rows.length };
  }

  async delete({ where }: { where?: Where }): Promise<Row | null> {
    const index = this.rows.findIndex((candidate) => matches(candidate, where));
    return index === -1 ? null : this.rows.splice(index, 1)[0];
  }
}

type FakeSelect = PromiseLike<Row[]> & {
  orWhere: (column: string, value: unknown) => FakeSelect;
};

/**
 * The few knex statements the plugin sends straight to a table (services/identity-table.ts):
 * `select('*')` with `orWhere` equalities, and `where(id).update(values)`. Column names are the
 * attribute names here (see FakeDb.metadata), so these see the rows FakeQuery sees.
 */
export class FakeTable {
  constructor(private readonly query: FakeQuery) {}

  select(): FakeSelect {
    const branches: Where[] = [];
    const statement: FakeSelect = {
      orWhere: (column, value) => {
        branches.push({ [column]: value });
        return statement;
      },
      then: (onFulfilled, onRejected) =>
        this.query.findMany({ where: { $or: branches } }).then(onFulfilled, onRejected),
    };
    return statement;
  }

  where(column: string, value: unknown) {
    return {
      update: (values: Record<string, unknown>) =>
        this.query.updateMany({ where: { [column]: value }, data: values }),
    };
  }
}

/** An in-memory database: one table per uid, one stable query object per table (so it can be spied on). */
export class FakeDb {
  private readonly tables = new Map<string, Row[]>();
  private readonly queries = new Map<string, FakeQuery>();
  private lastId = 0;

  rows(uid: string): Row[] {
    let rows = this.tables.get(uid);
    if (!rows) {
      rows = [];
      this.tables.set(uid, rows);
    }
    return rows;
  }

  query(uid: string): FakeQuery {
    let query = this.queries.get(uid);
    if (!query) {
      query = new FakeQuery(this.rows(uid), () => (this.lastId += 1), UNIQUE_COLUMNS[uid]);
      this.queries.set(uid, query);
    }
    return query;
  }

  /** Runs `work`; when it throws, every table is put back as it was (a rollback). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const snapshot = new Map(
      [...this.tables].map(([uid, rows]) => [uid, rows.map((r) => ({ ...r }))])
    );
    try {
      return await work();
    } catch (error) {
      // A table first written during the transaction goes back to empty.
      for (const [uid, rows] of this.tables)
        rows.splice(0, rows.length, ...(snapshot.get(uid) ?? []));
      throw error;
    }
  }

  /** Inserts rows as they are (ids included, when given) and returns them. */
  seed(uid: string, rows: readonly Record<string, unknown>[]): Row[] {
    return rows.map((data) => {
      const id = typeof data.id === 'number' ? data.id : (this.lastId += 1);
      this.lastId = Math.max(this.lastId, id);
      const row: Row = { documentId: `doc-${id}`, ...data, id };
      this.rows(uid).push(row);
      return row;
    });
  }
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type FakeLog = Record<LogLevel, jest.Mock>;

type ServiceOverrides = { [Name in ServiceName]?: Partial<Service<Name>> };

export interface FakeStrapiOptions {
  /** What `strapi.config.get('plugin::tiktok-auth-mobile')` returns. */
  pluginConfig?: Record<string, unknown>;
  /** The plugin's env variables while its config is parsed; any not listed are unset. */
  env?: Env;
  apiPrefix?: string;
  /** Strapi's APP_KEYS; FAKE_APP_KEYS unless given. */
  appKeys?: string[];
  /** users-permissions' advanced settings, as `strapi.store(...).get()` returns them. */
  advanced?: Record<string, unknown>;
  usernameMinLength?: number;
  /** Strapi's `server.proxy` (unset: no proxy trusted). */
  proxy?: { koa?: boolean; maxIpsCount?: number };
  /** Replaces (part of) a service instead of building the real one. */
  services?: ServiceOverrides;
  db?: FakeDb;
}

export interface FakeStrapi {
  strapi: Core.Strapi;
  db: FakeDb;
  log: FakeLog;
  service: <Name extends ServiceName>(name: Name) => Service<Name>;
  /** Every argument of every log call, flattened to one string (to look for leaked secrets). */
  loggedText: () => string;
}

/**
 * A minimal `strapi` for the plugin's services: real service instances built lazily from the
 * plugin's factories and cached, a config store, an in-memory database, and jest.fn() logs.
 */
export const createFakeStrapi = (options: FakeStrapiOptions = {}): FakeStrapi => {
  const db = options.db ?? new FakeDb();
  const log: FakeLog = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const instances = new Map<ServiceName, unknown>();
  const stores: Record<string, unknown> = { 'plugin.users-permissions.advanced': options.advanced };

  const configValues: Record<string, unknown> = {
    [PLUGIN_CONFIG_KEY]: options.pluginConfig ?? {},
    'api.rest.prefix': options.apiPrefix ?? '/api',
    'server.app.keys': options.appKeys ?? FAKE_APP_KEYS,
    ...Object.fromEntries(
      Object.entries(options.proxy ?? {}).map(([key, value]) => [`server.proxy.${key}`, value])
    ),
  };

  const service = <Name extends ServiceName>(name: Name): Service<Name> => {
    const override = options.services?.[name];
    if (override) return override as Service<Name>;
    if (!instances.has(name)) {
      const factory = services[name] as (deps: { strapi: Core.Strapi }) => Service<Name>;
      instances.set(
        name,
        withPluginEnv(options.env ?? {}, () => factory({ strapi }))
      );
    }
    return instances.get(name) as Service<Name>;
  };

  const webhookStore = { addAllowedEvent: jest.fn() };
  const fake = {
    config: {
      get: (key: string, fallback?: unknown) =>
        key in configValues ? configValues[key] : fallback,
    },
    log,
    eventHub: { emit: jest.fn(async () => undefined) },
    plugin: (id: string) => {
      if (id !== PLUGIN_ID) throw new Error(`unexpected plugin ${id}`);
      return { service };
    },
    db: {
      query: (uid: string) => db.query(uid),
      // Column names are the attribute names: the statements of FakeTable see FakeQuery's rows.
      metadata: {
        get: (uid: string) => ({
          tableName: uid,
          attributes: new Proxy({}, { get: (_, name) => ({ type: '', columnName: name }) }),
          columnToAttribute: new Proxy({}, { get: (_, name) => name }),
        }),
      },
      getConnection: (uid: string) => new FakeTable(db.query(uid)),
      // No UPDATE … RETURNING, as on MySQL: the unit tests take the two-statement sign-in.
      dialect: { useReturning: () => false },
      transaction: <T>(work: () => Promise<T>) => db.transaction(work),
      // The driver name is all the plugin reads of the connection outside MySQL.
      connection: { client: { config: { client: 'sqlite' } } },
    },
    // Strapi's webhook store, whose allowed events the bootstrap extends.
    get: (name: string) => {
      if (name !== 'webhookStore') throw new Error(`unexpected container key ${name}`);
      return webhookStore;
    },
    // Only the admin permission registry the bootstrap talks to.
    service: (uid: string) =>
      uid === 'admin::permission' ? { actionProvider: { registerMany: jest.fn() } } : undefined,
    store: ({ type, name, key }: { type: string; name: string; key: string }) => ({
      get: async () => stores[`${type}.${name}.${key}`],
    }),
    getModel: (uid: string) =>
      uid === USER_UID
        ? { uid, attributes: { username: { minLength: options.usernameMinLength ?? 3 } } }
        : undefined,
  };
  const strapi = fake as unknown as Core.Strapi;
  // The plugin parses its config (env included) once per Strapi, on first use: here, under `env`.
  withPluginEnv(options.env ?? {}, () => pluginConfig(strapi));

  const loggedText = () =>
    Object.values(log)
      .flatMap((mock) => mock.mock.calls.flat())
      .map((argument) => (typeof argument === 'string' ? argument : JSON.stringify(argument)))
      .join('\n');

  return { strapi, db, log, service, loggedText };
};

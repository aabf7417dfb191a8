import path from 'node:path';
import { load } from './load';
import {
  BUDGET,
  newPeople,
  newPersonToken,
  emulator,
  interleave,
  mintPerson,
  ONLY,
  OUT_DIR,
  poolOf,
  returning,
  SCALE,
  SCOPES,
  spec,
  type Boot,
  type Fleet,
  type Measured,
  type Pool,
  type Summary,
} from './harness';
import { LatencyProxy } from './latency-proxy';
import { seededUnionId, seedUsers } from './postgres';
import { byOwner, topFrames, type Frame } from './profile';
import type { StrapiProcess } from '../../strapi';

/**
 * Scenarios on one PostgreSQL database: the framework's floor and a profile (6), first sign-ins
 * (2), the rate-limit store's cost (5), two processes (3), the users table's size (1).
 */

// Database 15: the bench's budget keys stay apart from the tests' on the shared Redis.
const REDIS_URL = 'redis://127.0.0.1:6379/15';
const STORES = {
  database: { ...BUDGET, TIKTOK_RATE_LIMIT_STORE: 'database' },
  redis: {
    ...BUDGET,
    TIKTOK_RATE_LIMIT_STORE: 'redis',
    TIKTOK_RATE_LIMIT_REDIS_URL: REDIS_URL,
  },
  memory: { ...BUDGET, TIKTOK_RATE_LIMIT_STORE: 'memory' },
  off: { TIKTOK_RATE_LIMIT_MAX: '0' },
};
export type Store = keyof typeof STORES;

export interface Comparison {
  connect: Summary;
  usersMe: Summary;
}
export interface OwnerCost {
  owner: string;
  connectMs: number;
  floorMs: number;
}
export interface Floor extends Comparison {
  noop: Summary;
  owners: OwnerCost[];
  /** The top self-time frames of /connect, selfMs per request. */
  frames: Frame[];
}
export interface Cluster {
  one: Comparison;
  two: Comparison;
}
export interface TableSize extends Comparison {
  users: number;
}
export interface PostgresFigures {
  floor?: Floor;
  first?: Comparison & { newPeople: Summary };
  store?: Record<Store, Summary> & { usersMe: Summary };
  cluster?: Cluster;
  users?: TableSize[];
}

const local = (strapi: StrapiProcess) => {
  const { hostname, port } = new URL(strapi.url);
  return { host: hostname, port: Number(port) };
};

/** The processes the selected scenarios need: `main` first (it creates the schema), then the rest. */
export const postgresBoots = (database: string, env: Record<string, string>): Boot[][] => {
  const boot = (name: string, store: Store): Boot => ({
    name,
    database: { postgres: database },
    env: { ...env, ...STORES[store] },
  });
  return [
    [boot('main', 'database')],
    [
      ...(ONLY.has('store') ? (['redis', 'memory', 'off'] as const).map((s) => boot(s, s)) : []),
      ...(ONLY.has('cluster') ? [boot('second', 'database')] : []),
    ],
  ];
};

/** GET /api/bench/noop (the playground's do-nothing route) next to /connect, then both profiled. */
const floor = async (pool: Pool, strapi: StrapiProcess): Promise<Floor> => {
  const noop = (amount: number) =>
    spec(`${strapi.url}/api/bench/noop`, 'GET', amount, () => ({ headers: {} }));
  const figures = await interleave({
    noop: {
      pids: [strapi.pid],
      spec: () => noop(SCALE.returning),
      warmUp: () => noop(SCALE.warmUp),
    },
    ...returning(pool, strapi),
  });
  const profiled = async (name: string, phase: ReturnType<typeof noop>) => {
    const file = path.join(OUT_DIR, `${name}.cpuprofile`);
    await strapi.command('profile-start');
    await load(phase);
    await strapi.command('profile-stop', file);
    return file;
  };
  const connectFile = await profiled('connect', pool.connect(strapi.url, SCALE.returning));
  const floorFile = await profiled('noop', noop(SCALE.returning));
  const connectOwners = byOwner(connectFile, SCALE.returning);
  const floorOwners = byOwner(floorFile, SCALE.returning);
  const owners = [...new Set([...connectOwners.keys(), ...floorOwners.keys()])]
    .map((owner) => ({
      owner,
      connectMs: connectOwners.get(owner) ?? 0,
      floorMs: floorOwners.get(owner) ?? 0,
    }))
    .sort((a, b) => b.connectMs - b.floorMs - (a.connectMs - a.floorMs));
  const frames = topFrames(connectFile, 12).map((frame) => ({
    ...frame,
    selfMs: frame.selfMs / SCALE.returning,
  }));
  return { ...figures, owners, frames };
};

/** People already in the users table (seeded), known to the emulator under the same union_id. */
const seededPool = async (strapi: StrapiProcess, users: number): Promise<Pool> => {
  const tokens = Array.from({ length: SCALE.pool }, () => {
    const n = 1 + Math.floor(Math.random() * users);
    return emulator.issueAccessToken(mintPerson(seededUnionId(n)), SCOPES);
  });
  return poolOf(strapi.url, tokens);
};

const usersTable = async (
  database: string,
  strapi: StrapiProcess,
  log: (message: string) => void
): Promise<TableSize[]> => {
  const sizes: TableSize[] = [];
  for (const users of SCALE.userTable) {
    const started = performance.now();
    const seeded = await seedUsers(database, users);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`bench: ${users} users (${seeded} seeded with SQL, ${seconds} s)`);
    // Random people spread over the whole table, so that the index is searched, not a hot page.
    const pool = await seededPool(strapi, seeded);
    sizes.push({ users, ...(await interleave(returning(pool, strapi))) });
  }
  return sizes;
};

/** One process behind the bench's round-robin balancer, then two: the balancer is the same. */
const cluster = async (pool: Pool, processes: Fleet): Promise<Cluster> => {
  const one = [processes.get('main')];
  const two = [...one, processes.get('second')];
  const balancers = [new LatencyProxy(one.map(local)), new LatencyProxy(two.map(local))];
  try {
    const [oneUrl, twoUrl] = await Promise.all(
      balancers.map(async (balancer) => `http://127.0.0.1:${await balancer.listen()}`)
    );
    const phases = (url: string, group: StrapiProcess[]) => ({
      connect: {
        pids: group.map((strapi) => strapi.pid),
        spec: () => pool.connect(url, SCALE.returning),
      },
      usersMe: {
        pids: group.map((strapi) => strapi.pid),
        spec: () => pool.usersMe(url, SCALE.returning),
      },
    });
    await load(pool.connect(twoUrl, SCALE.warmUp));
    const figures = await interleave({
      oneConnect: phases(oneUrl, one).connect,
      twoConnect: phases(twoUrl, two).connect,
      oneUsersMe: phases(oneUrl, one).usersMe,
      twoUsersMe: phases(twoUrl, two).usersMe,
    });
    return {
      one: { connect: figures.oneConnect, usersMe: figures.oneUsersMe },
      two: { connect: figures.twoConnect, usersMe: figures.twoUsersMe },
    };
  } finally {
    await Promise.all(balancers.map((balancer) => balancer.close()));
  }
};

/** Returning sign-ins on processes that differ only by their rate-limit store, interleaved. */
const stores = async (pool: Pool, processes: Fleet) => {
  const names = Object.keys(STORES) as Store[];
  const started = names.map((name) =>
    name === 'database' ? processes.get('main') : processes.get(name)
  );
  const main = processes.get('main');
  const phases = Object.fromEntries(
    names.map((name, index): [Store, Measured] => [
      name,
      {
        pids: [started[index].pid],
        spec: () => pool.connect(started[index].url, SCALE.returning),
        warmUp: () => pool.connect(started[index].url, SCALE.warmUp),
      },
    ])
  ) as Record<Store, Measured>;
  return interleave({ ...phases, usersMe: returning(pool, main).usersMe });
};

/** Runs the selected PostgreSQL scenarios on the processes `postgresBoots` named. */
export const postgresScenarios = async (
  database: string,
  processes: Fleet,
  log: (message: string) => void
): Promise<PostgresFigures> => {
  const figures: PostgresFigures = {};
  const main = processes.get('main');
  const pool = await poolOf(main.url, Array.from({ length: SCALE.pool }, newPersonToken));
  if (ONLY.has('floor')) {
    log('bench: PostgreSQL, the framework floor and a profile of /connect');
    figures.floor = await floor(pool, main);
  }
  if (ONLY.has('first')) {
    log('bench: PostgreSQL, first sign-ins');
    figures.first = await interleave({
      ...returning(pool, main),
      newPeople: { pids: [main.pid], spec: () => newPeople(main.url, SCALE.newPeople) },
    });
  }
  if (ONLY.has('store')) {
    log('bench: PostgreSQL, rate-limit stores side by side');
    figures.store = await stores(pool, processes);
  }
  if (ONLY.has('cluster')) {
    log('bench: PostgreSQL, one process and two behind a round-robin');
    figures.cluster = await cluster(pool, processes);
  }
  if (ONLY.has('users')) {
    log('bench: PostgreSQL, users table sizes');
    figures.users = await usersTable(database, main, log);
  }
  return figures;
};

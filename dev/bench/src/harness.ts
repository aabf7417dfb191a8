import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TikTokEmulator } from '../../emulator/src';
import { load, median, type LoadResult, type LoadSpec } from './load';
import { cpuMs } from './proc';
import { StrapiProcess } from '../../strapi';
import { makeThrowawayCertificate } from './tls';

/** What every scenario shares: the emulator, people and tokens, load phases, Strapi processes. */
export const SCENARIOS = [
  'baseline',
  'floor',
  'first',
  'store',
  'cluster',
  'users',
  'memory',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rtt: { type: 'string', default: '40' },
    only: { type: 'string', default: SCENARIOS.join(',') },
  },
});
export const QUICK = args.quick;
export const RTT_MS = Number(args.rtt);
if (!(RTT_MS >= 0)) throw new Error(`--rtt must be a number of milliseconds, not ${args.rtt}`);
export const ONLY = new Set(args.only.split(',').map((name) => name.trim()));
for (const name of ONLY) {
  if (!SCENARIOS.includes(name as Scenario)) {
    throw new Error(`--only: unknown scenario ${name} (one of ${SCENARIOS.join(', ')})`);
  }
}
export const ALL_SCENARIOS = SCENARIOS.every((name) => ONLY.has(name));

/** Requests per phase and table sizes; the quick run's are smoke-test sizes, rough figures. */
export const REPETITIONS = QUICK ? 1 : 3;
export const SCALE = QUICK
  ? {
      newPeople: 30,
      pool: 30,
      warmUp: 30,
      returning: 100,
      sequential: 4,
      early: 100,
      late: 300,
      userTable: [1_000, 10_000],
    }
  : {
      newPeople: 500,
      pool: 200,
      warmUp: 500,
      returning: 1500,
      sequential: 30,
      early: 1000,
      late: 100_000,
      userTable: [10_000, 100_000, 1_000_000],
    };
export const ROOT = process.cwd();
export const OUT_DIR = path.join(ROOT, '.tmp', 'bench');
export const PREFIX = '/api/tiktok-auth-mobile';
// Only names the redirect URI TikTok checks; Strapi itself is reached on its loopback port.
export const STRAPI_URL = 'https://api.bench.invalid';
export const SCOPES = ['user.info.basic'];
export const CONCURRENCY = 20;
// A phase slower than this many requests per second is stuck, not slow: it fails the bench.
const MIN_RATE = 25;
// The plugin's pseudo-email domain by default: seeded users must look like its own.
export const EMAIL_DOMAIN = 'tiktok.com';

export interface Phase extends LoadResult {
  /** The Strapi processes' CPU time per request. */
  cpuMsPerReq: number;
  /** This process's (autocannon, the emulator, the proxies), which shares the same cores. */
  benchCpuMsPerReq: number;
}
export type Summary = Pick<
  Phase,
  'reqPerSec' | 'p50Ms' | 'p99Ms' | 'cpuMsPerReq' | 'benchCpuMsPerReq'
>;

export const workDir = mkdtempSync(path.join(tmpdir(), 'tiktok-auth-bench-'));
export const certificate = makeThrowawayCertificate(workDir);
export const emulator = new TikTokEmulator({ tls: certificate });

let serial = 0;
/** A TikTok person only the emulator knows yet; `unionId` names one seeded in the database. */
export const mintPerson = (unionId?: string): string => {
  serial += 1;
  const id = unionId ?? `bench-${serial}`;
  emulator.addPerson({
    id,
    open_id: `open-${id}`,
    union_id: unionId ?? `union-${id}`,
    display_name: `Bench Person ${serial}`,
  });
  return id;
};
export const newPersonToken = () => emulator.issueAccessToken(mintPerson(), SCOPES);
export const tiktokCalls = () =>
  [...emulator.calls.values()].reduce((sum, count) => sum + count, 0);

// A new object each time: autocannon writes content-length into the headers it is given.
export const jsonHeaders = () => ({ 'content-type': 'application/json' });
export const connectRequest = (token: string) => ({
  headers: jsonHeaders(),
  body: JSON.stringify({ access_token: token }),
});
// High enough never to refuse the load generator (one client), low enough for the schema's limit.
export const BUDGET = { TIKTOK_RATE_LIMIT_MAX: '100000', TIKTOK_RATE_LIMIT_WINDOW_MS: '60000' };
export const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });

export const spec = (
  url: string,
  method: LoadSpec['method'],
  amount: number,
  request: LoadSpec['request']
): LoadSpec => ({
  url,
  method,
  amount,
  request,
  connections: CONCURRENCY,
  maxSeconds: Math.max(30, amount / MIN_RATE),
});

/** One phase, with the CPU that the given Strapi processes spent on it. */
export const measure = async (pids: readonly number[], phase: LoadSpec): Promise<Phase> => {
  const strapiCpu = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const before = { strapi: strapiCpu(), bench: cpuMs(process.pid) };
  const result = await load(phase);
  return {
    ...result,
    cpuMsPerReq: (strapiCpu() - before.strapi) / result.requests,
    benchCpuMsPerReq: (cpuMs(process.pid) - before.bench) / result.requests,
  };
};

const summarize = (phases: readonly Phase[]): Summary => ({
  reqPerSec: median(phases.map((phase) => phase.reqPerSec)),
  p50Ms: median(phases.map((phase) => phase.p50Ms)),
  p99Ms: median(phases.map((phase) => phase.p99Ms)),
  cpuMsPerReq: median(phases.map((phase) => phase.cpuMsPerReq)),
  benchCpuMsPerReq: median(phases.map((phase) => phase.benchCpuMsPerReq)),
});

/**
 * Each named phase REPETITIONS times, interleaved so that a neighbour's load on the shared machine
 * hits every phase alike, after one unmeasured warm-up of each; the median of each.
 */
export interface Measured {
  /** The Strapi processes whose CPU the phase is charged. */
  pids: readonly number[];
  spec: () => LoadSpec;
  warmUp?: () => LoadSpec;
}
export const interleave = async <K extends string>(
  phases: Record<K, Measured>
): Promise<Record<K, Summary>> => {
  const names = Object.keys(phases) as K[];
  for (const name of names) {
    const warmUp = phases[name].warmUp;
    if (warmUp) await load(warmUp());
  }
  const runs = new Map<K, Phase[]>(names.map((name) => [name, []]));
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    for (const name of names) {
      runs.get(name)!.push(await measure(phases[name].pids, phases[name].spec()));
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(runs.get(name)!)])) as Record<
    K,
    Summary
  >;
};

export const expectStatus = async (response: Response, status: number, what: string) => {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  }
};
export const signIn = async (baseUrl: string, token: string): Promise<string> => {
  const response = await fetch(`${baseUrl}${PREFIX}/connect`, {
    method: 'POST',
    ...connectRequest(token),
  });
  await expectStatus(response, 200, 'POST /connect');
  return ((await response.json()) as { jwt: string }).jwt;
};

/** Signs every token's person in once, CONCURRENCY at a time, and returns their JWTs. */
export const signInAll = async (baseUrl: string, tokens: readonly string[]): Promise<string[]> => {
  const jwts: string[] = [];
  for (let start = 0; start < tokens.length; start += CONCURRENCY) {
    const batch = tokens.slice(start, start + CONCURRENCY);
    jwts.push(...(await Promise.all(batch.map((token) => signIn(baseUrl, token)))));
  }
  return jwts;
};

/** Returning sign-ins of a pool of people on /connect, and users/me with their JWTs. */
export interface Pool {
  connect: (baseUrl: string, amount: number) => LoadSpec;
  usersMe: (baseUrl: string, amount: number) => LoadSpec;
}

/**
 * Signs `tokens`' people in once through `baseUrl`, then load phases over that pool, against any
 * Strapi process on the same database.
 */
/** Returning people of `pool` on /connect and on users/me with their JWTs, against `strapi`. */
export const returning = (pool: Pool, strapi: StrapiProcess) => ({
  connect: {
    pids: [strapi.pid],
    spec: () => pool.connect(strapi.url, SCALE.returning),
    warmUp: () => pool.connect(strapi.url, SCALE.warmUp),
  },
  usersMe: {
    pids: [strapi.pid],
    spec: () => pool.usersMe(strapi.url, SCALE.returning),
    warmUp: () => pool.usersMe(strapi.url, SCALE.warmUp),
  },
});

export const poolOf = async (baseUrl: string, tokens: readonly string[]): Promise<Pool> => {
  const jwts = await signInAll(baseUrl, tokens);
  return {
    connect: (url, amount) =>
      spec(`${url}${PREFIX}/connect`, 'POST', amount, (index) =>
        connectRequest(tokens[index % tokens.length])
      ),
    usersMe: (url, amount) =>
      spec(`${url}/api/users/me`, 'GET', amount, (index) => bearer(jwts[index % jwts.length])),
  };
};

/** First sign-ins: a person nobody has seen yet on every request. */
export const newPeople = (baseUrl: string, amount: number) =>
  spec(`${baseUrl}${PREFIX}/connect`, 'POST', amount, () => connectRequest(newPersonToken()));

/** The database a Strapi process runs on: a SQLite file in the work directory, or PostgreSQL. */
export type Database = { sqlite: string } | { postgres: string };

/**
 * Boots the playground (built plugin, production mode, logs at `warn`) in its own process. The
 * per-client rate limit is off unless `env` turns it on: the load generator is one client.
 */
export const startStrapi = (database: Database, env: Record<string, string>) =>
  StrapiProcess.start(
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...('sqlite' in database
        ? {
            DATABASE_CLIENT: 'sqlite',
            DATABASE_FILENAME: path.join(workDir, `${database.sqlite}.db`),
          }
        : { DATABASE_CLIENT: 'postgres', DATABASE_NAME: database.postgres }),
      STRAPI_TELEMETRY_DISABLED: 'true',
      STRAPI_DISABLE_UPDATE_NOTIFICATION: 'true',
      CLIENT_KEY: emulator.clientKey,
      CLIENT_SECRET: emulator.clientSecret,
      REDIRECT_APP_URL: 'myapp://auth/tiktok',
      STRAPI_URL,
      NODE_EXTRA_CA_CERTS: certificate.certFile,
      TIKTOK_RATE_LIMIT_MAX: '0',
      ...env,
    },
    { stdout: 'ignore' }
  );

export interface Boot {
  name: string;
  database: Database;
  env: Record<string, string>;
}

/**
 * Every Strapi process of a run, booted before anything is measured (an idle Strapi costs no
 * CPU): wave after wave, each wave's processes at once. A wave waits for the one before, e.g. for
 * the process that creates the schema of a fresh database.
 */
export class Fleet {
  private readonly running = new Map<string, StrapiProcess>();

  async start(waves: readonly (readonly Boot[])[]): Promise<void> {
    for (const wave of waves) {
      for (const { name } of wave) {
        if (this.running.has(name)) throw new Error(`two Strapi processes named ${name}`);
      }
      // Settled, not all: a failed boot must not leave its wave's other processes unstopped.
      const booted = await Promise.allSettled(
        wave.map(async ({ name, database, env }) =>
          this.running.set(name, await startStrapi(database, env))
        )
      );
      const failed = booted.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  get(name: string): StrapiProcess {
    const strapi = this.running.get(name);
    if (!strapi) throw new Error(`no Strapi process named ${name} was started`);
    return strapi;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((strapi) => strapi.stop()));
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { cpus } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { writeChart } from './chart';
import {
  ALL_SCENARIOS,
  bearer,
  BUDGET,
  certificate,
  CONCURRENCY,
  emulator,
  expectStatus,
  interleave,
  jsonHeaders,
  mintPerson,
  newPeople,
  newPersonToken,
  ONLY,
  OUT_DIR,
  poolOf,
  PREFIX,
  QUICK,
  REPETITIONS,
  returning,
  ROOT,
  RTT_MS,
  SCALE,
  SCOPES,
  signIn,
  spec,
  STRAPI_URL,
  tiktokCalls,
  Fleet,
  type Boot,
  workDir,
  connectRequest,
  type Summary,
} from './harness';
import { LatencyProxy } from './latency-proxy';
import { load, median } from './load';
import { withDatabase } from './postgres';
import { postgresBoots, postgresScenarios } from './postgres-scenarios';
import { rssMb } from './proc';
import { fixed, pad, postgresReport, type Memory, type Throughput } from './report';
import type { StrapiProcess } from '../../strapi';

/**
 * `npm run bench [-- --quick] [-- --rtt 40] [-- --only=floor,users]`: what a TikTok sign-in costs
 * Strapi, against `GET /api/users/me`, the framework's floor and the network. See README
 * "Performance" and docs/performance.md.
 */
const CALLBACK_URL = `${STRAPI_URL}${PREFIX}/callback`;

interface Sequential {
  p50Ms: number;
  overFloorMs: number;
  /** The same route's p50 with no added round-trip time, calls back to back. */
  rtt0Ms: number;
  /** The same, each call after as long idle as one round trip. */
  rtt0AfterIdleMs: number;
}

interface Latency {
  rttMs: number;
  /** No TikTok call: what any authenticated route costs one at a time on this machine. */
  usersMe: Sequential;
  connect: Sequential;
  callback: Sequential;
  token: Sequential | null;
  tlsConnections: number;
  tiktokCalls: number;
  /**
   * One user-info call from the bench to the emulator through the proxy, as Strapi makes it:
   * the round trip with TikTok's own answering time, which the nominal RTT leaves out.
   */
  tiktokTrip: Sequential;
  /** The SQLite journal of the process measured: the default, or WAL. */
  wal: boolean;
  /** One SQLite write on this disk, in that journal mode. */
  sqliteWriteMs: number;
}

/**
 * What one write costs a SQLite file on this disk. With SQLite's default rollback journal every
 * committed write waits for the disk to sync, and better-sqlite3 blocks the event loop meanwhile;
 * in WAL mode with `synchronous = NORMAL` (the playground's `DATABASE_SQLITE_WAL`) it does not.
 * A returning sign-in makes two: its budget count and its last sign-in time.
 */
const sqliteWriteMs = (wal: boolean): number => {
  const db = new Database(path.join(workDir, `write-probe-${wal ? 'wal' : 'rollback'}.db`));
  try {
    if (wal) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.exec('create table probe (id integer primary key, n integer)');
    db.prepare('insert into probe values (1, 0)').run();
    const write = db.prepare('update probe set n = n + 1 where id = 1');
    const times = Array.from({ length: SCALE.sequential }, () => {
      const start = performance.now();
      write.run();
      return performance.now() - start;
    });
    return median(times);
  } finally {
    db.close();
  }
};

/** Returning people on /connect against users/me with their JWTs, then first sign-ins. */
const throughput = async (strapi: StrapiProcess): Promise<Throughput> => {
  const pool = await poolOf(strapi.url, Array.from({ length: SCALE.pool }, newPersonToken));
  const result = await interleave({
    ...returning(pool, strapi),
    newPeople: { pids: [strapi.pid], spec: () => newPeople(strapi.url, SCALE.newPeople) },
  });
  return {
    ...result,
    throughputRatio: result.connect.reqPerSec / result.usersMe.reqPerSec,
    cpuRatio: result.connect.cpuMsPerReq / result.usersMe.cpuMsPerReq,
  };
};

const elapsed = async (action: () => Promise<void>): Promise<number> => {
  const start = performance.now();
  await action();
  return performance.now() - start;
};

/** p50 of `count` sequential calls, each after `pauseMs` idle, median over the repetitions. */
const sequentialP50 = async (
  count: number,
  action: () => Promise<void>,
  pauseMs: number
): Promise<number> => {
  const p50s: number[] = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    const times: number[] = [];
    for (let call = 0; call < count; call += 1) {
      if (pauseMs > 0) await sleep(pauseMs);
      times.push(await elapsed(action));
    }
    p50s.push(median(times));
  }
  return median(p50s);
};

const hexSha256 = (value: string) => createHash('sha256').update(value).digest('hex');

// Keep-alive and the throwaway certificate, as Strapi's own client to TikTok has them.
const tiktokAgent = new https.Agent({ keepAlive: true, ca: certificate.cert });

/** One GET of TikTok's user info through the proxy, body read, as /connect makes it. */
const readUserInfo = (tiktokUrl: string, token: string) =>
  new Promise<void>((resolve, reject) => {
    const url = `${tiktokUrl}/v2/user/info/?fields=open_id,union_id,avatar_url,display_name`;
    https
      .get(
        url,
        { agent: tiktokAgent, headers: { authorization: `Bearer ${token}` } },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`user info: ${response.statusCode}`));
          response.resume().on('end', resolve).on('error', reject);
        }
      )
      .on('error', reject);
  });

/**
 * One person, one request at a time, with TikTok RTT_MS away (`tiktokUrl`, through `proxy`):
 * each route against its floor, and TikTok's own round trip measured on its own.
 */
const latency = async (
  strapi: StrapiProcess,
  proxy: LatencyProxy,
  tiktokUrl: string,
  wal: boolean
): Promise<Latency> => {
  const personId = mintPerson();
  const token = emulator.issueAccessToken(personId, SCOPES);
  const probe = await fetch(`${strapi.url}${PREFIX}/token`, {
    method: 'POST',
    headers: jsonHeaders(),
    body: '{}',
  });
  const hasTokenRoute = probe.status !== 404 && probe.status !== 405;

  const connect = async () => void (await signIn(strapi.url, token));
  const jwt = await signIn(strapi.url, token);
  const usersMe = async () => {
    const response = await fetch(`${strapi.url}/api/users/me`, bearer(jwt));
    await expectStatus(response, 200, 'GET /api/users/me');
    await response.arrayBuffer();
  };
  const callback = async () => {
    const code = emulator.issueCode(personId, SCOPES, CALLBACK_URL);
    const query = new URLSearchParams({ code, scopes: SCOPES.join(','), state: 'bench' });
    const response = await fetch(`${strapi.url}${PREFIX}/callback?${query}`, {
      redirect: 'manual',
    });
    await expectStatus(response, 302, 'GET /callback');
    if (!response.headers.get('location')?.includes('access_token=')) {
      throw new Error(`GET /callback: redirected to ${response.headers.get('location')}`);
    }
  };
  const exchange = async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = emulator.issueCode(personId, SCOPES, CALLBACK_URL, hexSha256(verifier));
    const response = await fetch(`${strapi.url}${PREFIX}/token`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ code, code_verifier: verifier, redirect_uri: CALLBACK_URL }),
    });
    await expectStatus(response, 200, 'POST /token');
  };

  const tiktokTrip = () => readUserInfo(tiktokUrl, token);

  const p50s = async (pauseMs: number) => ({
    usersMe: await sequentialP50(SCALE.sequential, usersMe, pauseMs),
    connect: await sequentialP50(SCALE.sequential, connect, pauseMs),
    callback: await sequentialP50(SCALE.sequential, callback, pauseMs),
    token: hasTokenRoute ? await sequentialP50(SCALE.sequential, exchange, pauseMs) : null,
  });
  // The same calls with TikTok next door, back to back and then each after as long idle as a
  // round trip: a process that sleeps meanwhile wakes up slower (caches, scheduling), and that
  // part of the figure is the machine's, not the network's.
  const backToBack = await p50s(0);
  const afterIdle = await p50s(RTT_MS);
  // The bench's own calls to TikTok stay out of the counts of Strapi's below.
  const tripAt = (pauseMs: number) => sequentialP50(SCALE.sequential, tiktokTrip, pauseMs);
  const trip = { rtt0Ms: await tripAt(0), rtt0AfterIdleMs: await tripAt(RTT_MS) };

  proxy.rttMs = RTT_MS;
  try {
    await connect();
    const connectionsBefore = proxy.connections;
    const callsBefore = tiktokCalls();
    const remote = await p50s(0);
    const tlsConnections = proxy.connections - connectionsBefore;
    const calls = tiktokCalls() - callsBefore;
    const tripP50Ms = await tripAt(0);
    const figures = (
      route: 'usersMe' | 'connect' | 'callback' | 'token',
      trips: number
    ): Sequential => ({
      p50Ms: remote[route]!,
      overFloorMs: remote[route]! - trips * RTT_MS,
      rtt0Ms: backToBack[route]!,
      rtt0AfterIdleMs: afterIdle[route]!,
    });
    return {
      rttMs: RTT_MS,
      tiktokTrip: { p50Ms: tripP50Ms, overFloorMs: tripP50Ms - RTT_MS, ...trip },
      usersMe: figures('usersMe', 0),
      connect: figures('connect', 1),
      callback: figures('callback', 1),
      token: hasTokenRoute ? figures('token', 2) : null,
      tlsConnections,
      tiktokCalls: calls,
      wal,
      sqliteWriteMs: sqliteWriteMs(wal),
    };
  } finally {
    proxy.rttMs = 0;
  }
};

/** Resident memory after a full GC: the median of three readings a moment apart. */
const settledRss = async (strapi: StrapiProcess): Promise<number> => {
  await strapi.command('gc');
  const readings: number[] = [];
  for (let reading = 0; reading < REPETITIONS; reading += 1) {
    readings.push(rssMb(strapi.pid));
    await sleep(200);
  }
  return median(readings);
};

/** RSS after SCALE.early and SCALE.late sign-ins: one in four a new person, the rest returning. */
const memory = async (strapi: StrapiProcess): Promise<Memory> => {
  const tokens: string[] = [];
  const signIns = (amount: number) =>
    spec(`${strapi.url}${PREFIX}/connect`, 'POST', amount, (index) => {
      if (tokens.length === 0 || index % 4 === 0) tokens.push(newPersonToken());
      return connectRequest(
        index % 4 === 0 ? tokens[tokens.length - 1] : tokens[index % tokens.length]
      );
    });
  await load(signIns(SCALE.early));
  const early = await settledRss(strapi);
  await load(signIns(SCALE.late - SCALE.early));
  const late = await settledRss(strapi);
  return {
    early: { signIns: SCALE.early, rssMb: early },
    late: { signIns: SCALE.late, rssMb: late },
    growthPct: ((late - early) / early) * 100,
  };
};

const WIDTHS = [44, 9, 8, 8, 11, 16];
const THROUGHPUT_HEADER = [
  `RTT 0, concurrency ${CONCURRENCY}, median of ${REPETITIONS}`,
  pad(['', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'bench CPU ms/req'], WIDTHS),
].join('\n');

const throughputRows = (mode: string, t: Throughput): string => {
  const row = (label: string, s: Summary) =>
    pad(
      [
        label,
        fixed(s.reqPerSec, 0),
        fixed(s.p50Ms),
        fixed(s.p99Ms),
        fixed(s.cpuMsPerReq, 3),
        fixed(s.benchCpuMsPerReq, 3),
      ],
      WIDTHS
    );
  return [
    row(`${mode}: POST /connect (returning)`, t.connect),
    row(`${mode}: GET /api/users/me (same people)`, t.usersMe),
    pad(
      [
        `${mode}: ratio connect / users-me`,
        `${fixed(t.throughputRatio, 2)}x`,
        '',
        '',
        `${fixed(t.cpuRatio, 2)}x`,
      ],
      WIDTHS
    ),
    row(`${mode}: POST /connect (new people)`, t.newPeople),
  ].join('\n');
};

const latencyRows = (l: Latency): string => {
  const row = (label: string, value: Sequential | null) =>
    value
      ? `  ${label.padEnd(31)} p50 ${fixed(value.p50Ms).padStart(6)} ms   over floor ` +
        `${fixed(value.overFloorMs).padStart(5)} ms   (RTT 0: ${fixed(value.rtt0Ms)} ms, ` +
        `${fixed(value.rtt0AfterIdleMs)} ms after ${l.rttMs} ms idle)`
      : `  ${label.padEnd(31)} n/a (no /token route on this build)`;
  const journal = l.wal ? 'WAL, synchronous NORMAL' : 'rollback journal, synced';
  return [
    `RTT ${l.rttMs} ms, sequential, median of ${REPETITIONS} p50s; SQLite, ${journal}`,
    row('TikTok user info alone (1 RTT)', l.tiktokTrip),
    row('GET /api/users/me (floor 0 RTT)', l.usersMe),
    row('POST /connect (floor 1 RTT)', l.connect),
    row('GET /callback (floor 1 RTT)', l.callback),
    row('POST /token (floor 2 RTT)', l.token),
    `  /connect over TikTok's measured round trip: ` +
      `${fixed(l.connect.p50Ms - l.tiktokTrip.p50Ms)} ms (users/me alone ${fixed(l.usersMe.p50Ms)} ms)`,
    `  TLS connections opened: ${l.tlsConnections} for ${l.tiktokCalls} TikTok calls`,
    `  One SQLite write on this disk (${journal}): ${fixed(l.sqliteWriteMs, 2)} ms; ` +
      '/connect and /token make 2 (budget, last sign-in), /callback 1 (budget)',
  ].join('\n');
};

const memoryRow = (m: Memory): string =>
  `Memory (RSS after GC): ${fixed(m.early.rssMb)} MB after ${m.early.signIns} sign-ins, ` +
  `${fixed(m.late.rssMb)} MB after ${m.late.signIns} ` +
  `(${m.growthPct >= 0 ? '+' : ''}${fixed(m.growthPct)}%)`;

type Log = (message: string) => void;

/** SQLite: legacy and refresh mode, and legacy in WAL mode, against users/me; latency at RTT_MS. */
const baselineScenario = async (fleet: Fleet, proxy: LatencyProxy, tiktokUrl: string, log: Log) => {
  log('bench: SQLite, legacy mode throughput');
  const legacy = await throughput(fleet.get('sqlite-legacy'));
  log(`${THROUGHPUT_HEADER}\n${throughputRows('legacy', legacy)}`);
  log(`bench: sequential latency at RTT ${RTT_MS} ms`);
  const atRtt = await latency(fleet.get('sqlite-legacy'), proxy, tiktokUrl, false);
  log(latencyRows(atRtt));
  log('bench: SQLite in WAL mode (legacy JWTs), throughput and latency');
  // The journal mode is the app's setting: a file left in rollback mode would measure nothing new.
  if (!existsSync(path.join(workDir, 'wal.db-wal'))) throw new Error('sqlite-wal: no WAL file');
  const wal = await throughput(fleet.get('sqlite-wal'));
  log(throughputRows('WAL', wal));
  const walLatency = await latency(fleet.get('sqlite-wal'), proxy, tiktokUrl, true);
  log(latencyRows(walLatency));
  log('bench: SQLite, refresh mode throughput');
  const refresh = await throughput(fleet.get('sqlite-refresh'));
  log(throughputRows('refresh', refresh));
  return { legacy, refresh, latency: atRtt, wal, walLatency };
};

const memoryScenario = async (fleet: Fleet, log: Log) => {
  log(`bench: SQLite, memory after ${SCALE.late} sign-ins`);
  const rss = await memory(fleet.get('sqlite-memory'));
  log(memoryRow(rss));
  return rss;
};

// Requests per second, and seconds for booting every process, on this 2-core machine.
const ROUGH_RATE = 150;
const ROUGH_BOOTS_S = 30;
// Seeding the users table with SQL, users per second.
const ROUGH_SEEDING_RATE = 20_000;

/** A rough duration of the selected scenarios, announced before a run starts. */
const estimatedMinutes = (): number => {
  const compare = (phases: number) => phases * (SCALE.warmUp + REPETITIONS * SCALE.returning);
  const requests: Record<string, number> = {
    // Three processes: legacy JWTs, refresh JWTs, legacy JWTs on SQLite in WAL mode.
    baseline: 3 * (compare(2) + REPETITIONS * SCALE.newPeople),
    floor: compare(3) + 2 * SCALE.returning,
    first: compare(2) + REPETITIONS * SCALE.newPeople,
    store: compare(5),
    cluster: compare(4),
    users: SCALE.userTable.length * compare(2),
    memory: SCALE.late,
  };
  const loadSeconds = Object.keys(requests)
    .filter((name) => ONLY.has(name))
    .reduce((sum, name) => sum + requests[name] / ROUGH_RATE, 0);
  const seeding = ONLY.has('users') ? Math.max(...SCALE.userTable) / ROUGH_SEEDING_RATE : 0;
  return Math.ceil((ROUGH_BOOTS_S + loadSeconds + seeding) / 60);
};

const main = async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  const tiktokUrl = await emulator.listen();
  const proxy = new LatencyProxy([{ host: '127.0.0.1', port: Number(new URL(tiktokUrl).port) }]);
  const proxyUrl = `https://127.0.0.1:${await proxy.listen()}`;
  const tiktokEnv = {
    TIKTOK_API_BASE_URL: proxyUrl,
    TIKTOK_AUTHORIZE_URL: `${proxyUrl}/v2/auth/authorize/`,
  };
  const started = performance.now();
  try {
    const log = (message: string) =>
      process.stdout.write(
        message.startsWith('bench:')
          ? `${message} [${fixed((performance.now() - started) / 1000, 0)} s]\n`
          : `${message}\n`
      );
    log(
      `bench: ${QUICK ? 'quick' : 'full'} run of ${[...ONLY].join(', ')}, ${cpus().length} CPUs, ` +
        `Node ${process.version}; about ${estimatedMinutes()} min on 2 shared cores`
    );
    const legacyEnv = { ...tiktokEnv, UP_JWT_MANAGEMENT: 'legacy-support' };
    // The SQLite baseline counts every sign-in in the default database budget, as an app does.
    const budgeted = { ...BUDGET, TIKTOK_RATE_LIMIT_STORE: 'database' };
    const sqlite = (name: string, env: Record<string, string> = legacyEnv): Boot => ({
      name: `sqlite-${name}`,
      database: { sqlite: name },
      env,
    });
    const { baseline, postgres, rss } = await withDatabase(async (database) => {
      const fleet = new Fleet();
      const [pgFirst, pgRest] = postgresBoots(database, legacyEnv);
      try {
        await fleet.start([
          [
            ...pgFirst,
            ...(ONLY.has('baseline')
              ? [
                  sqlite('legacy', { ...legacyEnv, ...budgeted }),
                  sqlite('wal', { ...legacyEnv, ...budgeted, DATABASE_SQLITE_WAL: 'true' }),
                  sqlite('refresh', { ...tiktokEnv, UP_JWT_MANAGEMENT: 'refresh', ...budgeted }),
                ]
              : []),
            ...(ONLY.has('memory') ? [sqlite('memory')] : []),
          ],
          pgRest,
        ]);
        log('bench: every Strapi process booted');
        return {
          baseline: ONLY.has('baseline')
            ? await baselineScenario(fleet, proxy, proxyUrl, log)
            : undefined,
          postgres: await postgresScenarios(database, fleet, log),
          rss: ONLY.has('memory') ? await memoryScenario(fleet, log) : undefined,
        };
      } finally {
        await fleet.stopAll();
      }
    });

    log('');
    if (baseline) {
      log(
        [
          THROUGHPUT_HEADER,
          throughputRows('legacy', baseline.legacy),
          throughputRows('refresh', baseline.refresh),
          throughputRows('WAL', baseline.wal),
          '',
          latencyRows(baseline.latency),
          '',
          latencyRows(baseline.walLatency),
          '',
        ].join('\n')
      );
    }
    log(postgresReport(postgres, baseline?.legacy));
    if (rss) log(memoryRow(rss));
    const record = {
      date: new Date().toISOString(),
      quick: QUICK,
      scenarios: [...ONLY],
      node: process.version,
      cpus: cpus().length,
      concurrency: CONCURRENCY,
      repetitions: REPETITIONS,
      scale: SCALE,
      ...baseline,
      postgres,
      memory: rss,
    };
    const json = `${JSON.stringify(record, null, 2)}\n`;
    writeFileSync(path.join(OUT_DIR, `bench-${record.date.replace(/[:.]/g, '-')}.json`), json);
    writeFileSync(path.join(OUT_DIR, 'latest.json'), json);
    log(`\nJSON: ${path.relative(ROOT, path.join(OUT_DIR, 'latest.json'))}`);
    // Only a full run of every scenario replaces the chart the README shows.
    const final = !QUICK && ALL_SCENARIOS;
    const chart = await writeChart(
      final ? path.join(ROOT, 'docs') : OUT_DIR,
      { sqlite: baseline?.legacy, sqliteWal: baseline?.wal, postgres, memory: rss },
      final
    );
    log(`Chart: ${chart.map((file) => path.relative(ROOT, file)).join(', ')}`);
    log(`bench: done in ${fixed((performance.now() - started) / 60_000)} min`);
  } finally {
    await proxy.close();
    await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
  }
};

/** An error's cause, which may be any value: an Error's own text, else its JSON. */
const causeText = (cause: unknown) =>
  cause instanceof Error ? String(cause) : JSON.stringify(cause);

main().catch((error: unknown) => {
  const cause = error instanceof Error && error.cause ? `\ncause: ${causeText(error.cause)}` : '';
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}${cause}\n`);
  process.exit(1);
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TikTokEmulator } from '../../emulator/src';
import { LatencyProxy } from './latency-proxy';
import { load, median, type LoadResult, type LoadSpec } from './load';
import { cpuMs, rssMb } from './proc';
import { topFrames, type Frame } from './profile';
import { StrapiProcess } from './strapi-process';
import { makeThrowawayCertificate } from './tls';

/**
 * `npm run bench [-- --quick] [-- --profile] [-- --rtt 40]`: what a TikTok sign-in costs Strapi,
 * against `GET /api/users/me` and against the network floor. See README "Performance".
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    rtt: { type: 'string', default: '40' },
  },
});

const ROOT = process.cwd();
const OUT_DIR = path.join(ROOT, '.tmp', 'bench');
const PREFIX = '/api/tiktok-auth-mobile';
// Only names the redirect URI TikTok checks; Strapi itself is reached on its loopback port.
const STRAPI_URL = 'https://api.bench.invalid';
const CALLBACK_URL = `${STRAPI_URL}${PREFIX}/callback`;
const SCOPES = ['user.info.basic'];
const RTT_MS = Number(args.rtt);
if (!(RTT_MS >= 0)) throw new Error(`--rtt must be a number of milliseconds, not ${args.rtt}`);
const REPETITIONS = 3;
const CONCURRENCY = 20;
const SCALE = args.quick
  ? { newPeople: 40, pool: 40, warmUp: 60, returning: 150, sequential: 4, early: 150, late: 600 }
  : {
      newPeople: 1000,
      pool: 200,
      warmUp: 1000,
      returning: 3000,
      sequential: 30,
      early: 1000,
      late: 20000,
    };
// A phase slower than this many requests per second is stuck, not slow: it fails the bench.
const MIN_RATE = 25;

interface Phase extends LoadResult {
  /** Strapi's CPU time per request. */
  cpuMsPerReq: number;
  /** This process's (autocannon, the emulator, the proxy), which shares the same cores. */
  benchCpuMsPerReq: number;
}
type Summary = Pick<Phase, 'reqPerSec' | 'p50Ms' | 'p99Ms' | 'cpuMsPerReq' | 'benchCpuMsPerReq'>;

interface Throughput {
  connect: Summary;
  usersMe: Summary;
  newPeople: Summary;
  throughputRatio: number;
  cpuRatio: number;
}

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
  connect: Sequential;
  callback: Sequential;
  token: Sequential | null;
  tlsConnections: number;
  tiktokCalls: number;
}

interface Memory {
  early: { signIns: number; rssMb: number };
  late: { signIns: number; rssMb: number };
  growthPct: number;
}

const workDir = mkdtempSync(path.join(tmpdir(), 'tiktok-auth-bench-'));
const certificate = makeThrowawayCertificate(workDir);
const emulator = new TikTokEmulator({ tls: certificate });

let serial = 0;
const mintPerson = (): string => {
  serial += 1;
  const id = `bench-${serial}`;
  emulator.addPerson({
    id,
    open_id: `open-${id}`,
    union_id: `union-${id}`,
    display_name: `Bench Person ${serial}`,
  });
  return id;
};
const newPersonToken = () => emulator.issueAccessToken(mintPerson(), SCOPES);
const tiktokCalls = () => [...emulator.calls.values()].reduce((sum, count) => sum + count, 0);

// A new object each time: autocannon writes content-length into the headers it is given.
const jsonHeaders = () => ({ 'content-type': 'application/json' });
const connectRequest = (token: string) => ({
  headers: jsonHeaders(),
  body: JSON.stringify({ access_token: token }),
});
const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });

const spec = (
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

const measure = async (strapi: StrapiProcess, phase: LoadSpec): Promise<Phase> => {
  const before = { strapi: cpuMs(strapi.pid), bench: cpuMs(process.pid) };
  const result = await load(phase);
  return {
    ...result,
    cpuMsPerReq: (cpuMs(strapi.pid) - before.strapi) / result.requests,
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

const expectStatus = async (response: Response, status: number, what: string) => {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  }
};

const signIn = async (strapi: StrapiProcess, token: string): Promise<string> => {
  const response = await fetch(`${strapi.url}${PREFIX}/connect`, {
    method: 'POST',
    ...connectRequest(token),
  });
  await expectStatus(response, 200, 'POST /connect');
  return ((await response.json()) as { jwt: string }).jwt;
};

/** Signs every token's person in once, CONCURRENCY at a time, and returns their JWTs. */
const signInAll = async (strapi: StrapiProcess, tokens: readonly string[]): Promise<string[]> => {
  const jwts: string[] = [];
  for (let start = 0; start < tokens.length; start += CONCURRENCY) {
    const batch = tokens.slice(start, start + CONCURRENCY);
    jwts.push(...(await Promise.all(batch.map((token) => signIn(strapi, token)))));
  }
  return jwts;
};

const startStrapi = (name: string, env: Record<string, string>) =>
  StrapiProcess.start({
    BENCH_APP_DIR: path.join(ROOT, 'playground'),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(workDir, `${name}.db`),
    STRAPI_TELEMETRY_DISABLED: 'true',
    STRAPI_DISABLE_UPDATE_NOTIFICATION: 'true',
    CLIENT_KEY: emulator.clientKey,
    CLIENT_SECRET: emulator.clientSecret,
    REDIRECT_APP_URL: 'myapp://auth/tiktok',
    STRAPI_URL,
    NODE_EXTRA_CA_CERTS: certificate.certFile,
    // The load generator is one client on one address: the budget is counted (in the database
    // store, the default, so its cost is measured) but high enough never to refuse it.
    TIKTOK_RATE_LIMIT_MAX: '100000',
    ...env,
  });

const withStrapi = async <T>(
  name: string,
  env: Record<string, string>,
  run: (strapi: StrapiProcess) => Promise<T>
): Promise<T> => {
  const strapi = await startStrapi(name, env);
  try {
    return await run(strapi);
  } finally {
    await strapi.stop();
  }
};

/** Returning people on /connect against users/me with their JWTs, then first sign-ins. */
const throughput = async (strapi: StrapiProcess): Promise<Throughput> => {
  const pool = Array.from({ length: SCALE.pool }, newPersonToken);
  const jwts = await signInAll(strapi, pool);
  const connect = (amount: number) =>
    spec(`${strapi.url}${PREFIX}/connect`, 'POST', amount, (index) =>
      connectRequest(pool[index % pool.length])
    );
  const usersMe = (amount: number) =>
    spec(`${strapi.url}/api/users/me`, 'GET', amount, (index) => bearer(jwts[index % jwts.length]));
  const newPeople = spec(`${strapi.url}${PREFIX}/connect`, 'POST', SCALE.newPeople, () =>
    connectRequest(newPersonToken())
  );

  await load(connect(SCALE.warmUp));
  await load(usersMe(SCALE.warmUp));
  const runs = { connect: [] as Phase[], usersMe: [] as Phase[], newPeople: [] as Phase[] };
  // Interleaved, so that a neighbour's load on the shared machine hits both sides alike.
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    runs.connect.push(await measure(strapi, connect(SCALE.returning)));
    runs.usersMe.push(await measure(strapi, usersMe(SCALE.returning)));
    runs.newPeople.push(await measure(strapi, newPeople));
  }
  const result = {
    connect: summarize(runs.connect),
    usersMe: summarize(runs.usersMe),
    newPeople: summarize(runs.newPeople),
  };
  return {
    ...result,
    throughputRatio: result.connect.reqPerSec / result.usersMe.reqPerSec,
    cpuRatio: result.connect.cpuMsPerReq / result.usersMe.cpuMsPerReq,
  };
};

/** Where /connect spends Strapi's CPU: a V8 profile of returning sign-ins only, boot excluded. */
const profileConnect = async (strapi: StrapiProcess): Promise<Frame[]> => {
  const pool = Array.from({ length: SCALE.pool }, newPersonToken);
  await signInAll(strapi, pool);
  const connect = spec(`${strapi.url}${PREFIX}/connect`, 'POST', SCALE.returning, (index) =>
    connectRequest(pool[index % pool.length])
  );
  await load(connect);
  const file = path.join(OUT_DIR, 'connect.cpuprofile');
  await strapi.command('profile-start');
  await load(connect);
  await strapi.command('profile-stop', file);
  return topFrames(file, 25);
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

/** One person, one request at a time, with TikTok RTT_MS away: each route against its floor. */
const latency = async (strapi: StrapiProcess, proxy: LatencyProxy): Promise<Latency> => {
  const personId = mintPerson();
  const token = emulator.issueAccessToken(personId, SCOPES);
  const probe = await fetch(`${strapi.url}${PREFIX}/token`, {
    method: 'POST',
    headers: jsonHeaders(),
    body: '{}',
  });
  const hasTokenRoute = probe.status !== 404 && probe.status !== 405;

  const connect = async () => void (await signIn(strapi, token));
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

  const p50s = async (pauseMs: number) => ({
    connect: await sequentialP50(SCALE.sequential, connect, pauseMs),
    callback: await sequentialP50(SCALE.sequential, callback, pauseMs),
    token: hasTokenRoute ? await sequentialP50(SCALE.sequential, exchange, pauseMs) : null,
  });
  await connect();
  // The same calls with TikTok next door, back to back and then each after as long idle as a
  // round trip: a process that sleeps meanwhile wakes up slower (caches, scheduling), and that
  // part of the figure is the machine's, not the network's.
  const backToBack = await p50s(0);
  const afterIdle = await p50s(RTT_MS);

  proxy.rttMs = RTT_MS;
  try {
    await connect();
    const connectionsBefore = proxy.connections;
    const callsBefore = tiktokCalls();
    const remote = await p50s(0);
    const figures = (route: 'connect' | 'callback' | 'token', trips: number): Sequential => ({
      p50Ms: remote[route]!,
      overFloorMs: remote[route]! - trips * RTT_MS,
      rtt0Ms: backToBack[route]!,
      rtt0AfterIdleMs: afterIdle[route]!,
    });
    return {
      rttMs: RTT_MS,
      connect: figures('connect', 1),
      callback: figures('callback', 1),
      token: hasTokenRoute ? figures('token', 2) : null,
      tlsConnections: proxy.connections - connectionsBefore,
      tiktokCalls: tiktokCalls() - callsBefore,
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

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const pad = (cells: readonly string[], widths: readonly number[]) =>
  cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[index])))
    .join('  ');

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
      ? `  ${label.padEnd(30)} p50 ${fixed(value.p50Ms).padStart(6)} ms   over floor ` +
        `${fixed(value.overFloorMs).padStart(5)} ms   (RTT 0: ${fixed(value.rtt0Ms)} ms, ` +
        `${fixed(value.rtt0AfterIdleMs)} ms after ${l.rttMs} ms idle)`
      : `  ${label.padEnd(30)} n/a (no /token route on this build)`;
  return [
    `RTT ${l.rttMs} ms, sequential, median of ${REPETITIONS} p50s`,
    row('POST /connect (floor 1 RTT)', l.connect),
    row('GET /callback (floor 1 RTT)', l.callback),
    row('POST /token (floor 2 RTT)', l.token),
    `  TLS connections opened: ${l.tlsConnections} for ${l.tiktokCalls} TikTok calls`,
  ].join('\n');
};

const memoryRow = (m: Memory): string =>
  `Memory (RSS after GC): ${fixed(m.early.rssMb)} MB after ${m.early.signIns} sign-ins, ` +
  `${fixed(m.late.rssMb)} MB after ${m.late.signIns} ` +
  `(${m.growthPct >= 0 ? '+' : ''}${fixed(m.growthPct)}%)`;

const main = async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  const tiktokUrl = await emulator.listen();
  const proxy = new LatencyProxy({ host: '127.0.0.1', port: Number(new URL(tiktokUrl).port) });
  const proxyUrl = `https://127.0.0.1:${await proxy.listen()}`;
  const tiktokEnv = {
    TIKTOK_API_BASE_URL: proxyUrl,
    TIKTOK_AUTHORIZE_URL: `${proxyUrl}/v2/auth/authorize/`,
  };
  try {
    const log = (message: string) => process.stdout.write(`${message}\n`);
    log(
      `bench: ${args.quick ? 'quick' : 'full'} run, ${cpus().length} CPUs, Node ${process.version}`
    );
    let frames: Frame[] | undefined;
    const legacyEnv = { ...tiktokEnv, UP_JWT_MANAGEMENT: 'legacy-support' };
    const legacy = await withStrapi('legacy', legacyEnv, async (strapi) => {
      log('bench: legacy mode throughput');
      const result = await throughput(strapi);
      log(`${THROUGHPUT_HEADER}\n${throughputRows('legacy', result)}`);
      log(`bench: sequential latency at RTT ${RTT_MS} ms`);
      const atRtt = await latency(strapi, proxy);
      log(latencyRows(atRtt));
      if (args.profile) frames = await profileConnect(strapi);
      return { result, atRtt };
    });
    log('bench: refresh mode throughput');
    const refresh = await withStrapi(
      'refresh',
      { ...tiktokEnv, UP_JWT_MANAGEMENT: 'refresh' },
      throughput
    );
    log(throughputRows('refresh', refresh));
    log('bench: memory');
    const rss = await withStrapi('memory', legacyEnv, memory);
    log(memoryRow(rss));

    const figures = { legacy: legacy.result, refresh, latency: legacy.atRtt, memory: rss };
    log(
      [
        '',
        THROUGHPUT_HEADER,
        throughputRows('legacy', figures.legacy),
        throughputRows('refresh', figures.refresh),
        '',
        latencyRows(figures.latency),
        '',
        memoryRow(figures.memory),
      ].join('\n')
    );
    if (frames) {
      log('\nTop self-time frames of POST /connect (returning people):');
      for (const { frame, selfMs, share } of frames) {
        log(`  ${fixed(share * 100).padStart(5)}%  ${fixed(selfMs, 0).padStart(6)} ms  ${frame}`);
      }
    }
    const record = {
      date: new Date().toISOString(),
      quick: args.quick,
      node: process.version,
      cpus: cpus().length,
      concurrency: CONCURRENCY,
      repetitions: REPETITIONS,
      scale: SCALE,
      ...figures,
    };
    const json = `${JSON.stringify(record, null, 2)}\n`;
    writeFileSync(path.join(OUT_DIR, `bench-${record.date.replace(/[:.]/g, '-')}.json`), json);
    writeFileSync(path.join(OUT_DIR, 'latest.json'), json);
    log(`\nJSON: ${path.relative(ROOT, path.join(OUT_DIR, 'latest.json'))}`);
  } finally {
    await proxy.close();
    await emulator.close();
    rmSync(workDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  const cause = error instanceof Error && error.cause ? `\ncause: ${String(error.cause)}` : '';
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}${cause}\n`);
  process.exit(1);
});

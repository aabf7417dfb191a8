import { CONCURRENCY, REPETITIONS, type Summary } from './harness';
import type { PostgresFigures, Store } from './postgres-scenarios';

export interface Throughput {
  connect: Summary;
  usersMe: Summary;
  newPeople: Summary;
  throughputRatio: number;
  cpuRatio: number;
}

export interface Memory {
  early: { signIns: number; rssMb: number };
  late: { signIns: number; rssMb: number };
  growthPct: number;
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);
export const times = (value: number) => `${fixed(value, 2)}x`;
export const pad = (cells: readonly string[], widths: readonly number[]) =>
  cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[index])))
    .join('  ');

/** A plain-text table: the first column left-aligned, the others right-aligned. */
const table = (title: string, header: readonly string[], rows: readonly string[][]) => {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length))
  );
  return [title, pad(header, widths), ...rows.map((row) => pad(row, widths))].join('\n');
};

const verdict = (value: number, limit: number) => (value <= limit ? 'met' : 'NOT met');
const MEASURED = `RTT 0, concurrency ${CONCURRENCY}, median of ${REPETITIONS}`;

const floorReport = ({ floor }: PostgresFigures): string[] => {
  if (!floor) return [];
  const above = floor.connect.cpuMsPerReq - floor.noop.cpuMsPerReq;
  const ratio = floor.connect.cpuMsPerReq / floor.noop.cpuMsPerReq;
  const row = (label: string, s: Summary) => [
    label,
    fixed(s.reqPerSec, 0),
    fixed(s.p50Ms),
    fixed(s.cpuMsPerReq, 3),
    times(s.cpuMsPerReq / floor.noop.cpuMsPerReq),
    times(s.cpuMsPerReq / floor.usersMe.cpuMsPerReq),
  ];
  const owners = floor.owners
    .filter(({ connectMs, floorMs }) => Math.max(connectMs, floorMs) >= 0.005)
    .slice(0, 14)
    .map(({ owner, connectMs, floorMs }) => [
      owner,
      fixed(connectMs, 3),
      fixed(floorMs, 3),
      fixed(connectMs - floorMs, 3),
    ]);
  return [
    table(
      `6. Where a sign-in's CPU goes (PostgreSQL, budget on: database store; ${MEASURED})`,
      ['', 'req/s', 'p50 ms', 'CPU ms/req', 'x floor', 'x users/me'],
      [
        row('GET /api/bench/noop (the floor)', floor.noop),
        row('GET /api/users/me', floor.usersMe),
        row('POST /connect (returning)', floor.connect),
      ]
    ),
    `  /connect above the floor: ${fixed(above, 3)} ms of CPU per request; /connect = ` +
      `${times(ratio)} the floor (target <= 3x: ${verdict(ratio, 3)})`,
    table(
      '  Profile (main thread, self time), ms of CPU per request, most above the floor first:',
      ['  where', '/connect', 'floor', 'above'],
      owners.map(([owner, ...rest]) => [`  ${owner}`, ...rest])
    ),
    '  Top self-time frames of /connect, ms per request:',
    ...floor.frames.map(
      ({ frame, selfMs, share }) =>
        `    ${fixed(selfMs, 3)} ms  ${fixed(share * 100).padStart(4)}%  ${frame}`
    ),
  ];
};

const firstReport = ({ first }: PostgresFigures, sqlite?: Throughput): string[] => {
  const sides = [
    ...(sqlite ? [['SQLite', sqlite] as const] : []),
    ...(first ? [['PostgreSQL', first] as const] : []),
  ];
  if (sides.length === 0) return [];
  const rows = sides.flatMap(([database, t]) => {
    const row = (label: string, s: Summary) => [
      `${database}: ${label}`,
      fixed(s.reqPerSec, 0),
      fixed(s.p50Ms),
      fixed(s.cpuMsPerReq, 3),
      times(s.cpuMsPerReq / t.usersMe.cpuMsPerReq),
      times(s.cpuMsPerReq / t.connect.cpuMsPerReq),
    ];
    const ratio = t.newPeople.cpuMsPerReq / t.connect.cpuMsPerReq;
    return [
      row('GET /api/users/me', t.usersMe),
      row('POST /connect, returning', t.connect),
      row('POST /connect, first sign-in', t.newPeople),
      [`  first / returning <= 3x: ${verdict(ratio, 3)}`],
    ];
  });
  return [
    table(
      `2. First sign-ins next to returning ones (${MEASURED})`,
      ['', 'req/s', 'p50 ms', 'CPU ms/req', 'x users/me', 'x returning'],
      rows
    ),
  ];
};

const storeReport = ({ store }: PostgresFigures): string[] => {
  if (!store) return [];
  const names: Store[] = ['database', 'redis', 'memory', 'off'];
  return [
    table(
      `5. The budget's cost: returning /connect by rate-limit store, PostgreSQL (${MEASURED})`,
      ['', 'req/s', 'p50 ms', 'CPU ms/req', 'x users/me', 'over "off" ms'],
      [
        ...names.map((name) => [
          `TIKTOK_RATE_LIMIT_STORE=${name === 'off' ? '(budget off, MAX=0)' : name}`,
          fixed(store[name].reqPerSec, 0),
          fixed(store[name].p50Ms),
          fixed(store[name].cpuMsPerReq, 3),
          times(store[name].cpuMsPerReq / store.usersMe.cpuMsPerReq),
          fixed(store[name].cpuMsPerReq - store.off.cpuMsPerReq, 3),
        ]),
        [
          'GET /api/users/me (database store process)',
          fixed(store.usersMe.reqPerSec, 0),
          fixed(store.usersMe.p50Ms),
          fixed(store.usersMe.cpuMsPerReq, 3),
          '1.00x',
          '',
        ],
      ]
    ),
  ];
};

const clusterReport = ({ cluster }: PostgresFigures): string[] => {
  if (!cluster) return [];
  const row = (label: string, s: Summary, reference: Summary) => [
    label,
    fixed(s.reqPerSec, 0),
    fixed(s.p50Ms),
    fixed(s.cpuMsPerReq, 3),
    fixed(s.benchCpuMsPerReq, 3),
    times(s.cpuMsPerReq / reference.cpuMsPerReq),
  ];
  const { one, two } = cluster;
  return [
    table(
      `3. Two Strapi processes on one PostgreSQL, behind the bench's round-robin (${MEASURED})`,
      ['', 'req/s', 'p50 ms', 'CPU ms/req (all)', 'bench CPU ms/req', 'x users/me'],
      [
        row('1 process: POST /connect', one.connect, one.usersMe),
        row('2 processes: POST /connect', two.connect, two.usersMe),
        row('1 process: GET /api/users/me', one.usersMe, one.usersMe),
        row('2 processes: GET /api/users/me', two.usersMe, two.usersMe),
      ]
    ),
    `  2 / 1 processes: /connect throughput ${times(two.connect.reqPerSec / one.connect.reqPerSec)}, ` +
      `CPU per sign-in ${times(two.connect.cpuMsPerReq / one.connect.cpuMsPerReq)} ` +
      '(two cores shared by both processes, PostgreSQL and the load generator)',
  ];
};

const usersReport = ({ users }: PostgresFigures): string[] => {
  if (!users || users.length === 0) return [];
  const [smallest] = users;
  const largest = users[users.length - 1];
  const cpuGrowth = largest.connect.cpuMsPerReq / smallest.connect.cpuMsPerReq;
  const p50Growth = largest.connect.p50Ms / smallest.connect.p50Ms;
  return [
    table(
      `1. Returning /connect by users table size, PostgreSQL (${MEASURED})`,
      ['users', 'p50 ms', 'CPU ms/req', 'x users/me', `CPU x ${smallest.users}`, 'users/me p50 ms'],
      users.map(({ users: count, connect, usersMe }) => [
        String(count),
        fixed(connect.p50Ms),
        fixed(connect.cpuMsPerReq, 3),
        times(connect.cpuMsPerReq / usersMe.cpuMsPerReq),
        times(connect.cpuMsPerReq / smallest.connect.cpuMsPerReq),
        fixed(usersMe.p50Ms),
      ])
    ),
    `  ${largest.users} / ${smallest.users} users: CPU ${times(cpuGrowth)}, p50 ` +
      `${times(p50Growth)} (target <= 1.2x: ${verdict(Math.max(cpuGrowth, p50Growth), 1.2)})`,
  ];
};

/** The scenarios' tables, each with what it is measured against. */
export const postgresReport = (figures: PostgresFigures, sqlite?: Throughput): string =>
  [
    usersReport(figures),
    firstReport(figures, sqlite),
    clusterReport(figures),
    storeReport(figures),
    floorReport(figures),
  ]
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n');

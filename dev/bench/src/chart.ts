import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CONCURRENCY } from './harness';
import type { PostgresFigures } from './postgres-scenarios';
import type { Memory, Throughput } from './report';

interface Bar {
  label: string;
  value: number;
  /** A reference (users/me, the floor), drawn grey. */
  reference?: boolean;
}
interface Section {
  title: string;
  unit: string;
  bars: Bar[];
}

const WIDTH = 900;
const LABEL_WIDTH = 300;
const BAR_SPACE = 470;
const ROW = 24;
const TITLE = 34;
const CHROMIUM = '/usr/bin/chromium';

const escapeXml = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
const count = (n: number) => n.toLocaleString('en-US');

const sections = (figures: ChartFigures): Section[] => {
  const { sqlite, sqliteWal, postgres: pg, memory } = figures;
  const cpu = 'ms of Strapi CPU per request';
  const list: Section[] = [];
  if (pg.users?.length) {
    list.push({
      title: '1. Returning sign-in by users in PostgreSQL',
      unit: cpu,
      bars: [
        ...pg.users.map(({ users, connect }) => ({
          label: `/connect, ${count(users)} users`,
          value: connect.cpuMsPerReq,
        })),
        { label: 'GET /users/me', value: pg.users[0].usersMe.cpuMsPerReq, reference: true },
      ],
    });
  }
  const first = [
    ...(sqlite ? [['SQLite', sqlite] as const] : []),
    ...(sqliteWal ? [['SQLite WAL', sqliteWal] as const] : []),
    ...(pg.first ? [['PostgreSQL', pg.first] as const] : []),
  ];
  if (first.length > 0) {
    list.push({
      title: '2. First sign-ins next to returning ones',
      unit: cpu,
      bars: first.flatMap(([database, t]) => [
        { label: `${database}: GET /users/me`, value: t.usersMe.cpuMsPerReq, reference: true },
        { label: `${database}: returning`, value: t.connect.cpuMsPerReq },
        { label: `${database}: first sign-in`, value: t.newPeople.cpuMsPerReq },
      ]),
    });
  }
  if (pg.cluster) {
    list.push({
      title: '3. One and two Strapi processes on one PostgreSQL (2 cores)',
      unit: 'sign-ins per second',
      bars: [
        { label: '1 process: /connect', value: pg.cluster.one.connect.reqPerSec },
        { label: '2 processes: /connect', value: pg.cluster.two.connect.reqPerSec },
      ],
    });
  }
  if (memory) {
    list.push({
      title: '4. Memory of the Strapi process',
      unit: 'MB resident after a full GC',
      bars: [
        { label: `after ${count(memory.early.signIns)} sign-ins`, value: memory.early.rssMb },
        { label: `after ${count(memory.late.signIns)} sign-ins`, value: memory.late.rssMb },
      ],
    });
  }
  if (pg.store) {
    const store = pg.store;
    list.push({
      title: "5. The rate-limit budget's cost, by store",
      unit: cpu,
      bars: [
        { label: 'GET /users/me', value: store.usersMe.cpuMsPerReq, reference: true },
        { label: 'budget off', value: store.off.cpuMsPerReq, reference: true },
        ...(['database', 'redis', 'memory'] as const).map((name) => ({
          label: `/connect, ${name} store`,
          value: store[name].cpuMsPerReq,
        })),
      ],
    });
  }
  if (pg.floor) {
    list.push({
      title: "6. /connect against the framework's floor",
      unit: cpu,
      bars: [
        { label: 'GET /api/bench/noop (floor)', value: pg.floor.noop.cpuMsPerReq, reference: true },
        { label: 'GET /users/me', value: pg.floor.usersMe.cpuMsPerReq, reference: true },
        { label: 'POST /connect, returning', value: pg.floor.connect.cpuMsPerReq },
      ],
    });
  }
  return list;
};

/** A horizontal bar chart, one scale per section, every bar labelled with its value. */
const svg = (list: readonly Section[], caption: string): string => {
  let y = 40;
  const parts: string[] = [
    `<text x="20" y="26" font-size="18" font-weight="bold">TikTok sign-in: what it costs Strapi</text>`,
  ];
  for (const section of list) {
    y += TITLE;
    parts.push(
      `<text x="20" y="${y - 10}" font-size="15" font-weight="bold">${escapeXml(section.title)}` +
        `<tspan font-weight="normal" fill="#555"> (${escapeXml(section.unit)})</tspan></text>`
    );
    const max = Math.max(...section.bars.map((bar) => bar.value));
    for (const bar of section.bars) {
      const width = max > 0 ? Math.max(1, (bar.value / max) * BAR_SPACE) : 1;
      const digits = bar.value >= 100 ? 0 : bar.value >= 10 ? 1 : 2;
      parts.push(
        `<text x="${LABEL_WIDTH - 10}" y="${y + 15}" font-size="13" text-anchor="end">` +
          `${escapeXml(bar.label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 7}" ` +
          `fill="${bar.reference ? '#9aa0a6' : '#fe2c55'}"/>`,
        `<text x="${LABEL_WIDTH + width + 6}" y="${y + 15}" font-size="13">` +
          `${bar.value.toFixed(digits)}</text>`
      );
      y += ROW;
    }
  }
  y += 30;
  parts.push(`<text x="20" y="${y - 10}" font-size="12" fill="#555">${escapeXml(caption)}</text>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" ` +
    `viewBox="0 0 ${WIDTH} ${y}" font-family="DejaVu Sans, Arial, sans-serif">` +
    `<rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`
  );
};

export interface ChartFigures {
  sqlite?: Throughput;
  /** The same app with its SQLite file in WAL mode. */
  sqliteWal?: Throughput;
  postgres: PostgresFigures;
  memory?: Memory;
}

/**
 * Writes the chart as SVG and, with `png` and Debian's Chromium, as PNG (what the README shows:
 * registry pages do not all display SVG). Returns the files written.
 */
export const writeChart = async (
  dir: string,
  figures: ChartFigures,
  png: boolean
): Promise<string[]> => {
  const caption =
    `npm run bench, ${new Date().toISOString().slice(0, 10)}: 2 shared vCPUs, loopback, ` +
    `concurrency ${CONCURRENCY}, median of 3; grey bars are references from the same run.`;
  const image = svg(sections(figures), caption);
  const svgFile = path.join(dir, 'performance.svg');
  writeFileSync(svgFile, image);
  if (!png || !existsSync(CHROMIUM)) return [svgFile];
  return [svgFile, await renderPng(svgFile)];
};

/** Renders an SVG file to a PNG next to it with Debian's Chromium; returns the PNG's path. */
export const renderPng = async (svgFile: string): Promise<string> => {
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1.5 });
    await page.setContent(`<body style="margin:0">${readFileSync(svgFile, 'utf8')}</body>`);
    const pngFile = svgFile.replace(/\.svg$/, '.png');
    await page.locator('svg').screenshot({ path: pngFile });
    return pngFile;
  } finally {
    await browser.close();
  }
};

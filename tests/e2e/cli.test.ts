import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `npm run demo` and `npm run emulator` as a person runs them: real processes, real signals. */

const ROOT = path.resolve(__dirname, '..', '..');
const OUTPUT_WAIT_MS = 45000;

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const run = (script: string, args: string[]): Running => {
  const child = spawn(process.execPath, [path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, DEMO_PORT: undefined, EMULATOR_PORT: undefined, LOG_LEVEL: 'error' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

/** Resolves with the first match of `pattern` in the output; fails if the process ends first. */
const waitForOutput = (running: Running, pattern: RegExp): Promise<RegExpMatchArray> =>
  new Promise((resolve, reject) => {
    const check = () => {
      const match = running.output().match(pattern);
      if (!match) return false;
      clearTimeout(timer);
      running.child.stdout!.off('data', check);
      resolve(match);
      return true;
    };
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} in:\n${running.output()}`)),
      OUTPUT_WAIT_MS
    );
    void running.exited.then(() => {
      if (!check()) {
        clearTimeout(timer);
        reject(new Error(`exited without ${pattern}:\n${running.output()}`));
      }
    });
    if (!check()) running.child.stdout!.on('data', check);
  });

const refused = (url: string) =>
  fetch(url).then(
    () => false,
    (error: { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED'
  );

let started: Running[] = [];
afterEach(() => {
  // Only if a test failed half-way: never leave a process behind.
  for (const { child } of started) if (child.exitCode === null) child.kill('SIGKILL');
  started = [];
});
const start = (script: string, args: string[]) => {
  const running = run(script, args);
  started.push(running);
  return running;
};

describe('npm run demo', () => {
  it('prints the URL to open, serves the page and Strapi, and Ctrl-C frees everything', async () => {
    const demo = start('dev/demo/dist/cli.js', ['--port', '0', '--emulator-port', '0']);
    const [, pageUrl] = await waitForOutput(demo, /Open {2}(http:\/\/127\.0\.0\.1:\d+\/)/);
    const [, emulatorUrl] = await waitForOutput(
      demo,
      /TikTok emulator +(http:\/\/127\.0\.0\.1:\d+)/
    );
    const [, databaseFile] = await waitForOutput(demo, /Database +(\S+)/);

    expect(await (await fetch(pageUrl)).text()).toContain('Continue with TikTok');
    const health = await fetch(new URL('/_health', pageUrl));
    expect(health.status).toBe(204);
    expect(existsSync(databaseFile)).toBe(true);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(await refused(pageUrl)).toBe(true);
    expect(await refused(`${emulatorUrl}/v2/auth/authorize/`)).toBe(true);
    expect(existsSync(databaseFile)).toBe(false);
  });

  it('says which port is taken when it cannot listen', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const demo = start('dev/demo/dist/cli.js', ['--port', String(port), '--emulator-port', '0']);
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toContain(`port ${port} is in use`);
    } finally {
      taken.close();
    }
  });

  it('takes a free port when a default one (3000, 4010) is taken, and says where it is', async () => {
    // Hold both defaults, unless something else on this machine already does.
    const held = await Promise.all(
      [3000, 4010].map(
        (port) =>
          new Promise<http.Server | undefined>((resolve) => {
            const server = http.createServer();
            server.once('error', () => resolve(undefined));
            server.listen(port, '127.0.0.1', () => resolve(server));
          })
      )
    );
    try {
      const demo = start('dev/demo/dist/cli.js', []);
      const [, pageUrl] = await waitForOutput(demo, /Open {2}(http:\/\/127\.0\.0\.1:\d+\/)/);
      const [, emulatorUrl] = await waitForOutput(
        demo,
        /TikTok emulator +(http:\/\/127\.0\.0\.1:\d+)/
      );
      expect(new URL(pageUrl).port).not.toBe('3000');
      expect(new URL(emulatorUrl).port).not.toBe('4010');
      expect(await (await fetch(pageUrl)).text()).toContain('Continue with TikTok');
      demo.child.kill('SIGINT');
      expect(await demo.exited).toBe(0);
    } finally {
      for (const server of held) server?.close();
    }
  });

  it('refuses a malformed port with the usage text', async () => {
    const demo = start('dev/demo/dist/cli.js', ['--port', 'eighty']);
    expect(await demo.exited).toBe(2);
    expect(demo.output()).toContain('--port eighty is not a port');
    expect(demo.output()).toContain('Usage: npm run demo');
  });
});

describe('npm run emulator', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tiktok-emulator-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the people of --people-file to the --redirect-uri allow-list only', async () => {
    const peopleFile = path.join(dir, 'people.json');
    writeFileSync(
      peopleFile,
      JSON.stringify([
        { id: 'tess', open_id: 'tess-open', union_id: 'tess-union', display_name: 'Tess Staging' },
      ])
    );
    const emulator = start('dev/emulator/dist/cli.js', [
      '--port',
      '0',
      '--client-key',
      'staging-key',
      '--people-file',
      peopleFile,
      '--redirect-uri',
      'https://staging.example.com/api/tiktok-auth-mobile/callback',
      '--redirect-uri',
      'https://app.example.com/tiktok',
    ]);
    const [, url] = await waitForOutput(emulator, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const authorize = (redirectUri: string) =>
      fetch(
        `${url}/v2/auth/authorize/?${new URLSearchParams({
          client_key: 'staging-key',
          scope: 'user.info.basic',
          response_type: 'code',
          redirect_uri: redirectUri,
        })}`
      );

    const consent = await authorize('https://app.example.com/tiktok');
    expect(consent.status).toBe(200);
    const html = await consent.text();
    expect(html).toContain('Continue as Tess Staging');
    expect(html).not.toContain('Alice');
    const unregistered = await authorize('https://evil.example.com/steal');
    expect(unregistered.status).toBe(400);
    expect(await unregistered.text()).toContain('redirect_uri is not registered');

    emulator.child.kill('SIGINT');
    expect(await emulator.exited).toBe(0);
    expect(await refused(url)).toBe(true);
  });

  it.each([
    ['not JSON', '{', 'cannot use --people-file'],
    ['not a list', '{"id":"x"}', 'must hold a non-empty JSON array'],
    ['a person without open_id', '[{"id":"x"}]', 'person #1 needs a non-empty string "open_id"'],
    [
      'an unknown behavior',
      '[{"id":"x","open_id":"o","behavior":"odd"}]',
      '"behavior" must be one of',
    ],
    [
      'a repeated id',
      '[{"id":"x","open_id":"o"},{"id":"x","open_id":"p"}]',
      'the id "x" is used twice',
    ],
  ])('refuses a people file that is %s', async (_case, content, message) => {
    const peopleFile = path.join(dir, 'bad.json');
    writeFileSync(peopleFile, content);
    const emulator = start('dev/emulator/dist/cli.js', [
      '--port',
      '0',
      '--people-file',
      peopleFile,
    ]);
    expect(await emulator.exited).toBe(2);
    expect(emulator.output()).toContain(message);
  });
});

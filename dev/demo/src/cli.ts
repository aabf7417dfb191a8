import { commandLine } from '../../emulator/src/cli-options';
import { startDemo } from './stack';

const USAGE = `Usage: npm run demo -- [options]

Starts, on 127.0.0.1 only, the TikTok emulator, the playground Strapi (a fresh SQLite file,
the plugin pointed at the emulator) and a page that plays your mobile app. Ctrl-C stops all.

  --port <n>            port of the demo page and Strapi's API (env DEMO_PORT, default 3000,
                        or a free port when 3000 is taken)
  --emulator-port <n>   port of the TikTok emulator (env EMULATOR_PORT, default 4010, or a
                        free port when 4010 is taken)
  --help                this text

Other plugin variables set in your shell apply too, e.g. UP_JWT_MANAGEMENT=refresh.
`;

const cli = commandLine('demo', USAGE);
const values = cli.parse({
  port: { type: 'string' },
  'emulator-port': { type: 'string' },
  help: { type: 'boolean' },
});
const chosenPort = values.port ?? process.env.DEMO_PORT;
const chosenEmulatorPort = values['emulator-port'] ?? process.env.EMULATOR_PORT;

const startedAt = Date.now();
const starting = startDemo({
  // A port the person chose is used or fails; a default one that is taken gives way.
  port: chosenPort === undefined ? undefined : cli.port('port', chosenPort),
  emulatorPort:
    chosenEmulatorPort === undefined ? undefined : cli.port('emulator-port', chosenEmulatorPort),
  preferredPorts: { page: 3000, emulator: 4010 },
  env: process.env,
});

let stopping = false;
const stop = () => {
  // A second Ctrl-C does not wait for a slow shutdown.
  if (stopping) process.exit(130);
  stopping = true;
  process.stdout.write('\nStopping the demo…\n');
  void starting
    .then((demo) => demo.close())
    .catch(() => undefined)
    .then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

starting.then(
  (demo) => {
    if (stopping) return;
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const origin = new URL(demo.url).origin;
    process.stdout.write(`
Continue with TikTok: the demo is ready (${seconds} s).

  Open  ${demo.url}

  Demo page + Strapi API   ${origin}   (Strapi's routes under ${origin}/api)
  TikTok emulator          ${demo.emulator.url}   (people: ${[...demo.emulator.people.keys()].join(', ')})
  Database                 ${demo.databaseFile}   (deleted on exit)

Ctrl-C stops everything.
`);
  },
  (error: NodeJS.ErrnoException & { port?: number }) => {
    const reason =
      error.code === 'EADDRINUSE'
        ? `port ${error.port} is in use: pick another with --port or --emulator-port`
        : (error.stack ?? error.message);
    process.stderr.write(`demo: could not start: ${reason}\n`);
    process.exit(1);
  }
);

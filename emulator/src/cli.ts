import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EmulatedPerson } from './people';
import { TikTokEmulator } from './server';

/** `npm run emulator -- --port 4010 --client-key … --client-secret … --people people.json` */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.EMULATOR_PORT ?? '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-key': { type: 'string', default: process.env.CLIENT_KEY ?? 'emulator-client-key' },
    'client-secret': {
      type: 'string',
      default: process.env.CLIENT_SECRET ?? 'emulator-client-secret',
    },
    people: { type: 'string' },
  },
});

const people = values.people
  ? (JSON.parse(readFileSync(values.people, 'utf8')) as EmulatedPerson[])
  : undefined;
const emulator = new TikTokEmulator({
  clientKey: values['client-key'],
  clientSecret: values['client-secret'],
  people,
});

emulator.listen(Number(values.port), values.host).then((url) => {
  process.stdout.write(
    `TikTok emulator listening on ${url} (people: ${[...emulator.people.keys()].join(', ')})\n`
  );
});

const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

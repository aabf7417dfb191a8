import { readFileSync } from 'node:fs';
import { commandLine } from './cli-options';
import { parsePeople } from './people';
import { TikTokEmulator } from './server';

const USAGE = `Usage: npm run emulator -- [options]

A local stand-in for TikTok Login Kit (authorize page, token endpoint with refresh, revoke,
user-info) and its signed webhook deliveries.
Point a development or staging Strapi at it; never a production one.

  --port <n>             port to listen on (env EMULATOR_PORT, default 4010; 0 = any free port)
  --host <address>       address to listen on (default 127.0.0.1)
  --client-key <key>     client key apps must send (env CLIENT_KEY, default emulator-client-key)
  --client-secret <s>    client secret (env CLIENT_SECRET, default emulator-client-secret)
  --people-file <path>   JSON array of test people replacing the built-in ones
  --redirect-uri <uri>   a registered redirect URI; repeat for several. When given, authorize
                         and token refuse any other, as TikTok does (default: any is accepted)
  --access-token-ttl <s> expires_in of access tokens, in seconds (default 86400)
  --refresh-token-ttl <s>
                         refresh_expires_in from the code exchange, in seconds (default 31536000)
  --webhook-url <url>    where "disconnect in TikTok" delivers authorization.removed, e.g.
                         http://127.0.0.1:1337/api/tiktok-auth-mobile/webhook
  --help                 this text
`;

const cli = commandLine('emulator', USAGE);
const values = cli.parse({
  port: { type: 'string', default: process.env.EMULATOR_PORT ?? '4010' },
  host: { type: 'string', default: '127.0.0.1' },
  'client-key': { type: 'string', default: process.env.CLIENT_KEY ?? 'emulator-client-key' },
  'client-secret': {
    type: 'string',
    default: process.env.CLIENT_SECRET ?? 'emulator-client-secret',
  },
  'people-file': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'access-token-ttl': { type: 'string' },
  'refresh-token-ttl': { type: 'string' },
  'webhook-url': { type: 'string' },
  help: { type: 'boolean' },
});
const port = cli.port('port', values.port);

const seconds = (flag: 'access-token-ttl' | 'refresh-token-ttl'): number | undefined => {
  const value = values[flag];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0
    ? parsed
    : cli.fail(`--${flag} ${value} is not a number of seconds`);
};

const webhookUrl = (): string | undefined => {
  const value = values['webhook-url'];
  if (value === undefined) return undefined;
  try {
    if (['http:', 'https:'].includes(new URL(value).protocol)) return value;
  } catch {
    // Reported below, as any other value that is not an http(s) URL.
  }
  return cli.fail(`--webhook-url ${value} is not an http(s) URL`);
};

const readPeople = (file: string) => {
  try {
    return parsePeople(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    return cli.fail(`cannot use --people-file ${file}: ${(error as Error).message}`);
  }
};

const emulator = new TikTokEmulator({
  clientKey: values['client-key'],
  clientSecret: values['client-secret'],
  people: values['people-file'] ? readPeople(values['people-file']) : undefined,
  redirectUris: values['redirect-uri'],
  accessTokenTtlSeconds: seconds('access-token-ttl'),
  refreshTokenTtlSeconds: seconds('refresh-token-ttl'),
  webhookUrl: webhookUrl(),
});

emulator.listen(port, values.host).then(
  (url) => {
    const redirects = values['redirect-uri']?.join(', ') ?? 'any (no --redirect-uri given)';
    process.stdout.write(
      `TikTok emulator listening on ${url}\n` +
        `  client key      ${emulator.clientKey}\n` +
        `  people          ${[...emulator.people.keys()].join(', ')}\n` +
        `  redirect URIs   ${redirects}\n` +
        `  token lifetimes access ${emulator.accessTokenTtlSeconds} s, refresh ${emulator.refreshTokenTtlSeconds} s\n` +
        `  webhook URL     ${emulator.webhookUrl ?? 'none (no --webhook-url given)'}\n` +
        `  disconnect      curl -X POST ${url}/emulator/people/<id>/disconnect?reason=1\n` +
        `  for Strapi      TIKTOK_API_BASE_URL=${url} TIKTOK_AUTHORIZE_URL=${url}/v2/auth/authorize/\n`
    );
  },
  (error: Error) => {
    process.stderr.write(`emulator: cannot listen on ${values.host}:${port}: ${error.message}\n`);
    process.exit(1);
  }
);

const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

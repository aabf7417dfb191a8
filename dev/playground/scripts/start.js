// @ts-check
/**
 * `npm run playground`: the TikTok emulator and the playground Strapi (SQLite, plugin pointed
 * at the emulator) on 127.0.0.1, then the curl commands that sign a test person in.
 * Both stop on Ctrl-C.
 */
const path = require('node:path');
const { TikTokEmulator } = require('../../emulator/dist');
// The launcher as `npm run build:demo` bundles it next to the demo.
const { loadPlayground } = require('../../demo/dist/launcher');

const HOST = '127.0.0.1';
const STRAPI_PORT = Number(process.env.PORT || 1337);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT || 4010);
// Kept between runs, unlike the demo's: the playground is for trying things over time.
const DATABASE_FILE = path.join(__dirname, '..', '.tmp', 'data.db');

const main = async () => {
  const emulator = new TikTokEmulator();
  const tiktokUrl = await emulator.listen(EMULATOR_PORT, HOST);
  const strapiUrl = `http://${HOST}:${STRAPI_PORT}`;

  // What a real app puts in .env; here every value points at this machine. Other plugin
  // variables set in the shell (e.g. UP_JWT_MANAGEMENT=refresh) apply too.
  const app = await loadPlayground(
    {
      ...process.env,
      HOST,
      PORT: String(STRAPI_PORT),
      CLIENT_KEY: emulator.clientKey,
      CLIENT_SECRET: emulator.clientSecret,
      REDIRECT_APP_URL: process.env.REDIRECT_APP_URL || 'myapp://auth/tiktok',
      STRAPI_URL: strapiUrl,
      TIKTOK_API_BASE_URL: tiktokUrl,
      TIKTOK_AUTHORIZE_URL: `${tiktokUrl}/v2/auth/authorize/`,
      TIKTOK_SCOPES: 'user.info.basic,user.info.profile',
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    },
    DATABASE_FILE
  );
  await app.strapi.listen();

  const callbackUrl = `${strapiUrl}/api/tiktok-auth-mobile/callback`;
  const authorize = `${tiktokUrl}/v2/auth/authorize/?${new URLSearchParams({
    client_key: emulator.clientKey,
    scope: 'user.info.basic,user.info.profile',
    response_type: 'code',
    redirect_uri: callbackUrl,
    state: 'demo',
    person: 'alice',
  })}`;
  process.stdout.write(`
TikTok emulator  ${tiktokUrl}   (people: ${[...emulator.people.keys()].join(', ')})
Strapi           ${strapiUrl}   (redirect URI: ${callbackUrl})

Sign "alice" in, as the TikTok app, the browser and your app would:

  CALLBACK=$(curl -s -o /dev/null -w '%{redirect_url}' '${authorize}')
  APP_URL=$(curl -s -o /dev/null -w '%{redirect_url}' "$CALLBACK"); echo "$APP_URL"
  TOKEN=$(echo "$APP_URL" | sed -E 's/.*access_token=([^&#]*).*/\\1/')
  ANSWER=$(curl -s -X POST ${strapiUrl}/api/tiktok-auth-mobile/connect -H 'Content-Type: application/json' \\
    -d "{\\"access_token\\":\\"$TOKEN\\"}"); echo "$ANSWER"
  JWT=$(echo "$ANSWER" | sed -E 's/.*"jwt":"([^"]*)".*/\\1/')
  curl -s ${strapiUrl}/api/users/me -H "Authorization: Bearer $JWT"

Flow B (server-side PKCE; the cookie jar plays the browser):

  TIKTOK=$(curl -s -c .tmp/jar -o /dev/null -w '%{redirect_url}' '${strapiUrl}/api/tiktok-auth-mobile/authorize?state=demo')
  CALLBACK=$(curl -s -o /dev/null -w '%{redirect_url}' "$TIKTOK&person=bob")
  curl -s -b .tmp/jar -o /dev/null -w '%{redirect_url}\\n' "$CALLBACK"

Ctrl-C stops both.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

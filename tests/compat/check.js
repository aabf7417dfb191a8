// Drives one booted compatibility app over HTTP (and its admin in Chromium), the way a new user's
// app would, and prints one "PASS name" or "FAIL name: reason" line per check for run.sh to count.
//
//   node check.js flows     <strapi origin> <emulator origin> <client key> <client secret>
//   node check.js settings  <strapi origin> <screenshot path>
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const [mode, origin, third, clientKey, clientSecret] = process.argv.slice(2);
const API = `${origin}/api/tiktok-auth-mobile`;
// Flow C's redirect URI, listed in TIKTOK_ALLOWED_REDIRECT_URIS by run.sh; the app never serves it.
const APP_REDIRECT = 'http://127.0.0.1:9/tiktok-sdk';

let failed = 0;
// `explain`, when given, turns the error into the reason printed (e.g. after saving evidence).
const check = async (name, fn, explain) => {
  try {
    await fn();
    console.log(`PASS ${name}`);
  } catch (error) {
    failed += 1;
    const reason = explain
      ? await explain(error).catch((e) => `${error.message} (${e.message})`)
      : error.message;
    console.log(`FAIL ${name}: ${reason}`);
  }
};
const assert = (ok, message) => {
  if (!ok) throw new Error(message);
};

const redirectOf = async (url, init) => {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const location = response.headers.get('location');
  assert(location, `${url.split('?')[0]} answered ${response.status} without a redirect`);
  return new URL(location);
};

const postJson = async (url, body) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

/** The session answer must be a users-permissions JWT that /api/users/me accepts. */
const expectSignedIn = async ({ status, body }) => {
  assert(status === 200, `answered ${status}: ${JSON.stringify(body.error ?? body)}`);
  assert(body.user?.provider === 'tiktok', 'the user is not a TikTok user');
  const me = await fetch(`${origin}/api/users/me`, {
    headers: { Authorization: `Bearer ${body.jwt}` },
  });
  const user = await me.json();
  assert(me.status === 200, `GET /api/users/me answered ${me.status}`);
  assert(
    user.id === body.user.id,
    `the JWT is user ${user.id}'s, the answer named ${body.user.id}`
  );
};

const flows = async (emulator) => {
  const authorize = (params) =>
    redirectOf(
      `${emulator}/v2/auth/authorize/?${new URLSearchParams({
        client_key: clientKey,
        scope: 'user.info.basic,user.info.profile',
        response_type: 'code',
        state: 'compat',
        ...params,
      })}`
    );

  await check('Flow A: /callback then /connect', async () => {
    const callback = await authorize({ redirect_uri: `${API}/callback`, person: 'alice' });
    const appUrl = await redirectOf(callback.href);
    const accessToken = appUrl.searchParams.get('access_token');
    assert(accessToken, `the app was sent ${appUrl.search}`);
    await expectSignedIn(await postJson(`${API}/connect`, { access_token: accessToken }));
  });

  await check('Flow C: /token with PKCE', async () => {
    const verifier = nodeCrypto.randomBytes(32).toString('hex');
    const challenge = nodeCrypto.createHash('sha256').update(verifier).digest('hex');
    const appUrl = await authorize({
      redirect_uri: APP_REDIRECT,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      person: 'bob',
    });
    const code = appUrl.searchParams.get('code');
    assert(code, `the app was sent ${appUrl.search}`);
    await expectSignedIn(
      await postJson(`${API}/token`, { code, code_verifier: verifier, redirect_uri: APP_REDIRECT })
    );
  });

  // The raw body reaches the signature check ahead of the app's own body parser on every
  // supported Strapi: one byte changed after signing must be refused.
  await check('webhook: verified over the raw body', async () => {
    const body = JSON.stringify({
      client_key: clientKey,
      event: 'authorization.removed',
      create_time: Math.floor(Date.now() / 1000),
      user_openid: 'compat-nobody',
      content: '{"reason":1}',
    });
    const t = Math.floor(Date.now() / 1000);
    const s = nodeCrypto.createHmac('sha256', clientSecret).update(`${t}.${body}`).digest('hex');
    const deliver = (bytes) =>
      fetch(`${API}/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'TikTok-Signature': `t=${t},s=${s}` },
        body: bytes,
      });
    const signed = await deliver(body);
    assert(signed.status === 200, `the signed event answered ${signed.status}`);
    const changed = await deliver(`${body} `);
    assert(changed.status === 401, `a changed body answered ${changed.status}`);
  });
};

/** What went wrong in the page while the check ran: console and page errors, bad responses. */
const recordTroubles = (page) => {
  const journal = [];
  const note = (line) => journal.push(`${new Date().toISOString()} ${line}`);
  // Errors only: both admins warn about deprecations on every load.
  page.on('console', (message) => {
    if (message.type() === 'error') note(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => note(`page error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) =>
    note(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`)
  );
  page.on('response', (response) => {
    if (response.status() >= 400)
      note(`response ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) note(`at ${frame.url()}`);
  });
  return journal;
};

/**
 * Saves what the page showed when the check failed (a screenshot, and its URL, text and troubles
 * in a .txt beside it), so that a failure in CI explains itself; returns the reason to print.
 */
const explainFailure = async (page, journal, screenshot, error) => {
  const base = screenshot.replace(/\.png$/, '-failure');
  await page.screenshot({ path: `${base}.png` }).catch(() => {});
  const text = await page
    .evaluate(() => document.body.innerText)
    .catch((e) => `(no text: ${e.message})`);
  const report = [
    `URL: ${page.url()}`,
    `Error: ${error.message}`,
    '',
    '== Page text',
    text,
    '',
    '== Troubles (console and page errors, failed requests, responses >= 400, navigations)',
    ...journal,
  ];
  fs.writeFileSync(`${base}.txt`, `${report.join('\n')}\n`);
  const where = path.relative(process.cwd(), base);
  return `${error.message.split('\n')[0]} at ${page.url()} (see ${where}.png and ${where}.txt)`;
};

const settings = async (screenshot) => {
  // playwright-core and Chromium come from this repository and Debian, never from the app.
  const { chromium } = require(
    path.resolve(__dirname, '..', '..', 'node_modules', 'playwright-core')
  );
  const admin = {
    email: 'compat@example.com',
    password: 'Compat-Check-1',
    firstname: 'Compat',
    lastname: 'Check',
  };
  await check('admin: register the first admin', async () => {
    const { status, body } = await postJson(`${origin}/admin/register-admin`, admin);
    assert(status === 200 || status === 201, `answered ${status}: ${JSON.stringify(body)}`);
  });

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    // Tall enough for the whole page: 5.54's admin scrolls inside its layout, so `fullPage`
    // would stop at the viewport.
    const page = await browser.newPage({ viewport: { width: 1280, height: 2800 } });
    const journal = recordTroubles(page);
    await check(
      'admin: the settings page shows the missing secret as missing',
      async () => {
        // Straight to the page, as from a link: the admin asks for a login, then opens the page
        // itself (`?redirectTo`), with no reload. A reload just after the login, while 5.18's admin
        // is renewing its fresh token, aborts that renewal, which 5.18 takes for a failed one: it
        // deletes the token and shows the login page instead (a CI failure, under load).
        await page.goto(`${origin}/admin/settings/tiktok-auth-mobile`);
        await page.getByLabel(/^Email/).fill(admin.email);
        await page.getByLabel(/^Password/).fill(admin.password);
        await page.getByRole('button', { name: 'Login' }).click();
        const badge = page.locator('[data-setting="clientSecret"] [data-state]');
        await badge.waitFor({ timeout: 60_000 });
        const state = await badge.getAttribute('data-state');
        assert(state === 'missing', `clientSecret is "${state}"`);
        // The badge must look different from a set one, not just carry another word.
        const colours = await page.evaluate(() =>
          ['clientSecret', 'clientKey'].map((key) => {
            /* global document, getComputedStyle -- runs in the page */
            const el = document.querySelector(`[data-setting="${key}"] [data-state]`);
            return getComputedStyle(el).backgroundColor;
          })
        );
        assert(colours[0] !== colours[1], `missing and set badges share ${colours[0]}`);
        // Strapi's own "new Media Library" banner (5.5x) only clutters the screenshot.
        const closeBanner = page.getByRole('button', { name: 'Close' });
        if ((await closeBanner.count()) === 1) await closeBanner.click();
        await page.mouse.move(0, 0);
        await page.screenshot({ path: screenshot });
      },
      (error) => explainFailure(page, journal, screenshot, error)
    );
  } finally {
    await browser.close();
  }
};

(mode === 'flows' ? flows(third) : settings(third)).then(
  () => process.exit(failed > 0 ? 1 : 0),
  (error) => {
    console.log(`FAIL ${mode}: ${error.message}`);
    process.exit(1);
  }
);

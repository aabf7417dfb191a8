import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser';
import { createAdmin } from '../integration/admin-users';
import {
  CALLBACK_URL,
  route,
  STRAPI_URL,
  startTestApp,
  type TestApp,
} from '../integration/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, '.tmp', 'admin-e2e');
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

let browser: Browser;
let context: BrowserContext;
let page: Page;
// The Strapi under test; the only origin the browser may reach.
let origin = 'http://127.0.0.1:0';

beforeAll(async () => {
  // Once per run, in its own process: the admin bundle is the slow part (skipped if up to date).
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'dev', 'playground', 'scripts', 'build-admin.js')],
    {
      stdio: 'inherit',
      timeout: BUILD_TIMEOUT_MS,
    }
  );

  browser = await launchChromium();
  context = await browser.newContext({
    // SCREENSHOT_HEIGHT=2000 makes the README's docs/settings-page.png.
    viewport: { width: 1280, height: Number(process.env.SCREENSHOT_HEIGHT ?? 1000) },
  });
  await context.route('**/*', (route) =>
    route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()
  );
  page = await context.newPage();
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
});

/** Boots the playground with its admin panel on a real port and signs a new Super Admin in. */
const startAdmin = async (env: Record<string, string> = {}): Promise<TestApp> => {
  const app = await startTestApp({ env: { SERVE_ADMIN: 'true', ...env } });
  const login = await createAdmin(app.strapi, 'super-admin');
  const server = app.strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  await context.clearCookies();
  await page.goto(`${origin}/admin`);
  await page.getByLabel(/^Email/).fill(login.email);
  await page.getByLabel(/^Password/).fill(login.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL(/\/admin(\/)?$/);
  return app;
};

const stateOf = (setting: string) =>
  page.locator(`[data-setting="${setting}"] [data-state]`).getAttribute('data-state');

const checkCredentials = async () => {
  await page.getByRole('button', { name: 'Check credentials' }).click();
  const verdict = page.locator('[data-outcome]');
  await verdict.waitFor();
  return verdict;
};

describe('with the right credentials', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startAdmin({ TIKTOK_STORE_TOKENS: 'true' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('opens Settings → TikTok Auth Mobile, shows the redirect URI and checks the credentials', async () => {
    await page.goto(`${origin}/admin/settings`);
    await page.getByRole('link', { name: 'Setup & status' }).click();
    await page.waitForURL(`${origin}/admin/settings/tiktok-auth-mobile`);

    await expect(page.getByTestId('redirect-uri').textContent()).resolves.toBe(CALLBACK_URL);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await page.getByRole('button', { name: 'Copy the redirect URI' }).click();
    await page.getByText('Redirect URI copied').waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(CALLBACK_URL);
    await expect(page.getByTestId('tiktok-users').textContent()).resolves.toBe(
      'No linked TikTok accounts yet'
    );
    await expect(page.getByTestId('webhook-url').textContent()).resolves.toBe(
      `${STRAPI_URL}${route('webhook')}`
    );
    await expect(page.getByTestId('token-counts').textContent()).resolves.toBe(
      'No TikTok account has tokens stored' +
        'none must sign in again within 7 days' +
        'No tokens refused by TikTok'
    );
    await expect(page.getByTestId('disconnected-count').textContent()).resolves.toBe(
      'Nobody removed the app in TikTok'
    );
    await expect(stateOf('clientSecret')).resolves.toBe('set');
    await expect(
      page.locator('[data-setting="clientSecret"]').textContent()
    ).resolves.not.toContain(app.emulator.clientSecret);

    // Strapi's own "new Media Library" banner only clutters the screenshot; it may not be shown.
    const closeBanner = page.getByRole('button', { name: 'Close' });
    if ((await closeBanner.count()) === 1) await closeBanner.click();

    const verdict = await checkCredentials();
    await expect(verdict.getAttribute('data-outcome')).resolves.toBe('accepted');
    await expect(verdict.textContent()).resolves.toMatch(/TikTok log_id: [0-9A-F]{24}\./);

    await page.mouse.move(0, 0);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page.png') });
  });
});

describe('with a wrong client secret', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startAdmin({ CLIENT_SECRET: 'not-the-emulator-secret' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('says TikTok rejected the key or secret and marks both invalid', async () => {
    await page.goto(`${origin}/admin/settings/tiktok-auth-mobile`);
    await expect(stateOf('clientKey')).resolves.toBe('set');

    const verdict = await checkCredentials();
    await expect(verdict.getAttribute('data-outcome')).resolves.toBe('rejected');
    await expect(verdict.textContent()).resolves.toContain('TikTok answered invalid_client');
    await expect(stateOf('clientKey')).resolves.toBe('invalid');
    await expect(stateOf('clientSecret')).resolves.toBe('invalid');
    await expect(stateOf('redirectAppUrl')).resolves.toBe('set');
  });
});

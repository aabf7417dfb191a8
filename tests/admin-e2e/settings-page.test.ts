import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createAdmin, type AdminLogin } from '../integration/admin-users';
import { CALLBACK_URL, startTestApp, type TestApp } from '../integration/harness';

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(ROOT, '.tmp', 'admin-e2e');
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

let app: TestApp;
let login: AdminLogin;
let origin: string;
let profileDir: string;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  // Once per run, in its own process: the admin bundle is the slow part (skipped if up to date).
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-playground-admin.js')], {
    stdio: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
  });

  app = await startTestApp({ env: { SERVE_ADMIN: 'true' } });
  login = await createAdmin(app.strapi, 'super-admin');
  const server = app.strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  profileDir = mkdtempSync(path.join(tmpdir(), 'tiktok-admin-e2e-chromium-'));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1280, height: Number(process.env.SCREENSHOT_HEIGHT ?? 1000) },
  });
  // Nothing leaves this machine: only the Strapi under test is reachable.
  await browser.route('**/*', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort()
  );
  page = browser.pages()[0] ?? (await browser.newPage());
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await app?.close();
});

it('logs in, opens Settings → TikTok Auth Mobile, shows the redirect URI and checks the credentials', async () => {
  await page.goto(`${origin}/admin`);
  await page.getByLabel(/^Email/).fill(login.email);
  await page.getByLabel(/^Password/).fill(login.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL(/\/admin(\/)?$/);

  await page.goto(`${origin}/admin/settings`);
  await page.getByRole('link', { name: 'Setup & status' }).click();
  await page.waitForURL(`${origin}/admin/settings/tiktok-auth-mobile`);

  await expect(page.getByTestId('redirect-uri').textContent()).resolves.toBe(CALLBACK_URL);
  await expect(page.getByTestId('tiktok-users').textContent()).resolves.toBe('No TikTok users yet');
  await expect(
    page.locator('[data-setting="clientSecret"] [data-state]').getAttribute('data-state')
  ).resolves.toBe('set');
  await expect(page.locator('[data-setting="clientSecret"]').textContent()).resolves.not.toContain(
    app.emulator.clientSecret
  );

  // Strapi's own "new Media Library" banner only clutters the screenshot; it may not be shown.
  const closeBanner = page.getByRole('button', { name: 'Close' });
  if ((await closeBanner.count()) === 1) await closeBanner.click();

  await page.getByRole('button', { name: 'Check credentials' }).click();
  const verdict = page.locator('[data-outcome]');
  await verdict.waitFor();
  await expect(verdict.getAttribute('data-outcome')).resolves.toBe('accepted');
  await expect(verdict.textContent()).resolves.toMatch(/TikTok log_id: [0-9A-F]{24}\./);

  await page.mouse.move(0, 0);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-page.png') });
});

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemo, type DemoOptions, type DemoStack } from '../../dev/demo/src/stack';
import { USER_UID } from '../../server/src/constants';
import { launchChromium } from './browser';

export const ALICE_EMAIL = 'c8f1a9d2-7b1e-5c44-9a31-a11ce0000001@tiktok.com';

const jwtExpiry = (jwt: string) => {
  const { exp } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as {
    exp: number;
  };
  return new Date(exp * 1000).toISOString().replace('T', ' ').slice(0, 19);
};

/**
 * One demo and one Chromium for the test file, a fresh browser context (no cookie or storage of
 * one test helps the next) per test, and the steps and checks the tests share.
 */
export const useDemoInBrowser = (options?: DemoOptions) => {
  let demo: DemoStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the tab showed during the test, in order. */
  let visited: string[];

  beforeAll(async () => {
    demo = await startDemo(options);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 960, height: 800 } });
    // Each step is local and quick: a missing page or element should fail the test well before
    // jest's own timeout, with Playwright's message naming what it waited for.
    context.setDefaultTimeout(15000);
    page = await context.newPage();
    visited = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
  });
  afterEach(async () => {
    await context.close();
  });

  const usersWithEmail = (email: string) =>
    demo.strapi.db.query(USER_UID).findMany({ where: { email } });

  const result = async () => ({
    state: await page.getAttribute('#result', 'data-state'),
    title: await page.textContent('#result-title'),
    error: (await page.isVisible('#result-error')) ? await page.textContent('#result-error') : null,
  });

  const listField = (list: string, field: string) =>
    page.textContent(`#${list} dt:text-is("${field}") + dd`);
  const userField = (field: string) => listField('user', field);

  /** Picks `person` (or "deny") on the emulator's consent page the page sent the tab to. */
  const consentAs = async (person: string) => {
    await page.waitForURL(`${demo.emulator.url}/v2/auth/authorize/**`);
    await page.click(`a[data-person="${person}"]`);
  };

  return {
    get demo() {
      return demo;
    },
    get page() {
      return page;
    },
    get visited() {
      return visited;
    },
    usersWithEmail,
    result,
    userField,
    /** A field of the signed-in user's TikTok account, as the page shows `GET /me`. */
    identityField: (field: string) => listField('identity', field),
    consentAs,

    /** Clicks a flow's button, then the person (or "deny") on the emulator's consent page. */
    continueWithTikTok: async (flow: 'A' | 'B' | 'C', person: string) => {
      await page.goto(demo.url);
      await page.click(`button[data-flow="${flow}"]`);
      await consentAs(person);
      await page.locator('#result:not([data-state="idle"])').waitFor();
    },

    /** The JSON body of the next answer of a plugin route, as the page received it. */
    nextAnswerOf: (route: string) =>
      page
        .waitForResponse((response) => new URL(response.url()).pathname.endsWith(route))
        .then((response) => response.json() as Promise<{ jwt: string; user: { id: number } }>),

    /** What the page shows once signed in, checked against the database and the JWT it got. */
    expectSignedIn: async (flow: string, email: string, jwt: string) => {
      const [user] = await usersWithEmail(email);
      expect(user).toMatchObject({ provider: 'tiktok', confirmed: true, blocked: false });
      expect(await result()).toEqual({
        state: 'signed-in',
        title: `Signed in with flow ${flow} as ${user.username}`,
        error: null,
      });
      expect(await userField('email')).toBe(email);
      expect(await userField('id')).toBe(String(user.id));
      expect(await page.textContent('#jwt-expiry')).toContain(`${jwtExpiry(jwt)} UTC`);
      const me = JSON.parse((await page.textContent('#me')) ?? '');
      expect(me).toMatchObject({ id: user.id, email, username: user.username, provider: 'tiktok' });
      // The answer was read from the URL, then the URL was cleaned.
      expect(page.url()).toBe(demo.url);
    },
  };
};

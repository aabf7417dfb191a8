import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BLOCKED_PERSON, startDemo, type DemoStack } from '../../demo/src/stack';
import { USER_UID } from '../../server/src/plugin-id';
import { launchChromium, screenshot } from './browser';

const ALICE_EMAIL = 'c8f1a9d2-7b1e-5c44-9a31-a11ce0000001@tiktok.com';
const BOB_EMAIL = 'b0b-union-id-2@tiktok.com';
const TOKEN_ENDPOINT = '/v2/oauth/token/';

let demo: DemoStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every URL the tab showed during the test: tokens must never be left in one. */
let visited: string[];

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
});
beforeEach(async () => {
  // A fresh context per test: no cookie or storage of one flow helps the next.
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

/** Clicks a flow's button, then the person (or "deny") on the emulator's consent page. */
const continueWithTikTok = async (flow: 'A' | 'B' | 'C', person: string) => {
  await page.goto(demo.url);
  await page.click(`button[data-flow="${flow}"]`);
  await page.waitForURL(`${demo.emulator.url}/v2/auth/authorize/**`);
  await page.click(`a[data-person="${person}"]`);
  await page.locator('#result:not([data-state="idle"])').waitFor();
};

const result = async () => ({
  state: await page.getAttribute('#result', 'data-state'),
  title: await page.textContent('#result-title'),
  error: (await page.isVisible('#result-error')) ? await page.textContent('#result-error') : null,
});

const userField = (field: string) => page.textContent(`#user dt:text-is("${field}") + dd`);

const jwtExpiry = (jwt: string) => {
  const { exp } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as {
    exp: number;
  };
  return new Date(exp * 1000).toISOString().replace('T', ' ').slice(0, 19);
};

/** What the page shows once signed in, checked against the database and the JWT it received. */
const expectSignedIn = async (flow: string, email: string, jwt: string) => {
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
};

/** The JSON body of the next answer of a plugin route, as the page received it. */
const nextAnswerOf = (route: string) =>
  page
    .waitForResponse((response) => new URL(response.url()).pathname.endsWith(route))
    .then((response) => response.json() as Promise<{ jwt: string }>);

describe('the demo page in Chromium', () => {
  it('flow A: TikTok token via /callback, then /connect, signs Alice in', async () => {
    const answer = nextAnswerOf('/connect');
    await continueWithTikTok('A', 'alice');

    await expectSignedIn('A', ALICE_EMAIL, (await answer).jwt);
    expect(await usersWithEmail(ALICE_EMAIL)).toHaveLength(1);
    expect(visited.some((url) => url.includes('access_token='))).toBe(true);
    await screenshot(page, 'flow-a-signed-in');
  });

  it('flow B: /authorize with server-side PKCE signs Bob in', async () => {
    const answer = nextAnswerOf('/connect');
    await continueWithTikTok('B', 'bob');

    await expectSignedIn('B', BOB_EMAIL, (await answer).jwt);
    expect(await usersWithEmail(BOB_EMAIL)).toHaveLength(1);
    // The browser went through Strapi's /authorize, which sent it to TikTok with a challenge.
    const toTikTok = new URL(visited.find((url) => url.startsWith(demo.emulator.url))!);
    expect(toTikTok.searchParams.get('code_challenge')).toMatch(/^[0-9a-f]{64}$/);
    expect(toTikTok.searchParams.get('redirect_uri')).toBe(
      `${new URL(demo.url).origin}/api/tiktok-auth-mobile/callback`
    );
    await screenshot(page, 'flow-b-signed-in');
  });

  it('flow C: the page sends code and verifier to /token; no TikTok token reaches it', async () => {
    demo.emulator.addPerson({
      id: 'carol',
      open_id: '_000carol-open-id',
      union_id: 'carol-union-id-7',
      display_name: 'Carol Code',
      username: 'carol.code',
    });
    const answer = nextAnswerOf('/token');
    await continueWithTikTok('C', 'carol');

    await expectSignedIn('C', 'carol-union-id-7@tiktok.com', (await answer).jwt);
    expect(await usersWithEmail('carol-union-id-7@tiktok.com')).toHaveLength(1);
    const toTikTok = new URL(visited.find((url) => url.startsWith(demo.emulator.url))!);
    expect(toTikTok.searchParams.get('code_challenge_method')).toBe('S256');
    expect(visited.some((url) => url.includes('code='))).toBe(true);
    expect(visited.some((url) => url.includes('access_token'))).toBe(false);
    await screenshot(page, 'flow-c-signed-in');
  });

  it('a denial on the consent page shows TikTok’s reason and signs nobody in', async () => {
    const usersBefore = await demo.strapi.db.query(USER_UID).count();
    const exchangesBefore = demo.emulator.callCount(TOKEN_ENDPOINT);
    await continueWithTikTok('A', 'deny');

    expect(await result()).toEqual({
      state: 'error',
      title: 'Sign-in failed',
      error: 'access_denied: The user denied the authorization request.',
    });
    expect(await page.isVisible('#session')).toBe(false);
    expect(await demo.strapi.db.query(USER_UID).count()).toBe(usersBefore);
    expect(demo.emulator.callCount(TOKEN_ENDPOINT)).toBe(exchangesBefore);
    await screenshot(page, 'denied');
  });

  it('a blocked user is refused with the users-permissions message and gets no JWT', async () => {
    const blockedEmail = `${BLOCKED_PERSON.union_id}@tiktok.com`;
    const connect = page.waitForResponse((response) => response.url().endsWith('/connect'));
    await continueWithTikTok('A', BLOCKED_PERSON.id);

    expect(await result()).toEqual({
      state: 'error',
      title: 'Sign-in failed',
      error: 'Your account has been blocked by an administrator',
    });
    const response = await connect;
    expect(response.status()).toBe(400);
    expect(await response.json()).not.toHaveProperty('jwt');
    const users = await usersWithEmail(blockedEmail);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ blocked: true, provider: 'tiktok' });
    await screenshot(page, 'blocked');
  });

  it('a made-up token sent to /connect shows TikTok’s refusal', async () => {
    await page.goto(demo.url);
    await page.click('#bad-token');
    await page.locator('#result[data-state="error"]').waitFor();

    expect((await result()).error).toBe(
      'Failed to fetch TikTok user: Request failed with status code 401'
    );
    await screenshot(page, 'bad-token');
  });
});

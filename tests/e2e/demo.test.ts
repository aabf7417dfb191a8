import { BLOCKED_PERSON } from '../../dev/demo/src/stack';
import { USER_UID } from '../../server/src/constants';
import { screenshot } from './browser';
import { ALICE_EMAIL, useDemoInBrowser } from './demo-in-browser';

const BOB_EMAIL = 'b0b-union-id-2@tiktok.com';
const TOKEN_ENDPOINT = '/v2/oauth/token/';

const tab = useDemoInBrowser();
const { continueWithTikTok, expectSignedIn, nextAnswerOf, result, usersWithEmail } = tab;

describe('the demo page in Chromium', () => {
  it('flow A: TikTok token via /callback, then /connect, signs Alice in', async () => {
    const answer = nextAnswerOf('/connect');
    await continueWithTikTok('A', 'alice');

    await expectSignedIn('A', ALICE_EMAIL, (await answer).jwt);
    expect(await usersWithEmail(ALICE_EMAIL)).toHaveLength(1);
    expect(tab.visited.some((url) => url.includes('access_token='))).toBe(true);
    await screenshot(tab.page, 'flow-a-signed-in');
  });

  it('flow B: /authorize with server-side PKCE signs Bob in', async () => {
    const answer = nextAnswerOf('/connect');
    await continueWithTikTok('B', 'bob');

    await expectSignedIn('B', BOB_EMAIL, (await answer).jwt);
    expect(await usersWithEmail(BOB_EMAIL)).toHaveLength(1);
    // The browser went through Strapi's /authorize, which sent it to TikTok with a challenge.
    const toTikTok = new URL(tab.visited.find((url) => url.startsWith(tab.demo.emulator.url))!);
    expect(toTikTok.searchParams.get('code_challenge')).toMatch(/^[0-9a-f]{64}$/);
    expect(toTikTok.searchParams.get('redirect_uri')).toBe(
      `${new URL(tab.demo.url).origin}/api/tiktok-auth-mobile/callback`
    );
    await screenshot(tab.page, 'flow-b-signed-in');
  });

  it('flow C: the page sends code and verifier to /token; no TikTok token reaches it', async () => {
    tab.demo.emulator.addPerson({
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
    const toTikTok = new URL(tab.visited.find((url) => url.startsWith(tab.demo.emulator.url))!);
    expect(toTikTok.searchParams.get('code_challenge_method')).toBe('S256');
    expect(tab.visited.some((url) => url.includes('code='))).toBe(true);
    expect(tab.visited.some((url) => url.includes('access_token'))).toBe(false);
    await screenshot(tab.page, 'flow-c-signed-in');
  });

  it('a denial on the consent page shows TikTok’s reason and signs nobody in', async () => {
    const usersBefore = await tab.demo.strapi.db.query(USER_UID).count();
    const exchangesBefore = tab.demo.emulator.callCount(TOKEN_ENDPOINT);
    await continueWithTikTok('A', 'deny');

    expect(await result()).toEqual({
      state: 'error',
      title: 'Sign-in failed',
      error: 'access_denied: The user denied the authorization request.',
    });
    expect(await tab.page.isVisible('#session')).toBe(false);
    expect(await tab.demo.strapi.db.query(USER_UID).count()).toBe(usersBefore);
    expect(tab.demo.emulator.callCount(TOKEN_ENDPOINT)).toBe(exchangesBefore);
    await screenshot(tab.page, 'denied');
  });

  it('a blocked user is refused with the users-permissions message and gets no JWT', async () => {
    const blockedEmail = `${BLOCKED_PERSON.union_id}@tiktok.com`;
    const connect = tab.page.waitForResponse((response) => response.url().endsWith('/connect'));
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
    await screenshot(tab.page, 'blocked');
  });

  it('a made-up token sent to /connect shows TikTok’s refusal', async () => {
    await tab.page.goto(tab.demo.url);
    await tab.page.click('#bad-token');
    await tab.page.locator('#result[data-state="error"]').waitFor();

    expect((await result()).error).toBe(
      'Failed to fetch TikTok user: Request failed with status code 401'
    );
    await screenshot(tab.page, 'bad-token');
  });
});

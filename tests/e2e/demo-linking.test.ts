import { IDENTITY_UID, USER_UID } from '../../server/src/constants';
import { screenshot } from './browser';
import { ALICE_EMAIL, useDemoInBrowser } from './demo-in-browser';

/** Its own demo (a fresh database): no TikTok person here has signed in before. */
const tab = useDemoInBrowser();
const { consentAs, identityField, result, userField, usersWithEmail } = tab;

const LINKED = 'TikTok linked: Continue with TikTok now signs into this account';
const UNLINKED = 'TikTok unlinked: Continue with TikTok no longer signs into this account';
const NO_IDENTITY = 'No TikTok account is linked to this user.';
const BOB_EMAIL = 'b0b-union-id-2@tiktok.com';

const identitiesOf = (userId: number) =>
  tab.demo.strapi.db.query(IDENTITY_UID).findMany({ where: { userId } });

/** Waits until the page's result reads `title`, then checks it: signed in, or `refusal` shown. */
const expectOutcome = async (title: string, refusal?: string) => {
  await tab.page.locator('#result-title', { hasText: title }).waitFor();
  expect(await result()).toEqual({
    state: refusal ? 'error' : 'signed-in',
    title,
    error: refusal ?? null,
  });
};

/** The account form, filled and submitted with the button named `action`. */
const withPassword = async (
  action: 'Sign up' | 'Sign in',
  { username = '', email, password }: { username?: string; email: string; password: string }
) => {
  await tab.page.fill('input[name="username"]', username);
  await tab.page.fill('input[name="email"]', email);
  await tab.page.fill('input[name="password"]', password);
  await tab.page.click(`#account button:text-is("${action}")`);
};

const linkAs = async (person: string) => {
  await tab.page.click('#link');
  await consentAs(person);
};

/** The JWT the page keeps as its session (null once signed out). */
const sessionJwt = () => tab.page.evaluate(() => sessionStorage.getItem('tiktok-demo.jwt'));

describe('account linking on the demo page', () => {
  it('signs up, links TikTok, signs out, signs in with TikTok into the same account, unlinks', async () => {
    const dana = { username: 'dana', email: 'dana@example.com', password: 'dana-demo-1' };
    await tab.page.goto(tab.demo.url);
    await withPassword('Sign up', dana);

    await expectOutcome('Signed up as dana');
    const [account] = await usersWithEmail(dana.email);
    expect(account).toMatchObject({ username: 'dana', provider: 'local', confirmed: true });
    expect(await userField('id')).toBe(String(account.id));
    expect(await tab.page.textContent('#identity-none')).toBe(NO_IDENTITY);
    expect(await tab.page.isVisible('#unlink')).toBe(false);

    const linkAnswer = tab.page.waitForResponse(
      (response) => response.url().endsWith('/link') && response.request().method() === 'POST'
    );
    await linkAs('alice');
    await expectOutcome(LINKED);
    expect((await linkAnswer).status()).toBe(200);
    // Linked through a code, as flow C signs in: no TikTok token ever reached the page.
    expect(tab.visited.some((url) => url.includes('access_token'))).toBe(false);
    expect(await identityField('displayName')).toBe('Alice Example');
    expect(await identityField('openId')).toBe('_000alice-open-id');
    expect(await userField('id')).toBe(String(account.id));
    expect(await identitiesOf(account.id)).toEqual([
      expect.objectContaining({
        openId: '_000alice-open-id',
        unionId: 'c8f1a9d2-7b1e-5c44-9a31-a11ce0000001',
        origin: 'link',
      }),
    ]);
    expect(await tab.page.isVisible('#link')).toBe(false);
    await screenshot(tab.page, 'linking-linked');

    await tab.page.click('#sign-out');
    expect(await result()).toEqual({ state: 'idle', title: 'Not signed in', error: null });
    expect(await tab.page.isVisible('#session')).toBe(false);
    expect(await sessionJwt()).toBeNull();

    const usersBefore = await tab.demo.strapi.db.query(USER_UID).count();
    const tokenAnswer = tab.nextAnswerOf('/token');
    await tab.continueWithTikTok('C', 'alice');
    await expectOutcome('Signed in with flow C as dana');
    expect((await tokenAnswer).user.id).toBe(account.id);
    expect(await userField('id')).toBe(String(account.id));
    expect(await userField('email')).toBe(dana.email);
    expect(await userField('provider')).toBe('local');
    expect(await identityField('lastSignInAt')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await tab.demo.strapi.db.query(USER_UID).count()).toBe(usersBefore);
    expect(await usersWithEmail(ALICE_EMAIL)).toHaveLength(0);
    await screenshot(tab.page, 'linking-signed-in-with-tiktok');

    await tab.page.click('#unlink');
    await expectOutcome(UNLINKED);
    expect(await tab.page.textContent('#identity-none')).toBe(NO_IDENTITY);
    expect(await tab.page.isVisible('#link')).toBe(true);
    expect(await identitiesOf(account.id)).toEqual([]);
    expect(await usersWithEmail(dana.email)).toEqual([
      expect.objectContaining({ id: account.id, provider: 'local' }),
    ]);
    await screenshot(tab.page, 'linking-unlinked');

    // The account keeps its password, and a wrong one is refused in users-permissions' words.
    await tab.page.click('#sign-out');
    await withPassword('Sign in', { ...dana, password: 'not-her-password' });
    await expectOutcome('Sign-in failed', 'Invalid identifier or password');
    await withPassword('Sign in', dana);
    await expectOutcome('Signed in with e-mail as dana');
    expect(await userField('id')).toBe(String(account.id));
  });

  it('shows each refusal of linking and unlinking, and the database keeps its state', async () => {
    // A TikTok-created user has no password: unlinking would lock them out.
    await tab.continueWithTikTok('C', 'bob');
    const [bob] = await usersWithEmail(BOB_EMAIL);
    await expectOutcome(`Signed in with flow C as ${bob.username}`);
    await tab.page.click('#unlink');
    await expectOutcome(
      'Unlinking TikTok failed',
      'Cannot unlink the only way this user signs in.'
    );
    expect(await tab.page.isVisible('#session')).toBe(true);
    expect(await identitiesOf(bob.id)).toHaveLength(1);
    expect(await usersWithEmail(BOB_EMAIL)).toEqual([
      expect.objectContaining({ id: bob.id, provider: 'tiktok' }),
    ]);
    await screenshot(tab.page, 'linking-refused-only-way-in');

    // Bob's TikTok account belongs to Bob's user: Erin cannot take it.
    await tab.page.click('#sign-out');
    await withPassword('Sign up', {
      username: 'erin',
      email: 'erin@example.com',
      password: 'erin-demo-1',
    });
    await expectOutcome('Signed up as erin');
    const [erin] = await usersWithEmail('erin@example.com');
    await linkAs('bob');
    await expectOutcome(
      'Linking TikTok failed',
      'This TikTok account is already linked to another user.'
    );
    expect(await tab.page.textContent('#identity-none')).toBe(NO_IDENTITY);
    expect(await identitiesOf(erin.id)).toEqual([]);
    expect(await identitiesOf(bob.id)).toHaveLength(1);
    await screenshot(tab.page, 'linking-refused-taken');

    // Erin links Alice on another device (an access token this time) while this page still
    // offers "Link TikTok": a second TikTok account is refused, and the page then shows Alice.
    const otherDevice = await fetch(`${new URL(tab.demo.url).origin}/api/tiktok-auth-mobile/link`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await sessionJwt()}`,
      },
      body: JSON.stringify({
        access_token: tab.demo.emulator.issueAccessToken('alice', [
          'user.info.basic',
          'user.info.profile',
        ]),
      }),
    });
    expect(otherDevice.status).toBe(200);
    tab.demo.emulator.addPerson({
      id: 'dave',
      open_id: '_000dave-open-id',
      union_id: 'dave-union-id-8',
      display_name: 'Dave Second',
    });
    await linkAs('dave');
    await expectOutcome(
      'Linking TikTok failed',
      'A TikTok account is already linked to this user.'
    );
    expect(await identityField('openId')).toBe('_000alice-open-id');
    expect(await identitiesOf(erin.id)).toEqual([
      expect.objectContaining({ openId: '_000alice-open-id' }),
    ]);

    // An administrator blocks Erin: Strapi refuses her JWT and the page signs out.
    await tab.demo.strapi.db
      .query(USER_UID)
      .update({ where: { id: erin.id }, data: { blocked: true } });
    await tab.page.click('#unlink');
    await expectOutcome('Unlinking TikTok failed', 'Invalid credentials');
    expect(await tab.page.isVisible('#session')).toBe(false);
    expect(await sessionJwt()).toBeNull();
    expect(await identitiesOf(erin.id)).toHaveLength(1);
    await screenshot(tab.page, 'linking-refused-session');
  });
});

import { IDENTITY_UID } from '../../server/src/constants';
import { screenshot } from './browser';
import { ALICE_EMAIL, useDemoInBrowser } from './demo-in-browser';

/** Its own demo (a fresh database): Alice has not signed in before. */
const tab = useDemoInBrowser();
const { identityField, result, usersWithEmail } = tab;

const DISCONNECTED =
  'Disconnected in TikTok: the webhook told Strapi, which forgot the TikTok tokens';

const identityOf = async (userId: number) =>
  (await tab.demo.strapi.db.query(IDENTITY_UID).findOne({ where: { userId } })) as Record<
    string,
    unknown
  >;

const tokensShown = async () => JSON.parse((await identityField('tokens')) ?? 'null');

describe('"Disconnect in TikTok" on the demo page', () => {
  it('delivers authorization.removed to the webhook; /me then shows the account disconnected', async () => {
    await tab.continueWithTikTok('C', 'alice');
    const [alice] = await usersWithEmail(ALICE_EMAIL);
    expect((await result()).state).toBe('signed-in');
    expect(await tokensShown()).toMatchObject({ stored: true });
    expect(await identityField('disconnected')).toBe('null');
    expect(await identityOf(alice.id)).toMatchObject({ tokenState: 'stored' });

    await tab.page.click('#disconnect');
    await tab.page.locator('#result-title', { hasText: DISCONNECTED }).waitFor();
    expect(await result()).toEqual({ state: 'signed-in', title: DISCONNECTED, error: null });
    expect(await tab.page.textContent('#steps')).toContain(
      'TikTok delivered authorization.removed to POST /api/tiktok-auth-mobile/webhook → 200'
    );
    expect(JSON.parse((await identityField('disconnected')) ?? 'null')).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reason: 'disconnected in the TikTok app',
    });
    expect(await tokensShown()).toEqual({
      stored: false,
      accessExpiresAt: null,
      refreshExpiresAt: null,
    });
    expect(await tab.page.isVisible('#disconnect')).toBe(false);
    expect(await identityOf(alice.id)).toMatchObject({
      disconnectReason: 'disconnected in the TikTok app',
      accessToken: null,
      refreshToken: null,
      tokenState: null,
    });
    expect(tab.demo.emulator.deliveries.map((delivery) => delivery.attempts)).toEqual([
      [expect.objectContaining({ status: 200 })],
    ]);
    await screenshot(tab.page, 'disconnected-in-tiktok');

    // Signing in again authorizes the app anew: connected, with tokens kept again.
    await tab.continueWithTikTok('C', 'alice');
    await tab.page.locator('#result-title', { hasText: 'Signed in with flow C' }).waitFor();
    expect(await identityField('disconnected')).toBe('null');
    expect(await tokensShown()).toMatchObject({ stored: true });
    expect(await tab.page.isVisible('#disconnect')).toBe(true);
  });
});

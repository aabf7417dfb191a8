import { IDENTITY_UID } from '../../server/src/constants';
import type { IdentityRow } from '../../server/src/services/identities';
import { errors } from '@strapi/utils';
import { TokensUnavailableError, type TokenGrant } from '../../server/src/services/tokens';
import { rejectionOf } from '../support/errors';
import { createFakeStrapi } from '../support/fake-strapi';
import { TIKTOK_BASE_URL, tokenEndpoint, tokenSuccess, useNock } from '../support/tiktok-nock';

/**
 * The token vault's decisions, with TikTok faked by nock (an unexpected call fails: no network)
 * and an in-memory table: what is handed out as is, when a refresh happens, what waits for
 * another caller's refresh, and what makes tokens unusable. Over HTTP on real databases:
 * tests/integration/tokens.test.ts.
 */
useNock();

const MINUTE = 60_000;
const CONFIG = {
  clientKey: 'client-key',
  clientSecret: 'client-secret-value',
  redirectAppUrl: 'myapp://tiktok',
  strapiUrl: 'https://api.example.com',
  apiBaseUrl: TIKTOK_BASE_URL,
  rateLimitStore: 'memory',
  timeoutMs: 2000,
  storeTokens: true,
};

const setup = async (grant: TokenGrant, pluginConfig: Record<string, unknown> = {}) => {
  const fake = createFakeStrapi({ pluginConfig: { ...CONFIG, ...pluginConfig } });
  const [seeded] = fake.db.seed(IDENTITY_UID, [{ pseudoEmail: 'p@tiktok.com', userId: 7 }]);
  const tokens = fake.service('tokens');
  await tokens.keep(seeded as unknown as IdentityRow, grant);
  const row = () => fake.db.rows(IDENTITY_UID)[0] as unknown as IdentityRow;
  const expireIn = (ms: number) => {
    row().accessExpiresAt = new Date(Date.now() + ms);
  };
  return { fake, tokens, row, expireIn };
};

const CODE_GRANT: TokenGrant = {
  accessToken: 'act.first-access',
  expiresIn: 86_400,
  refreshToken: 'rft.first-refresh',
  refreshExpiresIn: 31_536_000,
};

const reasonOf = async (promise: Promise<unknown>) =>
  (await rejectionOf(promise, TokensUnavailableError)).reason;

describe('tokens.accessToken', () => {
  it('answers a token valid beyond the 5-minute margin without calling TikTok', async () => {
    const { tokens, expireIn } = await setup(CODE_GRANT);
    expireIn(6 * MINUTE);
    await expect(tokens.accessToken(7)).resolves.toBe('act.first-access');
  });

  it('refreshes within the margin with the stored refresh token, and keeps the rotated one', async () => {
    const { tokens, row, expireIn, fake } = await setup(CODE_GRANT);
    expireIn(4 * MINUTE);
    const endpoint = tokenEndpoint({
      status: 200,
      body: tokenSuccess({
        access_token: 'act.second-access',
        refresh_token: 'rft.second-refresh',
        expires_in: 7200,
      }),
    });
    await expect(tokens.accessToken(7)).resolves.toBe('act.second-access');
    expect(endpoint.requests[0].form).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rft.first-refresh',
      client_key: 'client-key',
    });
    expect(row()).toMatchObject({
      tokenState: 'stored',
      tokenLeaseId: null,
      tokenLeaseUntil: null,
    });
    expect(new Date(row().accessExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 7100_000);
    // The next refresh sends the rotated refresh token.
    expireIn(MINUTE);
    const next = tokenEndpoint({ status: 200, body: tokenSuccess({ access_token: 'act.third' }) });
    await expect(tokens.accessToken(7)).resolves.toBe('act.third');
    expect(next.requests[0].form.refresh_token).toBe('rft.second-refresh');
    expect(fake.loggedText()).not.toMatch(/act\.|rft\.|client-secret-value/);
  });

  it('waits for the refresh another caller holds the lease of, and answers its token', async () => {
    const { tokens, row, expireIn, fake } = await setup(CODE_GRANT);
    expireIn(MINUTE);
    const held = { tokenLeaseId: 'other-process', tokenLeaseUntil: new Date(Date.now() + MINUTE) };
    Object.assign(row(), held);
    // The holder writes its new tokens a moment later; no call reaches TikTok from here.
    setTimeout(() => {
      void tokens.keep(row(), { ...CODE_GRANT, accessToken: 'act.from-the-holder' });
    }, 250);
    await expect(tokens.accessToken(7)).resolves.toBe('act.from-the-holder');
    expect(fake.loggedText()).not.toContain('refreshed');
  });

  it('takes over a lease whose holder died once it expires', async () => {
    const { tokens, row, expireIn } = await setup(CODE_GRANT);
    expireIn(MINUTE);
    Object.assign(row(), {
      tokenLeaseId: 'crashed',
      tokenLeaseUntil: new Date(Date.now() + 200),
    });
    tokenEndpoint({ status: 200, body: tokenSuccess({ access_token: 'act.taken-over' }) });
    await expect(tokens.accessToken(7)).resolves.toBe('act.taken-over');
  });

  it('marks the tokens unusable when TikTok answers invalid_grant, then never calls it again', async () => {
    const { tokens, row, expireIn, fake } = await setup(CODE_GRANT);
    expireIn(MINUTE);
    tokenEndpoint({ status: 200, body: { error: 'invalid_grant', error_description: 'revoked' } });
    await expect(reasonOf(tokens.accessToken(7))).resolves.toBe('unusable');
    expect(row()).toMatchObject({
      tokenState: 'unusable',
      accessToken: null,
      refreshToken: null,
      tokenLeaseId: null,
    });
    // nock has nothing left to answer: a call would fail differently.
    await expect(rejectionOf(tokens.accessToken(7), TokensUnavailableError)).resolves.toMatchObject(
      {
        message:
          'TikTok refused to refresh the tokens of this user: they must sign in with TikTok again.',
      }
    );
    expect(fake.log.warn).toHaveBeenCalledWith(
      '[tiktok-auth-mobile] the TikTok tokens of user 7 are unusable now: TikTok refused the refresh (invalid_grant)'
    );
  });

  it('leaves the tokens stored when TikTok cannot be reached, and frees the lease', async () => {
    const { tokens, row, expireIn } = await setup(CODE_GRANT);
    expireIn(MINUTE);
    tokenEndpoint({ status: 503, body: '<html>unavailable</html>' });
    const error = await rejectionOf(tokens.accessToken(7), errors.ApplicationError);
    expect(error).not.toBeInstanceOf(TokensUnavailableError);
    expect(error.message).toMatch(/^Failed to refresh TikTok token: /);
    expect(row()).toMatchObject({ tokenState: 'stored', tokenLeaseId: null });
  });

  it('hands out Flow A’s token, whose expiry is unknown, as it is; one known to be past is expired', async () => {
    const { tokens, expireIn } = await setup({ accessToken: 'act.flow-a' });
    await expect(tokens.accessToken(7)).resolves.toBe('act.flow-a');
    // Within the margin but not past: nothing to refresh with, still usable.
    expireIn(MINUTE);
    await expect(tokens.accessToken(7)).resolves.toBe('act.flow-a');
    expireIn(-MINUTE);
    await expect(reasonOf(tokens.accessToken(7))).resolves.toBe('expired');
  });

  it.each([
    ['storeTokens is off', { storeTokens: false }, 7, 'off'],
    ['a user with no TikTok identity', {}, 8, 'none'],
  ])('says why there is no token: %s', async (_case, config, userId, reason) => {
    const { tokens } = await setup(CODE_GRANT, config);
    await expect(reasonOf(tokens.accessToken(userId))).resolves.toBe(reason);
  });

  it('says a disconnected person must sign in again', async () => {
    const { tokens, row } = await setup(CODE_GRANT);
    await tokens.forget(row());
    row().disconnectedAt = new Date();
    await expect(reasonOf(tokens.accessToken(7))).resolves.toBe('disconnected');
  });

  it('keeps nothing when storeTokens is off', async () => {
    const { row } = await setup(CODE_GRANT, { storeTokens: false });
    expect(row().accessToken).toBeUndefined();
  });
});

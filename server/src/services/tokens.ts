import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { pluginConfig } from '../config/runtime';
import {
  IDENTITY_UID,
  PLUGIN_ID,
  TOKEN_LEASE_EXTRA_MS,
  TOKEN_LEASE_POLL_MS,
  TOKEN_REFRESH_MARGIN_MS,
} from '../constants';
import { createTokenSealer, type TokenSealer } from '../lib/crypto/token-sealing';
import { perInstance } from '../lib/per-instance';
import { MESSAGES } from '../messages';
import { getService } from './get-service';
import type { IdentityRow } from './identities';
import { tikTokOAuthErrorOf } from './tiktok';

/** TikTok's tokens as one sign-in or link received them; Flow A has an access token only. */
export interface TokenGrant {
  accessToken: string;
  /** Seconds, as TikTok sends them; unknown for Flow A's token. */
  expiresIn?: number;
  refreshToken?: string;
  refreshExpiresIn?: number;
}

/** Why `accessToken` has no token to give: apps may branch on `details.reason`. */
export type TokensUnavailableReason =
  | 'off'
  | 'none'
  | 'disconnected'
  | 'unusable'
  | 'expired'
  | 'busy';

const REASON_MESSAGES: Record<TokensUnavailableReason, string> = {
  off: MESSAGES.tokenStorageOff,
  none: MESSAGES.tokensNotStored,
  disconnected: MESSAGES.tokensDisconnected,
  unusable: MESSAGES.tokensUnusable,
  expired: MESSAGES.tokenExpired,
  busy: MESSAGES.tokenRefreshBusy,
};

/** Thrown by `accessToken` when no usable TikTok token can be had for the user. */
export class TokensUnavailableError extends errors.ApplicationError {
  constructor(readonly reason: TokensUnavailableReason) {
    super(REASON_MESSAGES[reason], { reason });
  }
}

/** Every token column, emptied: what a forgotten, disconnected or unusable identity holds. */
export const NO_TOKENS = {
  accessToken: null,
  accessExpiresAt: null,
  refreshToken: null,
  refreshExpiresAt: null,
  tokenState: null,
  tokenError: null,
  tokenLeaseId: null,
  tokenLeaseUntil: null,
} as const;

const timeOf = (value: Date | string | null | undefined): number | null =>
  value === null || value === undefined ? null : new Date(value).getTime();

const secondsFromNow = (seconds: number | undefined, now: number): Date | null =>
  seconds === undefined || !Number.isFinite(seconds) ? null : new Date(now + seconds * 1000);

const contextOf = (identityId: number, column: 'access' | 'refresh') =>
  `identity:${identityId}:${column}`;

// Made on first use, so that a Strapi with storeTokens off never needs a key.
const vault = perInstance(
  (strapi: Core.Strapi): TokenSealer => createTokenSealer(pluginConfig(strapi).tokenSecrets())
);

/**
 * The token vault (§9): TikTok's tokens of each identity, sealed on its row, handed to app code
 * usable. Refreshes are serialised per identity across processes by a lease on the row: a
 * conditional UPDATE claims it only while it is free (or expired: its holder crashed) and while
 * the refresh token is still the one the claimant read, so a refresh token TikTok retired is
 * never sent twice; other callers read the row until the holder writes the new tokens.
 */
const tokens = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = pluginConfig(strapi).get();
  const rows = () => strapi.db.query(IDENTITY_UID);
  const sealer = () => vault(strapi);
  const leaseMs = config.timeoutMs + TOKEN_LEASE_EXTRA_MS;

  const readRow = async (id: number) =>
    (await rows().findOne({ where: { id } })) as IdentityRow | null;

  /** The sealed columns of `grant` for row `identityId`, state `stored`, lease freed. */
  const sealedColumns = (identityId: number, grant: TokenGrant, now = Date.now()) => ({
    ...NO_TOKENS,
    accessToken: sealer().seal(grant.accessToken, contextOf(identityId, 'access')),
    accessExpiresAt: secondsFromNow(grant.expiresIn, now),
    refreshToken: grant.refreshToken
      ? sealer().seal(grant.refreshToken, contextOf(identityId, 'refresh'))
      : null,
    refreshExpiresAt: grant.refreshToken ? secondsFromNow(grant.refreshExpiresIn, now) : null,
    tokenState: 'stored' as const,
  });

  /** Marks the tokens unusable (their values forgotten: they will never work again). */
  const markUnusable = async (row: IdentityRow, why: string, leaseId?: string) => {
    await rows().updateMany({
      where: leaseId ? { id: row.id, tokenLeaseId: leaseId } : { id: row.id },
      data: { ...NO_TOKENS, tokenState: 'unusable', tokenError: why },
    });
    strapi.log.warn(
      `[${PLUGIN_ID}] the TikTok tokens of user ${row.userId} are unusable now: ${why}`
    );
  };

  /**
   * Opens a sealed column; a value sealed under a previous key is sealed again under the current
   * one (best effort: the next use retries), only if the row still holds the value read.
   */
  const openColumn = async (
    row: IdentityRow,
    column: 'accessToken' | 'refreshToken'
  ): Promise<string | undefined> => {
    const sealed = row[column];
    if (!sealed) return undefined;
    const context = contextOf(row.id, column === 'accessToken' ? 'access' : 'refresh');
    const token = sealer().open(sealed, context);
    if (token !== undefined && sealer().needsReseal(sealed)) {
      await rows()
        .updateMany({
          where: { id: row.id, [column]: sealed },
          data: { [column]: sealer().seal(token, context) },
        })
        .catch((error: unknown) => {
          strapi.log.warn(
            `[${PLUGIN_ID}] could not seal a TikTok token again after a key rotation: ${error instanceof Error ? error.message : String(error)}`
          );
        });
    }
    return token;
  };

  /** Claims the refresh lease of `row` if it is free and nobody refreshed since `row` was read. */
  const claimLease = async (row: IdentityRow): Promise<string | undefined> => {
    const leaseId = randomUUID();
    const now = new Date();
    const { count } = await rows().updateMany({
      where: {
        id: row.id,
        tokenState: 'stored',
        refreshToken: row.refreshToken,
        $or: [{ tokenLeaseUntil: null }, { tokenLeaseUntil: { $lt: now } }],
      },
      data: { tokenLeaseId: leaseId, tokenLeaseUntil: new Date(now.getTime() + leaseMs) },
    });
    return count === 1 ? leaseId : undefined;
  };

  /** One refresh at TikTok under the lease `leaseId`: the new access token. */
  const refreshUnderLease = async (
    row: IdentityRow,
    refreshToken: string,
    leaseId: string
  ): Promise<string> => {
    let answer;
    try {
      answer = await getService(strapi, 'tiktok').refreshToken(refreshToken);
    } catch (error) {
      if (tikTokOAuthErrorOf(error) === 'invalid_grant') {
        await markUnusable(row, 'TikTok refused the refresh (invalid_grant)', leaseId);
        throw new TokensUnavailableError('unusable');
      }
      // TikTok unreachable or paused: the tokens may still work; the next caller tries again.
      await rows().updateMany({
        where: { id: row.id, tokenLeaseId: leaseId },
        data: { tokenLeaseId: null, tokenLeaseUntil: null },
      });
      throw error;
    }
    // Written only while the lease is still ours: a revoke or disconnection meanwhile wins.
    await rows().updateMany({
      where: { id: row.id, tokenLeaseId: leaseId },
      data: sealedColumns(row.id, {
        accessToken: answer.access_token,
        expiresIn: answer.expires_in,
        refreshToken: answer.refresh_token,
        refreshExpiresIn: answer.refresh_expires_in,
      }),
    });
    strapi.log.info(`[${PLUGIN_ID}] refreshed the TikTok tokens of user ${row.userId}`);
    return answer.access_token;
  };

  /** Why `row` has no token to give, if it has none. */
  const unavailable = (row: IdentityRow | null): TokensUnavailableReason | undefined => {
    if (!row) return 'none';
    if (row.tokenState === 'unusable') return 'unusable';
    if (row.tokenState !== 'stored') return row.disconnectedAt ? 'disconnected' : 'none';
    return undefined;
  };

  const service = {
    /**
     * A TikTok access token of the user that works now: the stored one, or, when it expires
     * within TOKEN_REFRESH_MARGIN_MS, a new one from a refresh (one per identity at a time, across
     * processes: a second caller waits for the first one's and gets its token). Throws a
     * TokensUnavailableError when none can be had, or the refresh's error when TikTok could not
     * be reached (the tokens stay as they are).
     */
    async accessToken(userId: number): Promise<string> {
      if (!config.storeTokens) throw new TokensUnavailableError('off');
      const identity = await getService(strapi, 'identities').findByUser(userId);
      const deadline = Date.now() + 2 * leaseMs;
      let row = identity;
      const firstSeen = identity?.accessToken;
      while (Date.now() < deadline) {
        const reason = unavailable(row);
        if (reason) throw new TokensUnavailableError(reason);
        const current = row!;
        const access = await openColumn(current, 'accessToken');
        const refresh = await openColumn(current, 'refreshToken');
        if (access === undefined || (current.refreshToken && refresh === undefined)) {
          await markUnusable(current, 'sealed with a key no longer configured');
          throw new TokensUnavailableError('unusable');
        }
        const now = Date.now();
        const expiresAt = timeOf(current.accessExpiresAt);
        // Unknown expiry (Flow A's token) is trusted: only TikTok's answer to the app can tell.
        if (expiresAt === null || expiresAt - now > TOKEN_REFRESH_MARGIN_MS) return access;
        // A refresh that finished while this call waited: its token is the one to use.
        if (current.accessToken !== firstSeen && expiresAt > now) return access;
        if (refresh === undefined) {
          if (expiresAt > now) return access;
          throw new TokensUnavailableError('expired');
        }

        const leaseUntil = timeOf(current.tokenLeaseUntil);
        const leaseFree = leaseUntil === null || leaseUntil < now;
        const leaseId = leaseFree ? await claimLease(current) : undefined;
        if (leaseId) return refreshUnderLease(current, refresh, leaseId);
        await sleep(TOKEN_LEASE_POLL_MS);
        row = await readRow(current.id);
      }
      throw new TokensUnavailableError('busy');
    },

    /**
     * Ends the person's authorization at TikTok (`POST /v2/oauth/revoke/`, with a refreshed
     * token when the stored one expired) and forgets the tokens. The tokens are forgotten even
     * when TikTok cannot be reached: the error is logged, without the token.
     */
    async revoke(userId: number): Promise<void> {
      const row = await getService(strapi, 'identities').findByUser(userId);
      if (!row || row.tokenState !== 'stored') {
        if (row?.tokenState) await service.forget(row);
        return;
      }
      try {
        const token = await service
          .accessToken(userId)
          .catch(async () => (await openColumn(row, 'accessToken')) ?? null);
        if (token) await getService(strapi, 'tiktok').revokeToken(token);
      } catch (error) {
        strapi.log.warn(
          `[${PLUGIN_ID}] could not revoke the TikTok authorization of user ${userId} (its tokens are forgotten all the same): ${error instanceof Error ? error.message : String(error)}`
        );
      }
      await service.forget(row);
    },

    /** Forgets the identity's tokens without telling TikTok. */
    async forget(row: IdentityRow): Promise<void> {
      await rows().updateMany({ where: { id: row.id }, data: NO_TOKENS });
    },

    /**
     * The sealed columns that keep `grant` on `row`, for the caller to write with its own UPDATE
     * of that row (a sign-in writes its identity once); none while `storeTokens` is off.
     */
    columnsFor(row: IdentityRow, grant: TokenGrant): Partial<IdentityRow> {
      return config.storeTokens ? sealedColumns(row.id, grant) : {};
    },

    /**
     * Keeps the tokens a link received, replacing any kept before, when `storeTokens` is on, and
     * returns the row as it now is. Best effort: a failure is logged and never fails the link.
     */
    async keep(row: IdentityRow, grant: TokenGrant): Promise<IdentityRow> {
      if (!config.storeTokens) return row;
      try {
        const columns = sealedColumns(row.id, grant);
        await rows().updateMany({ where: { id: row.id }, data: columns });
        return { ...row, ...columns };
      } catch (error) {
        strapi.log.warn(
          `[${PLUGIN_ID}] could not keep the TikTok tokens of user ${row.userId}: ${error instanceof Error ? error.message : String(error)}`
        );
        return row;
      }
    },
  };
  return service;
};

export default tokens;

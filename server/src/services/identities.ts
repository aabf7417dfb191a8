import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { IdentityView } from '../../../contracts/identity';
import { IDENTITY_UID, PLUGIN_ID, PROVIDER, USER_UID } from '../constants';
import type { TikTokPerson, TikTokUser } from '../lib/tiktok/types';
import { MESSAGES } from '../messages';
import type { StrapiUser } from './accounts';
import { identityTable } from './identity-table';

// Each attempt ends in a created user, the winner's user, a removed stale claim or a username
// taken meanwhile (the next name is tried), so a few suffice.
const CLAIM_ATTEMPTS = 8;

export type IdentityOrigin = 'signup' | 'link';

/** A row of the identity table (content-types/identity.ts) as the query API returns it. */
export interface IdentityRow extends Partial<TokenColumns> {
  id: number;
  pseudoEmail: string;
  userId: number | null;
  username: string | null;
  openId: string | null;
  unionId: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  scopes: string[] | null;
  origin: IdentityOrigin | null;
  linkedAt: Date | string | null;
  lastSignInAt: Date | string | null;
  disconnectedAt: Date | string | null;
  disconnectReason: string | null;
}

/** The token columns of an identity row (services/tokens.ts): sealed values only. */
export interface TokenColumns {
  accessToken: string | null;
  accessExpiresAt: Date | string | null;
  refreshToken: string | null;
  refreshExpiresAt: Date | string | null;
  tokenState: 'stored' | 'unusable' | null;
  tokenError: string | null;
  tokenLeaseId: string | null;
  tokenLeaseUntil: Date | string | null;
}

/** An identity and the live user it signs in as. */
export interface ResolvedIdentity {
  identity: IdentityRow;
  user: StrapiUser;
}

/** A sign-in's identity and user; `touched`: the sign-in's `lastSignInAt` is written already. */
export interface SignedInUser extends ResolvedIdentity {
  created: boolean;
  touched?: boolean;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

const isoDate = (value: Date | string | number | null): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

/** Whether TikTok tokens are kept for the app and until when (`storeTokens`): never a token. */
const tokenState = (row: IdentityRow): IdentityView['tokens'] => {
  const stored = row.tokenState === 'stored';
  return {
    stored,
    accessExpiresAt: stored ? isoDate(row.accessExpiresAt ?? null) : null,
    refreshExpiresAt: stored ? isoDate(row.refreshExpiresAt ?? null) : null,
  };
};

/**
 * What a sign-in or link learnt about the person, for the row: only values TikTok sent, so that
 * a profile read with fewer scopes never erases what an earlier one stored.
 */
const personColumns = ({ profile, scopes }: TikTokPerson): Partial<IdentityRow> => {
  const columns: Partial<IdentityRow> = { scopes };
  const values: [keyof IdentityRow, unknown][] = [
    ['openId', profile.open_id],
    ['unionId', profile.union_id],
    ['displayName', profile.display_name],
    ['avatarUrl', profile.avatar_url],
  ];
  for (const [column, value] of values) {
    if (text(value) !== null) Object.assign(columns, { [column]: value });
  }
  return columns;
};

/** The columns of `next` whose values differ from the row's: a returning person's profile rarely changes. */
const changedColumns = (row: IdentityRow, next: Partial<IdentityRow>): Partial<IdentityRow> =>
  Object.fromEntries(
    Object.entries(next).filter(
      ([column, value]) =>
        JSON.stringify(row[column as keyof IdentityRow] ?? null) !== JSON.stringify(value ?? null)
    )
  );

/**
 * A row found by pseudo-email alone is this person's only if it names no other person: the
 * pseudo-email is lower-cased, TikTok's ids are not.
 */
const namesNoOther = (row: IdentityRow, profile: TikTokUser): boolean =>
  (!row.openId || row.openId === profile.open_id) &&
  (!row.unionId || row.unionId === profile.union_id);

/**
 * The identity table: which user a TikTok person signs in as. Every rule that must hold across
 * simultaneous requests and processes rests on the table's unique indexes (pseudo-email, open_id,
 * union_id, user, username), not on reads made beforehand: a losing write fails, and the loser
 * reads what the winner wrote.
 */
const identities = ({ strapi }: { strapi: Core.Strapi }) => {
  const rows = () => strapi.db.query(IDENTITY_UID);
  const users = () => strapi.db.query(USER_UID);
  const table = identityTable(strapi);

  /**
   * The person's row, in one read: keyed by their open_id, else by their union_id, else (a row
   * written before it had ids) by pseudo-email.
   */
  const findRow = async (profile: TikTokUser, email: string): Promise<IdentityRow | null> => {
    const openId = text(profile.open_id) ?? undefined;
    const unionId = text(profile.union_id) ?? undefined;
    const found = await table.findByKeys({ openId, unionId, pseudoEmail: email });
    // Unset ids never match: a row's missing id reads as null, never undefined. Rows that match
    // neither id matched by pseudo-email, compared by the database's own collation.
    return (
      found.find((row) => row.openId === openId) ??
      found.find((row) => row.unionId === unionId) ??
      found.find((row) => namesNoOther(row, profile)) ??
      null
    );
  };

  const userOf = async (row: IdentityRow): Promise<StrapiUser | null> =>
    typeof row.userId !== 'number'
      ? null
      : ((await users().findOne({ where: { id: row.userId } })) as StrapiUser | null);

  /**
   * A user the original plugin created (its pseudo-email, provider tiktok) that no identity row
   * names yet: the person signs in as it and it gets its row.
   */
  const unrowedUser = async (email: string): Promise<StrapiUser | null> => {
    const user = (await users().findOne({
      where: { email, provider: PROVIDER },
    })) as StrapiUser | null;
    if (!user || (await rows().count({ where: { userId: user.id } })) > 0) return null;
    return user;
  };

  /** The live user of `row`, or null after removing a row whose user was deleted. */
  const liveOrDrop = async (row: IdentityRow): Promise<ResolvedIdentity | null> => {
    const user = await userOf(row);
    if (user) return { identity: row, user };
    // Deleted in the admin: the row is stale. Deleting by row id never removes a newer row.
    await rows().delete({ where: { id: row.id } });
    return null;
  };

  const service = {
    /** The row of the person TikTok calls `openId` (what its webhooks name), if any. */
    async findByOpenId(openId: string): Promise<IdentityRow | null> {
      return (await rows().findOne({ where: { openId } })) as IdentityRow | null;
    },

    /** The identity of a user, if they have one. */
    async findByUser(userId: number): Promise<IdentityRow | null> {
      return (await rows().findOne({ where: { userId } })) as IdentityRow | null;
    },

    /**
     * A returning person's sign-in in the fewest statements: their row, found by open_id and
     * given its `lastSignInAt` by the same statement, and its user. Null sends the caller the
     * general way (`resolve`, then `refresh`), which covers all this leaves out: MySQL/MariaDB,
     * a person without open_id, a row found by union_id or pseudo-email, a deleted or blocked
     * user.
     */
    async touchReturning(person: TikTokPerson): Promise<ResolvedIdentity | null> {
      const openId = text(person.profile.open_id);
      const identity = openId ? await table.touchSignIn(openId) : null;
      const user = identity && (await userOf(identity));
      return user ? { identity, user } : null;
    },

    /**
     * The user this person signs in as, or null for a new person. Resolves the identity first
     * (open_id, then union_id), then the pseudo-email: a row from before the ids were kept, or a
     * user of the original plugin with no row, which gets one here (`origin: 'signup'`).
     */
    async resolve(person: TikTokPerson, email: string): Promise<ResolvedIdentity | null> {
      const row = await findRow(person.profile, email);
      const resolved = row && (await liveOrDrop(row));
      if (resolved) return resolved;

      const legacy = await unrowedUser(email);
      if (!legacy) return null;
      try {
        const identity = (await rows().create({
          data: {
            pseudoEmail: email,
            userId: legacy.id,
            origin: 'signup',
            linkedAt: legacy.createdAt ?? new Date(),
            ...personColumns(person),
          },
        })) as IdentityRow;
        return { identity, user: legacy };
      } catch (error) {
        // A simultaneous sign-in of the same person wrote the row first: use it.
        const written = await findRow(person.profile, email);
        if (written) return liveOrDrop(written);
        throw error;
      }
    },

    /**
     * Runs `insertUser` at most once per person, with the first of `usernames` no other row
     * holds, and returns its user (`created`) with the new row, or what a concurrent sign-in
     * of the same person created. The row (unique pseudo-email, ids and username) and the user
     * are written in one transaction: a concurrent claim of the same person, or of the same
     * username, waits for it at the database's unique index, then fails once it commits.
     */
    async createOnce(
      email: string,
      person: TikTokPerson,
      usernames: AsyncIterator<string>,
      insertUser: (username: string) => Promise<StrapiUser>
    ): Promise<SignedInUser> {
      let lastError: unknown;
      let name = await usernames.next();
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS && !name.done; attempt += 1) {
        const username = name.value;
        try {
          return await strapi.db.transaction(async () => {
            const now = new Date();
            const claim = (await rows().create({
              data: {
                pseudoEmail: email,
                username,
                origin: 'signup',
                linkedAt: now,
                lastSignInAt: now,
                ...personColumns(person),
              },
            })) as IdentityRow;
            const user = await insertUser(username);
            // One statement: the query API's update would read the row before and after.
            await rows().updateMany({ where: { id: claim.id }, data: { userId: user.id } });
            return { identity: { ...claim, userId: user.id }, user, created: true, touched: true };
          });
        } catch (error) {
          // Usually a unique index (or, on MySQL, a deadlock it resolved): someone holds the claim.
          lastError = error;
        }
        const claim = await findRow(person.profile, email);
        if (claim) {
          const winner = await liveOrDrop(claim);
          if (winner) return { ...winner, created: false };
          // The claimed user was deleted in the admin: a fresh account is due.
          continue;
        }
        // The pseudo-email is held by a row naming another person: no account can be made.
        if (await rows().count({ where: { pseudoEmail: email } })) {
          throw new errors.ApplicationError(MESSAGES.emailTaken);
        }
        // Nobody holds this person: the username was taken meanwhile (or the holder rolled
        // back); try the next name.
        name = await usernames.next();
      }
      throw lastError;
    },

    /**
     * Writes a new identity linking the person to `userId`. Throws the database's error when a
     * unique index refuses it (the person, or the user, is linked meanwhile).
     */
    async insertLink(userId: number, email: string, person: TikTokPerson): Promise<IdentityRow> {
      return (await rows().create({
        data: {
          pseudoEmail: email,
          userId,
          origin: 'link',
          linkedAt: new Date(),
          ...personColumns(person),
        },
      })) as IdentityRow;
    },

    /**
     * Keeps the row current after a sign-in (or a repeated link): ids filled in, the latest
     * display name, avatar URL and scopes, and `lastSignInAt` when `signedIn`. Best effort: a
     * failure here is logged and never costs the person their sign-in.
     */
    async refresh(
      row: IdentityRow,
      person: TikTokPerson,
      signedIn: boolean,
      // More columns of the same row (a sign-in's sealed tokens), written by the same UPDATE.
      extra: Partial<IdentityRow> = {}
    ): Promise<IdentityRow> {
      const data: Partial<IdentityRow> = {
        ...changedColumns(row, personColumns(person)),
        ...extra,
        ...(signedIn ? { lastSignInAt: new Date() } : {}),
        // TikTok answered for this person just now: they authorized the app again.
        ...(row.disconnectedAt ? { disconnectedAt: null, disconnectReason: null } : {}),
      };
      if (Object.keys(data).length === 0) return row;
      try {
        await table.update(row.id, data);
        return { ...row, ...data };
      } catch (error) {
        strapi.log.warn(
          `[${PLUGIN_ID}] could not update the TikTok identity of user ${row.userId}: ${error instanceof Error ? error.message : String(error)}`
        );
        return row;
      }
    },

    /** Removes an identity by its row id. */
    async remove(row: IdentityRow): Promise<void> {
      await rows().delete({ where: { id: row.id } });
    },

    /** The identity as `GET /me` and event payloads show it: never a token. */
    view(row: IdentityRow): IdentityView {
      return {
        openId: row.openId,
        unionId: row.unionId,
        displayName: row.displayName,
        avatarUrl: row.avatarUrl,
        scopes: Array.isArray(row.scopes) ? row.scopes : [],
        linkedAt: isoDate(row.linkedAt),
        lastSignInAt: isoDate(row.lastSignInAt),
        disconnected: row.disconnectedAt
          ? { at: isoDate(row.disconnectedAt)!, reason: row.disconnectReason }
          : null,
        tokens: tokenState(row),
      };
    },
  };
  return service;
};

export default identities;

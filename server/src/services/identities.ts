import type { Core } from '@strapi/strapi';
import { IDENTITY_UID, PROVIDER, USER_UID } from '../constants';
import type { StrapiUser } from './accounts';

// Each attempt ends in a created user, the winner's user, a removed stale claim or a username
// taken meanwhile (the next name is tried), so a few suffice.
const CLAIM_ATTEMPTS = 8;

interface Claim {
  id: number;
  pseudoEmail: string;
  userId: number | null;
}

/**
 * Makes "create the user of this TikTok person" happen once, whatever the number of simultaneous
 * first sign-ins and Strapi processes, and gives each new user a username no other sign-in of
 * this plugin holds. The claim row (unique pseudo-email, unique username) and the user are
 * written in one transaction: a concurrent claim of the same person, or of the same username,
 * waits for it at the database's unique index, then fails once it commits. A request that lost
 * the person reads the winner's user; one that lost only the username tries its next name.
 */
const identities = ({ strapi }: { strapi: Core.Strapi }) => {
  const claims = () => strapi.db.query(IDENTITY_UID);

  /** The user a committed claim points at, or null when the claim is stale. */
  const claimedUser = async (claim: Claim, email: string): Promise<StrapiUser | null> => {
    if (claim.userId === null) return null;
    const user = (await strapi.db
      .query(USER_UID)
      .findOne({ where: { id: claim.userId } })) as StrapiUser | null;
    return user && user.email === email && user.provider === PROVIDER ? user : null;
  };

  return {
    /**
     * Runs `insertUser` at most once per pseudo-email, with the first of `usernames` no other
     * claim holds, and returns its user (`created`), or the user a concurrent sign-in created.
     */
    async createOnce(
      email: string,
      usernames: AsyncIterator<string>,
      insertUser: (username: string) => Promise<StrapiUser>
    ): Promise<{ user: StrapiUser; created: boolean }> {
      let lastError: unknown;
      let name = await usernames.next();
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS && !name.done; attempt += 1) {
        const username = name.value;
        try {
          return await strapi.db.transaction(async () => {
            const claim = (await claims().create({
              data: { pseudoEmail: email, username },
            })) as Claim;
            const user = await insertUser(username);
            await claims().update({ where: { id: claim.id }, data: { userId: user.id } });
            return { user, created: true };
          });
        } catch (error) {
          // Usually the unique index (or, on MySQL, a deadlock it resolved): someone holds the claim.
          lastError = error;
        }
        const claim = (await claims().findOne({ where: { pseudoEmail: email } })) as Claim | null;
        // Nobody holds this person: the username was taken meanwhile (or the holder of the person
        // rolled back); try the next name.
        if (!claim) {
          name = await usernames.next();
          continue;
        }
        const winner = await claimedUser(claim, email);
        if (winner) return { user: winner, created: false };
        // The claimed user was deleted in the admin (or given another email): a fresh account is
        // due. Deleting by row id never removes a newer claim made meanwhile.
        await claims().delete({ where: { id: claim.id } });
      }
      throw lastError;
    },
  };
};

export default identities;

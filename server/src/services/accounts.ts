import { randomInt, randomUUID } from 'node:crypto';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../config/runtime';
import { EVENTS, PLUGIN_ID, PROVIDER, ROLE_UID, USER_UID } from '../constants';
import { emitEvent } from '../events';
import type { TikTokPerson, TikTokUser } from '../lib/tiktok/types';
import { PROFILE_FIELDS, type ProfileField } from '../config/settings';
import { MESSAGES } from '../messages';
import { getService } from './get-service';
import type { IdentityRow, SignedInUser } from './identities';

/** A users-permissions user row as the database query API returns it. */
export interface StrapiUser {
  id: number;
  documentId: string;
  username: string;
  email: string;
  provider: string;
  confirmed: boolean | null;
  blocked: boolean | null;
  [attribute: string]: unknown;
}

/** What `link` did: `linked` is false when the person already was this user's identity. */
export interface LinkOutcome {
  identity: IdentityRow;
  linked: boolean;
}

/** The users-permissions "Advanced settings" this plugin obeys, as its store keeps them. */
export interface AdvancedSettings {
  allow_register?: boolean;
  unique_email?: boolean;
  default_role?: string;
}

// Longer TikTok names are cut here, leaving room for a numeric suffix within the column.
const USERNAME_MAX_LENGTH = 40;
const USERNAME_ATTEMPTS = 5;

/** A readable username base from the TikTok profile: any characters kept, control ones dropped. */
export const usernameBase = (profile: TikTokUser): string => {
  const cleaned = [profile.username, profile.display_name].map((name) =>
    typeof name === 'string'
      ? name
          .normalize('NFC')
          // eslint-disable-next-line no-control-regex -- control characters are what it removes
          .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, '')
          .replace(/\s+/g, ' ')
          .trim()
      : ''
  );
  const name = cleaned.find((value) => value !== '') ?? 'tiktok';
  return Array.from(name).slice(0, USERNAME_MAX_LENGTH).join('');
};

/** Usernames to try in order: the base itself when long enough, then the base with digits. */
export function* usernameCandidates(base: string, minLength: number): Generator<string> {
  if (Array.from(base).length >= minLength) yield base;
  for (let attempt = 1; attempt < USERNAME_ATTEMPTS; attempt += 1) {
    yield `${base}${randomInt(1000, 10000)}`;
  }
  // Never fail a sign-in over a name: this one cannot collide in practice.
  yield `tiktok_${randomUUID()}`;
}

/** Thrown where a rule of §8 refuses a link: the controller answers 409. */
export class LinkConflictError extends errors.ApplicationError {}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const accounts = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = pluginConfig(strapi).get();
  const users = () => strapi.db.query(USER_UID);
  const identities = () => getService(strapi, 'identities');

  /**
   * Read afresh each time and never kept: an admin on another instance, or a change made in the
   * database, must apply to the very next new person. Only a new person (or an email clash)
   * needs them, so a returning person never pays this read.
   */
  const advancedSettings = async (): Promise<AdvancedSettings> =>
    (await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get({})) ??
    {};

  const usernameMinLength = (): number => {
    const attribute = strapi.getModel(USER_UID)?.attributes?.username as
      | { minLength?: number }
      | undefined;
    return attribute?.minLength ?? 3;
  };

  /**
   * The candidates no user has yet, users of other providers included. Two simultaneous sign-ins
   * can both find a name free here: the identity row's unique username decides between them
   * (see identities).
   */
  async function* freeUsernames(profile: TikTokUser): AsyncGenerator<string> {
    for (const candidate of usernameCandidates(usernameBase(profile), usernameMinLength())) {
      if ((await users().count({ where: { username: candidate } })) === 0) yield candidate;
    }
  }

  /** users-permissions' rules for a new person, then the user, created once (see identities). */
  const create = async (email: string, person: TikTokPerson): Promise<SignedInUser> => {
    // A tiktok user with this email is the person's own (see identities.resolve), or one that a
    // simultaneous first sign-in just made, which createOnce hands over: only another
    // provider's user makes the email taken.
    const sameEmail = (await users().count({ where: { email, provider: { $ne: PROVIDER } } })) > 0;
    const settings = await advancedSettings();
    if (!settings.allow_register) throw new errors.ApplicationError(MESSAGES.registerDisabled);
    if (sameEmail && settings.unique_email) {
      throw new errors.ApplicationError(MESSAGES.emailTaken);
    }

    const role = await strapi.db
      .query(ROLE_UID)
      .findOne({ where: { type: settings.default_role } });
    if (!role) throw new errors.ApplicationError(MESSAGES.defaultRoleMissing);

    const made = await identities().createOnce(
      email,
      person,
      freeUsernames(person.profile),
      async (username) =>
        (await users().create({
          data: {
            username,
            email,
            provider: PROVIDER,
            role: role.id as number,
            confirmed: true,
            blocked: false,
          },
        })) as StrapiUser
    );
    if (made.created) {
      strapi.log.info(`[${PLUGIN_ID}] created user ${made.user.id} for a new TikTok sign-in`);
    }
    return made;
  };

  /** The user's attributes profile sync would change: none when nothing changed. */
  const profileChanges = (user: StrapiUser, profile: TikTokUser): Record<string, string> => {
    const changes: Record<string, string> = {};
    for (const [field, attribute] of Object.entries(config.profileSync)) {
      const value = profile[PROFILE_FIELDS[field as ProfileField]];
      if (typeof value === 'string' && value !== '' && user[attribute] !== value) {
        changes[attribute] = value;
      }
    }
    return changes;
  };

  return {
    /** `${id}@${domain}`, lower-cased: compatible with the users the original plugin created. */
    pseudoEmail(profile: TikTokUser): string {
      const id = profile[config.identityField];
      if (typeof id !== 'string' || id.trim() === '') {
        throw new errors.ApplicationError(MESSAGES.emailNotAvailable);
      }
      return `${id.trim()}@${config.emailDomain}`.toLowerCase();
    },

    /**
     * The user this TikTok person signs in as: the user of their identity (a linked account
     * included), else, following users-permissions' provider rules, a new `tiktok` user.
     */
    async findOrCreate(person: TikTokPerson): Promise<SignedInUser> {
      const email = this.pseudoEmail(person.profile);
      const touched = await identities().touchReturning(person);
      if (touched) return { ...touched, created: false, touched: true };
      const known = await identities().resolve(person, email);
      if (known) return { ...known, created: false };
      return create(email, person);
    },

    /**
     * Profile sync (`profileSync`): writes the mapped TikTok values that changed onto the user,
     * and returns the user as it now is. Best effort: a value the database refuses is logged,
     * never a failed sign-in.
     */
    async syncProfile(user: StrapiUser, profile: TikTokUser): Promise<StrapiUser> {
      const changes = profileChanges(user, profile);
      if (Object.keys(changes).length === 0) return user;
      try {
        return ((await users().update({ where: { id: user.id }, data: changes })) ??
          user) as StrapiUser;
      } catch (error) {
        strapi.log.warn(
          `[${PLUGIN_ID}] profile sync could not update user ${user.id}: ${describe(error)}`
        );
        return user;
      }
    },

    /**
     * Links the person to `user` (§8). The same person again is a no-op; a person linked to
     * another user, or a user with another TikTok account, is a LinkConflictError. Two
     * simultaneous links meet at the identity table's unique indexes: the loser looks again and
     * finds the conflict.
     */
    async link(user: StrapiUser, person: TikTokPerson): Promise<LinkOutcome> {
      const email = this.pseudoEmail(person.profile);
      const attempt = async (): Promise<LinkOutcome> => {
        const known = await identities().resolve(person, email);
        if (known && known.user.id !== user.id) {
          throw new LinkConflictError(MESSAGES.alreadyLinkedToAnother);
        }
        if (known) {
          return {
            identity: await identities().refresh(known.identity, person, false),
            linked: false,
          };
        }
        // A user the original plugin made for another person has that TikTok account, row or not.
        if (user.provider === PROVIDER || (await identities().findByUser(user.id))) {
          throw new LinkConflictError(MESSAGES.userAlreadyLinked);
        }
        return { identity: await identities().insertLink(user.id, email, person), linked: true };
      };
      let outcome: LinkOutcome;
      try {
        outcome = await attempt();
      } catch (error) {
        if (error instanceof errors.ApplicationError) throw error;
        // A unique index refused the row: a simultaneous link or sign-in won. The second look
        // names the conflict.
        outcome = await attempt();
      }
      if (outcome.linked) {
        emitEvent(strapi, EVENTS.IDENTITY_LINKED, user, identities().view(outcome.identity));
      }
      return outcome;
    },

    /**
     * Removes the user's TikTok identity (§8). A user TikTok created keeps a way in only with a
     * password: without one it is refused; with one it becomes a `local` user, so that
     * users-permissions' password login finds it and its pseudo-email no longer signs the person
     * in to it.
     */
    async unlink(user: StrapiUser): Promise<IdentityRow | null> {
      const identity = await identities().findByUser(user.id);
      const tiktokCreated = user.provider === PROVIDER;
      if (!identity && !tiktokCreated) throw new errors.NotFoundError(MESSAGES.noIdentity);
      if (tiktokCreated && !user.password) {
        throw new errors.ApplicationError(MESSAGES.cannotUnlinkOnlyWay);
      }
      // Before the row goes: the revoke needs its token. TikTok's answer never stops the unlink.
      if (identity) await getService(strapi, 'tokens').revoke(user.id);
      await strapi.db.transaction(async () => {
        if (identity) await identities().remove(identity);
        if (tiktokCreated) {
          await users().update({ where: { id: user.id }, data: { provider: 'local' } });
        }
      });
      emitEvent(strapi, EVENTS.IDENTITY_UNLINKED, user, identity && identities().view(identity));
      return identity;
    },
  };
};

export default accounts;

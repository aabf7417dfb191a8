import { randomInt, randomUUID } from 'node:crypto';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../config/runtime';
import { PLUGIN_ID, PROVIDER, ROLE_UID, USER_UID } from '../constants';
import type { TikTokUser } from '../lib/tiktok/types';
import { MESSAGES } from '../messages';
import { getService } from './get-service';

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

const accounts = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = pluginConfig(strapi).get();
  const users = () => strapi.db.query(USER_UID);

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
   * can both find a name free here: the identity claim's unique username decides between them
   * (see identities).
   */
  async function* freeUsernames(profile: TikTokUser): AsyncGenerator<string> {
    for (const candidate of usernameCandidates(usernameBase(profile), usernameMinLength())) {
      if ((await users().count({ where: { username: candidate } })) === 0) yield candidate;
    }
  }

  const create = async (
    email: string,
    roleId: number,
    profile: TikTokUser
  ): Promise<StrapiUser> => {
    // Simultaneous first sign-ins of one person, on any process, create one user, and different
    // people never share a username (see identities).
    const { user, created } = await getService(strapi, 'identities').createOnce(
      email,
      freeUsernames(profile),
      async (username) =>
        (await users().create({
          data: {
            username,
            email,
            provider: PROVIDER,
            role: roleId,
            confirmed: true,
            blocked: false,
          },
        })) as StrapiUser
    );
    if (created) strapi.log.info(`[${PLUGIN_ID}] created user ${user.id} for a new TikTok sign-in`);
    return user;
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

    /** users-permissions' provider rules: the `tiktok` user owning the pseudo-email is the person. */
    async findOrCreate(profile: TikTokUser): Promise<StrapiUser> {
      const email = this.pseudoEmail(profile);
      const sameEmail = (await users().findMany({ where: { email } })) as StrapiUser[];
      const own = sameEmail.find((user) => user.provider === PROVIDER);
      if (own) return own;

      const settings = await advancedSettings();
      if (!settings.allow_register) throw new errors.ApplicationError(MESSAGES.registerDisabled);
      if (sameEmail.length > 0 && settings.unique_email) {
        throw new errors.ApplicationError(MESSAGES.emailTaken);
      }

      const role = await strapi.db
        .query(ROLE_UID)
        .findOne({ where: { type: settings.default_role } });
      if (!role) throw new errors.ApplicationError(MESSAGES.defaultRoleMissing);

      return create(email, role.id as number, profile);
    },
  };
};

export default accounts;

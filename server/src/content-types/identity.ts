import { IDENTITY_TABLE } from '../constants';

/**
 * One row per TikTok person known to this plugin: the identity of one users-permissions user,
 * keyed by TikTok's ids. Its unique indexes are what make the identity rules hold on every
 * database and across processes (see services/identities.ts):
 * - `pseudoEmail`: exactly one of many simultaneous first sign-ins of a person creates the user;
 * - `username`: two people never get one username from simultaneous first sign-ins;
 * - `openId`, `unionId`: a person is linked to one user at most, however many links race;
 * - `userId`: a user has one TikTok identity at most.
 * Every database lets a unique index hold many NULLs: rows written before a column existed, or by
 * a link (which claims no username), stay valid. The ids are compared exactly; on MySQL/MariaDB
 * bootstrap gives their columns a binary collation (see exact-ids.ts).
 * Internal: hidden from the admin's content manager and builder.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: IDENTITY_TABLE,
    info: {
      singularName: 'identity',
      pluralName: 'identities',
      displayName: 'TikTok identity',
      description: 'A TikTok person and the user they sign in as (internal).',
    },
    options: { draftAndPublish: false },
    pluginOptions: {
      'content-manager': { visible: false },
      'content-type-builder': { visible: false },
    },
    attributes: {
      pseudoEmail: { type: 'string', required: true, configurable: false },
      userId: { type: 'integer', configurable: false },
      username: { type: 'string', configurable: false },
      // TikTok's ids are a few dozen characters: a varchar(255) index fits MySQL's key limit.
      openId: { type: 'string', configurable: false },
      unionId: { type: 'string', configurable: false },
      // TikTok's avatar URLs carry long signatures: text, which no index needs.
      displayName: { type: 'text', configurable: false },
      avatarUrl: { type: 'text', configurable: false },
      scopes: { type: 'json', configurable: false },
      /** `signup`: the user was created by a TikTok sign-in; `link`: linked to an existing user. */
      origin: { type: 'enumeration', enum: ['signup', 'link'], configurable: false },
      linkedAt: { type: 'datetime', configurable: false },
      lastSignInAt: { type: 'datetime', configurable: false },
      // Set when TikTok tells that the person removed the app's access (§10).
      disconnectedAt: { type: 'datetime', configurable: false },
      disconnectReason: { type: 'string', configurable: false },
      // TikTok's tokens kept for the app (`storeTokens`, §9): only ever sealed values
      // (lib/crypto/token-sealing.ts), bound to this row and column. `tokenState` is null when
      // none are kept, `stored`, or `unusable` (TikTok refused a refresh; `tokenError` says why).
      accessToken: { type: 'text', configurable: false, private: true },
      accessExpiresAt: { type: 'datetime', configurable: false },
      refreshToken: { type: 'text', configurable: false, private: true },
      refreshExpiresAt: { type: 'datetime', configurable: false },
      tokenState: { type: 'enumeration', enum: ['stored', 'unusable'], configurable: false },
      tokenError: { type: 'string', configurable: false },
      // The refresh lease (services/tokens.ts): who refreshes the tokens now, and until when.
      tokenLeaseId: { type: 'string', configurable: false },
      tokenLeaseUntil: { type: 'datetime', configurable: false },
    },
    indexes: [
      {
        name: 'tiktok_auth_identities_pseudo_email_unique',
        columns: ['pseudo_email'],
        type: 'unique',
      },
      {
        name: 'tiktok_auth_identities_username_unique',
        columns: ['username'],
        type: 'unique',
      },
      { name: 'tiktok_auth_identities_open_id_unique', columns: ['open_id'], type: 'unique' },
      { name: 'tiktok_auth_identities_union_id_unique', columns: ['union_id'], type: 'unique' },
      { name: 'tiktok_auth_identities_user_id_unique', columns: ['user_id'], type: 'unique' },
    ],
  },
};

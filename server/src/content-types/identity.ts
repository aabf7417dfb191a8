/**
 * One row per TikTok person this plugin has created a user for. Its unique index on the
 * pseudo-email is what lets exactly one of many simultaneous first sign-ins create the user, and
 * its unique index on the username what keeps two different people from getting one username, on
 * every database and across processes (see services/identities.ts). Rows written before the
 * username was claimed here have none: every database lets a unique index hold many NULLs.
 * Internal: hidden from the admin's content manager and builder.
 */
export default {
  schema: {
    kind: 'collectionType',
    collectionName: 'tiktok_auth_identities',
    info: {
      singularName: 'identity',
      pluralName: 'identities',
      displayName: 'TikTok identity',
      description:
        'Links a TikTok pseudo-email to the user created for it, and claims its username (internal).',
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
    ],
  },
};

module.exports = {
  /**
   * Two attributes an app might add to its users, for the plugin's profile sync to fill
   * (`profileSync: { displayName: 'displayName', avatarUrl: 'avatar' }`). Unused otherwise.
   */
  register({ strapi }) {
    strapi.get('content-types').extend('plugin::users-permissions.user', (contentType) => {
      contentType.attributes = {
        ...contentType.attributes,
        displayName: { type: 'string' },
        avatar: { type: 'text' },
      };
    });
  },
  bootstrap() {},
};

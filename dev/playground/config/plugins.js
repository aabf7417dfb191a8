const path = require('node:path');

/**
 * Loads the plugin from the repository root, i.e. its built `dist/` through the package's
 * `strapi-server` export. Its settings come from the env fallbacks (CLIENT_KEY, … and
 * TIKTOK_API_BASE_URL pointing at the emulator), exactly as in a real app.
 */
module.exports = ({ env }) => ({
  'tiktok-auth-mobile': {
    enabled: true,
    resolve: path.join(__dirname, '..', '..', '..'),
  },
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret'),
      jwtManagement: env('UP_JWT_MANAGEMENT', 'legacy-support'),
    },
  },
});

import { ADMIN_ROUTES, SETTINGS_READ } from '../constants';

// Admin API routes: Strapi mounts them under `/tiktok-auth-mobile` on the admin API, behind the
// admin's own authentication; the permission decides which admin roles may use them.
const canReadSettings = {
  policies: [
    'admin::isAuthenticatedAdmin',
    { name: 'admin::hasPermissions', config: { actions: [SETTINGS_READ] } },
  ],
};

export default {
  type: 'admin' as const,
  routes: [
    {
      method: 'GET' as const,
      path: ADMIN_ROUTES.status,
      handler: 'settings.status',
      config: canReadSettings,
    },
    {
      method: 'POST' as const,
      path: ADMIN_ROUTES.checkCredentials,
      handler: 'settings.checkCredentials',
      config: canReadSettings,
    },
  ],
};

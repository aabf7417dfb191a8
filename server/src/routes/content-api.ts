import { PLUGIN_ID } from '../plugin-id';

// Public by design (auth: false): the person is not signed in yet, and the app's Public role
// needs no change. Strapi mounts these under `${api.rest.prefix}/tiktok-auth-mobile`.
export const publicRoute = { auth: false as const, policies: [] };

/**
 * A public route that calls TikTok: per-client rate limited (one budget shared by all such
 * routes), so that a flood of junk cannot spend the app's TikTok quota.
 */
export const tiktokCallingRoute = {
  ...publicRoute,
  middlewares: [`plugin::${PLUGIN_ID}.rate-limit`],
};

/** `/callback` answers every outcome, a refusal included, with a redirect to the app. */
const callbackRoute = {
  ...publicRoute,
  middlewares: [{ name: `plugin::${PLUGIN_ID}.rate-limit`, config: { redirects: true } }],
};

export default {
  type: 'content-api' as const,
  routes: [
    { method: 'GET' as const, path: '/authorize', handler: 'auth.authorize', config: publicRoute },
    {
      method: 'GET' as const,
      path: '/callback',
      handler: 'auth.callback',
      config: callbackRoute,
    },
    {
      method: 'POST' as const,
      path: '/connect',
      handler: 'auth.connect',
      config: tiktokCallingRoute,
    },
    { method: 'POST' as const, path: '/token', handler: 'auth.token', config: tiktokCallingRoute },
  ],
};

import { RATE_LIMIT_MIDDLEWARE, ROUTES, SIGNED_IN_MIDDLEWARE } from '../constants';

// Public by design (auth: false): the person is not signed in yet, and the app's Public role
// needs no change. Strapi mounts these under `${api.rest.prefix}/tiktok-auth-mobile`.
export const publicRoute = { auth: false as const, policies: [] };

/**
 * A public route that calls TikTok: per-client rate limited (one budget shared by all such
 * routes), so that a flood of junk cannot spend the app's TikTok quota.
 */
export const tiktokCallingRoute = {
  ...publicRoute,
  middlewares: [RATE_LIMIT_MIDDLEWARE],
};

/** `/callback` answers every outcome, a refusal included, with a redirect to the app. */
const callbackRoute = {
  ...publicRoute,
  middlewares: [{ name: RATE_LIMIT_MIDDLEWARE, config: { redirects: true } }],
};

/**
 * A route of the signed-in user: `auth: false` too, so that no role needs a permission, with the
 * users-permissions JWT checked by the plugin's own middleware instead.
 */
const signedInRoute = { ...publicRoute, middlewares: [SIGNED_IN_MIDDLEWARE] };

/** `POST /link` reads the person at TikTok: the client's budget first, then the JWT. */
const linkRoute = { ...publicRoute, middlewares: [RATE_LIMIT_MIDDLEWARE, SIGNED_IN_MIDDLEWARE] };

export default {
  type: 'content-api' as const,
  routes: [
    {
      method: 'GET' as const,
      path: ROUTES.authorize,
      handler: 'auth.authorize',
      config: publicRoute,
    },
    {
      method: 'GET' as const,
      path: ROUTES.callback,
      handler: 'auth.callback',
      config: callbackRoute,
    },
    {
      method: 'POST' as const,
      path: ROUTES.connect,
      handler: 'auth.connect',
      config: tiktokCallingRoute,
    },
    {
      method: 'POST' as const,
      path: ROUTES.token,
      handler: 'auth.token',
      config: tiktokCallingRoute,
    },
    // Signed by TikTok, verified over the raw body that the webhook-raw-body server middleware
    // keeps (registered in register.ts). Calls no one, so it spends no rate-limit budget.
    {
      method: 'POST' as const,
      path: ROUTES.webhook,
      handler: 'webhook.receive',
      config: publicRoute,
    },
    {
      method: 'POST' as const,
      path: ROUTES.link,
      handler: 'identity.link',
      config: linkRoute,
    },
    {
      method: 'DELETE' as const,
      path: ROUTES.link,
      handler: 'identity.unlink',
      config: signedInRoute,
    },
    {
      method: 'GET' as const,
      path: ROUTES.me,
      handler: 'identity.me',
      config: signedInRoute,
    },
  ],
};

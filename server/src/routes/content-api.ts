// Public by design (auth: false): the person is not signed in yet, and the app's Public role
// needs no change. Strapi mounts these under `${api.rest.prefix}/tiktok-auth-mobile`.
const publicRoute = { auth: false as const, policies: [] };

export default {
  type: 'content-api' as const,
  routes: [
    { method: 'GET' as const, path: '/authorize', handler: 'auth.authorize', config: publicRoute },
    { method: 'GET' as const, path: '/callback', handler: 'auth.callback', config: publicRoute },
    { method: 'POST' as const, path: '/connect', handler: 'auth.connect', config: publicRoute },
    { method: 'POST' as const, path: '/token', handler: 'auth.token', config: publicRoute },
  ],
};

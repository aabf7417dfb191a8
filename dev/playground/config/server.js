module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  url: env('PUBLIC_URL', ''),
  // Strapi would otherwise ask the npm registry for a newer version: tests and the demo stay offline.
  logger: { updates: { enabled: false } },
  // Behind a reverse proxy, client addresses come from X-Forwarded-For (e.g. for rate limits):
  // PROXY_MAX_IPS is how many proxies stand in front of Strapi, each adding one address.
  proxy: { koa: env.bool('IS_PROXIED', false), maxIpsCount: env.int('PROXY_MAX_IPS', 0) },
  app: {
    // Development-only keys: the playground is never deployed.
    keys: env.array('APP_KEYS', ['playgroundKeyA', 'playgroundKeyB']),
  },
});

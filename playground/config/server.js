module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  url: env('PUBLIC_URL', ''),
  // Behind a reverse proxy, client addresses come from X-Forwarded-For (e.g. for rate limits).
  proxy: { koa: env.bool('IS_PROXIED', false) },
  app: {
    // Development-only keys: the playground is never deployed.
    keys: env.array('APP_KEYS', ['playgroundKeyA', 'playgroundKeyB']),
  },
});

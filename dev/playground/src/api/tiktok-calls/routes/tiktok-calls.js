/**
 * `POST /api/tiktok-calls/access-token` with `{ userId }`: what app code does before calling
 * TikTok for a user (`service('tokens').accessToken`), over HTTP so that tests can drive it from
 * several processes at once. It answers the token itself, so it exists only when the tests turn
 * it on (`PLAYGROUND_TOKEN_ROUTE=true`), never in the demo or a plain `npm run playground`.
 */
module.exports = {
  routes:
    process.env.PLAYGROUND_TOKEN_ROUTE === 'true'
      ? [
          {
            method: 'POST',
            path: '/tiktok-calls/access-token',
            handler: 'tiktok-calls.accessToken',
            config: { auth: false },
          },
        ]
      : [],
};

/**
 * `GET /api/bench/noop`: public, does nothing, answers 204. `npm run bench` measures it as the
 * framework's floor (Koa, Strapi's middlewares and router) next to the plugin's routes.
 */
module.exports = {
  routes: [{ method: 'GET', path: '/bench/noop', handler: 'bench.noop', config: { auth: false } }],
};

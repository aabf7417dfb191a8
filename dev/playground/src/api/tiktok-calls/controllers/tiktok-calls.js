module.exports = ({ strapi }) => ({
  async accessToken(ctx) {
    const tokens = strapi.plugin('tiktok-auth-mobile').service('tokens');
    try {
      ctx.body = { accessToken: await tokens.accessToken(Number(ctx.request.body.userId)) };
    } catch (error) {
      ctx.status = 400;
      ctx.body = { error: error.message, reason: error.details?.reason ?? null };
    }
  },
});

module.exports = {
  noop(ctx) {
    ctx.status = 204;
  },
};

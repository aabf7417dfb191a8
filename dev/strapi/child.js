// A second Strapi process for multi-process tests: boots the playground with the environment it
// is given (the parent's database and emulator), listens on a free loopback port, reports it to
// the parent over IPC and stops when told to. Plain JavaScript: it runs outside jest.
const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', '..', 'playground');

(async () => {
  const strapi = createStrapi({ appDir, distDir: appDir });
  await strapi.load();
  const server = strapi.server.listen(0, '127.0.0.1', () => {
    process.send({ port: server.address().port });
  });
  process.on('message', async (message) => {
    if (message !== 'stop') return;
    await strapi.destroy();
    process.exit(0);
  });
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The playground Strapi alone in its own process, started by child-process.ts: for tests that need
// a second process sharing the database, and for the bench, where /proc/<pid>/stat of this
// process is Strapi's cost and nothing else's. It boots with the environment it is given, listens
// on a free loopback port, reports it over IPC and then answers the parent's commands. Plain
// JavaScript: it runs as is under jest and from the compiled bench alike.
const { writeFileSync } = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '..', 'playground');
const profiler = new inspector.Session();

const post = (method, params) =>
  new Promise((resolve, reject) =>
    profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result)))
  );

const main = async () => {
  const strapi = createStrapi({ appDir, distDir: appDir });
  await strapi.load();

  /** @param {import('./child-process').ChildCommand} command */
  const run = async (command) => {
    switch (command.type) {
      case 'gc':
        // Started with --expose-gc: memory is read after a full collection, not mid-cycle.
        global.gc?.();
        return { id: command.id };
      case 'profile-start':
        profiler.connect();
        await post('Profiler.enable');
        await post('Profiler.start');
        return { id: command.id };
      case 'profile-stop': {
        const { profile } = await post('Profiler.stop');
        profiler.disconnect();
        writeFileSync(command.file, JSON.stringify(profile));
        return { id: command.id };
      }
      case 'stop':
        await strapi.destroy();
        return process.exit(0);
    }
  };
  process.on('message', (command) => {
    run(command).then(
      (reply) => process.send(reply),
      (error) => process.send({ id: command.id, error: String(error) })
    );
  });

  const server = strapi.server.listen(0, '127.0.0.1', () => {
    process.send({ id: 0, port: server.address().port });
  });
};

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { createStrapi } from '@strapi/strapi';
import type { ChildCommand, ChildReply } from './strapi-process';

/**
 * The playground Strapi alone in its own process (started by strapi-process.ts), so that
 * /proc/<pid>/stat of this process is Strapi's cost and nothing else's.
 */
const appDir = process.env.BENCH_APP_DIR!;
const profiler = new inspector.Session();

const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) =>
    profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T)))
  );

const main = async () => {
  const strapi = createStrapi({ appDir, distDir: appDir });
  await strapi.start();

  const run = async (command: ChildCommand): Promise<ChildReply> => {
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
        const { profile } = await post<{ profile: unknown }>('Profiler.stop');
        profiler.disconnect();
        writeFileSync(command.file, JSON.stringify(profile));
        return { id: command.id };
      }
      case 'stop':
        await strapi.destroy();
        return process.exit(0);
    }
  };
  process.on('message', (command: ChildCommand) => {
    run(command).then(
      (reply) => process.send!(reply),
      (error: unknown) => process.send!({ id: command.id, error: String(error) })
    );
  });

  const { port } = strapi.server.httpServer.address() as AddressInfo;
  process.send!({ id: 0, port });
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

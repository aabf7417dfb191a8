import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildStrapi {
  url: string;
  stop: () => Promise<void>;
}

const SCRIPT = path.join(__dirname, 'strapi-process.js');

/** Boots the playground in another OS process with `env` and resolves once it listens. */
export const startChildStrapi = (env: Record<string, string | undefined>): Promise<ChildStrapi> =>
  new Promise((resolve, reject) => {
    const given = Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined
    );
    const removed = new Set(Object.keys(env).filter((key) => env[key] === undefined));
    const inherited = Object.entries(process.env).filter(([key]) => !removed.has(key));
    const child: ChildProcess = fork(SCRIPT, [], {
      env: Object.fromEntries([...inherited, ...given]),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('exit', (code) => reject(new Error(`child Strapi exited early (code ${code})`)));
    child.once('message', (message: { port: number }) => {
      resolve({
        url: `http://127.0.0.1:${message.port}`,
        stop: async () => {
          child.send('stop');
          await exited;
        },
      });
    });
  });

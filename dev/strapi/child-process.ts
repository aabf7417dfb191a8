import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export type ChildCommand =
  | { id: number; type: 'gc' | 'profile-start' | 'stop' }
  | { id: number; type: 'profile-stop'; file: string };

export interface ChildReply {
  id: number;
  port?: number;
  error?: string;
}

const BOOT_TIMEOUT_MS = 120_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** A running playground Strapi in a child process: its pid, its URL and a few remote controls. */
export class StrapiProcess {
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Boots the playground (built plugin, production mode) with `env` on top of this process's. */
  static async start(env: Record<string, string>): Promise<StrapiProcess> {
    const child = fork(path.join(__dirname, 'strapi-child.js'), {
      env: { ...process.env, ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('Strapi did not boot in time')),
        BOOT_TIMEOUT_MS
      );
      child.once('message', (reply: ChildReply) => {
        clearTimeout(timer);
        resolve(reply.port!);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Strapi exited during boot (code ${code})`));
      });
    });
    return new StrapiProcess(child, `http://127.0.0.1:${port}`);
  }

  /** Sends one command and waits for its answer. */
  command(type: 'gc' | 'profile-start'): Promise<void>;
  command(type: 'profile-stop', file: string): Promise<void>;
  command(type: ChildCommand['type'], file?: string): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${type}: no answer`)), COMMAND_TIMEOUT_MS);
      const onReply = (reply: ChildReply) => {
        if (reply.id !== id) return;
        clearTimeout(timer);
        this.child.off('message', onReply);
        if (reply.error) reject(new Error(reply.error));
        else resolve();
      };
      this.child.on('message', onReply);
      this.child.send({ id, type, file } as ChildCommand);
    });
  }

  /** Destroys Strapi cleanly; kills the child if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ id: this.nextId++, type: 'stop' } satisfies ChildCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths';

export type ChildCommand =
  | { id: number; type: 'gc' | 'profile-start' | 'stop' }
  | { id: number; type: 'profile-stop'; file: string };

export interface ChildReply {
  id: number;
  port?: number;
  error?: string;
}

/** `base` with `changes` applied, where `undefined` removes a variable. */
const envWith = (
  base: NodeJS.ProcessEnv,
  changes: Record<string, string | undefined>
): NodeJS.ProcessEnv => {
  const env = { ...base, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete env[key];
  return env;
};

const CHILD_SCRIPT = path.join(ROOT, 'dev', 'strapi', 'child.js');
const BOOT_TIMEOUT_MS = 120_000;
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * A running playground Strapi in a child process (child.js): its pid, its URL and a few remote
 * controls. Tests start one to share a database with the Strapi they booted in-process; the bench
 * starts several, so that each one's CPU and memory can be read apart.
 */
export class StrapiProcess {
  private nextId = 1;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Boots the playground (the built plugin) with `env` on top of this process's environment, where
   * `undefined` removes a variable. `stdout: 'ignore'` keeps Strapi's output out of a report.
   */
  static async start(
    env: Record<string, string | undefined>,
    { stdout = 'inherit' }: { stdout?: 'inherit' | 'ignore' } = {}
  ): Promise<StrapiProcess> {
    const child = fork(CHILD_SCRIPT, {
      env: envWith(process.env, env),
      execArgv: ['--expose-gc'],
      stdio: ['ignore', stdout, 'inherit', 'ipc'],
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
      this.child.send({ id, type, file });
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

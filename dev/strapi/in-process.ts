import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStrapi, type Core } from '@strapi/strapi';
import { ENV_NAMES } from '../../server/src/config/settings';
import { PLAYGROUND_DIR } from './paths';

/** Every variable the plugin or the playground's config reads. */
export const PLAYGROUND_ENV_KEYS = [
  ...ENV_NAMES,
  'HOST',
  'PORT',
  'UP_JWT_MANAGEMENT',
  'API_PREFIX',
  'IS_PROXIED',
  'PROXY_MAX_IPS',
  'DATABASE_CLIENT',
  'DATABASE_FILENAME',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'DATABASE_NAME',
  'DATABASE_USERNAME',
  'DATABASE_PASSWORD',
  'LOG_LEVEL',
  'SERVE_ADMIN',
  // Test-only route that answers a user's TikTok access token (src/api/tiktok-calls).
  'PLAYGROUND_TOKEN_ROUTE',
];

/**
 * Sets each playground variable to its value in `env` and removes the others, so that nothing
 * leaks in from the shell or from a previous boot in the same process (unset = the default).
 */
export const applyPlaygroundEnv = (env: Record<string, string | undefined>) => {
  for (const key of PLAYGROUND_ENV_KEYS) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
};

/**
 * Strapi's destroy() calls process.removeAllListeners(), which would also drop the listeners of
 * whoever embeds it (a jest worker's IPC, a CLI's Ctrl-C handler): put them back afterwards.
 */
export const destroyKeepingListeners = async (strapi: Core.Strapi) => {
  const listeners = process.eventNames().map((name) => [name, process.rawListeners(name)] as const);
  await strapi.destroy();
  for (const [name, fns] of listeners) {
    for (const fn of fns)
      if (!process.rawListeners(name).includes(fn)) process.on(name as string, fn as () => void);
  }
};

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * createStrapi() makes Ctrl-C destroy Strapi and exit the process at once, which would cut short
 * the embedder's own shutdown (the demo page, the emulator, the temporary database): drop that.
 */
const createWithoutSignalHandlers = (): Core.Strapi => {
  const before = SIGNALS.map((signal) => process.listeners(signal));
  const strapi = createStrapi({ appDir: PLAYGROUND_DIR, distDir: PLAYGROUND_DIR });
  SIGNALS.forEach((signal, index) => {
    for (const listener of process.listeners(signal))
      if (!before[index].includes(listener)) process.off(signal, listener);
  });
  return strapi;
};

/**
 * Loads (does not start listening) the playground Strapi in this process with exactly the
 * playground variables of `env`; `onCreate` sees the instance before it loads (e.g. to capture
 * its logs). A failed load leaves nothing behind.
 */
export const bootPlayground = async (
  env: Record<string, string | undefined>,
  onCreate?: (strapi: Core.Strapi) => void
): Promise<Core.Strapi> => {
  applyPlaygroundEnv(env);
  const strapi = createWithoutSignalHandlers();
  onCreate?.(strapi);
  try {
    await strapi.load();
  } catch (error) {
    await destroyKeepingListeners(strapi).catch(() => undefined);
    throw error;
  }
  return strapi;
};

export interface PlaygroundApp {
  strapi: Core.Strapi;
  /** The SQLite file Strapi uses. */
  databaseFile: string;
  /** Stops Strapi and deletes the database when it was a temporary one. */
  close: () => Promise<void>;
}

/**
 * The playground with the plugin configured by `env`, on SQLite: `databaseFile`, or a fresh
 * temporary file when it is not given.
 */
export const loadPlayground = async (
  env: Record<string, string | undefined>,
  databaseFile?: string
): Promise<PlaygroundApp> => {
  const tempDir = databaseFile ? undefined : mkdtempSync(path.join(tmpdir(), 'tiktok-auth-demo-'));
  const file = databaseFile ?? path.join(tempDir!, 'data.db');
  const removeTempDir = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  const strapi = await bootPlayground({
    ...env,
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: file,
  }).catch((error: unknown) => {
    removeTempDir();
    throw error;
  });
  return {
    strapi,
    databaseFile: file,
    close: async () => {
      await destroyKeepingListeners(strapi);
      removeTempDir();
    },
  };
};

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStrapi, type Core } from '@strapi/strapi';
import request from 'supertest';
import { TikTokEmulator, type EmulatorOptions } from '../../emulator/src';
import {
  DERIVED_SETTINGS,
  OPTIONAL_SETTINGS,
  REQUIRED_SETTINGS,
} from '../../server/src/config/schema';
import { createTestDatabase } from './databases';

const APP_DIR = path.resolve(__dirname, '..', '..', 'playground');
export const REDIRECT_APP_URL = 'https://app.example.com/auth/tiktok?from=strapi';
export const STRAPI_URL = 'https://api.example.com';
export const CALLBACK_URL = `${STRAPI_URL}/api/tiktok-auth-mobile/callback`;

export interface LogLine {
  level: (typeof LOG_LEVELS)[number];
  message: string;
}

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug'] as const;

export interface TestApp {
  strapi: Core.Strapi;
  emulator: TikTokEmulator;
  http: () => ReturnType<typeof request>;
  /** Every `strapi.log` call since createStrapi (boot included), whatever the printed level. */
  logs: LogLine[];
  /** The redirect URI the plugin derived, i.e. the one to register at TikTok. */
  callbackUrl: string;
  /** The variables this Strapi booted with: another process booted with them shares its database. */
  env: Record<string, string | undefined>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Env overrides; `undefined` removes a variable (to test missing settings). */
  env?: Record<string, string | undefined>;
  emulator?: EmulatorOptions;
}

// Every variable the plugin or the playground reads, so that a test file sets each one and
// nothing leaks from the previous file in the same jest worker.
const ENV_KEYS = [
  ...Object.values(REQUIRED_SETTINGS),
  ...Object.values(OPTIONAL_SETTINGS),
  ...Object.values(DERIVED_SETTINGS),
  'UP_JWT_MANAGEMENT',
  'API_PREFIX',
  'IS_PROXIED',
  'DATABASE_CLIENT',
  'DATABASE_FILENAME',
  'DATABASE_HOST',
  'DATABASE_PORT',
  'DATABASE_NAME',
  'DATABASE_USERNAME',
  'DATABASE_PASSWORD',
  'LOG_LEVEL',
];

/**
 * Strapi's destroy() calls process.removeAllListeners(), which would also drop the jest worker's
 * IPC listeners and hang the next test file: put them back afterwards.
 */
const destroyKeepingListeners = async (strapi: Core.Strapi) => {
  const listeners = process.eventNames().map((name) => [name, process.rawListeners(name)] as const);
  await strapi.destroy();
  for (const [name, fns] of listeners) {
    for (const fn of fns)
      if (!process.rawListeners(name).includes(fn)) process.on(name as string, fn as () => void);
  }
};

/**
 * Boots the playground Strapi on a fresh database (SQLite, or the server of TEST_DATABASE_URL), with a TikTok emulator on 127.0.0.1 as
 * TikTok. One per test file: a boot costs seconds and hundreds of MB.
 */
export const startTestApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tiktok-auth-it-'));
  const database = await createTestDatabase(dataDir);
  const emulator = new TikTokEmulator(options.emulator);
  const tikTokUrl = await emulator.listen();

  // Unlisted keys stay unset, i.e. the plugin's defaults.
  const env: Record<string, string | undefined> = {
    CLIENT_KEY: emulator.clientKey,
    CLIENT_SECRET: emulator.clientSecret,
    REDIRECT_APP_URL,
    STRAPI_URL,
    TIKTOK_API_BASE_URL: tikTokUrl,
    TIKTOK_AUTHORIZE_URL: `${tikTokUrl}/v2/auth/authorize/`,
    TIKTOK_TIMEOUT_MS: '5000',
    // Tests send far more than a person would from one address; rate-limit tests lower it.
    TIKTOK_RATE_LIMIT_MAX: '100000',
    UP_JWT_MANAGEMENT: 'legacy-support',
    ...database.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    ...options.env,
  };
  for (const key of ENV_KEYS) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }

  const strapi = createStrapi({ appDir: APP_DIR, distDir: APP_DIR });
  const logs: LogLine[] = [];
  for (const level of LOG_LEVELS) {
    const original = strapi.log[level].bind(strapi.log);
    strapi.log[level] = ((message: unknown, ...rest: unknown[]) => {
      logs.push({
        level,
        message:
          message instanceof Error ? `${message.message}\n${message.stack}` : String(message),
      });
      return original(message as string, ...(rest as []));
    }) as (typeof strapi.log)[typeof level];
  }

  const cleanUp = async () => {
    await emulator.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await strapi.load();
  } catch (error) {
    await destroyKeepingListeners(strapi).catch(() => undefined);
    await cleanUp();
    throw error;
  }
  strapi.server.mount();

  return {
    strapi,
    emulator,
    logs,
    env,
    callbackUrl: strapi.plugin('tiktok-auth-mobile').service('config').callbackUrl(),
    http: () => request(strapi.server.httpServer),
    close: async () => {
      await destroyKeepingListeners(strapi);
      await cleanUp();
    },
  };
};

/**
 * Starts Strapi's HTTP server on a free loopback port and returns its URL: for many requests at
 * once, which `app.http()` (supertest listening anew for each request) is not made for.
 */
export const listenOnLoopback = async (app: TestApp): Promise<string> => {
  const server = app.strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Sets users-permissions' advanced settings (Settings → Users & Permissions → Advanced). */
export const setAdvancedSettings = async (
  strapi: Core.Strapi,
  changes: Record<string, unknown>
) => {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const current = ((await store.get({})) ?? {}) as Record<string, unknown>;
  await store.set({ value: { ...current, ...changes } });
};

/** Walks the emulator's consent screen as `personId` and returns TikTok's redirect to /callback. */
export const authorizeAt = async (
  app: TestApp,
  personId: string,
  { scope = 'user.info.basic', state }: { scope?: string; state?: string } = {}
): Promise<URL> => {
  const query = new URLSearchParams({
    client_key: app.emulator.clientKey,
    scope,
    response_type: 'code',
    redirect_uri: app.callbackUrl,
    person: personId,
    ...(state ? { state } : {}),
  });
  const response = await fetch(`${app.emulator.url}/v2/auth/authorize/?${query}`, {
    redirect: 'manual',
  });
  return new URL(response.headers.get('location')!);
};

/** Follows a /callback URL (as TikTok's redirect would) and returns the app URL it redirects to. */
export const callbackRedirect = async (app: TestApp, callback: URL): Promise<URL> => {
  const response = await app.http().get(`${callback.pathname}${callback.search}`);
  expect(response.status).toBe(302);
  return new URL(response.headers.location);
};

import { mkdtempSync, rmSync } from 'node:fs';
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
  'DATABASE_CLIENT',
  'DATABASE_FILENAME',
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
 * Boots the playground Strapi on a fresh SQLite file, with a TikTok emulator on 127.0.0.1 as
 * TikTok. One per test file: a boot costs seconds and hundreds of MB.
 */
export const startTestApp = async (options: TestAppOptions = {}): Promise<TestApp> => {
  const emulator = new TikTokEmulator(options.emulator);
  const tikTokUrl = await emulator.listen();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tiktok-auth-it-'));

  // Unlisted keys stay unset, i.e. the plugin's defaults.
  const env: Record<string, string | undefined> = {
    CLIENT_KEY: emulator.clientKey,
    CLIENT_SECRET: emulator.clientSecret,
    REDIRECT_APP_URL,
    STRAPI_URL,
    TIKTOK_API_BASE_URL: tikTokUrl,
    TIKTOK_AUTHORIZE_URL: `${tikTokUrl}/v2/auth/authorize/`,
    TIKTOK_TIMEOUT_MS: '5000',
    UP_JWT_MANAGEMENT: 'legacy-support',
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(dataDir, 'data.db'),
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
    callbackUrl: strapi.plugin('tiktok-auth-mobile').service('config').callbackUrl(),
    http: () => request(strapi.server.httpServer),
    close: async () => {
      await destroyKeepingListeners(strapi);
      await cleanUp();
    },
  };
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

/** Answers TikTok's consent screen at `authorizeUrl` as `personId` (or `deny`): TikTok's redirect. */
export const consentAt = async (authorizeUrl: URL, personId: string): Promise<URL> => {
  const withChoice = new URL(authorizeUrl);
  withChoice.searchParams.set('person', personId);
  const response = await fetch(withChoice, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
};

/** The app opening TikTok's consent screen itself (Flow A, or Flow C with a PKCE challenge). */
export const authorizeAt = async (
  app: TestApp,
  personId: string,
  {
    scope = 'user.info.basic',
    state,
    redirectUri = app.callbackUrl,
    codeChallenge,
  }: { scope?: string; state?: string; redirectUri?: string; codeChallenge?: string } = {}
): Promise<URL> => {
  const query = new URLSearchParams({
    client_key: app.emulator.clientKey,
    scope,
    response_type: 'code',
    redirect_uri: redirectUri,
    ...(state ? { state } : {}),
    ...(codeChallenge ? { code_challenge: codeChallenge, code_challenge_method: 'S256' } : {}),
  });
  return consentAt(new URL(`${app.emulator.url}/v2/auth/authorize/?${query}`), personId);
};

/**
 * Follows a /callback URL (as TikTok's redirect would, with the browser's cookie when given) and
 * returns the app URL it redirects to.
 */
export const callbackRedirect = async (app: TestApp, callback: URL, cookie?: string) => {
  const call = app.http().get(`${callback.pathname}${callback.search}`);
  const response = await (cookie ? call.set('Cookie', cookie) : call);
  expect(response.status).toBe(302);
  return new URL(response.headers.location);
};

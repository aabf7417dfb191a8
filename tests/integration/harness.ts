import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import request from 'supertest';
import { TikTokEmulator, type EmulatorOptions } from '../../dev/emulator/src';
import { bootPlayground, destroyKeepingListeners } from '../../dev/strapi';
import { challengeFor } from '../../server/src/lib/oauth/pkce';
import { FLOW_COOKIE, PLUGIN_ID, ROUTE_BASE, ROUTES } from '../../server/src/constants';
import { createTestDatabase } from './databases';

export const REDIRECT_APP_URL = 'https://app.example.com/auth/tiktok?from=strapi';
export const STRAPI_URL = 'https://api.example.com';
/** The path of one of the plugin's routes under `apiPrefix` (Strapi's `api.rest.prefix`). */
export const route = (name: keyof typeof ROUTES, apiPrefix = '/api') =>
  `${apiPrefix}${ROUTE_BASE}${ROUTES[name]}`;
export const CALLBACK_URL = `${STRAPI_URL}${route('callback')}`;
// Verifier lengths of TikTok's SDKs: Android makes 32 characters, iOS 43.
export const ANDROID_VERIFIER = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
export const IOS_VERIFIER = 'iOS-verifier_with.all~the-allowed_chars.0123';

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
  /**
   * Stops this Strapi and boots a new one on the same database, emulator and env, as a
   * redeploy (an upgrade of the plugin) would; this TestApp is done with afterwards.
   */
  reboot: () => Promise<TestApp>;
}

export interface TestAppOptions {
  /** Env overrides; `undefined` removes a variable (to test missing settings). */
  env?: Record<string, string | undefined>;
  emulator?: EmulatorOptions;
}

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
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  };
  const logs: LogLine[] = [];
  const captureLogs = (strapi: Core.Strapi) => {
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
  };

  const cleanUp = async () => {
    await emulator.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const boot = async (): Promise<TestApp> => {
    // Every other playground variable is removed: nothing leaks from the previous test file.
    const strapi = await bootPlayground(env, captureLogs).catch(async (error: unknown) => {
      await cleanUp();
      throw error;
    });
    strapi.server.mount();

    return {
      strapi,
      emulator,
      logs,
      env,
      callbackUrl: (await strapi.plugin(PLUGIN_ID).service('status').report()).redirectUri,
      http: () => request(strapi.server.httpServer),
      close: async () => {
        await destroyKeepingListeners(strapi);
        await cleanUp();
      },
      reboot: async () => {
        await destroyKeepingListeners(strapi);
        return boot();
      },
    };
  };
  return boot();
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

/**
 * The common set-up of a file driven over real sockets: one app per file (or `describe`), booted
 * before its tests and listening on loopback, closed after them. `ready` receives both.
 */
export const serveOnLoopback = (
  ready: (app: TestApp, url: string) => void,
  options?: TestAppOptions
): void => {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(options);
    ready(app, await listenOnLoopback(app));
  });
  afterAll(async () => {
    await app?.close();
  });
};

/** users-permissions' advanced settings as a fresh app has them: what each test starts from. */
export const DEFAULT_ADVANCED_SETTINGS = {
  allow_register: true,
  unique_email: true,
  default_role: 'authenticated',
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

/**
 * Sets them by writing the core store's row with SQL, as a migration or a database console would:
 * no Strapi code runs, so no process is told.
 */
export const setAdvancedSettingsInDatabase = async (
  strapi: Core.Strapi,
  changes: Record<string, unknown>
) => {
  const rows = () =>
    strapi.db
      .connection('strapi_core_store_settings')
      .where({ key: 'plugin_users-permissions_advanced' });
  const [row] = await rows().select<{ value: string }[]>('value');
  await rows().update({ value: JSON.stringify({ ...JSON.parse(row.value), ...changes }) });
};

/** A person TikTok did not know yet, and an access token for them. */
export const tokenForNewPerson = (app: TestApp, id: string, displayName = id): string => {
  app.emulator.addPerson({
    id,
    open_id: `${id}-open`,
    union_id: `${id}-union`,
    display_name: displayName,
  });
  return app.emulator.issueAccessToken(id);
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

/** A code TikTok's SDK would hand the app (Flow C): bound to the challenge of `verifier`. */
export const issueCodeFor = (
  app: TestApp,
  personId: string,
  verifier: string,
  redirectUri = CALLBACK_URL
): string =>
  app.emulator.issueCode(personId, ['user.info.basic'], redirectUri, challengeFor(verifier));

export interface StartedFlowB {
  /** Where /authorize sent the browser. */
  tiktok: URL;
  /** The `name=value` pair to send back, as a browser would. */
  cookie: string;
  /** The raw Set-Cookie header, attributes included. */
  setCookie: string;
}

/** The flow cookie among the Set-Cookie headers of an answer (which must hold one). */
export const flowCookieOf = (setCookie: string[] | string | undefined): string => {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((line) => line.startsWith(`${FLOW_COOKIE}=`));
  expect(found).toBeDefined();
  return found!;
};

/** Flow B's first step: `GET /authorize` (with `query`, e.g. `?state=…`), as a browser opens it. */
export const startFlowB = async (app: TestApp, query = ''): Promise<StartedFlowB> => {
  const response = await app.http().get(`${route('authorize')}${query}`);
  expect(response.status).toBe(302);
  const setCookie = flowCookieOf(response.headers['set-cookie']);
  return {
    tiktok: new URL(response.headers.location),
    cookie: setCookie.split(';')[0],
    setCookie,
  };
};

/** Flow B as a browser walks it: /authorize → TikTok consent → /callback → the app URL. */
export const runFlowB = async (app: TestApp, personId: string, query = '') => {
  const started = await startFlowB(app, query);
  const fromTikTok = await consentAt(started.tiktok, personId);
  return { started, fromTikTok, toApp: await callbackRedirect(app, fromTikTok, started.cookie) };
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

/** Asserts an error answer in Strapi's shape: `{ data: null, error: { status, message, … } }`. */
export const expectError = (
  response: { status: number; body: unknown },
  status: number,
  message: string
) => {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ data: null, error: { status, message } });
};

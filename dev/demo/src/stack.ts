import type { Core } from '@strapi/strapi';
import { DEFAULT_PEOPLE, TikTokEmulator, type EmulatedPerson } from '../../emulator/src';
import { PLUGIN_ID, USER_UID } from '../../../server/src/constants';
import { getService } from '../../../server/src/services/get-service';
import { loadPlayground, type PlaygroundApp } from '../../strapi';
import { PAGE_PATHS, startWebServer, type DisconnectInTikTok, type WebServer } from './web-server';

/** Everything the demo starts listens on this address only. */
export const HOST = '127.0.0.1';
const SCOPES = 'user.info.basic,user.info.profile';

/** A person whose Strapi account an administrator has blocked, so the demo can show the refusal. */
export const BLOCKED_PERSON: EmulatedPerson = {
  id: 'bella',
  open_id: '_000bella-open-id',
  union_id: 'b10cked-union-id-6',
  display_name: 'Bella Blocked',
  username: 'bella.blocked',
  note: 'her Strapi account is blocked',
};

export interface DemoOptions {
  /** Port of the demo page, which also serves Strapi's API; 0 picks a free one. */
  port?: number;
  /** Port of the TikTok emulator; 0 picks a free one. */
  emulatorPort?: number;
  /**
   * Ports tried first for the page and the emulator whose port above is unset: when one is
   * taken, a free one is used instead of failing (the CLI's defaults, 3000 and 4010).
   */
  preferredPorts?: { page: number; emulator: number };
  /**
   * Extra playground/plugin variables (e.g. UP_JWT_MANAGEMENT=refresh); the ones that point the
   * plugin at the emulator and at the page always win. Unlisted variables are unset.
   */
  env?: Record<string, string | undefined>;
}

export interface DemoStack {
  /** The page to open. */
  url: string;
  emulator: TikTokEmulator;
  strapi: Core.Strapi;
  databaseFile: string;
  /** Stops the page, Strapi and the emulator, frees their ports and deletes the database. */
  close: () => Promise<void>;
}

/** Signs Bella in once through the plugin itself, then blocks her as an administrator would. */
const seedBlockedUser = async (strapi: Core.Strapi) => {
  const { user } = await getService(strapi, 'accounts').findOrCreate({
    profile: BLOCKED_PERSON,
    scopes: SCOPES.split(','),
  });
  await strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { blocked: true } });
};

/**
 * The page's "Disconnect in TikTok", through the emulator's own control endpoint (what
 * `curl -X POST …/emulator/people/<id>/disconnect` does): the emulator revokes the person's
 * tokens and delivers a signed `authorization.removed` to the plugin's webhook.
 */
const disconnectThroughEmulator =
  (emulator: TikTokEmulator): DisconnectInTikTok =>
  async (openId, reason) => {
    const person = [...emulator.people.values()].find((candidate) => candidate.open_id === openId);
    if (!person) return { status: 404, body: JSON.stringify({ error: 'No such TikTok person' }) };
    const response = await fetch(
      `${emulator.url}/emulator/people/${encodeURIComponent(person.id)}/disconnect?${new URLSearchParams({ reason })}`,
      { method: 'POST' }
    );
    return { status: response.status, body: await response.text() };
  };

/**
 * `listen(port)` on the port asked for; with none, on the preferred one, or on a free one (0)
 * when that is taken.
 */
const listenOn = async <T>(
  port: number | undefined,
  preferred: number | undefined,
  listen: (port: number) => Promise<T>
): Promise<T> => {
  if (port !== undefined || preferred === undefined) return listen(port ?? 0);
  try {
    return await listen(preferred);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return listen(0);
  }
};

/**
 * Starts the TikTok emulator, the playground Strapi (fresh SQLite file, plugin pointed at the
 * emulator) and the demo page, all on 127.0.0.1. Used by `npm run demo` and the e2e tests.
 */
export const startDemo = async (options: DemoOptions = {}): Promise<DemoStack> => {
  let web: WebServer | undefined;
  let emulator: TikTokEmulator | undefined;
  let app: PlaygroundApp | undefined;
  // The page first, so that no request reaches a half-stopped Strapi.
  const close = async () => {
    await web?.close();
    await app?.close();
    await emulator?.close();
  };

  try {
    web = await listenOn(options.port, options.preferredPorts?.page, (port) =>
      startWebServer(port, HOST)
    );
    const callbackUrl = `${web.url}/api/${PLUGIN_ID}/callback`;
    const sdkRedirectUri = `${web.url}${PAGE_PATHS.sdkRedirect}`;
    // As in TikTok's portal, only registered redirect URIs may receive a code.
    emulator = new TikTokEmulator({
      people: [...DEFAULT_PEOPLE, BLOCKED_PERSON],
      redirectUris: [callbackUrl, sdkRedirectUri],
    });
    const tiktokUrl = await listenOn(
      options.emulatorPort,
      options.preferredPorts?.emulator,
      (port) => emulator!.listen(port, HOST)
    );
    const authorizeUrl = `${tiktokUrl}/v2/auth/authorize/`;

    app = await loadPlayground({
      LOG_LEVEL: 'error',
      // The page shows what is kept of TikTok's tokens, and what a disconnection does to them.
      TIKTOK_STORE_TOKENS: 'true',
      ...options.env,
      // The prefixed names win over bare ones a shell may hold for something else.
      TIKTOK_CLIENT_KEY: emulator.clientKey,
      TIKTOK_CLIENT_SECRET: emulator.clientSecret,
      TIKTOK_REDIRECT_APP_URL: `${web.url}${PAGE_PATHS.app}`,
      TIKTOK_STRAPI_URL: web.url,
      TIKTOK_API_BASE_URL: tiktokUrl,
      TIKTOK_AUTHORIZE_URL: authorizeUrl,
      TIKTOK_ALLOWED_REDIRECT_URIS: sdkRedirectUri,
      TIKTOK_SCOPES: SCOPES,
      API_PREFIX: undefined,
    });
    // TikTok's deliveries go to the plugin's webhook, through the page's server as in production.
    emulator.webhookUrl = `${web.url}/api/${PLUGIN_ID}/webhook`;
    await seedBlockedUser(app.strapi);
    app.strapi.server.mount();
    const strapiListener = app.strapi.server.app.callback();
    web.attach(
      {
        authorizeUrl,
        clientKey: emulator.clientKey,
        scopes: SCOPES,
        pluginApi: `/api/${PLUGIN_ID}`,
        callbackUrl,
        sdkRedirectUri,
      },
      // Koa answers its own errors: the promise of a request never rejects.
      (req, res) => void strapiListener(req, res),
      disconnectThroughEmulator(emulator)
    );
    return {
      url: `${web.url}${PAGE_PATHS.app}`,
      emulator,
      strapi: app.strapi,
      databaseFile: app.databaseFile,
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
};

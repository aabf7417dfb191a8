import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build, stop } from 'esbuild';
import type { PageConfig } from './page-config';

/** The page is served at these paths: the app's redirect URL and flow C's redirect URI. */
export const PAGE_PATHS = { app: '/', sdkRedirect: '/flow-c' } as const;

const WEB_DIR = path.resolve(__dirname, '..', 'web');

// The page briefly carries tokens in its URL: keep it out of caches and Referer headers.
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
};

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#fe2c55"/></svg>';

interface Asset {
  type: string;
  body: string;
}

const loadAssets = async (): Promise<Record<string, Asset>> => {
  const [html, css, bundle] = await Promise.all([
    readFile(path.join(WEB_DIR, 'index.html'), 'utf8'),
    readFile(path.join(WEB_DIR, 'style.css'), 'utf8'),
    build({
      entryPoints: [path.join(WEB_DIR, 'app.ts')],
      bundle: true,
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    }),
  ]);
  // The page is bundled once: no esbuild service process lives on beside the demo.
  await stop();
  const page = { type: 'text/html; charset=utf-8', body: html };
  return {
    [PAGE_PATHS.app]: page,
    [PAGE_PATHS.sdkRedirect]: page,
    '/demo/style.css': { type: 'text/css; charset=utf-8', body: css },
    '/demo/app.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
    // Answered here: the playground has no favicon, and Strapi logs every miss as an error.
    '/favicon.ico': { type: 'image/svg+xml', body: FAVICON },
  };
};

/** The page's "Disconnect in TikTok": POST with `?openId=…&reason=…`, proxied to the emulator. */
export const DISCONNECT_PATH = '/demo/disconnect';

/**
 * What a person does in TikTok, as the page asks for it: the emulator's control endpoint for the
 * person with this open_id; its status and JSON body.
 */
export type DisconnectInTikTok = (
  openId: string,
  reason: string
) => Promise<{ status: number; body: string }>;

export interface WebServer {
  url: string;
  /**
   * From now on, answers /demo/config.json with `config`, the page's disconnect button with
   * `disconnect`, and hands other paths to Strapi.
   */
  attach: (
    config: PageConfig,
    strapiListener: http.RequestListener,
    disconnect: DisconnectInTikTok
  ) => void;
  close: () => Promise<void>;
}

/**
 * The page that plays the mobile app, on the same origin as Strapi's API: every path that is not
 * the page's own goes to Strapi, as behind a reverse proxy, so the page needs no CORS.
 */
export const startWebServer = async (port: number, host: string): Promise<WebServer> => {
  const assets = await loadAssets();
  let attached:
    | { config: PageConfig; strapi: http.RequestListener; disconnect: DisconnectInTikTok }
    | undefined;

  const server = http.createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://demo.invalid');
    const asset = req.method === 'GET' ? assets[pathname] : undefined;
    if (asset) {
      res.writeHead(200, { ...PAGE_HEADERS, 'Content-Type': asset.type });
      res.end(asset.body);
    } else if (!attached) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '2' });
      res.end('Strapi is still starting.');
    } else if (req.method === 'GET' && pathname === '/demo/config.json') {
      res.writeHead(200, { ...PAGE_HEADERS, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(attached.config));
    } else if (req.method === 'POST' && pathname === DISCONNECT_PATH) {
      attached.disconnect(searchParams.get('openId') ?? '', searchParams.get('reason') ?? '1').then(
        ({ status, body }) => {
          res.writeHead(status, { ...PAGE_HEADERS, 'Content-Type': 'application/json' });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(502, { ...PAGE_HEADERS, 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: `The emulator did not answer: ${String(error)}` }));
        }
      );
    } else {
      attached.strapi(req, res);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    attach: (config, strapiListener, disconnect) => {
      attached = { config, strapi: strapiListener, disconnect };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

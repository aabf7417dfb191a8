import type { IncomingMessage } from 'node:http';
import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { pluginConfig } from '../config/runtime';
import { MAX_WEBHOOK_BODY_BYTES, ROUTES } from '../constants';

/** The webhook's body as received: its exact bytes, or why they were not kept. */
export type RawBody = Buffer | 'too-large' | 'unreadable';

const captured = new WeakMap<IncomingMessage, RawBody>();

/** What `webhookRawBody` read for this request; undefined when it did not run for it. */
export const rawBodyOf = (ctx: Context): RawBody | undefined => captured.get(ctx.req);

/**
 * Reads the whole body, up to `limit` bytes. Past the limit, the rest is left to flow away
 * unread (Node discards it), and the answer can still be sent.
 */
const readRaw = (req: IncomingMessage, limit: number): Promise<RawBody> => {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: RawBody) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish('too-large');
        req.resume();
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onError = () => finish('unreadable');
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
};

const normalizedPath = (path: string) => path.replace(/\/+$/, '').toLowerCase();

/**
 * TikTok signs the exact bytes of a webhook body, and `strapi::body` (koa-body) turns a JSON body
 * into an object before any route middleware runs: the bytes are gone by the time the route sees
 * the request. So this runs as a server middleware, registered when the plugin registers, i.e.
 * ahead of the app's middleware stack, and only for `POST` to the webhook route: it keeps the raw
 * bytes for the controller, which checks the signature before parsing them itself. The app's
 * middleware configuration stays as it is, and every other request is untouched.
 */
export const webhookRawBody = (strapi: Core.Strapi) => {
  // Known once the config is parsed, on the first request: the plugin registers before that.
  let webhookPath: string | undefined;
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'POST') return next();
    webhookPath ??= normalizedPath(`${pluginConfig(strapi).routeBase()}${ROUTES.webhook}`);
    // The router matches paths case-insensitively and with a trailing slash: so does this.
    if (normalizedPath(ctx.path) !== webhookPath) return next();
    captured.set(ctx.req, await readRaw(ctx.req, MAX_WEBHOOK_BODY_BYTES));
    // The stream is consumed: koa-body must not try to read it again (it would fail with "stream
    // is not readable"). Without these headers a request has no body as far as parsers know.
    delete ctx.req.headers['content-length'];
    delete ctx.req.headers['transfer-encoding'];
    return next();
  };
};

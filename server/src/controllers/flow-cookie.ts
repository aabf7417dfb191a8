import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { pluginConfig } from '../config/runtime';
import { FLOW_COOKIE } from '../constants';
import {
  MAX_SEALED_LENGTH,
  createStateSealer,
  type FlowState,
  type StateSealer,
} from '../lib/crypto/sealing';
import { perInstance } from '../lib/per-instance';
import { MESSAGES } from '../messages';

/** What the callback found: no cookie (Flow A), or one that opened to a flow or failed to. */
export type StartedFlow = { flow: FlowState } | { flow: undefined };

/**
 * The cookie that carries Flow B from `/authorize` to `/callback`: sealed (encrypted and
 * authenticated), httpOnly, SameSite=Lax so it survives TikTok's top-level redirect back, sent
 * only to the plugin's routes, and short-lived. Nothing stays in server memory, so any instance
 * behind a load balancer can finish a flow another started.
 */
export const flowCookie = perInstance((strapi: Core.Strapi) => {
  const config = pluginConfig(strapi);
  const ttlMs = config.get().stateTtlSeconds * 1000;
  let sealer: StateSealer | undefined;
  const sealerFor = () => (sealer ??= createStateSealer(config.stateSecrets()));

  const options = (ctx: Context) => {
    const secure = config.isPublicUrlHttps();
    // TLS usually ends at a proxy: the public URL, not this hop, tells whether the browser is on
    // https. Koa would otherwise refuse a Secure cookie on a plain-http hop.
    if (secure) ctx.cookies.secure = true;
    return {
      httpOnly: true,
      secure,
      sameSite: 'lax' as const,
      path: config.routeBase(),
      overwrite: true,
    };
  };

  return {
    /**
     * Starts a flow: a fresh state cookie that expires with the flow. A flow whose sealed cookie
     * the browser would drop (or the callback refuse) is a 400 now, not an "expired" later.
     */
    start(ctx: Context, flow: Omit<FlowState, 'expiresAt'>): void {
      const expiresAt = Date.now() + ttlMs;
      const sealed = sealerFor().seal({ ...flow, expiresAt });
      if (sealed.length > MAX_SEALED_LENGTH) {
        throw new errors.ValidationError(MESSAGES.invalidAppState);
      }
      ctx.cookies.set(FLOW_COOKIE, sealed, {
        ...options(ctx),
        maxAge: ttlMs,
      });
    },

    /**
     * Reads and clears the flow cookie: a flow is finished once, whatever its outcome. Undefined
     * when there is no cookie; `{ flow: undefined }` when it is expired, altered or forged.
     */
    take(ctx: Context): StartedFlow | undefined {
      const sealed = ctx.cookies.get(FLOW_COOKIE);
      if (!sealed) return undefined;
      ctx.cookies.set(FLOW_COOKIE, null, options(ctx));
      return { flow: sealerFor().open(sealed) };
    },
  };
});

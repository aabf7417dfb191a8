import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { pluginConfig } from '../config/runtime';
import { PLUGIN_ID } from '../constants';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../lib/webhook/signature';
import { MESSAGES } from '../messages';
import { rawBodyOf } from '../middlewares/webhook-raw-body';
import { handleWebhookEvent } from '../webhooks/handle-event';
import { readWebhookEvent } from './webhook-validation';

// Refusals that point at this app's setup (a wrong client secret, a clock far off) are warnings;
// a missing or malformed header is what any scanner sends, and only shows when debugging.
const WARN_REASONS = new Set(['signature mismatch', 'signature stale']);

/** `POST /webhook`: TikTok's event deliveries, refused unless signed with the client secret. */
const webhook = ({ strapi }: { strapi: Core.Strapi }) => ({
  async receive(ctx: Context) {
    const config = pluginConfig(strapi);
    const missing = config.missing();
    if (missing.length > 0) {
      ctx.internalServerError(MESSAGES.unsetVariables(missing));
      return;
    }
    const raw = rawBodyOf(ctx);
    if (raw === 'too-large') throw new errors.PayloadTooLargeError(MESSAGES.webhookBodyTooLarge);

    const refuse = (reason: string): void => {
      // The reason only: never the header, which holds the signature.
      const level = WARN_REASONS.has(reason) ? 'warn' : 'debug';
      strapi.log[level](`[${PLUGIN_ID}] webhook refused: ${reason}`);
      // Answered, not thrown: Strapi's route guard swaps the message of a thrown
      // UnauthorizedError for a bare "Unauthorized".
      ctx.unauthorized(MESSAGES.webhookSignatureInvalid);
    };
    // Undefined when the raw-body middleware did not run for this request: nothing to verify.
    if (!Buffer.isBuffer(raw)) return refuse('body not readable');
    const verdict = verifyWebhookSignature({
      header: ctx.get(SIGNATURE_HEADER) || undefined,
      body: raw,
      secret: config.get().clientSecret,
    });
    if (!verdict.ok) return refuse(`signature ${verdict.reason}`);

    await handleWebhookEvent(strapi, readWebhookEvent(raw));
    ctx.body = { received: true };
  },
});

export default webhook;

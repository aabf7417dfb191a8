import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../config/runtime';
import { PLUGIN_ID } from '../constants';
import {
  AUTHORIZATION_REMOVED,
  REMOVAL_REASONS,
  removalReasonOf,
  type RemovalReason,
  type WebhookEvent,
} from '../lib/webhook/events';

/** What became of a verified event. Every outcome is acknowledged with 200: TikTok stops retrying. */
export type WebhookOutcome =
  | { kind: 'other-app' }
  | { kind: 'authorization-removed'; openId: string; reason: RemovalReason }
  | { kind: 'ignored'; event: string };

/**
 * Where the webhook route hands a verified event. An event for another client key (a webhook URL
 * shared by two TikTok apps) is not this app's; `authorization.removed` is read with its reason;
 * other events are acknowledged and not used.
 */
export const handleWebhookEvent = (strapi: Core.Strapi, event: WebhookEvent): WebhookOutcome => {
  if (event.clientKey !== pluginConfig(strapi).get().clientKey) {
    strapi.log.warn(
      `[${PLUGIN_ID}] webhook event ${event.event} is for another client key: ignored`
    );
    return { kind: 'other-app' };
  }
  if (event.event !== AUTHORIZATION_REMOVED) {
    strapi.log.debug(`[${PLUGIN_ID}] webhook event ${event.event} acknowledged, not used`);
    return { kind: 'ignored', event: event.event };
  }
  const reason = removalReasonOf(event.content);
  strapi.log.info(
    `[${PLUGIN_ID}] webhook: TikTok removed an authorization (reason ${reason}: ${REMOVAL_REASONS[reason]})`
  );
  return { kind: 'authorization-removed', openId: event.openId, reason };
};

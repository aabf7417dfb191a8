import type { Core } from '@strapi/strapi';
import { pluginConfig } from '../config/runtime';
import { EVENTS, IDENTITY_UID, PLUGIN_ID, USER_UID } from '../constants';
import { emitEvent } from '../events';
import {
  AUTHORIZATION_REMOVED,
  REMOVAL_REASONS,
  removalReasonOf,
  type RemovalReason,
  type WebhookEvent,
} from '../lib/webhook/events';
import { getService } from '../services/get-service';
import type { IdentityRow } from '../services/identities';
import { NO_TOKENS } from '../services/tokens';

/** What became of a verified event. Every outcome is acknowledged with 200: TikTok stops retrying. */
export type WebhookOutcome =
  | { kind: 'other-app' }
  | { kind: 'authorization-removed'; userId: number | null; reason: RemovalReason }
  | { kind: 'already-handled' }
  | { kind: 'stale' }
  | { kind: 'unknown-person' }
  | { kind: 'ignored'; event: string };

/**
 * Marks the identity disconnected and forgets its tokens, once: the UPDATE applies only to a row
 * not disconnected yet, so of several deliveries of one event (TikTok retries, on any instance)
 * exactly one changes the row and emits the event. A delivery created before the person's
 * latest sign-in is stale: that sign-in authorized the app again.
 */
const removeAuthorization = async (
  strapi: Core.Strapi,
  row: IdentityRow,
  event: WebhookEvent,
  reason: RemovalReason
): Promise<WebhookOutcome> => {
  const signedInAt = row.lastSignInAt ? new Date(row.lastSignInAt).getTime() : 0;
  // TikTok's create_time has whole seconds: a sign-in in that same second is not later.
  if (signedInAt >= (event.createTime + 1) * 1000) return { kind: 'stale' };
  const at = new Date();
  const { count } = await strapi.db.query(IDENTITY_UID).updateMany({
    where: { id: row.id, disconnectedAt: null },
    data: { ...NO_TOKENS, disconnectedAt: at, disconnectReason: REMOVAL_REASONS[reason] },
  });
  if (count === 0) return { kind: 'already-handled' };
  const user = row.userId
    ? ((await strapi.db.query(USER_UID).findOne({ where: { id: row.userId } })) as {
        id: number;
        documentId?: string;
      } | null)
    : null;
  if (user) {
    const identity = {
      ...row,
      ...NO_TOKENS,
      disconnectedAt: at,
      disconnectReason: REMOVAL_REASONS[reason],
    };
    emitEvent(
      strapi,
      EVENTS.AUTHORIZATION_REMOVED,
      user,
      getService(strapi, 'identities').view(identity)
    );
  }
  return { kind: 'authorization-removed', userId: row.userId, reason };
};

/**
 * Where the webhook route hands a verified event. An event for another client key (a webhook URL
 * shared by two TikTok apps) is not this app's; `authorization.removed` for a known person
 * disconnects their identity; other events are acknowledged and not used.
 */
export const handleWebhookEvent = async (
  strapi: Core.Strapi,
  event: WebhookEvent
): Promise<WebhookOutcome> => {
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
  const row = await getService(strapi, 'identities').findByOpenId(event.openId);
  if (!row) {
    strapi.log.debug(
      `[${PLUGIN_ID}] webhook: authorization.removed for an unknown person: ignored`
    );
    return { kind: 'unknown-person' };
  }
  const outcome = await removeAuthorization(strapi, row, event, reason);
  strapi.log.info(
    outcome.kind === 'authorization-removed'
      ? `[${PLUGIN_ID}] webhook: TikTok removed the authorization of user ${row.userId} (reason ${reason}: ${REMOVAL_REASONS[reason]}): tokens forgotten, identity disconnected`
      : `[${PLUGIN_ID}] webhook: authorization.removed for user ${row.userId} ${outcome.kind === 'stale' ? 'predates their latest sign-in' : 'already handled'}: ignored`
  );
  return outcome;
};

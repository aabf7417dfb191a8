/** TikTok's webhook events (developers.tiktok.com, "Webhooks"), as the plugin reads them. */

/** A delivery's body once its signature is checked: TikTok's fields, camel-cased. */
export interface WebhookEvent {
  clientKey: string;
  /** e.g. `authorization.removed`, `video.publish.completed`. */
  event: string;
  /** When TikTok created the event, in unix seconds; repeats of one event share it. */
  createTime: number;
  /** The person's `open_id` for this app. */
  openId: string;
  /** Event-specific details: a JSON string, as TikTok sends it. */
  content: string;
}

export const AUTHORIZATION_REMOVED = 'authorization.removed';

/** `content.reason` of `authorization.removed`. */
export const REMOVAL_REASONS = {
  0: 'unknown',
  1: 'disconnected in the TikTok app',
  2: 'account deleted',
  3: 'age changed',
  4: 'account banned',
  5: 'revoked by the developer',
} as const;
export type RemovalReason = keyof typeof REMOVAL_REASONS;

/**
 * The reason in an `authorization.removed` content string; 0 (unknown) when the content is not
 * what TikTok documents: the removal itself is what matters, and it must not be refused for a
 * detail (TikTok would retry a refused delivery for 72 hours).
 */
export const removalReasonOf = (content: string): RemovalReason => {
  let reason: unknown;
  try {
    reason = (JSON.parse(content) as { reason?: unknown } | null)?.reason;
  } catch {
    return 0;
  }
  return typeof reason === 'number' && Object.prototype.hasOwnProperty.call(REMOVAL_REASONS, reason)
    ? (reason as RemovalReason)
    : 0;
};

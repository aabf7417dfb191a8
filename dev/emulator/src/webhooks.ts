import { createHmac } from 'node:crypto';

/**
 * TikTok's webhook deliveries as the emulator sends them: a JSON body `{ client_key, event,
 * create_time, user_openid, content }` (`content` a JSON string), POSTed with
 * `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256(client_secret, "<t>.<body>")>`.
 *
 * The signature is computed here on its own, not with the plugin's signer: the plugin's
 * verification is then checked against a second implementation of TikTok's rule.
 */

/**
 * `content.reason` of `authorization.removed`: 0 unknown, 1 disconnected in the TikTok app, 2
 * account deleted, 3 age changed, 4 banned, 5 revoked by the developer.
 */
export const isRemovalReason = (value: number): boolean =>
  Number.isInteger(value) && value >= 0 && value <= 5;

const DELIVERY_TIMEOUT_MS = 5000;

export interface DeliveryAttempt {
  /** Milliseconds since the epoch. */
  at: number;
  /** The HTTP status the webhook URL answered, when it answered. */
  status?: number;
  /** Why no answer came (no URL configured, connection refused, timeout). */
  error?: string;
}

export interface WebhookDelivery {
  id: string;
  personId: string;
  event: string;
  /** The body exactly as sent; every attempt sends the same bytes, as TikTok's retries do. */
  body: string;
  attempts: DeliveryAttempt[];
}

export const webhookBody = (fields: {
  clientKey: string;
  event: string;
  openId: string;
  content: Record<string, unknown>;
  createTime?: number;
}): string =>
  JSON.stringify({
    client_key: fields.clientKey,
    event: fields.event,
    create_time: fields.createTime ?? Math.floor(Date.now() / 1000),
    user_openid: fields.openId,
    content: JSON.stringify(fields.content),
  });

export const signatureHeader = (clientSecret: string, body: string, timestamp: number): string =>
  `t=${timestamp},s=${createHmac('sha256', clientSecret).update(`${timestamp}.${body}`).digest('hex')}`;

/**
 * One attempt: signs the body with the current time (a retry is signed anew, as TikTok signs
 * each delivery) and POSTs it. Never throws: the outcome is recorded on the delivery.
 */
export const attemptDelivery = async (
  delivery: WebhookDelivery,
  url: string | undefined,
  clientSecret: string
): Promise<DeliveryAttempt> => {
  const attempt: DeliveryAttempt = { at: Date.now() };
  delivery.attempts.push(attempt);
  if (!url) {
    attempt.error = 'no webhook URL is configured';
    return attempt;
  }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'TikTok-Signature': signatureHeader(
          clientSecret,
          delivery.body,
          Math.floor(attempt.at / 1000)
        ),
      },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    attempt.status = response.status;
  } catch (error) {
    attempt.error = error instanceof Error ? error.message : String(error);
  }
  return attempt;
};

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * TikTok's webhook signature (developers.tiktok.com, "Check the signature"): the header
 * `TikTok-Signature: t=<unix seconds>,s=<hex>` where `s` is the HMAC-SHA256, keyed with the app's
 * client secret, of `"<t>.<raw request body>"`.
 */
export const SIGNATURE_HEADER = 'TikTok-Signature';

/** How far the signed time may be from this server's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

// Far more than TikTok sends (one `t`, one `s`): a header that long is not TikTok's.
const MAX_HEADER_LENGTH = 1024;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

export type SignatureRefusal = 'missing' | 'malformed' | 'stale' | 'mismatch' | 'no-secret';

export type SignatureVerdict =
  | { ok: true; timestamp: number }
  | { ok: false; reason: SignatureRefusal };

/** The hex signature TikTok computes for `body` signed at `timestamp` (unix seconds). */
export const webhookSignature = (
  secret: string,
  timestamp: number,
  body: Buffer | string
): string => createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/** The header value TikTok would send for `body`: for tests and the emulator's deliveries. */
export const signWebhook = (
  secret: string,
  body: Buffer | string,
  timestamp = Math.floor(Date.now() / 1000)
): string => `t=${timestamp},s=${webhookSignature(secret, timestamp, body)}`;

/**
 * The parts of a header: exactly one `t`, and one `s` or more. TikTok's documentation speaks of
 * "the timestamp and signatures" in the Stripe manner: several `s` are accepted, any matching one
 * verifies, so that a header carrying signatures by two secrets (a rotation) still works.
 */
const parseHeader = (header: string): { timestamp: number; signatures: Buffer[] } | undefined => {
  const timestamps: string[] = [];
  const signatures: Buffer[] = [];
  for (const element of header.split(',')) {
    const separator = element.indexOf('=');
    if (separator < 0) return undefined;
    const prefix = element.slice(0, separator).trim();
    const value = element.slice(separator + 1).trim();
    if (prefix === 't') timestamps.push(value);
    else if (prefix === 's') {
      if (!HEX_SHA256.test(value)) return undefined;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other prefixes are ignored: a scheme TikTok may add later must not break the present one.
  }
  if (timestamps.length !== 1 || !UNIX_SECONDS.test(timestamps[0]) || signatures.length === 0) {
    return undefined;
  }
  return { timestamp: Number(timestamps[0]), signatures };
};

/**
 * Checks a delivery: the header's form, the timestamp within the tolerance (a replay of an old
 * delivery is refused even with its genuine signature), then the HMAC over the exact bytes
 * received, compared in constant time. The verdict names why a delivery was refused; it never
 * holds the secret or a signature.
 */
export const verifyWebhookSignature = ({
  header,
  body,
  secret,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
}: {
  header: string | undefined;
  body: Buffer;
  secret: string | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): SignatureVerdict => {
  if (!secret) return { ok: false, reason: 'no-secret' };
  if (!header) return { ok: false, reason: 'missing' };
  const parsed = header.length <= MAX_HEADER_LENGTH ? parseHeader(header) : undefined;
  if (!parsed) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'stale' };
  }
  const expected = Buffer.from(webhookSignature(secret, parsed.timestamp, body), 'hex');
  // Every candidate is compared, so the time taken does not tell which one came close.
  const matches = parsed.signatures.map((candidate) => timingSafeEqual(candidate, expected));
  return matches.includes(true)
    ? { ok: true, timestamp: parsed.timestamp }
    : { ok: false, reason: 'mismatch' };
};

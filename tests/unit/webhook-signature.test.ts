import { createHmac } from 'node:crypto';
import {
  SIGNATURE_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhookSignature,
} from '../../server/src/lib/webhook/signature';

const SECRET = 'the-client-secret';
const NOW = 1_800_000_000;
const BODY = Buffer.from(
  '{"client_key":"ck","event":"authorization.removed","create_time":1800000000,"user_openid":"o-1","content":"{\\"reason\\":1}"}'
);

/** The signature as TikTok's documentation describes it, computed here independently. */
const documented = (timestamp: number, body: Buffer, secret = SECRET) =>
  createHmac('sha256', secret)
    .update(`${timestamp}.${body.toString('utf8')}`)
    .digest('hex');

const verify = (header: string | undefined, body = BODY, nowSeconds = NOW) =>
  verifyWebhookSignature({ header, body, secret: SECRET, nowSeconds });

describe('TikTok webhook signature', () => {
  it('signs as the documentation says: HMAC-SHA256(client_secret, "<t>.<raw body>") in hex', () => {
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=${NOW},s=${documented(NOW, BODY)}`);
  });

  it('accepts TikTok’s header for the exact bytes received, and says when it was signed', () => {
    expect(verify(`t=${NOW},s=${documented(NOW, BODY)}`)).toEqual({ ok: true, timestamp: NOW });
    // Upper-case hex and spaces after the comma are still the same signature.
    expect(verify(`t=${NOW}, s=${documented(NOW, BODY).toUpperCase()}`).ok).toBe(true);
  });

  it('refuses other bytes, even the same JSON written differently', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 1));
    expect(verify(header, reformatted)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(header, Buffer.concat([BODY, Buffer.from('\n')]))).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a signature made with another secret, or for another timestamp', () => {
    expect(verify(signWebhook('another-secret', BODY, NOW))).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verify(`t=${NOW - 1},s=${documented(NOW, BODY)}`)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a timestamp more than 5 minutes away, either way, however genuine', () => {
    const at = (offset: number) => signWebhook(SECRET, BODY, NOW + offset);
    expect(verify(at(-SIGNATURE_TOLERANCE_SECONDS)).ok).toBe(true);
    expect(verify(at(SIGNATURE_TOLERANCE_SECONDS)).ok).toBe(true);
    expect(verify(at(-SIGNATURE_TOLERANCE_SECONDS - 1))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(at(SIGNATURE_TOLERANCE_SECONDS + 1))).toEqual({ ok: false, reason: 'stale' });
  });

  it('accepts several s= when one matches (signatures by two secrets), never a lone wrong one', () => {
    const good = documented(NOW, BODY);
    const other = documented(NOW, BODY, 'old-secret');
    expect(verify(`t=${NOW},s=${other},s=${good}`).ok).toBe(true);
    expect(verify(`t=${NOW},s=${other},s=${other}`)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('ignores prefixes it does not know, as a future scheme may add one', () => {
    expect(verify(`t=${NOW},v2=abc,s=${documented(NOW, BODY)}`).ok).toBe(true);
  });

  it.each([
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['no timestamp', `s=${'a'.repeat(64)}`, 'malformed'],
    ['no signature', `t=${NOW}`, 'malformed'],
    ['two timestamps', `t=${NOW},t=${NOW},s=${'a'.repeat(64)}`, 'malformed'],
    ['a timestamp that is not a number', `t=soon,s=${'a'.repeat(64)}`, 'malformed'],
    ['a fractional timestamp', `t=${NOW}.5,s=${'a'.repeat(64)}`, 'malformed'],
    ['a signature that is not hex SHA-256', `t=${NOW},s=${'a'.repeat(63)}`, 'malformed'],
    ['an element without "="', `t=${NOW},s`, 'malformed'],
    ['a header of 2000 characters', `t=${NOW},${'x=1,'.repeat(500)}`, 'malformed'],
  ])('refuses %s', (_name, header, reason) => {
    expect(verify(header)).toEqual({ ok: false, reason });
  });

  it('refuses everything when the app has no client secret', () => {
    expect(
      verifyWebhookSignature({ header: signWebhook('', BODY, NOW), body: BODY, secret: undefined })
    ).toEqual({ ok: false, reason: 'no-secret' });
  });

  it('never puts the secret or a signature in its verdict', () => {
    const header = `t=${NOW},s=${documented(NOW, BODY, 'old-secret')}`;
    const verdicts = JSON.stringify([verify(header), verify(signWebhook(SECRET, BODY, NOW))]);
    expect(verdicts).not.toContain(SECRET);
    expect(verdicts).not.toContain(documented(NOW, BODY));
  });
});

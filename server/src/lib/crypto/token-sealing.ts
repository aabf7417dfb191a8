import { createHash } from 'node:crypto';
import { decrypt, deriveKey, encrypt } from './sealing';

/**
 * TikTok tokens at rest: AES-256-GCM under a key derived from the vault's secret, so that a
 * database dump alone reveals nothing. A sealed value reads `t1.<key id>.<base64url>`: the key id
 * (a fingerprint, which says nothing about the key) tells which key opens it, so after a rotation
 * old values still open with the previous key and can be sealed again with the new one.
 */
const VERSION = 't1';
const KEY_PURPOSE = 'token vault key';
const KEY_ID_LENGTH = 8;
// TikTok's tokens are about 80 characters; anything far longer was not sealed here.
const MAX_SEALED_LENGTH = 4096;

const keyIdOf = (key: Buffer): string =>
  createHash('sha256')
    .update('tiktok-auth-mobile key id')
    .update(key)
    .digest('hex')
    .slice(0, KEY_ID_LENGTH);

/**
 * What a sealed value is bound to, e.g. `identity:42:refresh`: a value copied into another row
 * or column does not open there.
 */
const associatedData = (context: string) =>
  Buffer.from(`tiktok-auth-mobile/token/${VERSION}|${context}`);

const parse = (sealed: string): { keyId: string; blob: Buffer } | undefined => {
  if (sealed.length > MAX_SEALED_LENGTH) return undefined;
  const [version, keyId, body, ...rest] = sealed.split('.');
  if (version !== VERSION || !keyId || !body || rest.length > 0) return undefined;
  return { keyId, blob: Buffer.from(body, 'base64url') };
};

/**
 * A sealer over `secrets`: the first seals, every one opens (the dedicated key, or the app keys,
 * then the previous keys of a rotation).
 */
export const createTokenSealer = (secrets: readonly string[]) => {
  if (secrets.length === 0) throw new Error('the token vault needs at least one secret');
  const keys = secrets.map((secret) => {
    const key = deriveKey(secret, KEY_PURPOSE);
    return { id: keyIdOf(key), key };
  });
  const [current] = keys;

  const open = (sealed: string, context: string): string | undefined => {
    const parsed = parse(sealed);
    if (!parsed) return undefined;
    for (const { id, key } of keys) {
      if (id !== parsed.keyId) continue;
      const plain = decrypt(key, associatedData(context), parsed.blob);
      if (plain) return plain.toString('utf8');
    }
    return undefined;
  };

  const seal = (token: string, context: string): string =>
    `${VERSION}.${current.id}.${encrypt(current.key, associatedData(context), Buffer.from(token, 'utf8')).toString('base64url')}`;

  return {
    seal,

    /** The token, or undefined when the value is altered, foreign, or under a key no longer set. */
    open,

    /** Whether the value was sealed under another key than the current one (a rotation). */
    needsReseal: (sealed: string): boolean => parse(sealed)?.keyId !== current.id,

    /**
     * The value sealed again under the current key, after a rotation; undefined when it does not
     * open with any key.
     */
    reseal(sealed: string, context: string): string | undefined {
      const token = open(sealed, context);
      return token === undefined ? undefined : seal(token, context);
    },
  };
};

export type TokenSealer = ReturnType<typeof createTokenSealer>;

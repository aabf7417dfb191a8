import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** What `/authorize` hands over to `/callback` through the browser. */
export interface FlowState {
  /** The random `state` sent to TikTok; the callback must bring it back. */
  state: string;
  /** The PKCE verifier whose challenge went to TikTok. */
  verifier: string;
  /** The `state` the app chose, returned to it in the final redirect. */
  appState?: string;
  /** Milliseconds since the epoch after which the flow is refused. */
  expiresAt: number;
}

const VERSION = 'v1';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
// Binds a sealed value to this use: a blob made for anything else will not open here.
const ASSOCIATED_DATA = Buffer.from('tiktok-auth-mobile/flow-state/v1');
/**
 * The longest sealed value sealed or opened. Browsers drop a cookie whose name, value and
 * attributes pass 4096 bytes; this leaves room for the name and attributes (about 150 bytes).
 */
export const MAX_SEALED_LENGTH = 3000;

/**
 * A 256-bit key for one use (`purpose`) from a secret: the same secret (say an `APP_KEYS` entry)
 * gives unrelated keys to the state cookie and to the token vault.
 */
export const deriveKey = (secret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'tiktok-auth-mobile', purpose, 32));

/** AES-256-GCM with a random IV: `iv | tag | ciphertext`, authenticated with `aad`. */
export const encrypt = (key: Buffer, aad: Buffer, plain: Buffer): Buffer => {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
};

/** What `encrypt` made with this key and `aad`; undefined for anything else or anything altered. */
export const decrypt = (key: Buffer, aad: Buffer, blob: Buffer): Buffer | undefined => {
  if (blob.length <= IV_LENGTH + TAG_LENGTH) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_LENGTH));
    decipher.setAAD(aad);
    decipher.setAuthTag(blob.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
    return Buffer.concat([
      decipher.update(blob.subarray(IV_LENGTH + TAG_LENGTH)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
};

const isFlowState = (value: unknown): value is FlowState => {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.state === 'string' &&
    typeof candidate.verifier === 'string' &&
    typeof candidate.expiresAt === 'number' &&
    (candidate.appState === undefined || typeof candidate.appState === 'string')
  );
};

/**
 * Seals a flow state with AES-256-GCM: the browser can neither read the verifier nor change a
 * bit without the authentication tag failing. Keys come from the app's secrets, so every
 * instance sharing them can open what another sealed; sealing uses the first secret and opening
 * tries each, so rotating secrets (new one first) does not break flows in progress.
 */
export const createStateSealer = (secrets: readonly string[]) => {
  if (secrets.length === 0) throw new Error('the state cookie needs at least one secret');
  const keys = secrets.map((secret) => deriveKey(secret, 'flow-state cookie key'));

  const openWith = (key: Buffer, blob: Buffer): unknown => {
    const plain = decrypt(key, ASSOCIATED_DATA, blob);
    if (!plain) return undefined;
    try {
      return JSON.parse(plain.toString('utf8'));
    } catch {
      return undefined;
    }
  };

  return {
    seal(flow: FlowState): string {
      const blob = encrypt(keys[0], ASSOCIATED_DATA, Buffer.from(JSON.stringify(flow), 'utf8'));
      return `${VERSION}.${blob.toString('base64url')}`;
    },

    /** The flow state, or undefined when the value is forged, altered, foreign or expired. */
    open(sealed: string, now = Date.now()): FlowState | undefined {
      if (sealed.length > MAX_SEALED_LENGTH || !sealed.startsWith(`${VERSION}.`)) return undefined;
      const blob = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
      for (const key of keys) {
        const flow = openWith(key, blob);
        if (flow !== undefined) return isFlowState(flow) && flow.expiresAt > now ? flow : undefined;
      }
      return undefined;
    },
  };
};

export type StateSealer = ReturnType<typeof createStateSealer>;

/** Compares two state values in constant time, so the check leaks nothing about the expected one. */
export const sameState = (expected: string, received: string | undefined): boolean => {
  if (received === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
};

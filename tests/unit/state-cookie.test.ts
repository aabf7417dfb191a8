import { FLOW_COOKIE, ROUTE_BASE } from '../../server/src/constants';
import { createState, createVerifier } from '../../server/src/lib/oauth/pkce';
import {
  MAX_SEALED_LENGTH,
  createStateSealer,
  sameState,
  type FlowState,
} from '../../server/src/lib/crypto/sealing';

const NOW = 1_800_000_000_000;
const FLOW: FlowState = {
  state: 'random-state-value',
  verifier: 'a-verifier-of-the-allowed-alphabet-0123456789',
  appState: 'the app state',
  expiresAt: NOW + 600_000,
};
const sealer = createStateSealer(['key-one']);

/** The sealed value with byte `index` of its binary part changed. */
const flipByte = (sealed: string, index: number): string => {
  const blob = Buffer.from(sealed.slice(3), 'base64url');
  blob[index] ^= 0x01;
  return `v1.${blob.toString('base64url')}`;
};

describe('state cookie sealing', () => {
  it('opens what it sealed, until the flow expires', () => {
    const sealed = sealer.seal(FLOW);
    expect(sealer.open(sealed, NOW)).toEqual(FLOW);
    expect(sealer.open(sealed, FLOW.expiresAt - 1)).toEqual(FLOW);
    expect(sealer.open(sealed, FLOW.expiresAt)).toBeUndefined();
  });

  it('hides state and verifier from whoever holds the cookie', () => {
    const sealed = sealer.seal(FLOW);
    const visible = `${sealed} ${Buffer.from(sealed.slice(3), 'base64url').toString('latin1')}`;
    for (const secret of [FLOW.state, FLOW.verifier, FLOW.appState!]) {
      expect(visible).not.toContain(secret);
    }
  });

  it('seals the same flow differently each time (random IV)', () => {
    expect(sealer.seal(FLOW)).not.toBe(sealer.seal(FLOW));
  });

  it('refuses a value with any single byte changed (IV, tag or body)', () => {
    const sealed = sealer.seal(FLOW);
    const length = Buffer.from(sealed.slice(3), 'base64url').length;
    for (let index = 0; index < length; index += 1) {
      expect(sealer.open(flipByte(sealed, index), NOW)).toBeUndefined();
    }
  });

  it('refuses a value sealed with another key (a forgery)', () => {
    const forged = createStateSealer(['attacker-key']).seal(FLOW);
    expect(sealer.open(forged, NOW)).toBeUndefined();
  });

  it('keeps flows in progress working across a key rotation (new key first)', () => {
    const sealedBefore = sealer.seal(FLOW);
    const rotated = createStateSealer(['key-two', 'key-one']);
    expect(rotated.open(sealedBefore, NOW)).toEqual(FLOW);
    expect(createStateSealer(['key-two']).open(sealedBefore, NOW)).toBeUndefined();
  });

  it.each([
    ['an empty value', ''],
    ['no version', sealer.seal(FLOW).slice(3)],
    ['another version', `v2${sealer.seal(FLOW).slice(2)}`],
    ['a value too short to hold IV and tag', 'v1.AAAA'],
    ['plain JSON', JSON.stringify(FLOW)],
    ['an oversized value', `v1.${'A'.repeat(5000)}`],
  ])('refuses %s', (_case, value) => {
    expect(sealer.open(value, NOW)).toBeUndefined();
  });

  it('refuses a sealed value that is not a flow state', () => {
    const notAFlow = { state: 1, verifier: 'v', expiresAt: NOW + 1000 } as unknown as FlowState;
    expect(sealer.open(sealer.seal(notAFlow), NOW)).toBeUndefined();
  });

  it('needs a secret', () => {
    expect(() => createStateSealer([])).toThrow('at least one secret');
  });
});

describe('sealed size of an app state', () => {
  /** The flow /authorize seals for `appState`, with real state and verifier sizes. */
  const sealedFor = (appState: string) =>
    sealer.seal({ state: createState(), verifier: createVerifier(), appState, expiresAt: NOW });

  // The printable characters that seal largest: JSON escapes, 3-byte and 4-byte UTF-8.
  it.each([
    ['quotes', '"'.repeat(512)],
    ['backslashes', '\\'.repeat(512)],
    ['euro signs (3 bytes each)', '€'.repeat(512)],
    ['emoji (two UTF-16 units, 4 bytes each)', '😀'.repeat(256)],
    ['line separators', '\u2028'.repeat(512)],
    ['replacement characters', '\ufffd'.repeat(512)],
  ])('any 512 printable characters fit: %s', (_case, appState) => {
    const sealed = sealedFor(appState);
    expect(sealed.length).toBeLessThanOrEqual(MAX_SEALED_LENGTH);
    expect(sealer.open(sealed, NOW - 1)?.appState).toBe(appState);
  });

  it('512 control characters would not: each seals to six bytes', () => {
    expect(sealedFor('\u0001'.repeat(512)).length).toBeGreaterThan(MAX_SEALED_LENGTH);
  });

  it('a value of the longest length leaves a cookie of name, value and attributes under 4096 bytes', () => {
    const attributes = `; path=/api${ROUTE_BASE}; expires=Thu, 01 Jan 2026 00:00:00 GMT; samesite=lax; secure; httponly`;
    expect(`${FLOW_COOKIE}=${'x'.repeat(MAX_SEALED_LENGTH)}${attributes}`.length).toBeLessThan(
      4096
    );
  });
});

describe('sameState', () => {
  it.each<[string, string | undefined, boolean]>([
    ['the same value', 'abc123', true],
    ['another value of the same length', 'abc124', false],
    ['a prefix', 'abc', false],
    ['a longer value', 'abc1234', false],
    ['nothing', undefined, false],
    ['an empty value', '', false],
  ])('compares with %s', (_case, received, expected) => {
    expect(sameState('abc123', received)).toBe(expected);
  });
});

import {
  VERIFIER_PATTERN,
  challengeFor,
  createState,
  createVerifier,
} from '../../server/src/lib/oauth/pkce';

describe('PKCE as TikTok does it', () => {
  it('makes the challenge the lower-case hex SHA-256 of the verifier (FIPS 180-2 vector)', () => {
    expect(challengeFor('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    );
  });

  it('is not the base64url challenge of RFC 7636', () => {
    // RFC 7636 appendix B's verifier; its S256 challenge would be E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM.
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    expect(challengeFor(verifier)).toBe(
      Buffer.from('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'base64url').toString('hex')
    );
  });

  it('creates 64-character verifiers from the allowed alphabet, never twice the same', () => {
    const verifiers = Array.from({ length: 200 }, createVerifier);
    for (const verifier of verifiers) {
      expect(verifier).toHaveLength(64);
      expect(verifier).toMatch(VERIFIER_PATTERN);
    }
    expect(new Set(verifiers).size).toBe(verifiers.length);
  });

  it('creates states of 32 URL-safe characters, never twice the same', () => {
    const states = Array.from({ length: 200 }, createState);
    for (const state of states) expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(states).size).toBe(states.length);
  });

  it.each([
    ['the Android SDK length (32)', 'a'.repeat(32)],
    ['the iOS SDK length (43)', 'b'.repeat(43)],
    ['the longest allowed (128)', 'c'.repeat(128)],
    ['every allowed character', 'ABCXYZabcxyz0189-._~-._~-._~-._~'],
  ])('accepts a verifier of %s', (_case, verifier) => {
    expect(VERIFIER_PATTERN.test(verifier)).toBe(true);
  });

  it.each([
    ['31 characters', 'a'.repeat(31)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', `${'a'.repeat(40)} b`],
    ['a plus sign', `${'a'.repeat(40)}+`],
    ['a slash', `${'a'.repeat(40)}/`],
    ['padding', `${'a'.repeat(40)}=`],
    ['a non-ASCII letter', `${'a'.repeat(40)}é`],
    ['a newline at the end', `${'a'.repeat(40)}\n`],
  ])('refuses a verifier with %s', (_case, verifier) => {
    expect(VERIFIER_PATTERN.test(verifier)).toBe(false);
  });
});

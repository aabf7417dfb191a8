import type { LogLine } from './harness';

/** Secret-shaped strings no log may hold, whoever issued them (including ones a test never saw). */
const SECRET_PATTERNS: [string, RegExp][] = [
  ['a JWT', /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/],
  [
    "an emulator token or code (TikTok's own refresh token included)",
    /\b(act|rft|code)\.[\w-]{16,}/,
  ],
];

/**
 * Fails when any of `secrets` (client secret, TikTok tokens, codes, verifiers, Strapi JWTs and
 * refresh tokens a test obtained) or anything shaped like one appears in the captured logs.
 */
export const expectNoSecretsIn = (
  logs: readonly LogLine[],
  secrets: readonly (string | undefined)[]
): void => {
  const logged = logs.map((line) => line.message).join('\n');
  for (const secret of secrets) {
    // A missing or trivially short value would make the check pass for the wrong reason.
    expect(typeof secret === 'string' && secret.length >= 8).toBe(true);
    if (logged.includes(secret!)) {
      throw new Error(`a secret of ${secret!.length} characters appears in the logs`);
    }
  }
  for (const [name, pattern] of SECRET_PATTERNS) {
    if (pattern.test(logged)) throw new Error(`${name} appears in the logs`);
  }
};

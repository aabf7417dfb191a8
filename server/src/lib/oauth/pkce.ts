import { createHash, randomBytes } from 'node:crypto';

/**
 * TikTok's PKCE: the verifier uses RFC 7636's unreserved alphabet, but the challenge is the
 * lower-case HEX SHA-256 of the verifier, not base64url. TikTok's Android SDK makes 32-character
 * verifiers and its iOS SDK 43, so the accepted length starts at 32.
 */
export const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{32,128}$/;

/** A fresh verifier: 64 characters, 384 bits of randomness (base64url is within the alphabet). */
export const createVerifier = (): string => randomBytes(48).toString('base64url');

export const challengeFor = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('hex');

/** An unguessable value for TikTok's `state` parameter. */
export const createState = (): string => randomBytes(24).toString('base64url');

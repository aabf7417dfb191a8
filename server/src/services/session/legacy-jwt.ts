import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Core } from '@strapi/strapi';
import { perInstance } from '../../lib/per-instance';

// Fixed claims (an explicit `iat` included) so that two signers can be compared byte for byte.
const PROBE_CLAIMS = { id: 0, iat: 1 };

/**
 * The Strapi JWT of legacy mode (`jwtManagement: 'legacy-support'`), identical to what
 * users-permissions' `jwt.issue({ id })` returns: same claims, secret and `jwt` options.
 *
 * Why not simply call `issue()`: jsonwebtoken, given the secret as a string, first tries to
 * parse it as a PEM private key and only then makes a secret key of it, on every call. That
 * failed parse was a fifth of the CPU of a returning sign-in. Here the key is made once.
 *
 * An app that replaced users-permissions' `issue()` (other claims, another algorithm) keeps it:
 * the fast path is only taken when, on first use, it signs the probe claims exactly as `issue()`
 * does.
 */
export const legacyJwt = perInstance((strapi: Core.Strapi) => {
  let key: { secret: string; key: KeyObject } | undefined;
  let sameAsUsersPermissions: boolean | undefined;

  const usersPermissionsIssue = (claims: object): string | Promise<string> =>
    strapi.plugin('users-permissions').service('jwt').issue(claims);

  const sign = (claims: object): string => {
    const secret: string = strapi.config.get('plugin::users-permissions.jwtSecret');
    // Re-made if the secret ever changes at run time, as issue() would follow it.
    if (key?.secret !== secret) key = { secret, key: createSecretKey(Buffer.from(secret)) };
    const options: jwt.SignOptions = { ...strapi.config.get('plugin::users-permissions.jwt', {}) };
    return jwt.sign({ ...claims }, key.key, options);
  };

  const fastPathMatches = (): boolean => {
    try {
      return sign(PROBE_CLAIMS) === usersPermissionsIssue({ ...PROBE_CLAIMS });
    } catch {
      return false;
    }
  };

  return {
    issue(userId: number): string | Promise<string> {
      sameAsUsersPermissions ??= fastPathMatches();
      return sameAsUsersPermissions ? sign({ id: userId }) : usersPermissionsIssue({ id: userId });
    },
  };
});

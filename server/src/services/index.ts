import type { Core } from '@strapi/strapi';
import accounts from './accounts';
import identities from './identities';
import login from './login';
import session from './session';
import status from './status';
import tiktok from './tiktok';
import tokens from './tokens';

/**
 * The plugin's public services: what an app may call (`strapi.plugin('tiktok-auth-mobile')
 * .service(name)`) or replace through its extensions. The rest (config, the flow cookie, the
 * rate-limit budget, the legacy JWT signer) are internal modules an app cannot reach.
 */
export default {
  accounts,
  identities,
  login,
  session,
  status,
  tiktok,
  tokens,
} satisfies Record<string, (deps: { strapi: Core.Strapi }) => object>;

import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import type { IdentityView, LinkAnswer, UnlinkAnswer } from '../../../contracts/identity';
import { MESSAGES } from '../messages';
import { signedInUser } from '../middlewares/signed-in';
import { LinkConflictError } from '../services/accounts';
import { getService } from '../services/get-service';
import { routeGuards } from './guards';
import { readLinkRequest } from './validation';

/** The signed-in user's TikTok identity: `/link` and `/me` (§8). */
const identity = ({ strapi }: { strapi: Core.Strapi }) => {
  const { ensureConfigured, ensureFlow, checkRedirectUri } = routeGuards(strapi);

  return {
    /**
     * `POST /link`: links the TikTok person behind the credentials to the signed-in user. An
     * access token is Flow A's kind of credential and a code Flow C's: each is taken only while
     * its flow is on (`flows`), as `/connect` and `/token` would take it.
     */
    async link(ctx: Context) {
      if (!ensureConfigured(ctx)) return;
      const credentials = readLinkRequest(ctx.request.body);
      if (!ensureFlow(ctx, 'accessToken' in credentials ? 'connect' : 'token')) return;
      if ('redirectUri' in credentials) checkRedirectUri(credentials.redirectUri);

      const { person, grant } = await getService(strapi, 'login').person(credentials);
      try {
        const outcome = await getService(strapi, 'accounts').link(signedInUser(ctx), person);
        const identity = await getService(strapi, 'tokens').keep(outcome.identity, grant);
        const answer: LinkAnswer = {
          linked: outcome.linked,
          identity: getService(strapi, 'identities').view(identity),
        };
        ctx.body = answer;
      } catch (error) {
        if (error instanceof LinkConflictError) return ctx.conflict(error.message);
        throw error;
      }
    },

    /** `DELETE /link`: removes the signed-in user's TikTok identity. */
    async unlink(ctx: Context) {
      await getService(strapi, 'accounts').unlink(signedInUser(ctx));
      const answer: UnlinkAnswer = { unlinked: true };
      ctx.body = answer;
    },

    /** `GET /me`: the signed-in user's TikTok identity, never a token. */
    async me(ctx: Context) {
      const identities = getService(strapi, 'identities');
      const row = await identities.findByUser(signedInUser(ctx).id);
      if (!row) throw new errors.NotFoundError(MESSAGES.noIdentity);
      const answer: IdentityView = identities.view(row);
      ctx.body = answer;
    },
  };
};

export default identity;

import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { MESSAGES } from '../messages';
import { getService } from './get-service';
import type { SignInBody } from './session';
import type { CodeExchange } from './tiktok';

/** The one way from TikTok credentials to a Strapi session, shared by every flow. */
const login = ({ strapi }: { strapi: Core.Strapi }) => {
  const withAccessToken = async (
    accessToken: string,
    ctx: Context,
    deviceId?: string
  ): Promise<SignInBody> => {
    const profile = await getService(strapi, 'tiktok').fetchUser(accessToken);
    const user = await getService(strapi, 'accounts').findOrCreate(profile);
    if (user.blocked) throw new errors.ApplicationError(MESSAGES.blocked);
    return getService(strapi, 'session').signIn(user, ctx, deviceId);
  };

  return {
    /** Flow A's `/connect`: the token is checked by reading the person it belongs to. */
    withAccessToken,

    /** Flow C's `/token` (and Flow B with `redirectWith: 'strapi_jwt'`): code in, session out. */
    async withCode(exchange: CodeExchange, ctx: Context, deviceId?: string): Promise<SignInBody> {
      const token = await getService(strapi, 'tiktok').exchangeCode(exchange);
      return withAccessToken(token.access_token, ctx, deviceId);
    },
  };
};

export default login;

import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { EVENTS } from '../constants';
import { emitEvent } from '../events';
import type { TikTokPerson } from '../lib/tiktok/types';
import { MESSAGES } from '../messages';
import { getService } from './get-service';
import type { SignInBody } from './session';
import type { CodeExchange } from './tiktok';
import type { TokenGrant } from './tokens';

/** TikTok credentials an app hands over: an access token (Flow A) or an SDK code (Flow C). */
export type TikTokCredentials = { accessToken: string } | CodeExchange;

/** The one way from TikTok credentials to a Strapi session, shared by every flow. */
const login = ({ strapi }: { strapi: Core.Strapi }) => {
  const tiktok = () => getService(strapi, 'tiktok');

  /**
   * The person behind the credentials, as TikTok describes them (the token is checked so), and
   * the TikTok tokens this took: a code exchange's access and refresh tokens with their
   * lifetimes, or Flow A's access token alone.
   */
  const person = async (
    credentials: TikTokCredentials
  ): Promise<{ person: TikTokPerson; grant: TokenGrant }> => {
    if ('accessToken' in credentials) {
      return {
        person: await tiktok().readPerson(credentials.accessToken),
        grant: { accessToken: credentials.accessToken },
      };
    }
    const token = await tiktok().exchangeCode(credentials);
    return {
      person: await tiktok().readPerson(token.access_token, token.scope),
      grant: {
        accessToken: token.access_token,
        expiresIn: token.expires_in,
        refreshToken: token.refresh_token || undefined,
        refreshExpiresIn: token.refresh_expires_in,
      },
    };
  };

  const signIn = async (
    credentials: TikTokCredentials,
    ctx: Context,
    deviceId?: string
  ): Promise<SignInBody> => {
    const { person: seen, grant } = await person(credentials);
    const accounts = getService(strapi, 'accounts');
    const identities = getService(strapi, 'identities');
    const { user, identity, created, touched } = await accounts.findOrCreate(seen);
    if (user.blocked) throw new errors.ApplicationError(MESSAGES.blocked);

    const current = await identities.refresh(
      identity,
      seen,
      !touched,
      getService(strapi, 'tokens').columnsFor(identity, grant)
    );
    const synced = await accounts.syncProfile(user, seen.profile);
    const body = await getService(strapi, 'session').signIn(synced, ctx, deviceId);
    const view = identities.view(current);
    if (created) emitEvent(strapi, EVENTS.USER_CREATED, synced, view);
    emitEvent(strapi, EVENTS.SIGN_IN, synced, view);
    return body;
  };

  return {
    person,

    /** Flow A's `/connect`: the token is checked by reading the person it belongs to. */
    withAccessToken: (accessToken: string, ctx: Context, deviceId?: string) =>
      signIn({ accessToken }, ctx, deviceId),

    /** Flow C's `/token` (and Flow B with `redirectWith: 'strapi_jwt'`): code in, session out. */
    withCode: (exchange: CodeExchange, ctx: Context, deviceId?: string) =>
      signIn(exchange, ctx, deviceId),
  };
};

export default login;

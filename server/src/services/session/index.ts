import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { buildSessionMetadata, errors } from '@strapi/utils';
import { DEFAULT_REFRESH_COOKIE, REFRESH_IN_BODY_HEADER, USER_UID } from '../../constants';
import { MESSAGES } from '../../messages';
import type { StrapiUser } from '../accounts';
import { getService } from '../get-service';
import { legacyJwt } from './legacy-jwt';

export interface SignInBody {
  jwt: string;
  refreshToken?: string;
  user: Record<string, unknown>;
}

interface UpSessionsConfig {
  httpOnly?: boolean;
  cookie?: {
    name?: string;
    secure?: boolean;
    sameSite?: 'lax' | 'strict' | 'none';
    path?: string;
    domain?: string;
    maxAge?: number;
  };
}

/**
 * Cookie or body, decided as users-permissions' login decides (its `sessions.httpOnly`, or the
 * client's `x-strapi-refresh-cookie: httpOnly`), with two exceptions for apps that have no
 * cookie jar to keep it in: a request with `x-tiktok-auth-refresh: body`, and TikTok's redirect
 * to `/callback` (the only GET that signs in), whose cookie would stay in the in-app browser
 * while the app only ever sees the URL it is sent to.
 */
const refreshTokenInCookie = (ctx: Context, sessions: UpSessionsConfig | undefined): boolean => {
  if (ctx.method === 'GET' || ctx.request.header[REFRESH_IN_BODY_HEADER] === 'body') return false;
  return (
    Boolean(sessions?.httpOnly) || ctx.request.header['x-strapi-refresh-cookie'] === 'httpOnly'
  );
};

/**
 * Issues the Strapi session for a signed-in user exactly as users-permissions' own login does,
 * in both `jwtManagement` modes, and sanitizes the user the way its login response is sanitized.
 */
const session = ({ strapi }: { strapi: Core.Strapi }) => {
  const sanitizeUser = async (user: StrapiUser, ctx: Context) =>
    (await strapi.contentAPI.sanitize.output(user, strapi.getModel(USER_UID), {
      auth: ctx.state.auth,
    })) as Record<string, unknown>;

  const refreshSession = async (
    user: StrapiUser,
    ctx: Context,
    deviceId: string | undefined
  ): Promise<SignInBody> => {
    const manager = strapi.sessionManager('users-permissions');
    const metadata =
      typeof buildSessionMetadata === 'function'
        ? buildSessionMetadata({ userAgent: ctx.request.headers['user-agent'] })
        : undefined;

    const refresh = await manager.generateRefreshToken(String(user.id), deviceId, {
      type: 'refresh',
      ...(metadata ? { metadata } : {}),
    });
    const access = await manager.generateAccessToken(refresh.token);
    if ('error' in access) throw new errors.ApplicationError(MESSAGES.sessionFailed);

    const sessions = strapi.config.get<UpSessionsConfig | undefined>(
      'plugin::users-permissions.sessions'
    );
    if (refreshTokenInCookie(ctx, sessions)) {
      const cookie = sessions?.cookie ?? {};
      ctx.cookies.set(cookie.name || DEFAULT_REFRESH_COOKIE, refresh.token, {
        httpOnly: true,
        secure:
          typeof cookie.secure === 'boolean'
            ? cookie.secure
            : process.env.NODE_ENV === 'production',
        sameSite: cookie.sameSite ?? 'lax',
        path: cookie.path ?? '/',
        domain: cookie.domain,
        maxAge: cookie.maxAge,
        overwrite: true,
      });
      return { jwt: access.token, user: await sanitizeUser(user, ctx) };
    }
    return { jwt: access.token, refreshToken: refresh.token, user: await sanitizeUser(user, ctx) };
  };

  const issue = async (
    user: StrapiUser,
    ctx: Context,
    deviceId: string | undefined
  ): Promise<SignInBody> => {
    const mode: string = strapi.config.get(
      'plugin::users-permissions.jwtManagement',
      'legacy-support'
    );
    if (mode === 'refresh') return refreshSession(user, ctx, deviceId);

    const jwt = await legacyJwt(strapi).issue(user.id);
    return { jwt, user: await sanitizeUser(user, ctx) };
  };

  return {
    /** `deviceId` names the refresh session, as in users-permissions' login; legacy mode ignores it. */
    async signIn(user: StrapiUser, ctx: Context, deviceId?: string): Promise<SignInBody> {
      const body = await issue(user, ctx, deviceId);
      // Users-permissions keeps no login time: the settings page reads this plugin's own record.
      await getService(strapi, 'status').recordSignIn();
      return body;
    },
  };
};

export default session;

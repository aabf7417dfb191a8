import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { MESSAGES } from '../messages';
import type { StrapiUser } from '../services/accounts';

interface UsersPermissionsJwt {
  /**
   * The verified payload of the request's `Authorization: Bearer` JWT: null (not a promise)
   * without one, a rejection for an invalid one.
   */
  getToken(ctx: Context): Promise<{ id?: number | string }> | null;
}

interface UsersPermissionsUsers {
  fetchAuthenticatedUser(id: number | string): Promise<StrapiUser | null>;
}

/** Where the signed-in user of a `/link` or `/me` request is kept for the controller. */
export const SIGNED_IN_USER = 'tiktokAuthMobileUser';

/** The signed-in user this middleware put on `ctx.state`. */
export const signedInUser = (ctx: Context): StrapiUser => ctx.state[SIGNED_IN_USER] as StrapiUser;

/**
 * The signed-in user's routes take a users-permissions JWT without the app granting its roles a
 * permission: the route is `auth: false`, and this middleware checks the JWT as users-permissions'
 * own strategy does, through its jwt service (both `jwtManagement` modes: a legacy JWT, or an
 * access token of a live session). Refusals are users-permissions' own 401s, answered rather than
 * thrown: Strapi's route guard would replace a thrown UnauthorizedError's message.
 */
const signedIn =
  (_config: unknown, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Context, next: Next) => {
    const upPlugin = strapi.plugin('users-permissions');
    const jwt = upPlugin.service<UsersPermissionsJwt>('jwt');
    const payload = await Promise.resolve()
      .then(() => jwt.getToken(ctx))
      .catch(() => null);
    if (!payload || payload.id === undefined) return ctx.unauthorized(MESSAGES.missingCredentials);
    const user = await upPlugin
      .service<UsersPermissionsUsers>('user')
      .fetchAuthenticatedUser(payload.id);
    const advanced = (await strapi
      .store({ type: 'plugin', name: 'users-permissions', key: 'advanced' })
      .get({})) as { email_confirmation?: boolean } | null;
    if (!user || user.blocked || (advanced?.email_confirmation && !user.confirmed)) {
      return ctx.unauthorized(MESSAGES.sessionFailed);
    }
    ctx.state[SIGNED_IN_USER] = user;
    await next();
  };

export default signedIn;

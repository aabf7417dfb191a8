import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { pluginConfig } from '../config/runtime';
import type { Flow } from '../config/settings';
import { MESSAGES } from '../messages';

/** The checks several routes make before they do anything. */
export const routeGuards = (strapi: Core.Strapi) => {
  const settings = () => pluginConfig(strapi);
  const isOn = (flow: Flow) => settings().get().flows.includes(flow);

  return {
    isOn,

    /** Answers the spec's 500 when a required setting is unset; true when the route may go on. */
    ensureConfigured: (ctx: Context): boolean => {
      const missing = settings().missing();
      if (missing.length === 0) return true;
      ctx.internalServerError(MESSAGES.unsetVariables(missing));
      return false;
    },

    /**
     * A route of a flow the app turned off (`flows`) answers 403, before anything else; true
     * when the route may go on. Answered, not thrown: Strapi's route guard swaps the message of
     * a thrown ForbiddenError for a bare "Forbidden".
     */
    ensureFlow: (ctx: Context, flow: Flow): boolean => {
      if (isOn(flow)) return true;
      ctx.forbidden(MESSAGES.flowDisabled(flow));
      return false;
    },

    /** A `redirect_uri` of Flow C's code must be one of the allow-list, as TikTok compares it. */
    checkRedirectUri: (redirectUri: string): void => {
      if (!settings().allowedRedirectUris().includes(redirectUri)) {
        throw new errors.ValidationError(MESSAGES.redirectUriNotAllowed);
      }
    },
  };
};

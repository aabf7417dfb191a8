import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { MESSAGES } from '../errors';
import { getService } from '../utils/get-service';

/** The admin settings page's API: read-only health of the configuration, and a TikTok check. */
const settings = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** `GET /tiktok-auth-mobile/status` (admin API). */
  async status(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'status').report() };
  },

  /** `POST /tiktok-auth-mobile/check-credentials` (admin API). */
  async checkCredentials(ctx: Context) {
    const config = getService(strapi, 'config');
    const missing = config.missing();
    if (missing.length > 0) throw new errors.ApplicationError(MESSAGES.unsetVariables(missing));
    ctx.body = { data: await getService(strapi, 'tiktok').checkCredentials(config.callbackUrl()!) };
  },
});

export default settings;

import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { pluginConfig } from '../config/runtime';
import { MESSAGES } from '../messages';
import { getService } from '../services/get-service';

/** The admin settings page's API: read-only health of the configuration, and a TikTok check. */
const settings = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** `GET /tiktok-auth-mobile/status` (admin API). */
  async status(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'status').report() };
  },

  /** `POST /tiktok-auth-mobile/check-credentials` (admin API). */
  async checkCredentials(ctx: Context) {
    const config = pluginConfig(strapi);
    const missing = config.missing();
    if (missing.length > 0) throw new errors.ApplicationError(MESSAGES.unsetVariables(missing));
    ctx.body = { data: await getService(strapi, 'tiktok').checkCredentials(config.callbackUrl()!) };
  },
});

export default settings;

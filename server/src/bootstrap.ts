import type { Core } from '@strapi/strapi';
import { MESSAGES } from './errors';
import { PLUGIN_ID } from './plugin-id';
import { getService } from './utils/get-service';

const bootstrap = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = getService(strapi, 'config');
  const missing = config.missing();
  if (missing.length > 0) {
    strapi.log.warn(
      `[${PLUGIN_ID}] ${MESSAGES.unsetVariables(missing)}. Its routes answer 500 until they are set.`
    );
    return;
  }
  strapi.log.info(
    `[${PLUGIN_ID}] ready; TikTok redirect URI: ${config.callbackUrl()}; ` +
      `/token accepts redirect_uri: ${config.allowedRedirectUris().join(', ')}`
  );
};

export default bootstrap;

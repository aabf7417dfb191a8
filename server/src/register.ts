import type { Core } from '@strapi/strapi';
import { EMAIL_INDEX, USER_UID } from './constants';
import { webhookRawBody } from './middlewares/webhook-raw-body';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Every sign-in looks users up by their pseudo-email, and users-permissions declares no index
  // on `email`: without this one each returning person would scan the whole users table. Declared
  // on the content type, so that Strapi's schema sync owns it on SQLite, PostgreSQL and MySQL.
  strapi.get('content-types').extend(USER_UID, (contentType: { indexes?: unknown[] }) => {
    contentType.indexes = [
      ...(contentType.indexes ?? []),
      { name: EMAIL_INDEX, columns: ['email'] },
    ];
  });
  // Now, not at bootstrap: Strapi adds the app's middlewares (strapi::body among them) after the
  // plugins register, and the webhook's raw bytes must be kept before koa-body parses them.
  strapi.server.use(webhookRawBody(strapi));
};

export default register;

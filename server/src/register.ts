import type { Core } from '@strapi/strapi';
import { EMAIL_INDEX, USER_UID } from './constants';

/**
 * Every sign-in looks users up by their pseudo-email, and users-permissions declares no index on
 * `email`: without this one each returning person would scan the whole users table. Declared on
 * the content type, so that Strapi's schema sync owns it on SQLite, PostgreSQL and MySQL alike.
 */
const register = ({ strapi }: { strapi: Core.Strapi }) => {
  strapi.get('content-types').extend(USER_UID, (contentType: { indexes?: unknown[] }) => {
    contentType.indexes = [
      ...(contentType.indexes ?? []),
      { name: EMAIL_INDEX, columns: ['email'] },
    ];
  });
};

export default register;

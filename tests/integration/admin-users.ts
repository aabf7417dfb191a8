import { ADMIN_ROUTES, PLUGIN_ID } from '../../server/src/constants';
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { TestApp } from './harness';

export interface AdminLogin {
  email: string;
  password: string;
}

/**
 * An active Strapi admin with the given role, created through Strapi's own admin services (the
 * password is hashed by them). `role: 'super-admin'` uses the Super Admin role Strapi creates
 * at its first boot; otherwise a new role granting exactly `permissions` is made.
 */
export const createAdmin = async (
  strapi: Core.Strapi,
  role: 'super-admin' | { name: string; permissions: string[] }
): Promise<AdminLogin> => {
  const roles = strapi.service('admin::role');
  let roleId: number;
  if (role === 'super-admin') {
    roleId = (await roles.getSuperAdmin()).id;
  } else {
    roleId = (await roles.create({ name: role.name, description: 'test role' })).id;
    await roles.assignPermissions(
      roleId,
      role.permissions.map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
    );
  }
  const login = {
    email: `admin-${randomBytes(4).toString('hex')}@example.com`,
    // Strapi's admin password rules: 8+ characters with lower case, upper case and a digit.
    password: `Pw1-${randomBytes(8).toString('hex')}`,
  };
  await strapi.service('admin::user').create({
    ...login,
    firstname: 'Test',
    lastname: 'Admin',
    isActive: true,
    roles: [roleId],
  });
  return login;
};

/** Logs in through the admin API, as the admin panel's login form does; returns the admin JWT. */
export const adminToken = async (app: TestApp, login: AdminLogin): Promise<string> => {
  const response = await app.http().post('/admin/login').send(login);
  expect(response.status).toBe(200);
  return response.body.data.token as string;
};

/** The plugin's admin API routes (server/src/routes/admin.ts). */
export const ADMIN_API = {
  status: `/${PLUGIN_ID}${ADMIN_ROUTES.status}`,
  checkCredentials: `/${PLUGIN_ID}${ADMIN_ROUTES.checkCredentials}`,
};

export const getWithToken = (app: TestApp, path: string, token?: string) => {
  const call = app.http().get(path);
  return token ? call.set('Authorization', `Bearer ${token}`) : call;
};

export const postWithToken = (app: TestApp, path: string, token: string) =>
  app.http().post(path).set('Authorization', `Bearer ${token}`);

/** A new Super Admin's JWT. */
export const superAdminToken = async (app: TestApp) =>
  adminToken(app, await createAdmin(app.strapi, 'super-admin'));

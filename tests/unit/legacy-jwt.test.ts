import jwt from 'jsonwebtoken';
import type { Core } from '@strapi/strapi';
import { legacyJwt } from '../../server/src/services/session/legacy-jwt';

// users-permissions' own jwt service (from its public server entry): the reference to match.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- its package exports no types
const usersPermissions = require('@strapi/plugin-users-permissions/strapi-server') as () => {
  services: { jwt: (deps: { strapi: Core.Strapi }) => { issue: (claims: object) => string } };
};
const usersPermissionsJwt = usersPermissions().services.jwt;

type Issue = (claims: object) => string | Promise<string>;

const setup = (customIssue?: (stock: Issue) => Issue) => {
  const config: Record<string, unknown> = {
    'plugin::users-permissions.jwtSecret': 'a-secret-from-the-app',
    'plugin::users-permissions.jwt': { expiresIn: '30d' },
    'plugin::users-permissions.jwtManagement': 'legacy-support',
  };
  const strapi = {
    config: { get: (key: string, fallback?: unknown) => (key in config ? config[key] : fallback) },
    plugin: (name: string) => {
      expect(name).toBe('users-permissions');
      return { service: () => service };
    },
  } as unknown as Core.Strapi;
  const stock = usersPermissionsJwt({ strapi });
  const issue = jest.fn(
    customIssue ? customIssue(stock.issue.bind(stock)) : stock.issue.bind(stock)
  );
  const service = { issue };
  return { config, stock, usersPermissionsIssue: issue, signer: legacyJwt(strapi) };
};

describe('legacy-mode JWT', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(1_750_000_000_000));
  afterEach(() => jest.restoreAllMocks());

  it("is byte for byte users-permissions' own issue({ id }), which it calls only once", () => {
    const { stock, usersPermissionsIssue, signer } = setup();
    const expected = stock.issue({ id: 42 });
    expect(signer.issue(42)).toBe(expected);
    expect(signer.issue(42)).toBe(expected);
    expect(jwt.verify(expected, 'a-secret-from-the-app')).toMatchObject({ id: 42 });
    expect(usersPermissionsIssue).toHaveBeenCalledTimes(1);
  });

  it('follows a secret changed at run time', () => {
    const { config, stock, signer } = setup();
    void signer.issue(1);
    config['plugin::users-permissions.jwtSecret'] = 'rotated';
    expect(signer.issue(7)).toBe(stock.issue({ id: 7 }));
  });

  it("leaves every token to an app's own issue() when it signs differently", async () => {
    const { usersPermissionsIssue, signer } = setup(
      (stock) => (claims) => stock({ ...claims, tenant: 'acme' })
    );
    const token = await signer.issue(42);
    expect(jwt.decode(token)).toMatchObject({ id: 42, tenant: 'acme' });
    expect(usersPermissionsIssue).toHaveBeenLastCalledWith({ id: 42 });
  });

  it("leaves every token to an app's own issue() when that one is asynchronous", async () => {
    const { signer } = setup((stock) => async (claims) => stock(claims));
    const token = await signer.issue(42);
    expect(jwt.verify(token, 'a-secret-from-the-app')).toMatchObject({ id: 42 });
  });
});

import { IDENTITY_UID, USER_UID } from '../../server/src/constants';
import {
  DEFAULT_ADVANCED_SETTINGS,
  setAdvancedSettings,
  startTestApp,
  type TestApp,
  route,
} from './harness';

/**
 * Account rules that flow-a.test.ts does not already cover: "One account per email" off, a
 * deleted user while sign-ups are off, and nothing left behind (not even an identity row) when
 * the default role is missing.
 */
const CONNECT = route('connect');

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});
afterEach(async () => {
  await setAdvancedSettings(app.strapi, DEFAULT_ADVANCED_SETTINGS);
});

const tokenFor = (id: string) => {
  app.emulator.addPerson({ id, open_id: `${id}-open`, union_id: `${id}-union`, display_name: id });
  return app.emulator.issueAccessToken(id);
};
const connect = (token: string) => app.http().post(CONNECT).send({ access_token: token });
const me = (jwt: string) => app.http().get('/api/users/me').set('Authorization', `Bearer ${jwt}`);
const identities = (email: string) =>
  app.strapi.db.query(IDENTITY_UID).count({ where: { pseudoEmail: email } });

describe('accounts', () => {
  it('with one account per email off, creates a separate tiktok user and never signs into the local one', async () => {
    await setAdvancedSettings(app.strapi, { unique_email: false });
    const local = await app.strapi.db.query(USER_UID).create({
      data: {
        username: 'shared-local',
        email: 'shared-union@tiktok.com',
        provider: 'local',
        confirmed: true,
      },
    });

    const response = await connect(tokenFor('shared'));
    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({
      provider: 'tiktok',
      email: 'shared-union@tiktok.com',
    });
    expect(response.body.user.id).not.toBe(local.id);
    expect((await me(response.body.jwt)).body.id).toBe(response.body.user.id);
  });

  it('refuses a deleted user as a new person while sign-ups are off', async () => {
    const token = tokenFor('gone');
    const first = await connect(token);
    await app.strapi.documents(USER_UID).delete({ documentId: first.body.user.documentId });
    await setAdvancedSettings(app.strapi, { allow_register: false });

    const again = await connect(app.emulator.issueAccessToken('gone'));
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe('Register action is actually not available.');
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { email: 'gone-union@tiktok.com' } })
    ).toBe(0);
  });

  it('leaves neither a user nor an identity row when the default role is missing', async () => {
    await setAdvancedSettings(app.strapi, { default_role: 'vanished' });
    const response = await connect(tokenFor('roleless2'));
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe('Impossible to find the default role');
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { email: 'roleless2-union@tiktok.com' } })
    ).toBe(0);
    expect(await identities('roleless2-union@tiktok.com')).toBe(0);
  });

  it('gives a blocked user no token even when refused repeatedly and concurrently', async () => {
    const first = await connect(tokenFor('stopped'));
    await app.strapi.db
      .query(USER_UID)
      .update({ where: { id: first.body.user.id }, data: { blocked: true } });
    const attempts = await Promise.all(
      Array.from({ length: 5 }, () => connect(app.emulator.issueAccessToken('stopped')))
    );
    for (const attempt of attempts) {
      expect(attempt.status).toBe(400);
      expect(attempt.body.error.message).toBe('Your account has been blocked by an administrator');
      expect(JSON.stringify(attempt.body)).not.toMatch(/jwt|eyJ/);
    }
  });
});

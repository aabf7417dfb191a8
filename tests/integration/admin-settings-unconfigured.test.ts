import { ADMIN_API, getWithToken, postWithToken, superAdminToken } from './admin-users';
import { startTestApp, type TestApp } from './harness';

describe('admin settings API on a Strapi without its client secret', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLIENT_SECRET: undefined } });
    token = await superAdminToken(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports the secret missing and every flow unavailable', async () => {
    const report = (await getWithToken(app, ADMIN_API.status, token)).body.data;
    expect(report.missing).toEqual(['CLIENT_SECRET']);
    expect(
      report.settings.find((setting: { key: string }) => setting.key === 'clientSecret')
    ).toMatchObject({ state: 'missing', source: 'unset' });
    expect(report.flows.map((flow: { available: boolean }) => flow.available)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('refuses the credentials check without calling TikTok', async () => {
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      name: 'ApplicationError',
      message: 'Unset environment variables: check CLIENT_SECRET',
    });
    expect(app.emulator.calls.get('/v2/oauth/token/') ?? 0).toBe(0);
  });
});

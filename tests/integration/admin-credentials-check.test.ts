import { FAULTS, htmlError } from '../../dev/emulator/src';
import { ADMIN_API, postWithToken, superAdminToken } from './admin-users';
import { startTestApp, type TestApp } from './harness';

const WRONG_SECRET = 'not-the-emulator-secret';

describe('credentials check when TikTok refuses the secret or cannot answer', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: { CLIENT_SECRET: WRONG_SECRET, TIKTOK_TIMEOUT_MS: '300' },
    });
    token = await superAdminToken(app);
  });
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => app.emulator.clearFault());

  it("reports the emulator's invalid_client as rejected credentials", async () => {
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      outcome: 'rejected',
      detail: 'invalid_client',
      logId: expect.stringMatching(/^[0-9A-F]{24}$/),
    });
    expect(app.emulator.calls.get('/v2/oauth/token/')).toBe(1);
    expect(response.text).not.toContain(WRONG_SECRET);
  });

  it('reports a timeout as "could not check"', async () => {
    app.emulator.fault(FAULTS.hang);
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ outcome: 'unknown', detail: 'timeout of 300ms exceeded' });
  });

  it('reports a 5xx without an OAuth error as "could not check"', async () => {
    app.emulator.fault(htmlError(503, 'Service Unavailable'));
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ outcome: 'unknown', detail: 'HTTP 503' });
  });
});

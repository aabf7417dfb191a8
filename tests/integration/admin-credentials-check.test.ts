import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_API, postWithToken, superAdminToken } from './admin-users';
import { startTestApp, type TestApp } from './harness';

const WRONG_SECRET = 'not-the-emulator-secret';

describe('credentials check when TikTok refuses the secret or cannot answer', () => {
  let app: TestApp;
  let token: string;
  let mode: 'emulator' | 'hang' | 'unavailable' = 'emulator';
  // TikTok's API as the plugin sees it: the emulator behind a pass-through, or a server that never
  // answers (a timeout), or one that answers 503.
  const tiktok = http.createServer(async (req, res) => {
    if (mode === 'hang') return;
    if (mode === 'unavailable') {
      res.writeHead(503, { 'Content-Type': 'text/html' });
      res.end('<h1>Service Unavailable</h1>');
      return;
    }
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    const answer = await fetch(`${app.emulator.url}${req.url}`, {
      method: req.method,
      headers: { 'Content-Type': req.headers['content-type'] ?? '' },
      body: Buffer.concat(body),
    });
    res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? '' });
    res.end(await answer.text());
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => tiktok.listen(0, '127.0.0.1', resolve));
    const { port } = tiktok.address() as AddressInfo;
    app = await startTestApp({
      env: {
        CLIENT_SECRET: WRONG_SECRET,
        TIKTOK_API_BASE_URL: `http://127.0.0.1:${port}`,
        TIKTOK_TIMEOUT_MS: '300',
      },
    });
    token = await superAdminToken(app);
  });
  afterAll(async () => {
    await app?.close();
    tiktok.closeAllConnections();
    await new Promise((resolve) => tiktok.close(resolve));
  });

  it("reports the emulator's invalid_client as rejected credentials", async () => {
    mode = 'emulator';
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
    mode = 'hang';
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ outcome: 'unknown', detail: 'timeout of 300ms exceeded' });
  });

  it('reports a 5xx without an OAuth error as "could not check"', async () => {
    mode = 'unavailable';
    const response = await postWithToken(app, ADMIN_API.checkCredentials, token);
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ outcome: 'unknown', detail: 'HTTP 503' });
  });
});

import {
  authorizeAt,
  callbackRedirect,
  setAdvancedSettings,
  startTestApp,
  type TestApp,
} from './harness';
import { expectNoSecretsIn } from './secrets';

/**
 * Everything Strapi logs (every level, boot included) during a full run of every flow, its
 * failures included, holds no secret. Flows B and C add their runs (and verifiers) here.
 */
const PREFIX = '/api/tiktok-auth-mobile';
const USERS = 'plugin::users-permissions.user';

let app: TestApp;
const secrets: string[] = [];

beforeAll(async () => {
  // Refresh mode issues the most secrets: a JWT and a refresh token on each sign-in.
  app = await startTestApp({ env: { UP_JWT_MANAGEMENT: 'refresh' } });
  secrets.push(app.emulator.clientSecret);
});
afterAll(async () => {
  await app?.close();
});

const connect = (accessToken: string) =>
  app.http().post(`${PREFIX}/connect`).send({ access_token: accessToken });

describe('secrets in logs', () => {
  it('flow A, success: code → callback → connect, for a new and a returning person', async () => {
    for (let round = 0; round < 2; round += 1) {
      const fromTikTok = await authorizeAt(app, 'alice', { state: 'st' });
      const code = fromTikTok.searchParams.get('code')!;
      const accessToken = (await callbackRedirect(app, fromTikTok)).searchParams.get(
        'access_token'
      )!;
      const signedIn = await connect(accessToken);
      expect(signedIn.status).toBe(200);
      secrets.push(code, accessToken, signedIn.body.jwt, signedIn.body.refreshToken);
    }
  });

  it('flow A, failures: replayed code, refused tokens, blocked user, sign-ups off', async () => {
    const fromTikTok = await authorizeAt(app, 'bob');
    const code = fromTikTok.searchParams.get('code')!;
    const accessToken = (await callbackRedirect(app, fromTikTok)).searchParams.get('access_token')!;
    expect((await callbackRedirect(app, fromTikTok)).searchParams.get('error')).toMatch(/^Failed/);

    const notIssued = 'act.not-issued-but-secret-anyway';
    const glitch = app.emulator.issueAccessToken('glitch');
    expect((await connect(notIssued)).status).toBe(400);
    expect((await connect(glitch)).status).toBe(400);

    const bob = await connect(accessToken);
    await app.strapi.db
      .query(USERS)
      .update({ where: { id: bob.body.user.id }, data: { blocked: true } });
    const blockedToken = app.emulator.issueAccessToken('bob');
    expect((await connect(blockedToken)).status).toBe(400);

    await setAdvancedSettings(app.strapi, { allow_register: false });
    app.emulator.addPerson({ id: 'late', open_id: 'late-open', union_id: 'late-union' });
    const lateToken = app.emulator.issueAccessToken('late');
    expect((await connect(lateToken)).status).toBe(400);

    secrets.push(
      code,
      accessToken,
      bob.body.jwt,
      bob.body.refreshToken,
      notIssued,
      glitch,
      blockedToken,
      lateToken
    );
  });

  it('none of them, nor anything shaped like a token, was logged', () => {
    // The request log is captured too: the callback's code appears there, redacted.
    expect(app.logs.map((line) => line.message).join('\n')).toContain(
      `${PREFIX}/callback?code=%5Bredacted%5D`
    );
    expectNoSecretsIn(app.logs, secrets);
  });

  it('the check itself catches a secret or a token-shaped string', () => {
    const line = (message: string) => [{ level: 'info' as const, message }];
    expect(() => expectNoSecretsIn(line(`GET /x?t=${secrets[1]}`), [secrets[1]])).toThrow();
    expect(() => expectNoSecretsIn(line('act.AAAAAAAAAAAAAAAAAAAAAAAA'), [])).toThrow();
    expect(() => expectNoSecretsIn(line(`Bearer ${secrets[3]}`), [])).toThrow(/JWT/);
  });
});

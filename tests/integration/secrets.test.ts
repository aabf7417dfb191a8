import { createStateSealer } from '../../server/src/lib/crypto/sealing';
import { FLOW_COOKIE, PLUGIN_ID, ROUTE_BASE, USER_UID } from '../../server/src/constants';
import type { TikTokTokenSuccess } from '../../server/src/lib/tiktok/types';
import {
  ANDROID_VERIFIER,
  CALLBACK_URL,
  IOS_VERIFIER,
  authorizeAt,
  callbackRedirect,
  consentAt,
  issueCodeFor,
  runFlowB,
  setAdvancedSettings,
  startFlowB,
  startTestApp,
  type TestApp,
} from './harness';
import { expectNoSecretsIn } from './secrets';

/**
 * Everything Strapi logs (every level, boot included) during a full run of every flow, its
 * failures included, holds no secret.
 */
const PREFIX = `/api${ROUTE_BASE}`;

let app: TestApp;
const secrets: string[] = [];

beforeAll(async () => {
  // Refresh mode issues the most secrets: a JWT and a refresh token on each sign-in.
  app = await startTestApp({ env: { UP_JWT_MANAGEMENT: 'refresh' } });
  secrets.push(app.emulator.clientSecret);

  // TikTok's tokens from a code exchange (flows B and C) never reach the test over HTTP: take
  // them where the plugin receives them.
  const tiktok = app.strapi.plugin(PLUGIN_ID).service('tiktok');
  const exchangeCode = tiktok.exchangeCode.bind(tiktok);
  jest.spyOn(tiktok, 'exchangeCode').mockImplementation(async (...args: unknown[]) => {
    const token: TikTokTokenSuccess = await exchangeCode(...args);
    secrets.push(token.access_token, token.refresh_token);
    return token;
  });
});
afterAll(async () => {
  await app?.close();
});

const connect = (accessToken: string) =>
  app.http().post(`${PREFIX}/connect`).send({ access_token: accessToken });

const token = (code: string, verifier: string) =>
  app
    .http()
    .post(`${PREFIX}/token`)
    .send({ code, code_verifier: verifier, redirect_uri: CALLBACK_URL });

/** The flow cookie's value as the browser holds it, and the PKCE verifier sealed in it. */
const cookieSecrets = (cookie: string): string[] => {
  const value = cookie.slice(FLOW_COOKIE.length + 1);
  // The app sets no stateSecret: the cookie is sealed with its APP_KEYS.
  const appKeys: string[] = app.strapi.config.get('server.app.keys');
  const flow = createStateSealer(appKeys).open(decodeURIComponent(value));
  expect(flow).toBeDefined();
  return [value, flow!.verifier];
};

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
      .query(USER_UID)
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

  it('flow B, success: authorize → consent → callback with the cookie → connect, new and returning', async () => {
    // The flow A failures above turned sign-ups off.
    await setAdvancedSettings(app.strapi, { allow_register: true });
    app.emulator.addPerson({ id: 'carol', open_id: 'carol-open', union_id: 'carol-union' });
    for (let round = 0; round < 2; round += 1) {
      const { started, fromTikTok, toApp } = await runFlowB(app, 'carol', '?state=app-state');
      const accessToken = toApp.searchParams.get('access_token')!;
      const signedIn = await connect(accessToken);
      expect(signedIn.status).toBe(200);
      secrets.push(
        ...cookieSecrets(started.cookie),
        fromTikTok.searchParams.get('code')!,
        accessToken,
        signedIn.body.jwt,
        signedIn.body.refreshToken
      );
    }
  });

  it('flow B, failures: tampered cookie, state of another sign-in, replayed callback', async () => {
    const tampered = await startFlowB(app, '?state=s');
    const tamperedCode = await consentAt(tampered.tiktok, 'alice');
    // Cut short: the seal no longer opens.
    const toAppTampered = await callbackRedirect(app, tamperedCode, tampered.cookie.slice(0, -4));
    expect(toAppTampered.searchParams.get('error')).toMatch(/tampered/);

    const mine = await startFlowB(app);
    const other = await startFlowB(app);
    const otherCode = await consentAt(other.tiktok, 'alice');
    expect((await callbackRedirect(app, otherCode, mine.cookie)).searchParams.get('error')).toMatch(
      /^State does not match/
    );

    const { started, fromTikTok } = await runFlowB(app, 'alice');
    const replayed = await callbackRedirect(app, fromTikTok, started.cookie);
    expect(replayed.searchParams.get('error')).toMatch(/^Failed to get TikTok token/);

    secrets.push(
      ...cookieSecrets(tampered.cookie),
      ...cookieSecrets(mine.cookie),
      ...cookieSecrets(other.cookie),
      ...cookieSecrets(started.cookie),
      tamperedCode.searchParams.get('code')!,
      otherCode.searchParams.get('code')!,
      fromTikTok.searchParams.get('code')!
    );
  });

  it('flow C, success: the SDK code and each SDK verifier → POST /token, new and returning', async () => {
    app.emulator.addPerson({ id: 'dave', open_id: 'dave-open', union_id: 'dave-union' });
    for (const verifier of [ANDROID_VERIFIER, IOS_VERIFIER]) {
      const code = issueCodeFor(app, 'dave', verifier);
      const signedIn = await token(code, verifier);
      expect(signedIn.status).toBe(200);
      secrets.push(code, verifier, signedIn.body.jwt, signedIn.body.refreshToken);
    }
  });

  it('flow C, failures: wrong verifier, replayed code, malformed verifier, blocked user', async () => {
    const wrongVerifier = 'another-verifier-the-app-never-made-0123456';
    const code = issueCodeFor(app, 'dave', IOS_VERIFIER);
    expect((await token(code, wrongVerifier)).status).toBe(400);

    const usedCode = issueCodeFor(app, 'dave', IOS_VERIFIER);
    const dave = await token(usedCode, IOS_VERIFIER);
    expect((await token(usedCode, IOS_VERIFIER)).status).toBe(400);

    const malformedVerifier = `${IOS_VERIFIER}+/=`;
    const malformedCode = issueCodeFor(app, 'dave', IOS_VERIFIER);
    expect((await token(malformedCode, malformedVerifier)).status).toBe(400);

    await app.strapi.db
      .query(USER_UID)
      .update({ where: { id: dave.body.user.id }, data: { blocked: true } });
    const blockedCode = issueCodeFor(app, 'dave', ANDROID_VERIFIER);
    expect((await token(blockedCode, ANDROID_VERIFIER)).status).toBe(400);

    secrets.push(
      code,
      wrongVerifier,
      usedCode,
      dave.body.jwt,
      dave.body.refreshToken,
      malformedVerifier,
      malformedCode,
      blockedCode
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
    const jwt = secrets.find((secret) => secret.startsWith('eyJ'))!;
    expect(() => expectNoSecretsIn(line(`GET /x?t=${IOS_VERIFIER}`), [IOS_VERIFIER])).toThrow();
    expect(() => expectNoSecretsIn(line('act.AAAAAAAAAAAAAAAAAAAAAAAA'), [])).toThrow();
    expect(() => expectNoSecretsIn(line(`Bearer ${jwt}`), [])).toThrow(/JWT/);
  });
});

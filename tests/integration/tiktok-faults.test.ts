import { IDENTITY_UID, USER_UID } from '../../server/src/constants';
import { FAULTS, type Fault as EmulatorFault } from '../../dev/emulator/src';
import {
  CALLBACK_URL,
  IOS_VERIFIER,
  REDIRECT_APP_URL,
  issueCodeFor,
  startTestApp,
  type TestApp,
  route,
} from './harness';

/**
 * TikTok misbehaving, for real over loopback sockets: the emulator answers with each fault in
 * turn. Every fault ends in a clear error within the
 * configured timeout, and nothing is half created.
 */
const TIMEOUT_MS = 1000;
const USER_INFO = '/v2/user/info/';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { TIKTOK_TIMEOUT_MS: String(TIMEOUT_MS) } });
});
afterAll(async () => {
  await app?.close();
});
afterEach(async () => {
  app.emulator.clearFault();
  app.emulator.clearFault(USER_INFO);
  await app.emulator.acceptConnections();
});

/** A fault: one the emulator answers with, or its port closed (connection refused). */
type Fault = EmulatorFault | 'refused';

const arrange = async (fault: Fault) => {
  if (fault === 'refused') await app.emulator.refuseConnections();
  else app.emulator.fault(fault);
};

const counts = async () => ({
  users: await app.strapi.db.query(USER_UID).count(),
  identities: await app.strapi.db.query(IDENTITY_UID).count(),
});

const reason = (pattern: string) =>
  expect.stringMatching(new RegExp(`^Failed to (fetch TikTok user|get TikTok token): ${pattern}$`));
const refused = reason('connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+');
const dropped = reason('(stream has been aborted|aborted|socket hang up|read ECONNRESET)');

// [fault, message when user-info fails (/connect, /token after a good exchange), message when the
// token exchange fails (/callback's error, /token)]
const FAULT_CASES: [string, Fault, unknown, unknown][] = [
  [
    'slow past the timeout',
    FAULTS.hang,
    `Failed to fetch TikTok user: timeout of ${TIMEOUT_MS}ms exceeded`,
    `Failed to get TikTok token: timeout of ${TIMEOUT_MS}ms exceeded`,
  ],
  [
    'a body sent one byte every 400 ms',
    FAULTS.slowBody,
    `Failed to fetch TikTok user: timeout of ${TIMEOUT_MS}ms exceeded`,
    `Failed to get TikTok token: timeout of ${TIMEOUT_MS}ms exceeded`,
  ],
  ['connection refused', 'refused', refused, refused],
  ['reset mid-body', FAULTS.resetMidBody, dropped, dropped],
  [
    'HTTP 500 with HTML',
    FAULTS.html500,
    'Failed to fetch TikTok user: Request failed with status code 500',
    'Failed to get TikTok token: Request failed with status code 500',
  ],
  [
    'malformed JSON',
    FAULTS.malformedJson,
    'Failed to fetch TikTok user: TikTok sent an unreadable answer',
    'Failed to get TikTok token: TikTok sent an unreadable answer',
  ],
  [
    'HTTP 200 with an error body',
    FAULTS.errorWith200,
    'TikTok had an internal error.',
    'Failed to get TikTok token: TikTok had an internal error.',
  ],
  [
    'no union_id or open_id (and no access token)',
    FAULTS.noIdentity,
    'Email was not available.',
    'Failed to get TikTok token: TikTok sent no access token',
  ],
];

/** A clear 400 in Strapi's shape with `message`, and no user or identity created. */
const expectClearFailure = async (
  send: () => Promise<{ status: number; body: { error?: { message?: string } } }>,
  message: unknown
) => {
  const before = await counts();
  const response = await send();
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({
    data: null,
    error: { status: 400, name: 'ApplicationError' },
  });
  expect(response.body.error!.message).toEqual(message);
  expect(await counts()).toEqual(before);
};

const token = (code: string) =>
  app
    .http()
    .post(route('token'))
    .send({ code, code_verifier: IOS_VERIFIER, redirect_uri: CALLBACK_URL });

describe.each(FAULT_CASES)('TikTok fault: %s', (_name, fault, userInfoMessage, exchangeMessage) => {
  it('POST /connect answers a clear 400 and creates nothing', async () => {
    await arrange(fault);
    await expectClearFailure(
      () => app.http().post(route('connect')).send({ access_token: 'act.any' }),
      userInfoMessage
    );
  });

  it('POST /token answers a clear 400 when the exchange fails, and creates nothing', async () => {
    await arrange(fault);
    await expectClearFailure(() => token('code.any'), exchangeMessage);
  });

  // A refused connection cannot pick its endpoint; /connect above covers it for user-info.
  if (fault !== 'refused') {
    it('POST /token answers a clear 400 when user-info fails after a good exchange, and creates nothing', async () => {
      // A person never signed in before: any user or identity would be a half-created one.
      const code = issueCodeFor(app, 'bob', IOS_VERIFIER);
      const exchanges = app.emulator.callCount('/v2/oauth/token/');
      app.emulator.fault(fault, USER_INFO);
      await expectClearFailure(() => token(code), userInfoMessage);
      expect(app.emulator.callCount('/v2/oauth/token/')).toBe(exchanges + 1);
    });
  }

  it('GET /callback redirects to the app with a clear error and no token', async () => {
    await arrange(fault);
    const response = await app
      .http()
      .get(`${route('callback')}?code=any-code&scopes=user.info.basic&state=s1`);
    expect(response.status).toBe(302);
    expect(response.headers.location.startsWith(`${REDIRECT_APP_URL}&`)).toBe(true);
    const params = new URL(response.headers.location).searchParams;
    expect(params.get('error')).toEqual(exchangeMessage);
    expect(params.get('state')).toBe('s1');
    expect(params.has('access_token')).toBe(false);
  });
});

describe('after every fault', () => {
  it('still signs people in once TikTok is back, through the same connection pool', async () => {
    const response = await app
      .http()
      .post(route('connect'))
      .send({ access_token: app.emulator.issueAccessToken('alice') });
    expect(response.status).toBe(200);
    expect(response.body.user.email).toBe('c8f1a9d2-7b1e-5c44-9a31-a11ce0000001@tiktok.com');
  });
});

import { randomBytes } from 'node:crypto';
import type http from 'node:http';

/**
 * How the emulator misbehaves, on purpose: a fault answers a request in TikTok's place, or calls
 * `answer()` to let the emulator answer as TikTok normally would (e.g. to hold that answer back).
 * Tests, the demo's people and the emulator CLI's people file all use these, through
 * `TikTokEmulator.fault()` (per endpoint) or a person's `behavior` (user-info for that person).
 */
export type Fault = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  answer: () => void
) => void;

export const TOKEN_PATH = '/v2/oauth/token/';
export const USER_INFO_PATH = '/v2/user/info/';
export const REVOKE_PATH = '/v2/oauth/revoke/';
/** The emulator's own control endpoints (not TikTok's): never faulted. */
export const CONTROL_PREFIX = '/emulator/';

/** TikTok's OAuth endpoints answer errors in OAuth's format; its other APIs in `{ data, error }`. */
const isOAuthPath = (url: string | undefined) =>
  url?.startsWith(TOKEN_PATH) === true || url?.startsWith(REVOKE_PATH) === true;

export const logId = () => randomBytes(12).toString('hex').toUpperCase();

export const sendJson = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {}
) => {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
};

const send =
  (status: number, body: string, contentType: string): Fault =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(body);
  };

/** An HTML error page, as a load balancer in front of TikTok would send, instead of JSON. */
export const htmlError = (status: number, title: string): Fault =>
  send(status, `<!doctype html><h1>${title}</h1>`, 'text/html');

/**
 * A TikTok error in the endpoint's own format: OAuth's for the token and revoke endpoints, the
 * `{ data, error }` envelope elsewhere.
 */
export const tikTokError =
  (status: number, code: string, message: string, headers?: http.OutgoingHttpHeaders): Fault =>
  (req, res) =>
    sendJson(
      res,
      status,
      isOAuthPath(req.url)
        ? { error: code, error_description: message, log_id: logId() }
        : { data: {}, error: { code, message, log_id: logId() } },
      headers
    );

/** TikTok's 429 rate_limit_exceeded, as when the app's quota is used up. */
export const rateLimitExceeded = (retryAfterSeconds?: number): Fault =>
  tikTokError(
    429,
    'rate_limit_exceeded',
    'The API rate limit was exceeded.',
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) }
  );

/**
 * Lets the emulator answer but holds each answer until `count` are ready, then sends them all
 * together: lines up a race between requests that would otherwise arrive one after the other.
 */
export const answerTogether = (count: number): Fault => {
  const ready: (() => void)[] = [];
  return (_req, res, answer) => {
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      ready.push(() => end(...args));
      if (ready.length === count) for (const release of ready.splice(0)) release();
      return res;
    }) as typeof res.end;
    answer();
  };
};

/** Ways TikTok can fail, each answering every request the same way. */
export const FAULTS = {
  /** Accepts the request and never answers: only the plugin's timeout ends it. */
  hang: (() => undefined) as Fault,
  /** Sends the headers and part of the promised body, then drops the connection. */
  resetMidBody: ((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '400' });
    res.write('{"data":{"user":{"open_id":"half');
    setTimeout(() => res.socket?.destroy(), 20);
  }) as Fault,
  /**
   * Sends the headers at once, then one byte every 400 ms (at most a minute's worth): a
   * per-chunk timeout never fires, only a deadline on the whole call ends it.
   */
  slowBody: ((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let sent = 0;
    const trickle = setInterval(() => {
      sent += 1;
      if (sent > 150) res.end();
      else res.write(' ');
    }, 400);
    res.once('close', () => clearInterval(trickle));
  }) as Fault,
  html500: htmlError(500, 'Internal Server Error'),
  malformedJson: send(200, '{"access_token": "act.x", "data": {"user": {', 'application/json'),
  errorWith200: tikTokError(200, 'internal_error', 'TikTok had an internal error.'),
  /** A profile with neither union_id nor open_id (and, for the token endpoint, no token). */
  noIdentity: ((_req, res) =>
    sendJson(res, 200, {
      data: { user: { display_name: 'No Ids' } },
      error: { code: 'ok', message: '', log_id: logId() },
    })) as Fault,
} satisfies Record<string, Fault>;

/** What user-info answers for a person whose `behavior` demonstrates a fault. */
export const PERSON_FAULTS = {
  'no-user': ((_req, res) =>
    sendJson(res, 200, { data: {}, error: { code: 'ok', message: '', log_id: logId() } })) as Fault,
  'api-error': tikTokError(200, 'internal_error', 'TikTok could not read this account right now.'),
  'rate-limited': rateLimitExceeded(),
} satisfies Record<string, Fault>;

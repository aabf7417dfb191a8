import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import {
  CONTROL_PREFIX,
  PERSON_FAULTS,
  REVOKE_PATH,
  TOKEN_PATH,
  USER_INFO_PATH,
  logId,
  rateLimitExceeded,
  sendJson,
  type Fault,
} from './faults';
import { DEFAULT_PEOPLE, type EmulatedPerson } from './people';
import { attemptDelivery, isRemovalReason, webhookBody, type WebhookDelivery } from './webhooks';

/**
 * A local stand-in for TikTok's Login Kit endpoints: the authorize page, the OAuth token endpoint
 * (codes and refresh with rotation), revoke and user-info, answering in TikTok's own formats
 * (form-encoded token requests, hex-S256 PKCE, `{ data, error }` envelopes, errors sometimes sent
 * with HTTP 200), and TikTok's signed webhook deliveries.
 */
export interface EmulatorOptions {
  clientKey?: string;
  clientSecret?: string;
  people?: readonly EmulatedPerson[];
  /** When set, authorize and token refuse any other redirect URI, as TikTok's portal does. */
  redirectUris?: readonly string[];
  /** Serve HTTPS with this key pair (PEM), as TikTok does; plain HTTP when absent. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** `expires_in` of the access tokens it issues (default a day); short in tests of expiry. */
  accessTokenTtlSeconds?: number;
  /** `refresh_expires_in` counted from the code exchange, as TikTok counts it (default 365 days). */
  refreshTokenTtlSeconds?: number;
  /** Where webhook events are delivered (the app's `POST /webhook`); settable later. */
  webhookUrl?: string;
}

export interface Grant {
  person: EmulatedPerson;
  scopes: string[];
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}

/**
 * One person's consent to the app, started by a code exchange (or `issueAccessToken`): its
 * access and refresh tokens live as long as it does. A revoke or a disconnection ends it.
 */
interface Authorization {
  person: EmulatedPerson;
  scopes: string[];
  /** Fixed at the code exchange: a rotated refresh token does not live longer than the first. */
  refreshExpiresAt: number;
  revoked: boolean;
}

interface AccessGrant {
  authorization: Authorization;
  expiresAt: number;
}

export const FIELD_SCOPES: Readonly<Record<string, string>> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  username: 'user.info.profile',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
};

const ANY_PATH = '*';
const CODE_TTL_MS = 5 * 60 * 1000;
const DAY_S = 24 * 60 * 60;
const MAX_BODY_BYTES = 64 * 1024;
const DISCONNECT_PATH = /^\/emulator\/people\/([^/]+)\/disconnect$/;
const REDELIVER_PATH = /^\/emulator\/webhooks\/([^/]+)\/redeliver$/;
const DELIVERIES_PATH = '/emulator/webhooks';

const random = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const hexSha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

// The consent page is a test tool, but a readable one: people as big buttons, faults explained.
const CONSENT_CSS =
  'body{font:16px system-ui,sans-serif;background:#f1f1f2;margin:0}' +
  'main{max-width:26rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:12px}' +
  'h1{font-size:1.3rem}h1 span{color:#888;font-weight:normal}ul{list-style:none;padding:0}' +
  'li{margin:.6rem 0}li a,.deny{display:block;padding:.7rem;border-radius:8px;text-decoration:none;' +
  'background:#fe2c55;color:#fff;font-weight:600;text-align:center}small{color:#666}' +
  '.deny{background:#eee;color:#222}';

const redirectTo = (
  res: http.ServerResponse,
  target: string,
  params: Record<string, string | undefined>
) => {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  res.writeHead(302, { Location: url.toString(), 'Cache-Control': 'no-store' });
  res.end();
};

const oauthError = (res: http.ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description, log_id: logId() });

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export class TikTokEmulator {
  readonly clientKey: string;
  readonly clientSecret: string;
  private readonly peopleById: Map<string, EmulatedPerson>;
  /** Calls received per endpoint path: lets tests prove TikTok was (or was not) called. */
  readonly calls = new Map<string, number>();
  private readonly redirectUris?: readonly string[];
  /** Faults injected per endpoint path; under ANY_PATH, for every endpoint without its own. */
  private readonly faults = new Map<string, Fault>();
  private readonly sockets = new Set<Socket>();
  private address?: { port: number; host: string };
  private readonly codes = new Map<string, Grant>();
  private readonly tokens = new Map<string, AccessGrant>();
  /** Only the newest refresh token of each authorization: a rotated one is gone. */
  private readonly refreshTokens = new Map<string, Authorization>();
  /** Token endpoint calls per `grant_type`, refused ones included. */
  private readonly grants = new Map<string, number>();
  private readonly deliveryLog: WebhookDelivery[] = [];
  private readonly server: http.Server | https.Server;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** Where `disconnect()` delivers `authorization.removed`; unset, deliveries record the miss. */
  webhookUrl?: string;

  constructor(options: EmulatorOptions = {}) {
    this.clientKey = options.clientKey ?? 'emulator-client-key';
    this.clientSecret = options.clientSecret ?? 'emulator-client-secret';
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DAY_S;
    this.refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? 365 * DAY_S;
    this.webhookUrl = options.webhookUrl;
    this.peopleById = new Map(
      (options.people ?? DEFAULT_PEOPLE).map((person) => [person.id, person])
    );
    this.redirectUris = options.redirectUris;
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        sendJson(res, 500, {
          error: 'internal_error',
          error_description: String(error),
          log_id: logId(),
        });
      });
    };
    this.server = options.tls
      ? https.createServer(options.tls, onRequest)
      : http.createServer(onRequest);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 (a free port unless one is given) and returns the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const { address, port: bound } = this.server.address() as AddressInfo;
    this.address = { host: address, port: bound };
    return this.url;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  get url(): string {
    const { host, port } = this.address!;
    return `${this.server instanceof https.Server ? 'https' : 'http'}://${host}:${port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Closes the port: the next calls get ECONNREFUSED until `acceptConnections()`. */
  refuseConnections(): Promise<void> {
    return this.close();
  }

  /** Listens again on the same address, after `refuseConnections()`. */
  async acceptConnections(): Promise<void> {
    if (!this.server.listening) await this.listen(this.address!.port, this.address!.host);
  }

  /** What the authorize page does when a person approves: a single-use code bound to the redirect. */
  issueCode(
    personId: string,
    scopes: string[],
    redirectUri: string,
    codeChallenge?: string
  ): string {
    const person = this.person(personId);
    const code = random('code.');
    this.codes.set(code, {
      person,
      scopes,
      redirectUri,
      codeChallenge,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    return code;
  }

  /** An access token as the token endpoint would hand it out, for tests that start at /connect. */
  issueAccessToken(personId: string, scopes: string[] = ['user.info.basic']): string {
    return this.issueTokens(personId, scopes).access_token;
  }

  /** What a code exchange answers, without the code: for tests that start with stored tokens. */
  issueTokens(personId: string, scopes: string[] = ['user.info.basic']) {
    return this.tokensFor({
      person: this.person(personId),
      scopes,
      refreshExpiresAt: Date.now() + this.refreshTokenTtlSeconds * 1000,
      revoked: false,
    });
  }

  /** Token endpoint calls with this `grant_type` (`authorization_code`, `refresh_token`). */
  grantCount(grantType: string): number {
    return this.grants.get(grantType) ?? 0;
  }

  /** Every webhook delivery so far, oldest first, with each attempt's outcome. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.deliveryLog;
  }

  /**
   * The person removes the app in TikTok: every token of theirs stops working (user-info answers
   * access_token_invalid, a refresh invalid_grant) and `authorization.removed` with `reason` is
   * delivered, signed, to `webhookUrl`.
   */
  async disconnect(personId: string, reason = 1): Promise<WebhookDelivery> {
    const person = this.person(personId);
    if (!isRemovalReason(reason)) throw new Error(`reason must be 0 to 5, not ${reason}`);
    this.revokeWhere((authorization) => authorization.person.id === person.id);
    const delivery: WebhookDelivery = {
      id: `delivery-${this.deliveryLog.length + 1}`,
      personId: person.id,
      event: 'authorization.removed',
      body: webhookBody({
        clientKey: this.clientKey,
        event: 'authorization.removed',
        openId: person.open_id,
        content: { reason },
      }),
      attempts: [],
    };
    this.deliveryLog.push(delivery);
    await attemptDelivery(delivery, this.webhookUrl, this.clientSecret);
    return delivery;
  }

  /** Delivers the same event again (same body, signed anew), as TikTok retries for 72 hours. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const delivery = this.deliveryLog.find((candidate) => candidate.id === deliveryId);
    if (!delivery) throw new Error(`unknown delivery: ${deliveryId}`);
    await attemptDelivery(delivery, this.webhookUrl, this.clientSecret);
    return delivery;
  }

  get people(): ReadonlyMap<string, EmulatedPerson> {
    return this.peopleById;
  }

  /** Adds (or replaces) a person, as a tester adding a sandbox target user would. */
  addPerson(person: EmulatedPerson): void {
    this.peopleById.set(person.id, person);
  }

  /**
   * Makes `path` (or, without one, every endpoint) answer with `fault` (see faults.ts) until
   * `clearFault` with the same path. Calls are counted all the same.
   */
  fault(fault: Fault, path = ANY_PATH): void {
    this.faults.set(path, fault);
  }

  clearFault(path = ANY_PATH): void {
    this.faults.delete(path);
  }

  /**
   * Makes `path` (the token endpoint or user-info) answer every call with TikTok's 429
   * rate_limit_exceeded, as when the app's quota is used up, with `Retry-After` when given;
   * `stopRateLimiting` ends it.
   */
  rateLimit(path: string, retryAfterSeconds?: number): void {
    this.fault(rateLimitExceeded(retryAfterSeconds), path);
  }

  stopRateLimiting(path: string): void {
    this.clearFault(path);
  }

  callCount(path: string): number {
    return this.calls.get(path) ?? 0;
  }

  private person(personId: string): EmulatedPerson {
    const person = this.peopleById.get(personId);
    if (!person) throw new Error(`unknown emulated person: ${personId}`);
    return person;
  }

  private redirectAllowed(uri: string): boolean {
    return !this.redirectUris || this.redirectUris.includes(uri);
  }

  /** A new access token (and refresh token) of `authorization`, as the token endpoint answers. */
  private tokensFor(authorization: Authorization) {
    const accessToken = random('act.');
    const refreshToken = random('rft.');
    const now = Date.now();
    this.tokens.set(accessToken, {
      authorization,
      expiresAt: now + this.accessTokenTtlSeconds * 1000,
    });
    this.refreshTokens.set(refreshToken, authorization);
    return {
      access_token: accessToken,
      expires_in: this.accessTokenTtlSeconds,
      open_id: authorization.person.open_id,
      refresh_token: refreshToken,
      // Whole seconds left, rounded up: a token issued this millisecond has its full lifetime.
      refresh_expires_in: Math.max(0, Math.ceil((authorization.refreshExpiresAt - now) / 1000)),
      scope: authorization.scopes.join(','),
      token_type: 'Bearer',
    };
  }

  /** Ends the authorizations `matches` picks: their access tokens fail, their refresh tokens go. */
  private revokeWhere(matches: (authorization: Authorization) => boolean): void {
    for (const { authorization } of this.tokens.values()) {
      if (matches(authorization)) authorization.revoked = true;
    }
    for (const [token, authorization] of this.refreshTokens) {
      if (matches(authorization)) this.refreshTokens.delete(token);
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    this.calls.set(url.pathname, this.callCount(url.pathname) + 1);
    if (url.pathname.startsWith(CONTROL_PREFIX)) return this.control(req, url, res);
    const fault = this.faults.get(url.pathname) ?? this.faults.get(ANY_PATH);
    if (!fault) return this.answer(req, url, res);
    await new Promise<void>((resolve, reject) =>
      fault(req, res, () => void this.answer(req, url, res).then(resolve, reject))
    );
  }

  /** TikTok's answer, when no fault stands in for it. */
  private async answer(
    req: http.IncomingMessage,
    url: URL,
    res: http.ServerResponse
  ): Promise<void> {
    if (req.method === 'GET' && url.pathname === '/v2/auth/authorize/')
      return this.authorize(url, res);
    if (req.method === 'POST' && url.pathname === TOKEN_PATH) return this.token(req, res);
    if (req.method === 'POST' && url.pathname === REVOKE_PATH) return this.revoke(req, res);
    if (req.method === 'GET' && url.pathname === USER_INFO_PATH)
      return this.userInfo(req, url, res);
    sendJson(res, 404, {
      error: { code: 'not_found', message: 'No such endpoint in the emulator.', log_id: logId() },
    });
  }

  private authorize(url: URL, res: http.ServerResponse): void {
    const param = (name: string) => url.searchParams.get(name) ?? undefined;
    const redirectUri = param('redirect_uri');
    const scopes = (param('scope') ?? '')
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean);
    const problem =
      param('client_key') !== this.clientKey
        ? 'client_key is unknown'
        : param('response_type') !== 'code'
          ? 'response_type must be code'
          : !redirectUri || !this.redirectAllowed(redirectUri)
            ? 'redirect_uri is not registered for this app'
            : !scopes.includes('user.info.basic')
              ? 'scope must include user.info.basic'
              : param('code_challenge') && param('code_challenge_method') !== 'S256'
                ? 'code_challenge_method must be S256'
                : undefined;
    if (problem) {
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>TikTok emulator</title><p>Authorization refused: ${escapeHtml(problem)}</p>`
      );
      return;
    }

    const state = param('state');
    const choice = param('person');
    if (choice === 'deny') {
      return redirectTo(res, redirectUri!, {
        error: 'access_denied',
        error_description: 'The user denied the authorization request.',
        state,
      });
    }
    if (choice && this.people.has(choice)) {
      const code = this.issueCode(choice, scopes, redirectUri!, param('code_challenge'));
      return redirectTo(res, redirectUri!, { code, scopes: scopes.join(','), state });
    }

    const link = (value: string) => {
      const target = new URL(url.toString());
      target.searchParams.set('person', value);
      return escapeHtml(`${target.pathname}${target.search}`);
    };
    const people = [...this.people.values()]
      .map((p) => {
        const note = p.note ? ` <small>${escapeHtml(p.note)}</small>` : '';
        return `<li><a data-person="${escapeHtml(p.id)}" href="${link(p.id)}">Continue as ${escapeHtml(p.display_name ?? p.id)}</a>${note}</li>`;
      })
      .join('');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(
      `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>TikTok emulator: authorize</title><style>${CONSENT_CSS}</style>` +
        `<main><h1>Sign in with TikTok <span>(emulator)</span></h1>` +
        `<p>The app asks for: ${escapeHtml(scopes.join(', '))}</p><ul>${people}</ul>` +
        `<p><a class="deny" data-person="deny" href="${link('deny')}">Deny</a></p></main>`
    );
  }

  /**
   * The checks TikTok's OAuth endpoints share: a form body and the app's credentials. The form,
   * or undefined once a refusal has been answered.
   */
  private async oauthForm(
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): Promise<URLSearchParams | undefined> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      oauthError(
        res,
        400,
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded.'
      );
      return undefined;
    }
    const form = new URLSearchParams(await readBody(req));
    if (
      form.get('client_key') !== this.clientKey ||
      form.get('client_secret') !== this.clientSecret
    ) {
      oauthError(res, 401, 'invalid_client', 'Client key or secret is incorrect.');
      return undefined;
    }
    return form;
  }

  private async token(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = await this.oauthForm(req, res);
    if (!form) return;
    const grantType = form.get('grant_type') ?? '';
    this.grants.set(grantType, this.grantCount(grantType) + 1);
    if (grantType === 'refresh_token') return this.refresh(form, res);
    if (grantType !== 'authorization_code') {
      return oauthError(
        res,
        400,
        'unsupported_grant_type',
        'Only authorization_code and refresh_token are emulated.'
      );
    }

    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    this.codes.delete(code);
    // TikTok answers a bad code with HTTP 200 and an error body: clients must read the body.
    if (!grant || grant.expiresAt < Date.now()) {
      return oauthError(
        res,
        200,
        'invalid_grant',
        'Authorization code is expired or has been used.'
      );
    }
    if (form.get('redirect_uri') !== grant.redirectUri) {
      return oauthError(
        res,
        200,
        'invalid_grant',
        'redirect_uri does not match the authorization request.'
      );
    }
    if (grant.codeChallenge) {
      const verifier = form.get('code_verifier');
      if (!verifier || hexSha256(verifier) !== grant.codeChallenge) {
        return oauthError(res, 200, 'invalid_request', 'Code verifier is invalid.');
      }
    }

    sendJson(
      res,
      200,
      this.tokensFor({
        person: grant.person,
        scopes: grant.scopes,
        refreshExpiresAt: Date.now() + this.refreshTokenTtlSeconds * 1000,
        revoked: false,
      })
    );
  }

  /**
   * `grant_type=refresh_token` with rotation: the answer carries a new refresh token and the one
   * sent is retired, so a second use of it (a client that kept an old copy, or two refreshes
   * racing) is refused like an unknown, expired or revoked one.
   */
  private refresh(form: URLSearchParams, res: http.ServerResponse): void {
    const refreshToken = form.get('refresh_token') ?? '';
    const authorization = this.refreshTokens.get(refreshToken);
    this.refreshTokens.delete(refreshToken);
    if (!authorization || authorization.revoked || authorization.refreshExpiresAt < Date.now()) {
      return oauthError(res, 200, 'invalid_grant', 'Refresh token is invalid or expired.');
    }
    sendJson(res, 200, this.tokensFor(authorization));
  }

  /**
   * `POST /v2/oauth/revoke/`: ends the authorization of the access token sent, refresh token
   * included. TikTok answers an empty object; a token it does not know is answered the same way,
   * as OAuth's revocation (RFC 7009) does, since the outcome (the token does not work) is reached.
   */
  private async revoke(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = await this.oauthForm(req, res);
    if (!form) return;
    const grant = this.tokens.get(form.get('token') ?? '');
    if (grant) this.revokeWhere((authorization) => authorization === grant.authorization);
    sendJson(res, 200, {});
  }

  /** The emulator's control endpoints: what a person does in TikTok, and what was delivered. */
  private async control(
    req: http.IncomingMessage,
    url: URL,
    res: http.ServerResponse
  ): Promise<void> {
    const notFound = (message: string) => sendJson(res, 404, { error: message });
    if (req.method === 'GET' && url.pathname === DELIVERIES_PATH) {
      return sendJson(res, 200, { deliveries: this.deliveryLog });
    }
    const disconnect = req.method === 'POST' ? DISCONNECT_PATH.exec(url.pathname) : null;
    if (disconnect) {
      const personId = decodeURIComponent(disconnect[1]);
      if (!this.people.has(personId)) return notFound(`unknown person: ${personId}`);
      const reason = Number(url.searchParams.get('reason') ?? 1);
      if (!isRemovalReason(reason)) return sendJson(res, 400, { error: 'reason must be 0 to 5' });
      return sendJson(res, 200, { delivery: await this.disconnect(personId, reason) });
    }
    const redeliver = req.method === 'POST' ? REDELIVER_PATH.exec(url.pathname) : null;
    if (redeliver) {
      const id = decodeURIComponent(redeliver[1]);
      if (!this.deliveryLog.some((delivery) => delivery.id === id)) {
        return notFound(`unknown delivery: ${id}`);
      }
      return sendJson(res, 200, { delivery: await this.redeliver(id) });
    }
    notFound('No such control endpoint in the emulator.');
  }

  private userInfo(req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
    const apiError = (status: number, code: string, message: string) =>
      sendJson(res, status, { data: {}, error: { code, message, log_id: logId() } });

    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const grant = scheme === 'Bearer' && token ? this.tokens.get(token) : undefined;
    if (!grant || grant.expiresAt < Date.now() || grant.authorization.revoked) {
      return apiError(
        401,
        'access_token_invalid',
        'The access token is invalid or not found in the request.'
      );
    }
    const fields = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
    if (fields.length === 0 || fields.some((field) => !FIELD_SCOPES[field])) {
      return apiError(
        400,
        'invalid_params',
        'The fields parameter is missing or names an unknown field.'
      );
    }
    const { person, scopes } = grant.authorization;
    if (fields.some((field) => !scopes.includes(FIELD_SCOPES[field]))) {
      return apiError(
        401,
        'scope_not_authorized',
        'The user did not authorize the scope required for this field.'
      );
    }

    if (person.behavior && person.behavior !== 'normal') {
      return PERSON_FAULTS[person.behavior](req, res, () => undefined);
    }
    const user = Object.fromEntries(
      fields
        .map((field) => [field, (person as unknown as Record<string, unknown>)[field]] as const)
        .filter(([, value]) => value !== undefined)
    );
    sendJson(res, 200, { data: { user }, error: { code: 'ok', message: '', log_id: logId() } });
  }
}

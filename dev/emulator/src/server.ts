import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import {
  PERSON_FAULTS,
  TOKEN_PATH,
  USER_INFO_PATH,
  logId,
  rateLimitExceeded,
  sendJson,
  type Fault,
} from './faults';
import { DEFAULT_PEOPLE, type EmulatedPerson } from './people';

/**
 * A local stand-in for TikTok's Login Kit endpoints: the authorize page, the OAuth token
 * endpoint and user-info, answering in TikTok's own formats (form-encoded token requests,
 * hex-S256 PKCE, `{ data, error }` envelopes, errors sometimes sent with HTTP 200).
 */
export interface EmulatorOptions {
  clientKey?: string;
  clientSecret?: string;
  people?: readonly EmulatedPerson[];
  /** When set, authorize and token refuse any other redirect URI, as TikTok's portal does. */
  redirectUris?: readonly string[];
  /** Serve HTTPS with this key pair (PEM), as TikTok does; plain HTTP when absent. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Grant {
  person: EmulatedPerson;
  scopes: string[];
  redirectUri: string;
  codeChallenge?: string;
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
const TOKEN_TTL_S = 24 * 60 * 60;
const MAX_BODY_BYTES = 64 * 1024;

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
  private readonly tokens = new Map<string, Grant>();
  private readonly server: http.Server | https.Server;

  constructor(options: EmulatorOptions = {}) {
    this.clientKey = options.clientKey ?? 'emulator-client-key';
    this.clientSecret = options.clientSecret ?? 'emulator-client-secret';
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
    const token = random('act.');
    this.tokens.set(token, {
      person: this.person(personId),
      scopes,
      redirectUri: '',
      expiresAt: Date.now() + TOKEN_TTL_S * 1000,
    });
    return token;
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

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    this.calls.set(url.pathname, this.callCount(url.pathname) + 1);
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

  private async token(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const oauthError = (status: number, error: string, description: string) =>
      sendJson(res, status, { error, error_description: description, log_id: logId() });

    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(
        400,
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded.'
      );
    }
    const form = new URLSearchParams(await readBody(req));
    if (
      form.get('client_key') !== this.clientKey ||
      form.get('client_secret') !== this.clientSecret
    ) {
      return oauthError(401, 'invalid_client', 'Client key or secret is incorrect.');
    }
    if (form.get('grant_type') !== 'authorization_code') {
      return oauthError(400, 'unsupported_grant_type', 'Only authorization_code is emulated.');
    }

    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    this.codes.delete(code);
    // TikTok answers a bad code with HTTP 200 and an error body: clients must read the body.
    if (!grant || grant.expiresAt < Date.now()) {
      return oauthError(200, 'invalid_grant', 'Authorization code is expired or has been used.');
    }
    if (form.get('redirect_uri') !== grant.redirectUri) {
      return oauthError(
        200,
        'invalid_grant',
        'redirect_uri does not match the authorization request.'
      );
    }
    if (grant.codeChallenge) {
      const verifier = form.get('code_verifier');
      if (!verifier || hexSha256(verifier) !== grant.codeChallenge) {
        return oauthError(200, 'invalid_request', 'Code verifier is invalid.');
      }
    }

    const accessToken = random('act.');
    this.tokens.set(accessToken, { ...grant, expiresAt: Date.now() + TOKEN_TTL_S * 1000 });
    sendJson(res, 200, {
      access_token: accessToken,
      expires_in: TOKEN_TTL_S,
      open_id: grant.person.open_id,
      refresh_token: random('rft.'),
      refresh_expires_in: 365 * TOKEN_TTL_S,
      scope: grant.scopes.join(','),
      token_type: 'Bearer',
    });
  }

  private userInfo(req: http.IncomingMessage, url: URL, res: http.ServerResponse): void {
    const apiError = (status: number, code: string, message: string) =>
      sendJson(res, status, { data: {}, error: { code, message, log_id: logId() } });

    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const grant = scheme === 'Bearer' && token ? this.tokens.get(token) : undefined;
    if (!grant || grant.expiresAt < Date.now()) {
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
    if (fields.some((field) => !grant.scopes.includes(FIELD_SCOPES[field]))) {
      return apiError(
        401,
        'scope_not_authorized',
        'The user did not authorize the scope required for this field.'
      );
    }

    const { person } = grant;
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

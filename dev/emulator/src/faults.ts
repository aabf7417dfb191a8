import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request: answer it itself, or `forward()` it to the emulator. */
export type Behaviour = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  forward: () => void
) => void;

const send =
  (status: number, body: unknown, contentType = 'application/json'): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

const TOKEN_PATH = '/v2/oauth/token/';

/** TikTok's two error formats: the OAuth token endpoint's, and user-info's envelope. */
const tikTokError = (status: number, code: string, message: string): Behaviour => {
  const oauth = send(status, { error: code, error_description: message, log_id: 'proxy' });
  const api = send(status, { data: {}, error: { code, message, log_id: 'proxy' } });
  return (req, res, forward) => (req.url?.startsWith(TOKEN_PATH) ? oauth : api)(req, res, forward);
};

/** `fault` for every call but the token exchange, which reaches the emulator as usual. */
export const afterTheExchange =
  (fault: Behaviour): Behaviour =>
  (req, res, forward) =>
    req.url?.startsWith(TOKEN_PATH) ? forward() : fault(req, res, forward);

/** Ways TikTok can fail, each answering every request the same way. */
export const FAULTS = {
  /** Accepts the request and never answers: only the plugin's timeout ends it. */
  hang: (() => undefined) as Behaviour,
  /** Sends the headers and part of the promised body, then drops the connection. */
  resetMidBody: ((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '400' });
    res.write('{"data":{"user":{"open_id":"half');
    setTimeout(() => res.socket?.destroy(), 20);
  }) as Behaviour,
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
  }) as Behaviour,
  html500: send(500, '<!doctype html><h1>Internal Server Error</h1>', 'text/html'),
  malformedJson: send(200, '{"access_token": "act.x", "data": {"user": {', 'application/json'),
  errorWith200: tikTokError(200, 'internal_error', 'TikTok had an internal error.'),
  /** A profile with neither union_id nor open_id (and, for the token endpoint, no token). */
  noIdentity: send(200, {
    data: { user: { display_name: 'No Ids' } },
    error: { code: 'ok', message: '', log_id: 'proxy' },
  }),
} satisfies Record<string, Behaviour>;

/**
 * A real HTTP server on 127.0.0.1 standing in for TikTok in front of the emulator: it forwards by
 * default, and can hold requests (to line up a race), answer with a fault, or stop accepting
 * connections altogether (connection refused) and start again on the same port.
 */
export class TikTokProxy {
  behaviour: Behaviour = (_req, _res, forward) => forward();
  /** Requests that reached this "TikTok", whatever it did with them. */
  calls = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private port = 0;

  /** The emulator's URL, known once the app (and its emulator) has booted. */
  target = '';

  constructor() {
    this.server = http.createServer((req, res) => {
      this.calls += 1;
      this.behaviour(req, res, () => this.forward(req, res));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  /** Closes the port: the next calls get ECONNREFUSED until `listen()` again. */
  async refuseConnections(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /**
   * Lines up a race: forwards requests at once but holds TikTok's answers until `count` are
   * ready, then sends them all together.
   */
  barrier(count: number): void {
    const ready: (() => void)[] = [];
    this.behaviour = (req, res) =>
      this.forward(req, res, (send) => {
        ready.push(send);
        if (ready.length === count) for (const release of ready.splice(0)) release();
      });
  }

  reset(): void {
    this.behaviour = (_req, _res, forward) => forward();
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await this.refuseConnections();
  }

  /** Sends `req` to the emulator; its complete answer is written now or when `hold` says. */
  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    hold: (send: () => void) => void = (send) => send()
  ): void {
    const upstream = http.request(
      `${this.target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          hold(() => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          })
        );
      }
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

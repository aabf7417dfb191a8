import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { createFakeStrapi } from '../support/fake-strapi';

// No nock in this file: its interception bypasses the agent, and the pool is what is tested.
const PERSON = { open_id: 'open-1', union_id: 'union-1', display_name: 'Alice' };

const fakeTikTok = async () => {
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ data: { user: PERSON }, error: { code: 'ok', message: '' } }));
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    sockets,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

describe('tiktok service: connection pool', () => {
  it('reuses one connection for successive calls and closes it on close()', async () => {
    const tiktok = await fakeTikTok();
    try {
      const service = createFakeStrapi({
        pluginConfig: { apiBaseUrl: tiktok.url, clientKey: 'k', clientSecret: 's' },
      }).service('tiktok');
      await expect(service.fetchUser('act.one')).resolves.toEqual(PERSON);
      await expect(service.fetchUser('act.two')).resolves.toEqual(PERSON);
      expect(tiktok.sockets.size).toBe(1);

      const [socket] = tiktok.sockets;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      service.close();
      await closed;
    } finally {
      await tiktok.close();
    }
  });

  /** A TikTok whose first `drops` connections break as soon as a request arrives. */
  const droppingTikTok = async (drops: number) => {
    const body = JSON.stringify({ data: { user: PERSON }, error: { code: 'ok', message: '' } });
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      const drop = connections <= drops;
      socket.once('data', () =>
        drop
          ? socket.destroy()
          : socket.end(
              'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
                `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
            )
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const service = createFakeStrapi({
      pluginConfig: { apiBaseUrl: `http://127.0.0.1:${port}`, clientKey: 'k', clientSecret: 's' },
    }).service('tiktok');
    return {
      service,
      connections: () => connections,
      close: () => {
        service.close();
        return new Promise((resolve) => server.close(resolve));
      },
    };
  };

  it('sends user-info once more when the connection breaks before any answer', async () => {
    const tiktok = await droppingTikTok(1);
    try {
      await expect(tiktok.service.fetchUser('act.one')).resolves.toEqual(PERSON);
      expect(tiktok.connections()).toBe(2);
    } finally {
      await tiktok.close();
    }
  });

  it('resends over a connection of its own, not another pooled one that TikTok dropped too', async () => {
    const body = JSON.stringify({ data: { user: PERSON }, error: { code: 'ok', message: '' } });
    const stale = new Set<Socket>();
    let dropStale = false;
    const server = http.createServer((req, res) => {
      if (dropStale && stale.has(req.socket)) return req.socket.destroy();
      res.setHeader('Content-Type', 'application/json');
      res.end(body);
    });
    let connections = 0;
    server.on('connection', (socket) => {
      connections += 1;
      if (!dropStale) stale.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const service = createFakeStrapi({
      pluginConfig: { apiBaseUrl: `http://127.0.0.1:${port}`, clientKey: 'k', clientSecret: 's' },
    }).service('tiktok');
    try {
      // Two pooled connections, both of which TikTok then drops as soon as they are used.
      await Promise.all([service.fetchUser('act.a'), service.fetchUser('act.b')]);
      expect(stale.size).toBe(2);
      dropStale = true;
      await expect(service.fetchUser('act.c')).resolves.toEqual(PERSON);
      expect(connections).toBe(3);
    } finally {
      service.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up readably after that one retry', async () => {
    const tiktok = await droppingTikTok(Infinity);
    try {
      await expect(tiktok.service.fetchUser('act.one')).rejects.toThrow(
        /^Failed to fetch TikTok user: (socket hang up|read ECONNRESET)$/
      );
      expect(tiktok.connections()).toBe(2);
    } finally {
      await tiktok.close();
    }
  });
});

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
});

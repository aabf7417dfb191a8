import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { listenOnLoopback, startTestApp, type TestApp, route } from './harness';

/**
 * The shared store failing (here: a Redis that is not there) neither opens the gate nor closes
 * it: each instance counts in its own memory until the store answers again, and says so once,
 * without the store's address or password.
 */
const MAX = 5;
const PASSWORD = 'redis-PASSWORD-never-logged';

let app: TestApp;
let url: string;

/** A loopback port nothing listens on any more. */
const closedPort = async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

beforeAll(async () => {
  app = await startTestApp({
    env: {
      TIKTOK_RATE_LIMIT_MAX: String(MAX),
      TIKTOK_RATE_LIMIT_STORE: 'redis',
      TIKTOK_RATE_LIMIT_REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${await closedPort()}`,
    },
  });
  url = await listenOnLoopback(app);
});
afterAll(async () => {
  await app?.close();
});

it('limits each client in memory while the store is down, and warns once without secrets', async () => {
  const before = app.emulator.callCount('/v2/user/info/');
  const statuses: number[] = [];
  for (let index = 0; index < 3 * MAX; index += 1) {
    const response = await request(url)
      .post(route('connect'))
      .send({ access_token: `act.store-down-${index}` });
    statuses.push(response.status);
  }
  expect(statuses.filter((status) => status === 400)).toHaveLength(MAX);
  expect(statuses.filter((status) => status === 429)).toHaveLength(2 * MAX);
  expect(app.emulator.callCount('/v2/user/info/') - before).toBe(MAX);

  const warnings = app.logs.filter((line) =>
    line.message.includes('rate-limit store (redis) failed')
  );
  expect(warnings).toHaveLength(1);
  expect(app.logs.map((line) => line.message).join('\n')).not.toContain(PASSWORD);
});

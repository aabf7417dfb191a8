import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 that delays every chunk by half the round-trip time in each direction,
 * so a TLS handshake or an HTTP exchange through it costs what it would across a real network.
 * It counts the connections it accepts: with TLS inside, one connection is one handshake. Given
 * several targets, it hands each new connection to the next one in turn (a round-robin balancer).
 */
export class LatencyProxy {
  rttMs = 0;
  connections = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private turn = 0;

  constructor(private readonly targets: readonly { host: string; port: number }[]) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.connections += 1;
    const target = this.targets[this.turn++ % this.targets.length];
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    this.relay(client, upstream);
    this.relay(upstream, client);
  }

  // Timers of one duration fire in the order they were set, so chunks keep their order.
  private relay(from: net.Socket, to: net.Socket): void {
    const later = (action: () => void) => {
      const delay = this.rttMs / 2;
      if (delay === 0) action();
      else setTimeout(() => !to.destroyed && action(), delay);
    };
    from.on('data', (chunk: Buffer) => later(() => to.write(chunk)));
    from.on('end', () => later(() => to.end()));
  }
}

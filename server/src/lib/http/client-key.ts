import { isIP } from 'node:net';

/** The part of a Koa context the client key is read from. */
export interface AddressSource {
  request: { ip: string };
  req: { socket: { remoteAddress?: string } };
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The eight 16-bit groups of a valid IPv6 address (zone removed, an IPv4 tail as two groups). */
const ipv6Groups = (address: string): number[] => {
  const [head, tail] = address.split('%')[0].split('::') as [string, string | undefined];
  const parse = (part: string | undefined) =>
    (part ? part.split(':') : []).flatMap((group) => {
      if (!group.includes('.')) return [parseInt(group, 16)];
      const [a, b, c, d] = group.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
};

/**
 * One rate-limit key per client: an IPv4 address as is, an IPv6 address as its /64 (what one
 * subscriber gets, so rotating through it is still one client), an IPv4-mapped IPv6 address as
 * the IPv4 one. Anything else is not an address: null.
 */
export const addressKey = (address: string | undefined): string | null => {
  if (!address) return null;
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  const prefix = ipv6Groups(address)
    .slice(0, 4)
    .map((group) => group.toString(16));
  return `${prefix.join(':')}::/64`;
};

/**
 * The client behind a request: `ctx.request.ip` (the address a trusted proxy forwarded, when
 * Strapi's `server.proxy` says to trust one) when it is a real IP address, else the socket's
 * peer. Never a header's raw text: a forged value cannot become a key of its own.
 */
export const clientKey = (ctx: AddressSource): string =>
  addressKey(ctx.request.ip) ?? addressKey(ctx.req.socket.remoteAddress) ?? 'unknown';

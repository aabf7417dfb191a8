import { addressKey, clientKey } from '../../server/src/lib/http/client-key';

const ctxWith = (ip: string, remoteAddress?: string) => ({
  request: { ip },
  req: { socket: { remoteAddress } },
});

describe('addressKey', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['a full IPv6 address', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['a compressed IPv6 address', '2001:db8::1', '2001:db8:0:0::/64'],
    ['IPv6 loopback', '::1', '0:0:0:0::/64'],
    ['an IPv6 address with a zone', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['an IPv6 address with an IPv4 tail', '64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['upper-case hex', '2001:DB8:0:A::1', '2001:db8:0:a::/64'],
  ])('keys %s', (_case, address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('gives every address of one /64 the same key, and another /64 another', () => {
    const keys = new Set(
      Array.from({ length: 50 }, (_, index) => addressKey(`2001:db8:5:6:${index.toString(16)}::1`))
    );
    expect([...keys]).toEqual(['2001:db8:5:6::/64']);
    expect(addressKey('2001:db8:5:7::1')).not.toBe('2001:db8:5:6::/64');
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['a host name', 'client.example.com'],
    ['a forged list', '1.2.3.4, 5.6.7.8'],
    ['4 KB of junk', 'x'.repeat(4096)],
    ['an address with a port', '203.0.113.7:443'],
  ])('refuses %s', (_case, value) => {
    expect(addressKey(value)).toBeNull();
  });
});

describe('clientKey', () => {
  it('takes the request address when it is one', () => {
    expect(clientKey(ctxWith('198.51.100.4', '127.0.0.1'))).toBe('198.51.100.4');
  });

  it('falls back to the socket peer when the forwarded value is not an address', () => {
    expect(clientKey(ctxWith('y'.repeat(4096), '::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });

  it('is one fixed key when neither is an address (a closed socket)', () => {
    expect(clientKey(ctxWith('junk', undefined))).toBe('unknown');
  });
});

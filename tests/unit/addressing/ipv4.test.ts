import { describe, expect, it } from 'vitest';
import {
  contains,
  formatIPv4,
  isIPv4,
  isMac,
  isNetworkOrBroadcast,
  netmaskToPrefix,
  networkOf,
  nextFreeAddress,
  overlaps,
  parseCidr,
  parseIPv4,
  prefixMask,
  prefixToNetmask,
} from '../../../shared/addressing/ipv4.ts';

const cidr = (t: string) => {
  const c = parseCidr(t);
  if (!c) throw new Error(`bad test cidr ${t}`);
  return c;
};

describe('parseIPv4', () => {
  it.each([
    ['192.168.111.200', 3232264136],
    ['0.0.0.0', 0],
    ['255.255.255.255', 4294967295],
    ['10.0.0.1', 167772161],
    ['172.16.111.123', 2886758267],
  ])('%s → %i', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
    expect(formatIPv4(value)).toBe(text);
    expect(isIPv4(text)).toBe(true);
  });

  it.each([
    ['192.168.111.2000', 'octet > 255 (seed article typo)'],
    ['1172.17.253.100', 'four-digit first octet (seed article typo)'],
    ['256.1.1.1', 'octet 256'],
    ['1.2.3', 'three parts'],
    ['1.2.3.4.5', 'five parts'],
    ['01.2.3.4', 'leading zero (octal in some tools)'],
    ['0x7f.0.0.1', 'hex'],
    ['127.1', 'short form'],
    ['2130706433', 'single number'],
    [' 1.2.3.4', 'leading space'],
    ['1.2.3.4\n', 'trailing newline'],
    ['1.2.3.4/24', 'with prefix'],
    ['', 'empty'],
    ['::1', 'IPv6'],
    ['1..3.4', 'empty octet'],
    ['-1.2.3.4', 'negative'],
  ])('refuses %j (%s)', (text) => {
    expect(parseIPv4(text)).toBeNull();
    expect(isIPv4(text)).toBe(false);
  });

  it('refuses non-strings without throwing', () => {
    expect(parseIPv4(42 as unknown as string)).toBeNull();
    expect(parseCidr(undefined as unknown as string)).toBeNull();
  });
});

describe('parseCidr', () => {
  it.each([
    ['192.168.111.101/24', '192.168.111.0', '192.168.111.255', 24],
    ['10.1.2.3/8', '10.0.0.0', '10.255.255.255', 8],
    ['172.18.0.100/32', '172.18.0.100', '172.18.0.100', 32],
    ['10.9.9.1/31', '10.9.9.0', '10.9.9.1', 31],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255', 0],
    ['192.168.1.130/25', '192.168.1.128', '192.168.1.255', 25],
  ])('%s: network %s, broadcast %s', (text, network, broadcast, prefix) => {
    const c = cidr(text);
    expect(formatIPv4(c.network)).toBe(network);
    expect(formatIPv4(c.broadcast)).toBe(broadcast);
    expect(c.prefix).toBe(prefix);
    expect(c.address).toBe(text.split('/')[0]);
  });

  it.each(['192.168.1.1', '192.168.1.1/33', '192.168.1.1/', '192.168.1.1/x', '192.168.1.1/-1', '192.168.1.1/100', '300.1.1.1/24', '/24', '1.2.3.4/24/8'])(
    'refuses %j',
    (text) => expect(parseCidr(text)).toBeNull(),
  );

  it('accepts a bare address only with a default prefix', () => {
    expect(parseCidr('10.0.0.5', 32)?.prefix).toBe(32);
    expect(parseCidr('10.0.0.5', 24)?.network).toBe(parseIPv4('10.0.0.0'));
  });
});

describe('masks', () => {
  it.each([
    [0, '0.0.0.0'],
    [1, '128.0.0.0'],
    [8, '255.0.0.0'],
    [24, '255.255.255.0'],
    [25, '255.255.255.128'],
    [31, '255.255.255.254'],
    [32, '255.255.255.255'],
  ])('/%i ↔ %s', (prefix, mask) => {
    expect(prefixToNetmask(prefix)).toBe(mask);
    expect(netmaskToPrefix(mask)).toBe(prefix);
    expect(prefixMask(prefix)).toBe(parseIPv4(mask));
  });
  it.each(['255.0.255.0', '255.255.255.1', '0.255.255.255', 'x'])('refuses the non-contiguous or bad netmask %s', (mask) => {
    expect(netmaskToPrefix(mask)).toBeNull();
  });
});

describe('subnet relations', () => {
  it.each([
    ['192.168.111.0/24', '192.168.111.101', true],
    ['192.168.111.0/24', '192.168.112.1', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['172.18.0.100/32', '172.18.0.100', true],
    ['172.18.0.100/32', '172.18.0.101', false],
    ['10.0.0.0/8', 'not-an-ip', false],
  ])('%s contains %s: %s', (subnet, address, expected) => {
    expect(contains(cidr(subnet), address)).toBe(expected);
    const v = parseIPv4(address);
    if (v !== null) expect(contains(cidr(subnet), v)).toBe(expected);
  });

  it.each([
    ['192.168.111.0/24', '192.168.0.0/16', true],
    ['192.168.111.0/24', '192.168.111.128/25', true],
    ['192.168.111.0/24', '192.168.112.0/24', false],
    ['10.0.0.0/8', '0.0.0.0/0', true],
    ['10.0.0.0/31', '10.0.0.2/31', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(overlaps(cidr(a), cidr(b))).toBe(expected);
    expect(overlaps(cidr(b), cidr(a))).toBe(expected);
  });

  it.each([
    ['192.168.111.0/24', true],
    ['192.168.111.255/24', true],
    ['192.168.111.1/24', false],
    ['10.0.0.0/31', false],
    ['10.0.0.1/31', false],
    ['10.0.0.0/32', false],
  ])('%s is network or broadcast: %s', (text, expected) => {
    expect(isNetworkOrBroadcast(cidr(text))).toBe(expected);
  });

  it('networkOf gives the subnet of an interface address', () => {
    expect(networkOf('192.168.111.101/24')).toBe('192.168.111.0/24');
    expect(networkOf('10.1.2.3/8')).toBe('10.0.0.0/8');
    expect(networkOf('garbage')).toBeNull();
  });
});

describe('nextFreeAddress', () => {
  it.each([
    ['192.168.111.0/24', [], '192.168.111.1/24'],
    ['192.168.111.0/24', ['192.168.111.1/24', '192.168.111.2'], '192.168.111.3/24'],
    ['10.0.0.0/30', ['10.0.0.1/30'], '10.0.0.2/30'],
    ['10.0.0.0/30', ['10.0.0.1/30', '10.0.0.2/30'], null],
    ['10.0.0.0/31', [], '10.0.0.0/31'],
    ['10.0.0.7/32', [], '10.0.0.7/32'],
    ['bad', [], null],
  ] as const)('in %s with %j used → %s', (subnet, used, expected) => {
    expect(nextFreeAddress(subnet, used)).toBe(expected);
  });
  it('never hands out the network or broadcast address', () => {
    const used = Array.from({ length: 254 }, (_, i) => `192.168.1.${i + 1}`).filter((a) => a !== '192.168.1.254');
    expect(nextFreeAddress('192.168.1.0/24', used)).toBe('192.168.1.254/24');
    expect(nextFreeAddress('192.168.1.0/24', [...used, '192.168.1.254'])).toBeNull();
  });
});

describe('isMac', () => {
  it.each([
    ['52:54:00:12:34:56', true],
    ['AA:BB:CC:DD:EE:FF', true],
    ['52-54-00-12-34-56', false],
    ['52:54:00:12:34', false],
    ['52:54:00:12:34:5g', false],
    ['525400123456', false],
    ['', false],
  ])('%j → %s', (text, expected) => expect(isMac(text)).toBe(expected));
});

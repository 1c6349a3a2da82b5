/**
 * IPv4 addressing helpers. Parsing goes through ipaddr.js in strict four-part decimal form (no
 * `1172.17.253.100`, no `192.168.111.2000`, no octal); arithmetic is done on unsigned 32-bit numbers
 * so that checking thousands of hosts stays cheap.
 */
import ipaddr from 'ipaddr.js';

/** An IPv4 interface address with its prefix, e.g. `192.168.111.200/24`. */
export interface Cidr {
  /** The address as typed (normalised dotted quad). */
  readonly address: string;
  /** The address as an unsigned 32-bit number. */
  readonly value: number;
  /** Prefix length 0..32. */
  readonly prefix: number;
  /** Network address as an unsigned 32-bit number. */
  readonly network: number;
  /** Broadcast address as an unsigned 32-bit number. */
  readonly broadcast: number;
}

/** Netmask of a prefix length as an unsigned 32-bit number (`/24` → 0xffffff00). */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parses a dotted-quad IPv4 address into an unsigned 32-bit number, or `null` when it is not
 * exactly four decimal octets 0..255.
 * @example parseIPv4('192.168.111.200') // 3232264136 (0xc0a86fc8)
 */
export function parseIPv4(text: string): number | null {
  if (typeof text !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return null;
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  const bytes = ipaddr.IPv4.parse(text).octets;
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** True when `text` is a valid dotted-quad IPv4 address. */
export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== null;
}

/**
 * Parses `a.b.c.d/n`. A bare address is refused unless `defaultPrefix` is given.
 * @example parseCidr('192.168.111.101/24')?.network // 0xc0a86f00
 */
export function parseCidr(text: string, defaultPrefix?: number): Cidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.indexOf('/');
  const addressPart = slash < 0 ? text : text.slice(0, slash);
  const prefixPart = slash < 0 ? undefined : text.slice(slash + 1);
  let prefix: number;
  if (prefixPart === undefined) {
    if (defaultPrefix === undefined) return null;
    prefix = defaultPrefix;
  } else {
    if (!/^\d{1,2}$/.test(prefixPart)) return null;
    prefix = Number(prefixPart);
    if (prefix > 32) return null;
  }
  const value = parseIPv4(addressPart);
  if (value === null) return null;
  const mask = prefixMask(prefix);
  const network = (value & mask) >>> 0;
  const broadcast = (network | (~mask >>> 0)) >>> 0;
  return { address: formatIPv4(value), value, prefix, network, broadcast };
}

/** The subnet (`a.b.c.0/24`) an interface address belongs to, or null when malformed. */
export function networkOf(cidrText: string): string | null {
  const c = parseCidr(cidrText);
  return c ? `${formatIPv4(c.network)}/${c.prefix}` : null;
}

/** True when the address (a number or dotted quad) lies inside the subnet. */
export function contains(subnet: Cidr, address: number | string): boolean {
  const v = typeof address === 'number' ? address : parseIPv4(address);
  if (v === null) return false;
  return (v & prefixMask(subnet.prefix)) >>> 0 === subnet.network;
}

/** True when two subnets share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const m = prefixMask(p);
  return (a.network & m) >>> 0 === (b.network & m) >>> 0;
}

/**
 * True when the address is the network or broadcast address of its subnet — not usable for a host
 * (except in /31 and /32, which have neither).
 */
export function isNetworkOrBroadcast(c: Cidr): boolean {
  if (c.prefix >= 31) return false;
  return c.value === c.network || c.value === c.broadcast;
}

/** Dotted netmask of a prefix (`24` → `255.255.255.0`). */
export function prefixToNetmask(prefix: number): string {
  return formatIPv4(prefixMask(prefix));
}

/** Prefix length of a dotted netmask (`255.255.255.0` → 24), or null when not contiguous. */
export function netmaskToPrefix(mask: string): number | null {
  const v = parseIPv4(mask);
  if (v === null) return null;
  for (let p = 0; p <= 32; p++) if (prefixMask(p) === v) return p;
  return null;
}

/**
 * The first usable host address of `subnet` that is not in `used`, formatted as `a.b.c.d/prefix`;
 * null when the subnet is full. Used to give a new interface an address on the segment it joins.
 */
export function nextFreeAddress(subnetText: string, used: Iterable<string>): string | null {
  const subnet = parseCidr(subnetText);
  if (!subnet) return null;
  const taken = new Set<number>();
  for (const u of used) {
    const v = parseCidr(u, 32)?.value;
    if (v !== undefined) taken.add(v);
  }
  const first = subnet.prefix >= 31 ? subnet.network : subnet.network + 1;
  const last = subnet.prefix >= 31 ? subnet.broadcast : subnet.broadcast - 1;
  for (let v = first; v <= last; v++) if (!taken.has(v >>> 0)) return `${formatIPv4(v >>> 0)}/${subnet.prefix}`;
  return null;
}

/** True for a well-formed MAC address `aa:bb:cc:dd:ee:ff` (case-insensitive). */
export function isMac(text: string): boolean {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text);
}

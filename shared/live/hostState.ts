/**
 * Parsers for a host's own state as the live poll reads it: addresses (`ip -j addr`) and the ARP /
 * reverse-path sysctls (`grep -H . /proc/sys/net/ipv4/conf/<if>/{arp_ignore,arp_announce,rp_filter}`).
 */
import type { Unparsed } from './ipvsadm.ts';

/** One address on one interface. */
export interface ObservedAddress {
  readonly interface: string;
  /** iproute2's link type: `ether`, `loopback`, `ipip`, … */
  readonly linkType: string;
  readonly family: 'inet' | 'inet6';
  readonly address: string;
  readonly prefix: number;
  /** Interface administratively up and with carrier (`UP` and `LOWER_UP`, or loopback `UP`). */
  readonly up: boolean;
}

/** Parses `ip -j addr` (iproute2 JSON). Anything but that array is one `unparsed` entry. */
export function parseIpJsonAddr(text: string): { addresses: ObservedAddress[]; unparsed: Unparsed[] } {
  const addresses: ObservedAddress[] = [];
  const unparsed: Unparsed[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { addresses, unparsed: text.trim() ? [{ line: 1, text: `not iproute2 JSON: ${text.trim().slice(0, 200)}` }] : [] };
  }
  if (!Array.isArray(data)) return { addresses, unparsed: [{ line: 1, text: 'not a JSON array of interfaces' }] };
  data.forEach((link: unknown, i) => {
    const l = link as { ifname?: unknown; link_type?: unknown; flags?: unknown; addr_info?: unknown };
    if (typeof l !== 'object' || l === null || typeof l.ifname !== 'string' || !Array.isArray(l.addr_info)) {
      unparsed.push({ line: i + 1, text: `interface entry ${i + 1} has no ifname/addr_info` });
      return;
    }
    const flags = Array.isArray(l.flags) ? l.flags.filter((f): f is string => typeof f === 'string') : [];
    const linkType = typeof l.link_type === 'string' ? l.link_type : 'unknown';
    const up = flags.includes('UP') && (flags.includes('LOWER_UP') || linkType === 'loopback');
    for (const a of l.addr_info as unknown[]) {
      const x = a as { family?: unknown; local?: unknown; prefixlen?: unknown };
      if ((x.family === 'inet' || x.family === 'inet6') && typeof x.local === 'string' && typeof x.prefixlen === 'number') {
        addresses.push({ interface: l.ifname, linkType, family: x.family, address: x.local, prefix: x.prefixlen, up });
      } else unparsed.push({ line: i + 1, text: `an address of ${l.ifname} without family/local/prefixlen` });
    }
  });
  return { addresses, unparsed };
}

/** ARP and reverse-path settings of one interface (`all` is the global row). */
export interface ObservedSysctl {
  readonly arpIgnore?: number;
  readonly arpAnnounce?: number;
  readonly rpFilter?: number;
}

const SYSCTL_KEYS: Readonly<Record<string, keyof ObservedSysctl>> = { arp_ignore: 'arpIgnore', arp_announce: 'arpAnnounce', rp_filter: 'rpFilter' };

/**
 * Parses `grep -H . /proc/sys/net/ipv4/conf/IF/KEY` lines (`path:value`) and `sysctl` lines
 * (`net.ipv4.conf.IF.KEY = value`) into a map interface → settings.
 */
export function parseSysctls(text: string): { byInterface: Record<string, ObservedSysctl>; unparsed: Unparsed[] } {
  const byInterface: Record<string, Record<string, number>> = {};
  const unparsed: Unparsed[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m =
      /^\/proc\/sys\/net\/ipv4\/conf\/([^/\s]+)\/(arp_ignore|arp_announce|rp_filter):(\d+)\s*$/.exec(line) ??
      /^net\.ipv4\.conf\.([^.\s]+)\.(arp_ignore|arp_announce|rp_filter)\s*=\s*(\d+)\s*$/.exec(line);
    if (!m) {
      unparsed.push({ line: i + 1, text: line.slice(0, 200) });
      return;
    }
    (byInterface[m[1]!] ??= {})[SYSCTL_KEYS[m[2]!]!] = Number(m[3]);
  });
  return { byInterface: byInterface as Record<string, ObservedSysctl>, unparsed };
}

/** What the kernel uses for an interface: the larger of `all` and the interface's own value. */
export function effectiveSysctl(byInterface: Readonly<Record<string, ObservedSysctl>>, iface: string, key: keyof ObservedSysctl): number | undefined {
  const a = byInterface['all']?.[key];
  const b = byInterface[iface]?.[key];
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

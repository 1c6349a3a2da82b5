/**
 * Read helpers over a topology: lookups and the *effective* host settings the kernel would use.
 */
import type { Host, HostId, Interface, Segment, SegmentId, Topology, VirtualService } from './types.ts';
import { contains, parseCidr, parseIPv4 } from '../addressing/ipv4.ts';
import { refAsGroupId } from './ids.ts';

/** Finds a host by id. */
export const hostById = (t: Topology, id: HostId): Host | undefined => t.hosts.find((h) => h.id === id);

/** Finds a segment by id. */
export const segmentById = (t: Topology, id: SegmentId): Segment | undefined => t.segments.find((s) => s.id === id);

/** Services a director runs: its own, and those of every director group it is a member of. */
export function servicesOf(t: Topology, director: HostId): VirtualService[] {
  const groups = new Set((t.directorGroups ?? []).filter((g) => g.members.some((m) => m.host === director)).map((g) => g.id));
  return t.services.filter((s) => s.director === director || groups.has(refAsGroupId(s.director)));
}

/** Every IPv4 address (without prefix) configured on a host, on any interface. */
export function hostAddresses(host: Host): string[] {
  const out: string[] = [];
  for (const f of host.interfaces) for (const a of f.addresses) out.push(a.split('/')[0]!);
  return out;
}

/** The interface of `host` that carries `address` (no prefix), if any. */
export function interfaceWithAddress(host: Host, address: string): Interface | undefined {
  return host.interfaces.find((f) => f.addresses.some((a) => a.split('/')[0] === address));
}

/**
 * Effective `arp_ignore` / `arp_announce` / `rp_filter` on an interface: the kernel uses
 * max(conf.all, conf.<iface>). Unset values count as 0 (the kernel default).
 */
export function effectiveSysctl(host: Host, iface: Interface, key: 'arpIgnore' | 'arpAnnounce' | 'rpFilter'): number {
  return Math.max(host.sysctl?.[key] ?? 0, iface.sysctl?.[key] ?? 0);
}

/** True when the host forwards IPv4 packets (`net.ipv4.ip_forward=1`). */
export const forwards = (host: Host): boolean => host.sysctl?.ipForward === true;

/** Segments an ethernet interface of the host is plugged into. */
export function segmentsOf(host: Host): SegmentId[] {
  const out: SegmentId[] = [];
  for (const f of host.interfaces) if (f.segment !== null && !out.includes(f.segment)) out.push(f.segment);
  return out;
}

/**
 * The interface (and its parsed address) of `host` whose subnet contains `address` — i.e. the
 * interface the host would use to reach that address on-link — or undefined.
 */
export function onLinkInterface(host: Host, address: string): Interface | undefined {
  const target = parseIPv4(address);
  if (target === null) return undefined;
  for (const f of host.interfaces) {
    if (f.kind !== 'ethernet') continue;
    for (const a of f.addresses) {
      const c = parseCidr(a);
      if (c && c.prefix > 0 && contains(c, target)) return f;
    }
  }
  return undefined;
}

/**
 * How a service is addressed, as people write it: `VIP:PORT` (with the protocol in upper case first
 * when `withProtocol`), or `fwmark N` for a firewall-mark service.
 * @example serviceAddress(web, true) // 'TCP 172.16.111.123:80'
 */
export function serviceAddress(service: VirtualService, withProtocol = false): string {
  if (service.protocol === 'fwmark') return `fwmark ${service.fwmark ?? '?'}`;
  return `${withProtocol ? `${service.protocol.toUpperCase()} ` : ''}${service.vip}:${service.port}`;
}

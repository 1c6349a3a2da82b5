/**
 * A frozen, precomputed view of a topology as the Linux IPv4 stack of each host sees it: interfaces
 * with parsed addresses and MACs, the routing table (connected routes from interface subnets, static
 * routes, the default gateway), the local addresses, and the members of every L2 segment.
 *
 * Routing follows the kernel closely enough for LVS teaching: the `local` table first (any address of
 * the host, on any interface — the weak host model), then longest-prefix match in `main`.
 */
import type { Host, HostId, Interface, InterfaceId, SegmentId, Topology } from '../model/types.ts';
import { effectiveSysctl, forwards } from '../model/topology.ts';
import { formatIPv4, isMac, parseCidr, parseIPv4, prefixMask } from '../addressing/ipv4.ts';

/** An address configured on an interface. */
export interface NetAddress {
  readonly value: number;
  readonly prefix: number;
  readonly network: number;
  readonly text: string;
}

/** An interface of the compiled model. */
export interface NetIface {
  readonly id: InterfaceId;
  readonly name: string;
  readonly kind: Interface['kind'];
  readonly segment: SegmentId | null;
  readonly mac: string;
  readonly addresses: readonly NetAddress[];
  readonly host: HostId;
  /** Effective sysctls: max(all, interface). */
  readonly arpIgnore: number;
  readonly arpAnnounce: number;
  readonly rpFilter: number;
}

/** A route of a host's main table. */
export interface NetRoute {
  readonly network: number;
  readonly prefix: number;
  /** Next hop, or null for an on-link (connected or `dev`-only) route. */
  readonly via: number | null;
  readonly iface: NetIface;
  /** Preferred source (`src` of connected routes). */
  readonly src: number | null;
  /** As `ip route` prints it. */
  readonly text: string;
}

/** An address with the interface carrying it. */
export interface NetAddressOn {
  readonly address: NetAddress;
  readonly iface: NetIface;
}

/** A host of the compiled model. */
export interface NetHost {
  readonly id: HostId;
  readonly name: string;
  readonly role: Host['role'];
  readonly ifaces: readonly NetIface[];
  readonly routes: readonly NetRoute[];
  /** Every local address → the interface carrying it. */
  readonly local: ReadonlyMap<number, NetIface>;
  /**
   * Subnets of addresses on a loopback interface that are not /32: the kernel makes the whole
   * subnet local (fib_add_ifaddr adds an RTN_LOCAL prefix route for a loopback device), see
   * {@link localIface}.
   */
  readonly localNets: readonly NetAddressOn[];
  readonly ipForward: boolean;
  /** Problems found while building the table (e.g. a gateway that is not on-link). */
  readonly notes: readonly string[];
}

/** The compiled network. Build once per topology with {@link compileNetwork}; it is never mutated. */
export interface Network {
  readonly topology: Topology;
  readonly hosts: ReadonlyMap<HostId, NetHost>;
  /** Segment id → the ethernet interfaces plugged into it, in host order. */
  readonly segments: ReadonlyMap<SegmentId, readonly NetIface[]>;
  readonly ifaces: ReadonlyMap<InterfaceId, NetIface>;
}

/**
 * A stable, locally administered MAC (`02:…`) derived from the host and interface ids, for
 * interfaces the design gives no MAC. FNV-1a over the ids, so it never changes between runs.
 */
export function derivedMac(hostId: HostId, ifaceId: InterfaceId): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = `${hostId}/${ifaceId}`;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ s.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  const b = [2, (h1 >>> 24) & 255, (h1 >>> 16) & 255, (h1 >>> 8) & 255, h1 & 255, h2 & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function compileHost(host: Host): NetHost {
  const notes: string[] = [];
  const ifaces: NetIface[] = host.interfaces.map((f) => {
    const addresses: NetAddress[] = [];
    for (const a of f.addresses) {
      const c = parseCidr(a);
      if (c) addresses.push({ value: c.value, prefix: c.prefix, network: c.network, text: c.address });
      else notes.push(`${f.name}: address "${a}" is not valid and is ignored`);
    }
    return {
      id: f.id,
      name: f.name,
      kind: f.kind,
      segment: f.kind === 'ethernet' ? f.segment : null,
      mac: f.mac && isMac(f.mac) ? f.mac.toLowerCase() : f.kind === 'ethernet' ? derivedMac(host.id, f.id) : '00:00:00:00:00:00',
      addresses,
      host: host.id,
      arpIgnore: effectiveSysctl(host, f, 'arpIgnore'),
      arpAnnounce: effectiveSysctl(host, f, 'arpAnnounce'),
      rpFilter: effectiveSysctl(host, f, 'rpFilter'),
    };
  });
  const local = new Map<number, NetIface>();
  for (const f of ifaces) for (const a of f.addresses) if (!local.has(a.value)) local.set(a.value, f);
  const localNets: NetAddressOn[] = [];
  for (const f of ifaces) if (f.kind === 'loopback') for (const a of f.addresses) if (a.prefix < 32) localNets.push({ address: a, iface: f });
  const routes: NetRoute[] = [];
  // Connected routes: every address with a prefix shorter than /32 makes its subnet on-link. The
  // loopback's subnets are local, not on-link, so it gets none.
  for (const f of ifaces) {
    if (f.kind === 'loopback') continue;
    for (const a of f.addresses) {
      if (a.prefix >= 32) continue;
      if (routes.some((r) => r.iface === f && r.network === a.network && r.prefix === a.prefix)) continue;
      routes.push({
        network: a.network,
        prefix: a.prefix,
        via: null,
        iface: f,
        src: a.value,
        text: `${formatIPv4(a.network)}/${a.prefix} dev ${f.name} proto kernel scope link src ${a.text}`,
      });
    }
  }
  const onLink = (addr: number): NetIface | undefined => {
    for (const r of routes) if (r.via === null && (addr & prefixMask(r.prefix)) >>> 0 === r.network) return r.iface;
    return undefined;
  };
  for (const r of host.routes ?? []) {
    const dest = r.destination === 'default' ? parseCidr('0.0.0.0/0') : parseCidr(r.destination);
    if (!dest) {
      notes.push(`route "${r.destination}" is not valid and is ignored`);
      continue;
    }
    const via = r.via !== undefined ? parseIPv4(r.via) : null;
    if (r.via !== undefined && via === null) {
      notes.push(`route ${r.destination}: gateway "${r.via}" is not valid`);
      continue;
    }
    let iface = r.dev !== undefined ? ifaces.find((f) => f.name === r.dev || f.id === r.dev) : undefined;
    if (!iface && via !== null) iface = onLink(via);
    if (!iface) {
      notes.push(`route ${r.destination}: no interface reaches ${r.via ?? r.dev ?? '?'} (Nexthop has invalid gateway)`);
      continue;
    }
    const dstText = dest.prefix === 0 ? 'default' : `${formatIPv4(dest.network)}/${dest.prefix}`;
    routes.push({
      network: dest.network,
      prefix: dest.prefix,
      via,
      iface,
      src: null,
      text: `${dstText}${via !== null ? ` via ${formatIPv4(via)}` : ''} dev ${iface.name}`,
    });
  }
  if (host.gateway !== undefined && host.gateway !== '') {
    const gw = parseIPv4(host.gateway);
    const iface = gw !== null ? onLink(gw) : undefined;
    if (gw === null) notes.push(`gateway "${host.gateway}" is not a valid address`);
    else if (!iface) notes.push(`gateway ${host.gateway} is not on any connected subnet (Nexthop has invalid gateway): no default route`);
    else if (!routes.some((r) => r.prefix === 0))
      routes.push({ network: 0, prefix: 0, via: gw, iface, src: null, text: `default via ${host.gateway} dev ${iface.name}` });
  }
  return { id: host.id, name: host.name, role: host.role, ifaces, routes, local, localNets, ipForward: forwards(host), notes };
}

/** Compiles a topology into the routing/ARP model the simulator walks. Pure; cache it per topology. */
export function compileNetwork(topology: Topology): Network {
  const hosts = new Map<HostId, NetHost>();
  const segments = new Map<SegmentId, NetIface[]>();
  const ifaces = new Map<InterfaceId, NetIface>();
  for (const h of topology.hosts) {
    const nh = compileHost(h);
    hosts.set(h.id, nh);
    for (const f of nh.ifaces) {
      ifaces.set(f.id, f);
      if (f.segment !== null) {
        const list = segments.get(f.segment) ?? [];
        list.push(f);
        segments.set(f.segment, list);
      }
    }
  }
  return Object.freeze({ topology, hosts, segments, ifaces });
}

/** Result of a route lookup. */
export type RouteLookup =
  | { readonly kind: 'local'; readonly iface: NetIface }
  | { readonly kind: 'unicast'; readonly route: NetRoute; readonly nextHop: number; readonly src: number | null }
  | { readonly kind: 'unreachable' };

/**
 * The interface that makes `addr` local to `host` (the kernel's `local` table): an address
 * configured on it, or any address inside a subnet configured on a loopback interface (a VIP given
 * as /24 on `lo` makes the whole /24 local). Undefined when `addr` is not local.
 */
export function localIface(host: NetHost, addr: number): NetIface | undefined {
  const exact = host.local.get(addr);
  if (exact) return exact;
  for (const n of host.localNets) if ((addr & prefixMask(n.address.prefix)) >>> 0 === n.address.network) return n.iface;
  return undefined;
}

/** Longest-prefix match for `dst` on `host`, local table first. */
export function lookupRoute(host: NetHost, dst: number): RouteLookup {
  const l = localIface(host, dst);
  if (l) return { kind: 'local', iface: l };
  let best: NetRoute | undefined;
  for (const r of host.routes) {
    if ((dst & prefixMask(r.prefix)) >>> 0 !== r.network) continue;
    if (!best || r.prefix > best.prefix) best = r;
  }
  if (!best) return { kind: 'unreachable' };
  return { kind: 'unicast', route: best, nextHop: best.via ?? dst, src: sourceFor(best, best.via ?? dst) };
}

/**
 * The source address the kernel picks for a packet leaving by `route` towards `nextHop`: the
 * connected route's `src`, or the first address of the outgoing interface in the next hop's subnet,
 * or its first address at all.
 */
export function sourceFor(route: NetRoute, nextHop: number): number | null {
  if (route.src !== null) return route.src;
  const f = route.iface;
  for (const a of f.addresses) if (a.prefix < 32 && (nextHop & prefixMask(a.prefix)) >>> 0 === a.network) return a.value;
  return f.addresses[0]?.value ?? null;
}

/** True when `addr` is inside a subnet configured on `iface`. */
export function ifaceCovers(iface: NetIface, addr: number): boolean {
  return iface.addresses.some((a) => (addr & prefixMask(a.prefix)) >>> 0 === a.network);
}

/**
 * The index one validation run shares between all rules: every host, segment, interface, service
 * and real server with its addresses parsed once into unsigned 32-bit numbers, plus the maps rules
 * need to answer "who owns this address on that segment?" or "where does this host send a packet
 * for that address?" without scanning all hosts. Building it is O(size of the design).
 */
import type { DirectorGroup, Host, Interface, RealServer, Segment, Topology, VirtualService } from '../model/types.ts';
import { withVrrpHolders } from '../model/ha.ts';
import type { Cidr } from '../addressing/ipv4.ts';
import { formatIPv4, prefixMask } from '../addressing/ipv4.ts';
import { refAsGroupId } from '../model/ids.ts';

/** Default link MTU in bytes when neither the interface nor the segment sets one. */
export const DEFAULT_MTU = 1500;

/** One address of an interface as typed, with its parse (null when malformed). */
export interface AddressInfo {
  readonly text: string;
  readonly cidr: Cidr | null;
}

/** An interface with its host, segment and parsed addresses. */
export interface IfaceInfo {
  readonly iface: Interface;
  readonly host: HostInfo;
  /** The segment it is plugged into (ethernet only; null when unplugged or unknown). */
  readonly segment: SegmentInfo | null;
  readonly addresses: readonly AddressInfo[];
}

/** A host with its interfaces and addresses. */
export interface HostInfo {
  readonly host: Host;
  readonly ifaces: readonly IfaceInfo[];
  /** Every well-formed address of the host, on any interface (lo and tunl0 included). */
  readonly addresses: ReadonlySet<number>;
  /** Default gateway as a number; null when absent or malformed. */
  readonly gateway: number | null;
  /** Segments the host is plugged into (each once). */
  readonly segments: readonly SegmentInfo[];
}

/** A segment with its parsed subnet and the interfaces plugged into it. */
export interface SegmentInfo {
  readonly segment: Segment;
  readonly cidr: Cidr | null;
  readonly ifaces: readonly IfaceInfo[];
  /** Address → interfaces on this segment that carry it. */
  readonly owners: ReadonlyMap<number, readonly IfaceInfo[]>;
  /** Link MTU in bytes (default 1500). */
  readonly mtu: number;
}

/** A real server with its parsed RIP and resolved host. */
export interface RealServerInfo {
  readonly rs: RealServer;
  readonly service: ServiceInfo;
  readonly host: HostInfo | undefined;
  readonly rip: number | null;
}

/** A virtual service with its parsed VIP, resolved director and real servers. */
export interface ServiceInfo {
  readonly service: VirtualService;
  /**
   * The host that runs it: its director, or for a service of an HA group the group's steady-state
   * master (every member up), which the index shows holding the group's virtual addresses.
   */
  readonly director: HostInfo | undefined;
  /** The HA director group the service belongs to, if any. */
  readonly group?: DirectorGroup;
  readonly vip: number | null;
  readonly realServers: readonly RealServerInfo[];
}

/** Where a host sends a packet for some destination. */
export interface NextHop {
  /** The gateway address, or null when the destination is on-link (delivered directly). */
  readonly via: number | null;
  /** What decided it, for messages: `connected`, `route`, `gateway`. */
  readonly source: 'connected' | 'route' | 'gateway';
  /** The route's destination text when `source` is `route`. */
  readonly route?: string;
}

interface RouteEntry {
  readonly network: number;
  readonly prefix: number;
  readonly mask: number;
  /** The answer of `nextHop` when this entry wins (built once: rules ask tens of thousands of times). */
  readonly hop: NextHop;
}

const routeEntry = (network: number, prefix: number, via: number | null, source: NextHop['source'], route?: string): RouteEntry => ({
  network,
  prefix,
  mask: prefixMask(prefix),
  hop: route === undefined ? { via, source } : { via, source, route },
});

/** The shared, read-only index of one validation run. */
export interface CheckContext {
  readonly topology: Topology;
  readonly hosts: readonly HostInfo[];
  readonly hostById: ReadonlyMap<string, HostInfo>;
  readonly segments: readonly SegmentInfo[];
  readonly segmentById: ReadonlyMap<string, SegmentInfo>;
  readonly services: readonly ServiceInfo[];
  /**
   * Next-hop address (some host's default gateway or a static route's `via`) → every interface
   * (any kind, any host) carrying it. Built on first access; other addresses are not in it.
   */
  readonly hopOwners: ReadonlyMap<number, readonly IfaceInfo[]>;
  /** Real servers by host id (a host can serve several services). */
  readonly realServersByHost: ReadonlyMap<string, readonly RealServerInfo[]>;
  /** Hosts of role `client`. */
  readonly clients: readonly HostInfo[];
  /** Host → where it sends a packet for `destination`, or null when it has no route at all. */
  nextHop(host: HostInfo, destination: number): NextHop | null;
  /** The ethernet interface of `host` whose subnet contains `address` (on-link), if any. */
  onLinkIface(host: HostInfo, address: number): IfaceInfo | undefined;
  /** Segments both hosts are plugged into. */
  sharedSegments(a: HostInfo, b: HostInfo): SegmentInfo[];
  /** The interfaces of `host` on `segment`. */
  ifacesOn(host: HostInfo, segment: SegmentInfo): IfaceInfo[];
}

/**
 * Parses the dotted quad in `text[start, end)` into a u32, or -1. Same language as
 * `parseIPv4` in shared/addressing (four decimal octets 0..255, no leading zeros), hand-rolled
 * because the index parses every address of the design on each run and the regex + ipaddr.js
 * path costs more than all the rules together on large designs.
 */
function scanIPv4(text: string, start: number, end: number): number {
  let value = 0;
  let octets = 0;
  let i = start;
  for (;;) {
    if (i >= end) return -1;
    let c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    let n = c - 48;
    let digits = 1;
    i++;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (n === 0 || ++digits > 3) return -1;
      n = n * 10 + (c - 48);
      i++;
    }
    if (n > 255) return -1;
    value = value * 256 + n;
    if (++octets === 4) return i === end ? value : -1;
    if (text.charCodeAt(i) !== 46) return -1;
    i++;
  }
}

/** Fast equivalent of `parseIPv4` (see {@link scanIPv4}). */
export function parseIPv4Fast(text: string): number | null {
  const v = scanIPv4(text, 0, text.length);
  return v < 0 ? null : v;
}

/** Fast equivalent of `parseCidr(text)` without a default prefix (see {@link scanIPv4}). */
export function parseCidrFast(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const plen = text.length - slash - 1;
  if (plen < 1 || plen > 2) return null;
  let prefix = 0;
  for (let i = slash + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    prefix = prefix * 10 + (c - 48);
  }
  if (prefix > 32) return null;
  const value = scanIPv4(text, 0, slash);
  if (value < 0) return null;
  const mask = prefixMask(prefix);
  const network = (value & mask) >>> 0;
  return { address: text.slice(0, slash), value, prefix, network, broadcast: (network | (~mask >>> 0)) >>> 0 };
}

const parseCidr = parseCidrFast;
const parseIPv4 = parseIPv4Fast;

/**
 * Parsed addresses per `addresses` array of the model. The model is immutable and an edit replaces
 * only what it changes, so re-checking after an edit (and every autosave) reuses the parse of each
 * untouched interface instead of parsing and allocating every address of the design again.
 */
const parsedAddresses = new WeakMap<readonly string[], readonly AddressInfo[]>();
function addressInfos(texts: readonly string[]): readonly AddressInfo[] {
  let parsed = parsedAddresses.get(texts);
  if (!parsed) {
    parsed = texts.map((text) => ({ text, cidr: parseCidr(text) }));
    parsedAddresses.set(texts, parsed);
  }
  return parsed;
}

/** Formats a u32 address. */
export const ip = formatIPv4;

/** True when the well-formed CIDR `c` (interface address with prefix > 0) contains `address`. */
const onLink = (c: Cidr, address: number): boolean => c.prefix > 0 && (address & prefixMask(c.prefix)) >>> 0 === c.network;

/** The routing table of a host: connected subnets, static routes, the default gateway. */
function routeTableOf(h: HostInfo): RouteEntry[] {
  const table: RouteEntry[] = [];
  for (const f of h.ifaces) {
    if (f.iface.kind !== 'ethernet') continue;
    for (const a of f.addresses) if (a.cidr && a.cidr.prefix > 0) table.push(routeEntry(a.cidr.network, a.cidr.prefix, null, 'connected'));
  }
  for (const r of h.host.routes ?? []) {
    const dest = parseCidr(r.destination);
    if (!dest) continue;
    const via = r.via === undefined ? null : parseIPv4(r.via);
    if (r.via !== undefined && via === null) continue;
    table.push(routeEntry(dest.network, dest.prefix, via, 'route', r.destination));
  }
  if (h.gateway !== null) table.push(routeEntry(0, 0, h.gateway, 'gateway'));
  return table;
}

/**
 * Route tables per host of the model, built on first use. A table depends only on the host (its
 * interfaces, routes and gateway), which the immutable model replaces when any of them changes, so
 * the tables of untouched hosts carry over from one check to the next.
 */
const routeTables = new WeakMap<Host, readonly RouteEntry[]>();

/** Every well-formed address of a host (see {@link HostInfo.addresses}), per host object of the model. */
const hostAddresses = new WeakMap<Host, ReadonlySet<number>>();

/** Builds the index for one validation run. */
export function buildContext(topology: Topology): CheckContext {
  // Group addresses are indexed on the steady-state master, so the forwarding rules check the pair as it normally runs.
  const view = withVrrpHolders(topology);
  const segments: SegmentInfo[] = [];
  const segmentById = new Map<string, SegmentInfo>();
  const segIfaces = new Map<string, IfaceInfo[]>();
  const segOwners = new Map<string, Map<number, IfaceInfo[]>>();
  for (const segment of topology.segments) {
    const list: IfaceInfo[] = [];
    const owners = new Map<number, IfaceInfo[]>();
    segIfaces.set(segment.id, list);
    segOwners.set(segment.id, owners);
    const info: SegmentInfo = { segment, cidr: parseCidr(segment.cidr), ifaces: list, owners, mtu: segment.mtu ?? DEFAULT_MTU };
    segments.push(info);
    segmentById.set(segment.id, info);
  }

  const hosts: HostInfo[] = [];
  const hostById = new Map<string, HostInfo>();
  const clients: HostInfo[] = [];
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const host of view.hosts) {
    const ifaces: IfaceInfo[] = [];
    // A host's address set depends on the host object alone (immutable): reused across checks.
    const knownAddresses = hostAddresses.get(host);
    const addresses: Set<number> = (knownAddresses as Set<number> | undefined) ?? new Set<number>();
    const hostSegments: SegmentInfo[] = [];
    const hostInfo: HostInfo = {
      host,
      ifaces,
      addresses,
      gateway: host.gateway === undefined ? null : parseIPv4(host.gateway),
      segments: hostSegments,
    };
    for (const iface of host.interfaces) {
      const segment = iface.kind === 'ethernet' && iface.segment !== null ? (segmentById.get(iface.segment) ?? null) : null;
      const parsed = addressInfos(iface.addresses);
      const info: IfaceInfo = { iface, host: hostInfo, segment, addresses: parsed };
      ifaces.push(info);
      if (segment) {
        segIfaces.get(segment.segment.id)!.push(info);
        if (!hostSegments.includes(segment)) hostSegments.push(segment);
      }
      for (const a of parsed) {
        if (!a.cidr) continue;
        if (!knownAddresses) addresses.add(a.cidr.value);
        if (segment) {
          const segMap = segOwners.get(segment.segment.id)!;
          const list = segMap.get(a.cidr.value);
          // An address typed twice on one interface is one owner, not a duplicate.
          if (!list) segMap.set(a.cidr.value, [info]);
          else if (list[list.length - 1] !== info) list.push(info);
        }
      }
    }
    if (!knownAddresses) hostAddresses.set(host, addresses);
    hosts.push(hostInfo);
    hostById.set(host.id, hostInfo);
    if (host.role === 'client') clients.push(hostInfo);
  }

  const services: ServiceInfo[] = [];
  const realServersByHost = new Map<string, RealServerInfo[]>();
  const groupById = new Map((topology.directorGroups ?? []).map((g) => [g.id, g]));
  view.services.forEach((viewed, i) => {
    const service = topology.services[i]!;
    const realServers: RealServerInfo[] = [];
    const group = groupById.get(refAsGroupId(service.director));
    const info: ServiceInfo = { service, director: hostById.get(viewed.director), ...(group ? { group } : {}), vip: parseIPv4(service.vip), realServers };
    for (const rs of service.realServers) {
      const rsInfo: RealServerInfo = { rs, service: info, host: hostById.get(rs.host), rip: parseIPv4(rs.rip) };
      realServers.push(rsInfo);
      push(realServersByHost, rs.host, rsInfo);
    }
    services.push(info);
  });

  let ownersCache: Map<number, IfaceInfo[]> | undefined;
  const routesOf = (h: HostInfo): readonly RouteEntry[] => {
    let table = routeTables.get(h.host);
    if (!table) routeTables.set(h.host, (table = routeTableOf(h)));
    return table;
  };

  return {
    topology,
    hosts,
    hostById,
    segments,
    segmentById,
    services,
    get hopOwners() {
      // Built on first use, and only for next-hop addresses (a few hundred in a large design):
      // a map of every address of the design would cost more than the rules that ask it.
      if (!ownersCache) {
        ownersCache = new Map();
        const hops = new Set<number>();
        for (const h of hosts) for (const r of routesOf(h)) if (r.hop.via !== null) hops.add(r.hop.via);
        for (const h of hosts) for (const f of h.ifaces) for (const a of f.addresses) if (a.cidr && hops.has(a.cidr.value)) push(ownersCache, a.cidr.value, f);
      }
      return ownersCache;
    },
    realServersByHost,
    clients,
    nextHop(h, destination) {
      let best: RouteEntry | undefined;
      for (const r of routesOf(h)) {
        if ((destination & r.mask) >>> 0 !== r.network) continue;
        // Longest prefix wins; at equal length a connected route beats a static one, as in the kernel's main table.
        if (!best || r.prefix > best.prefix) best = r;
      }
      return best ? best.hop : null;
    },
    onLinkIface(h, address) {
      for (const f of h.ifaces) {
        if (f.iface.kind !== 'ethernet') continue;
        for (const a of f.addresses) if (a.cidr && onLink(a.cidr, address)) return f;
      }
      return undefined;
    },
    sharedSegments(a, b) {
      return a.segments.filter((s) => b.segments.includes(s));
    },
    ifacesOn(h, segment) {
      return h.ifaces.filter((f) => f.segment === segment);
    },
  };
}

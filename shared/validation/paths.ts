/**
 * Derived path facts several rules need: which client addresses to test the return path with,
 * and whether a real server holds the VIP. Cached per validation run.
 */
import type { CheckContext, HostInfo, IfaceInfo, NextHop, RealServerInfo } from './context.ts';
import { effectiveSysctl } from '../model/topology.ts';

/** A client address to check return paths against. */
export interface ClientTarget {
  readonly host: HostInfo;
  readonly address: number;
}

const targetCache = new WeakMap<CheckContext, ClientTarget[]>();

/**
 * One address per client segment (or per unattached client): routing decisions depend on the
 * destination subnet, so clients sharing a segment give the same answer and are tested once.
 */
export function clientTargets(ctx: CheckContext): ClientTarget[] {
  const cached = targetCache.get(ctx);
  if (cached) return cached;
  const out: ClientTarget[] = [];
  const seenSegments = new Set<string>();
  for (const c of ctx.clients) {
    for (const f of c.ifaces) {
      if (f.iface.kind !== 'ethernet') continue;
      const a = f.addresses.find((x) => x.cidr !== null)?.cidr;
      if (!a) continue;
      const key = f.segment ? f.segment.segment.id : `${a.network}/${a.prefix}`;
      if (seenSegments.has(key)) break;
      seenSegments.add(key);
      out.push({ host: c, address: a.value });
      break;
    }
  }
  targetCache.set(ctx, out);
  return out;
}

/** Where a real server's reply to one client target goes first (`null`: no route). */
export interface ReplyHop {
  readonly target: ClientTarget;
  readonly hop: NextHop | null;
}

const replyCache = new WeakMap<CheckContext, Map<HostInfo, readonly ReplyHop[]>>();

/**
 * The reply path walk of a DR/TUN real server host: its next hop towards every client target, in
 * `clientTargets` order. Computed once per host and validation run and shared by the rules that
 * follow DR/TUN replies (`dr/reply-via-director`, `route/strict-rp-filter`), which before asked the
 * same route lookups each for itself.
 */
export function replyHops(ctx: CheckContext, h: HostInfo): readonly ReplyHop[] {
  let byHost = replyCache.get(ctx);
  if (!byHost) replyCache.set(ctx, (byHost = new Map()));
  let hops = byHost.get(h);
  if (!hops) {
    hops = clientTargets(ctx).map((target) => ({ target, hop: ctx.nextHop(h, target.address) }));
    byHost.set(h, hops);
  }
  return hops;
}

const carrierCache = new WeakMap<RealServerInfo, IfaceInfo[]>();

/** Interfaces of the real server's host that carry the service's VIP (cached: several rules ask). */
export function vipCarriers(r: RealServerInfo): IfaceInfo[] {
  let list = carrierCache.get(r);
  if (list) return list;
  const vip = r.service.vip;
  list = !r.host || vip === null ? [] : r.host.ifaces.filter((f) => f.addresses.some((a) => a.cidr?.value === vip));
  carrierCache.set(r, list);
  return list;
}

/** True when the interface neither answers ARP for other interfaces' addresses nor announces them (arp_ignore>=1, arp_announce=2). */
export function arpSuppressed(h: HostInfo, f: IfaceInfo): boolean {
  return effectiveSysctl(h.host, f.iface, 'arpIgnore') >= 1 && effectiveSysctl(h.host, f.iface, 'arpAnnounce') >= 2;
}

/** Describes the ARP settings of an interface, e.g. `arp_ignore=0, arp_announce=0`. */
export function arpSettings(h: HostInfo, f: IfaceInfo): string {
  return `arp_ignore=${effectiveSysctl(h.host, f.iface, 'arpIgnore')}, arp_announce=${effectiveSysctl(h.host, f.iface, 'arpAnnounce')}`;
}

type ServerPair = readonly [RealServerInfo, HostInfo, HostInfo];
const pairCache = new WeakMap<CheckContext, Map<string, ServerPair[]>>();

/**
 * Iterates each (real server host, director, VIP) combination of a forwarding method once, with
 * one representative real server. The list is built once per run and shared by the rules.
 */
export function eachServerPair(ctx: CheckContext, method: 'nat' | 'dr' | 'tun', visit: (r: RealServerInfo, host: HostInfo, director: HostInfo) => void): void {
  let byMethod = pairCache.get(ctx);
  if (!byMethod) {
    byMethod = new Map();
    pairCache.set(ctx, byMethod);
  }
  let pairs = byMethod.get(method);
  if (!pairs) {
    pairs = [];
    // host → director → VIPs already seen; nested maps avoid building a string key per real server.
    const seen = new Map<HostInfo, Map<HostInfo, Set<number | string>>>();
    for (const s of ctx.services) {
      const d = s.director;
      if (!d) continue;
      const vipKey = s.vip ?? s.service.vip;
      for (const r of s.realServers) {
        if (r.rs.method !== method || !r.host) continue;
        let byDirector = seen.get(r.host);
        if (!byDirector) seen.set(r.host, (byDirector = new Map()));
        let vips = byDirector.get(d);
        if (!vips) byDirector.set(d, (vips = new Set()));
        if (vips.has(vipKey)) continue;
        vips.add(vipKey);
        pairs.push([r, r.host, d]);
      }
    }
    byMethod.set(method, pairs);
  }
  for (const [r, h, d] of pairs) visit(r, h, d);
}

const askers = new WeakMap<object, Map<number, IfaceInfo | null>>();

/** True when one of the interface's subnets contains `address`. */
const subnetContains = (f: IfaceInfo, address: number): boolean =>
  f.addresses.some((a) => a.cidr !== null && a.cidr.prefix > 0 && a.cidr.prefix < 32 && (address ^ a.cidr.network) >>> (32 - a.cidr.prefix) === 0);

/**
 * The first interface on segment `s` whose host would send ARP requests there for `vip`: the VIP
 * is in one of its subnets and the host does not own the VIP itself (the director and the real
 * servers never ARP for it). Cached per segment and VIP.
 */
export function vipAskerOn(s: { readonly ifaces: readonly IfaceInfo[] }, vip: number): IfaceInfo | null {
  let byVip = askers.get(s);
  if (!byVip) {
    byVip = new Map();
    askers.set(s, byVip);
  }
  let first = byVip.get(vip);
  if (first === undefined) {
    first = s.ifaces.find((g) => !g.host.addresses.has(vip) && subnetContains(g, vip)) ?? null;
    byVip.set(vip, first);
  }
  return first;
}

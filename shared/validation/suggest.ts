/**
 * Suggestions for fixes, computed only when a problem is reported and cached per segment, so a
 * design with thousands of mistakes on one segment still validates in linear time.
 */
import type { CheckContext, HostInfo, IfaceInfo, SegmentInfo } from './context.ts';
import { ip } from './context.ts';
import { prefixMask } from '../addressing/ipv4.ts';

/** How far one suggestion may scan a huge subnet before giving up. */
const MAX_SCAN = 65536;

const cursors = new WeakMap<SegmentInfo, { next: number; handed: Set<number> }>();

/**
 * A free host address on the segment, as `a.b.c.d/prefix`; successive calls hand out different
 * addresses, so two hosts are never told to take the same one. Null when none is found.
 */
export function suggestAddress(s: SegmentInfo): string | null {
  const c = s.cidr;
  if (!c) return null;
  const network = (c.value & prefixMask(c.prefix)) >>> 0;
  const broadcast = (network | (~prefixMask(c.prefix) >>> 0)) >>> 0;
  const first = c.prefix >= 31 ? network : network + 1;
  const last = c.prefix >= 31 ? broadcast : broadcast - 1;
  let state = cursors.get(s);
  if (!state) {
    state = { next: first, handed: new Set() };
    cursors.set(s, state);
  }
  for (let steps = 0; state.next <= last && steps < MAX_SCAN; steps++, state.next++) {
    const v = state.next >>> 0;
    if (s.owners.has(v) || state.handed.has(v)) continue;
    state.handed.add(v);
    state.next++;
    return `${ip(v)}/${c.prefix}`;
  }
  return null;
}

const forwarders = new WeakMap<SegmentInfo, IfaceInfo[]>();

/** Interfaces on the segment whose host forwards packets (routers, NAT directors). */
function forwardersOn(s: SegmentInfo): IfaceInfo[] {
  let list = forwarders.get(s);
  if (!list) {
    list = s.ifaces.filter((f) => f.host.host.sysctl?.ipForward === true);
    forwarders.set(s, list);
  }
  return list;
}

/**
 * An on-link address of a forwarding host on one of `h`'s segments, to suggest as gateway
 * (never one of `h`'s own addresses, never on `exclude`).
 */
export function suggestGateway(ctx: CheckContext, h: HostInfo, exclude?: HostInfo): string | null {
  for (const s of h.segments) {
    for (const f of forwardersOn(s)) {
      if (f.host === h || f.host === exclude) continue;
      for (const a of f.addresses) if (a.cidr && !h.addresses.has(a.cidr.value) && ctx.onLinkIface(h, a.cidr.value)) return ip(a.cidr.value);
    }
  }
  return null;
}

/**
 * The TCP connection behind a walked exchange: the path the walk took gives each link's MTU (and
 * the IPIP overhead of a LVS-TUN leg), hence the MSS, where a full-sized segment would need
 * fragmenting, and the whole connection (handshake, request, reply segments, ACKs, FIN exchange)
 * with the IPVS entry's states from {@link tcpExchange}.
 */
import type { ForwardingMethod, Topology } from '../../model/types.ts';
import type { TraceStep } from '../types.ts';
import type { IpvsTcpState, PathLink, TcpSegment } from '../tcp.ts';
import { IPVS_TCP_TIMEOUTS, TCP_IP_HEADERS, fragmentationPoints, pathMss, tcpExchange } from '../tcp.ts';
import { IPIP_HEADER } from './state.ts';

/** One wire the walk crossed, with the MTU that limits it. */
export interface TcpPathLink extends PathLink {
  readonly phase: 'request' | 'reply';
  readonly from: string;
  readonly to: string | null;
  readonly segment: string;
  /** Index of the walk's transmit step on this wire (the hop every later segment of that side repeats). */
  readonly step: number;
}

/** What TCP makes of the walked path (see {@link tcpSummary}). */
export interface TcpSummary {
  readonly links: readonly TcpPathLink[];
  /** The MSS each end announces: its own interface MTU − 40. */
  readonly announcedMss: number;
  /** min over the path of (MTU − 40 − encapsulation): what fits every link. */
  readonly pathMss: number;
  /** Links a full-sized segment (announced MSS + 40) does not fit: DF is set, so ICMP "fragmentation needed". */
  readonly fragmentation: readonly { readonly link: TcpPathLink; readonly needed: number; readonly mtu: number }[];
  /** The whole connection, cut at {@link pathMss} (what path-MTU discovery converges to). */
  readonly segments: readonly TcpSegment[];
  /** The IPVS entry's state after the last segment the director saw, and when it expires. */
  readonly finalState: IpvsTcpState;
  readonly expiresIn: number;
}

function mtuOf(topology: Topology, host: string, iface: string): number {
  return topology.hosts.find((h) => h.id === host)?.interfaces.find((i) => i.id === iface)?.mtu ?? 1500;
}

/**
 * Derives the TCP view of a walked exchange from its transmit steps. Pure; `seed` picks the initial
 * sequence numbers. Returns `null` for other protocols or a walk that never reached the reply.
 */
export function tcpSummary(
  topology: Topology,
  steps: readonly TraceStep[],
  o: { readonly method: ForwardingMethod; readonly protocol: string; readonly requestBytes: number; readonly replyBytes: number; readonly seed: number },
): TcpSummary | null {
  if (o.protocol !== 'tcp' && o.protocol !== 'fwmark') return null;
  const links: TcpPathLink[] = [];
  for (const s of steps) {
    if (s.kind !== 'transmit' || s.place.kind !== 'link' || !s.packet?.ip || (s.phase !== 'request' && s.phase !== 'reply')) continue;
    const { from, to, segment } = s.place;
    const segMtu = topology.segments.find((x) => x.id === segment)?.mtu ?? 1500;
    const mtu = Math.min(segMtu, mtuOf(topology, from.host, from.iface), to ? mtuOf(topology, to.host, to.iface) : Infinity);
    links.push({ phase: s.phase, from: from.host, to: to?.host ?? null, segment, step: s.index, mtu, ...(s.packet.outer ? { overhead: IPIP_HEADER } : {}) });
  }
  if (!links.some((l) => l.phase === 'reply')) return null;
  const first = links[0]!;
  const lastReply = links.filter((l) => l.phase === 'reply').at(-1)!;
  // Each end announces its own interface MTU − 40 (the client's first link, the server's first reply link).
  const announcedMss = Math.min(first.mtu, links.find((l) => l.phase === 'reply')!.mtu, lastReply.mtu) - TCP_IP_HEADERS;
  const mss = pathMss(links);
  const fragmentation = fragmentationPoints(links, announcedMss + TCP_IP_HEADERS).map((p) => ({ link: links[p.link]!, needed: p.needed, mtu: p.mtu }));
  const isn = (k: number): number => Math.imul(o.seed ^ k, 2654435761) >>> 0;
  const segments = tcpExchange({
    method: o.method,
    requestBytes: o.requestBytes,
    replyBytes: o.replyBytes,
    mss: Math.max(mss, 1),
    clientIsn: isn(0x5a17),
    serverIsn: isn(0x3c6e),
  });
  const seen = segments.filter((s) => s.directorSees);
  const finalState = seen.at(-1)?.ipvsState ?? 'NONE';
  return { links, announcedMss, pathMss: mss, fragmentation, segments, finalState, expiresIn: IPVS_TCP_TIMEOUTS[finalState] };
}

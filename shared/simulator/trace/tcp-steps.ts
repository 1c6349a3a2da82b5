/**
 * The TCP connection as steps of the walk: after the first request and reply have been walked hop
 * by hop through the stack (the path every later segment of the connection takes), each segment of
 * the connection — SYN, SYN-ACK, ACK, the request, the response cut at the path MSS, the client's
 * ACKs, the FIN exchange — crosses the same wires again: one `segment` step per wire, carrying the
 * Ethernet, IP and IPIP outer headers the walk computed on that wire (no second path walker), its
 * flags and seq/ack. Where the director's IPVS entry changes state a `conn-state` step follows the
 * wire into the director (the kernel moves the entry when ip_vs_in / ip_vs_out handle the packet).
 * The states come from {@link tcpExchange} (the kernel's `tcp_states` table, INPUT_ONLY for
 * DR/TUN); nothing is computed twice.
 */
import type { ConnEntry, HeaderStack, PacketPlace, TcpHopInfo, TcpStepInfo, TraceStep } from '../types.ts';
import type { TcpSegment } from '../tcp.ts';
import { IPVS_TCP_TIMEOUTS, TCP_IP_HEADERS, ipvsDirection } from '../tcp.ts';
import type { IpvsTcpState } from '../tcp.ts';
import type { TcpPathLink, TcpSummary } from './tcp-summary.ts';
import type { SimContext } from './state.ts';
import { ETH_HEADER, IPIP_HEADER, diff, hname, mmss } from './state.ts';
import { say, withDetail } from './narration.ts';
import { refAsHostId } from '../../model/ids.ts';
import type { HostId } from '../../model/types.ts';

/** tcpdump's flag order. */
function flagNames(s: TcpSegment): string[] {
  const f = s.flags;
  return [f.syn && 'SYN', f.fin && 'FIN', f.rst && 'RST', f.psh && 'PSH', f.ack && 'ACK'].filter((x): x is string => typeof x === 'string');
}

const MOD32 = 2 ** 32;
const rel = (n: number, isn: number): number => (n - isn + MOD32) % MOD32;

/**
 * The director's entry `conn` in IPVS state `state`, with that state's timeout and the line
 * `ipvsadm -Lnc` prints for it (print_conn(): "%-3s %-6s %-11s %-18s %-18s %s").
 */
export function connInState(conn: ConnEntry, state: IpvsTcpState): ConnEntry {
  const timeout = IPVS_TCP_TIMEOUTS[state];
  return {
    ...conn,
    state,
    expiresIn: timeout,
    ipvsadm: `${conn.protocol.toUpperCase().padEnd(3)} ${mmss(timeout).padEnd(6)} ${state.padEnd(11)} ${`${conn.client.address}:${conn.client.port}`.padEnd(18)} ${`${conn.virtual.address}:${conn.virtual.port}`.padEnd(18)} ${conn.dest.address}:${conn.dest.port}`,
  };
}

/** A wire of the walk a side's segments cross again: the walk's transmit step there and the link's MTU. */
interface Wire {
  readonly tx: TraceStep;
  readonly link: TcpPathLink;
}

/**
 * Builds the `segment` and `conn-state` steps of a working TCP walk, numbered from `start`.
 * `walk` is the hop-by-hop walk; `tcp.links` name its transmit steps, the wires each side's
 * segments cross in order.
 */
export function tcpSteps(ctx: SimContext, walk: readonly TraceStep[], tcp: TcpSummary, conn: ConnEntry, start: number): TraceStep[] {
  const method = conn.method;
  // The walk runs on the steady-state projection, where a director group's service names the member holding the VIP.
  const directorId = refAsHostId(ctx.service.director);
  const director = hname(ctx, directorId);
  const wires = (phase: 'request' | 'reply'): Wire[] =>
    tcp.links.filter((l) => l.phase === phase && walk[l.step]?.packet?.ip).map((link) => ({ tx: walk[link.step]!, link }));
  const path = { request: wires('request'), reply: wires('reply') };
  // Only the first wire of a side that a full-sized DF packet does not fit drops it; it never reaches the next.
  const frag = new Map(
    (['request', 'reply'] as const).flatMap((ph) => tcp.fragmentation.filter((f) => f.link.phase === ph).slice(0, 1)).map((f) => [f.link.step, f]),
  );
  const clientName = ctx.client.name;
  const replier = walk.find((s) => s.kind === 'originate' && s.phase === 'reply')?.place;
  const serverName = replier ? hname(ctx, replier.kind === 'host' ? replier.host : replier.from.host) : conn.dest.address;
  const clientIsn = tcp.segments[0]?.seq ?? 0;
  const serverIsn = tcp.segments.find((s) => !s.fromClient)?.seq ?? 0;
  const out: TraceStep[] = [];
  let state = 'NONE';
  tcp.segments.forEach((seg, i) => {
    const phase = seg.fromClient ? 'request' : 'reply';
    const flags = flagNames(seg);
    const label = `${flags.join(', ')}${seg.payload > 0 ? ` · ${seg.payload} B` : ''}`;
    const direction = seg.directorSees ? ipvsDirection(method, seg.fromClient) : undefined;
    const info: TcpStepInfo = {
      kind: seg.kind,
      flags,
      seq: seg.seq,
      ack: seg.ack,
      relSeq: rel(seg.seq, seg.fromClient ? clientIsn : serverIsn),
      relAck: seg.flags.ack ? rel(seg.ack, seg.fromClient ? serverIsn : clientIsn) : 0,
      payload: seg.payload,
      fromClient: seg.fromClient,
      directorSees: seg.directorSees,
      ipvsState: seg.ipvsState,
      timeout: seg.timeout,
      ...(direction ? { direction } : {}),
      ...(seg.kind === 'data' || seg.kind === 'data-ack' ? { group: seg.kind } : {}),
      n: i + 1,
      of: tcp.segments.length,
    };
    const what = say('tcp.segment', {
      from: seg.fromClient ? clientName : serverName,
      to: seg.fromClient ? serverName : clientName,
      kind: seg.kind,
      flags: flags.join(', '),
      relSeq: info.relSeq,
      relAck: info.relAck,
      payload: seg.payload,
      directorSees: seg.directorSees,
      director,
      state: seg.ipvsState,
    });
    const changes = seg.directorSees && seg.ipvsState !== state;
    const stateStep = (): void => {
      if (!changes) return;
      out.push({
        index: start + out.length,
        kind: 'conn-state',
        phase,
        place: { kind: 'host', host: directorId },
        packet: null,
        changed: [],
        conn: connInState(conn, seg.ipvsState),
        severity: 'info',
        tcp: info,
        narration: say('tcp.conn-state', {
          director,
          from: state,
          to: seg.ipvsState,
          timeout: IPVS_TCP_TIMEOUTS[seg.ipvsState],
          inputOnly: direction === 'input-only',
          flags: flags.join(', '),
        }),
      });
    };
    const hops = path[phase];
    let stated = false;
    let prev: HeaderStack | undefined;
    if (hops.length === 0) {
      // No wire on this side (the client runs on the director, or the real server is the director itself).
      out.push({
        index: start + out.length,
        kind: 'segment',
        phase,
        place: { kind: 'host', host: seg.fromClient ? ctx.client.id : directorId },
        packet: null,
        changed: [],
        severity: 'info',
        tcp: info,
        narration: what,
      });
    }
    hops.forEach(({ tx, link }, h) => {
      const base = tx.packet!;
      const overhead = base.outer ? IPIP_HEADER : 0;
      const ipBytes = seg.payload + TCP_IP_HEADERS + overhead;
      const packet: HeaderStack = {
        ...(base.eth ? { eth: base.eth } : {}),
        ...(base.outer ? { outer: base.outer } : {}),
        ip: base.ip!,
        ...(base.l4 ? { l4: { ...base.l4, segment: label } } : {}),
        size: ipBytes + (base.eth ? ETH_HEADER : 0),
      };
      const f = frag.get(link.step);
      // Who drops a full-sized DF packet here: the host sending onto this wire (the director on a TUN leg).
      const by: HostId = tx.place.kind === 'link' ? tx.place.from.host : directorId;
      const hop: TcpHopInfo = {
        n: h + 1,
        of: hops.length,
        mtu: link.mtu,
        overhead,
        ipBytes,
        ...(f ? { fullSize: { needed: f.needed, mtu: f.mtu, icmpMtu: f.mtu - overhead, by } } : {}),
      };
      const place: PacketPlace = tx.place;
      const toName = place.kind === 'link' && place.to ? hname(ctx, place.to.host) : '—';
      const fromName = place.kind === 'link' ? hname(ctx, place.from.host) : director;
      const wire = say('tcp.hop', {
        flags: flags.join(', '),
        n: hop.n,
        of: hop.of,
        from: fromName,
        to: toName,
        srcMac: base.eth?.src ?? '',
        dstMac: base.eth?.dst ?? '',
        src: base.ip!.src,
        dst: base.ip!.dst,
        outerSrc: base.outer?.src ?? '',
        outerDst: base.outer?.dst ?? '',
        bytes: ipBytes,
        mtu: link.mtu,
        // The MSS is announced in the SYNs; data segments are the ones path-MTU discovery cut.
        fullSize: f && (seg.flags.syn || seg.payload > 0) ? { needed: f.needed, icmpMtu: f.mtu - overhead, by: hname(ctx, by), mss: tcp.pathMss } : null,
      });
      out.push({
        index: start + out.length,
        kind: 'segment',
        phase,
        place,
        packet,
        // What the hosts between two wires rewrote (the director's VIP → RIP, the routers' MACs and TTL).
        changed: diff(prev, packet),
        severity: 'info',
        tcp: { ...info, hop },
        narration: h === 0 ? withDetail(what, wire) : wire,
      });
      prev = packet;
      // ip_vs_in / ip_vs_out move the entry when the director handles the segment: after the wire into it.
      if (!stated && place.kind === 'link' && place.to?.host === directorId) {
        stateStep();
        stated = true;
      }
    });
    // The director is an end (client on it, local real server): it handled the segment all the same.
    if (!stated) stateStep();
    if (changes) state = seg.ipvsState;
  });
  return out;
}

/**
 * The TCP connection as steps of the walk: after the first request and reply have been walked hop
 * by hop (the path every later segment of the connection takes), each segment of the connection —
 * SYN, SYN-ACK, ACK, the request, the response cut at the path MSS, the client's ACKs, the FIN
 * exchange — becomes a `segment` step with its flags and seq/ack, and every change of the director's
 * IPVS entry a `conn-state` step. The states come from {@link tcpExchange} (the kernel's
 * `tcp_states` table, INPUT_ONLY for DR/TUN); nothing is computed twice.
 */
import type { ConnEntry, HeaderStack, PacketPlace, TcpStepInfo, TraceStep } from '../types.ts';
import type { TcpSegment } from '../tcp.ts';
import { IPVS_TCP_TIMEOUTS, TCP_IP_HEADERS, ipvsDirection } from '../tcp.ts';
import type { TcpSummary } from './tcp-summary.ts';
import type { SimContext } from './state.ts';
import { ETH_HEADER, hname, mmss } from './state.ts';
import { say } from './narration.ts';
import { refAsHostId } from '../../model/ids.ts';

/** tcpdump's flag order. */
function flagNames(s: TcpSegment): string[] {
  const f = s.flags;
  return [f.syn && 'SYN', f.fin && 'FIN', f.rst && 'RST', f.psh && 'PSH', f.ack && 'ACK'].filter((x): x is string => typeof x === 'string');
}

const MOD32 = 2 ** 32;
const rel = (n: number, isn: number): number => (n - isn + MOD32) % MOD32;

/**
 * Builds the `segment` and `conn-state` steps of a working TCP walk, numbered from `start`.
 * `walk` is the hop-by-hop walk (its first transmit steps give where each side's segments leave).
 */
export function tcpSteps(ctx: SimContext, walk: readonly TraceStep[], tcp: TcpSummary, conn: ConnEntry, start: number): TraceStep[] {
  const method = conn.method;
  // The walk runs on the steady-state projection, where a director group's service names the member holding the VIP.
  const directorId = refAsHostId(ctx.service.director);
  const director = hname(ctx, directorId);
  const firstTx = (phase: 'request' | 'reply'): TraceStep | undefined =>
    walk.find((s) => s.kind === 'transmit' && s.phase === phase && s.place.kind === 'link' && s.packet?.ip);
  // A client segment is shown on the wire into the director; a server segment where it leaves the real server.
  const intoDirector = walk.find((s) => s.kind === 'transmit' && s.phase === 'request' && s.place.kind === 'link' && s.place.to?.host === directorId);
  const reqTx = intoDirector ?? firstTx('request');
  const repTx = firstTx('reply');
  const clientName = ctx.client.name;
  const replier = walk.find((s) => s.kind === 'originate' && s.phase === 'reply')?.place;
  const serverName = replier ? hname(ctx, replier.kind === 'host' ? replier.host : replier.from.host) : conn.dest.address;
  const clientIsn = tcp.segments[0]?.seq ?? 0;
  const serverIsn = tcp.segments.find((s) => !s.fromClient)?.seq ?? 0;
  const out: TraceStep[] = [];
  let state = 'NONE';
  tcp.segments.forEach((seg, i) => {
    const tx = seg.fromClient ? reqTx : repTx;
    const place: PacketPlace = tx?.place ?? { kind: 'host', host: seg.fromClient ? ctx.client.id : directorId };
    const flags = flagNames(seg);
    const label = `${flags.join(', ')}${seg.payload > 0 ? ` · ${seg.payload} B` : ''}`;
    const base = tx?.packet;
    const packet: HeaderStack | null =
      base?.ip && base.l4
        ? {
            ...(base.eth ? { eth: base.eth } : {}),
            ip: base.ip,
            l4: { ...base.l4, segment: label },
            size: seg.payload + TCP_IP_HEADERS + (base.eth ? ETH_HEADER : 0),
          }
        : null;
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
    out.push({
      index: start + out.length,
      kind: 'segment',
      phase: seg.fromClient ? 'request' : 'reply',
      place,
      packet,
      changed: [],
      severity: 'info',
      tcp: info,
      narration: say('tcp.segment', {
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
      }),
    });
    if (seg.directorSees && seg.ipvsState !== state) {
      const timeout = IPVS_TCP_TIMEOUTS[seg.ipvsState];
      const entry: ConnEntry = {
        ...conn,
        state: seg.ipvsState,
        expiresIn: timeout,
        // ipvsadm's print_conn(): "%-3s %-6s %-11s %-18s %-18s %s".
        ipvsadm: `${conn.protocol.toUpperCase().padEnd(3)} ${mmss(timeout).padEnd(6)} ${seg.ipvsState.padEnd(11)} ${`${conn.client.address}:${conn.client.port}`.padEnd(18)} ${`${conn.virtual.address}:${conn.virtual.port}`.padEnd(18)} ${conn.dest.address}:${conn.dest.port}`,
      };
      out.push({
        index: start + out.length,
        kind: 'conn-state',
        phase: seg.fromClient ? 'request' : 'reply',
        place: { kind: 'host', host: directorId },
        packet: null,
        changed: [],
        conn: entry,
        severity: 'info',
        tcp: info,
        narration: say('tcp.conn-state', {
          director,
          from: state,
          to: seg.ipvsState,
          timeout,
          inputOnly: direction === 'input-only',
          flags: flags.join(', '),
        }),
      });
      state = seg.ipvsState;
    }
  });
  return out;
}

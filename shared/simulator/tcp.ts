/**
 * The TCP side of an LVS connection, as the kernel's IPVS sees it: the connection-entry state
 * machine of `net/netfilter/ipvs/ip_vs_proto_tcp.c` (`tcp_states`, `tcp_states_dos`, the INPUT /
 * OUTPUT / INPUT_ONLY offsets and `tcp_timeouts`), the MSS of a path, and the packets of one
 * complete exchange (handshake, request, reply in MSS-sized segments with their ACKs, FIN exchange).
 *
 * Checked cell by cell against torvalds/linux net/netfilter/ipvs/ip_vs_proto_tcp.c (commit 0134e89c);
 * the DR/TUN INPUT_ONLY offset comes from `set_tcp_state()` and `IP_VS_CONN_F_NOOUTPUT`.
 * Pure data and functions: no I/O, deterministic.
 */
import type { ForwardingMethod } from '../model/types.ts';

/** IPVS TCP connection states, in the kernel's enum order (`IP_VS_TCP_S_*`). */
export const IPVS_TCP_STATES = [
  'NONE',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'SYNACK',
] as const;

/** One IPVS TCP connection state (`ipvsadm -Lnc` shows these names). */
export type IpvsTcpState = (typeof IPVS_TCP_STATES)[number];

/**
 * The kernel's default timeout of each state in seconds (`tcp_timeouts[]`; ESTABLISHED, FIN_WAIT and
 * CLOSE can be changed with `ipvsadm --set tcp tcpfin udp`).
 */
export const IPVS_TCP_TIMEOUTS: Readonly<Record<IpvsTcpState, number>> = {
  NONE: 2,
  ESTABLISHED: 15 * 60,
  SYN_SENT: 2 * 60,
  SYN_RECV: 60,
  FIN_WAIT: 2 * 60,
  TIME_WAIT: 2 * 60,
  CLOSE: 10,
  CLOSE_WAIT: 60,
  LAST_ACK: 30,
  LISTEN: 2 * 60,
  SYNACK: 120,
};

/**
 * Which way a packet passes the director, as IPVS names it: INPUT (client → real server), OUTPUT
 * (real server → client, only NAT replies pass the director) and INPUT_ONLY (INPUT on a connection
 * flagged `IP_VS_CONN_F_NOOUTPUT` — DR and TUN, whose replies bypass the director).
 */
export type IpvsDirection = 'input' | 'output' | 'input-only';

/** The TCP flags the state machine looks at, in the kernel's precedence (RST, SYN, FIN, ACK). */
export interface TcpFlags {
  readonly syn?: boolean;
  readonly ack?: boolean;
  readonly fin?: boolean;
  readonly rst?: boolean;
  readonly psh?: boolean;
}

type Row = readonly IpvsTcpState[];
type Table = Readonly<Record<IpvsDirection, Readonly<Record<'syn' | 'fin' | 'ack' | 'rst', Row>>>>;

// Column order of every row: NONE ES SS SR FW TW CL CW LA LI SA (the kernel's comment header).
const r = (...names: readonly string[]): Row => names.map((n) => ABBR[n] as IpvsTcpState);
const ABBR: Readonly<Record<string, IpvsTcpState>> = {
  NO: 'NONE',
  ES: 'ESTABLISHED',
  SS: 'SYN_SENT',
  SR: 'SYN_RECV',
  FW: 'FIN_WAIT',
  TW: 'TIME_WAIT',
  CL: 'CLOSE',
  CW: 'CLOSE_WAIT',
  LA: 'LAST_ACK',
  LI: 'LISTEN',
  SA: 'SYNACK',
};

/** `tcp_states[]` of ip_vs_proto_tcp.c: the table in use unless `secure_tcp` is on. */
export const TCP_STATE_TABLE: Table = {
  input: {
    syn: r('SR', 'ES', 'ES', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR'),
    fin: r('CL', 'CW', 'SS', 'TW', 'TW', 'TW', 'CL', 'CW', 'LA', 'LI', 'TW'),
    ack: r('CL', 'ES', 'SS', 'ES', 'FW', 'TW', 'CL', 'CW', 'CL', 'LI', 'ES'),
    rst: r('CL', 'CL', 'CL', 'SR', 'CL', 'CL', 'CL', 'CL', 'LA', 'LI', 'SR'),
  },
  output: {
    syn: r('SS', 'ES', 'SS', 'SR', 'SS', 'SS', 'SS', 'SS', 'SS', 'LI', 'SR'),
    fin: r('TW', 'FW', 'SS', 'TW', 'FW', 'TW', 'CL', 'TW', 'LA', 'LI', 'TW'),
    ack: r('ES', 'ES', 'SS', 'ES', 'FW', 'TW', 'CL', 'CW', 'LA', 'ES', 'ES'),
    rst: r('CL', 'CL', 'SS', 'CL', 'CL', 'TW', 'CL', 'CL', 'CL', 'CL', 'CL'),
  },
  'input-only': {
    syn: r('SR', 'ES', 'ES', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR'),
    fin: r('CL', 'FW', 'SS', 'TW', 'FW', 'TW', 'CL', 'CW', 'LA', 'LI', 'TW'),
    ack: r('CL', 'ES', 'SS', 'ES', 'FW', 'TW', 'CL', 'CW', 'CL', 'LI', 'ES'),
    rst: r('CL', 'CL', 'CL', 'SR', 'CL', 'CL', 'CL', 'CL', 'LA', 'LI', 'CL'),
  },
};

/** `tcp_states_dos[]`: the table used when `net.ipv4.vs.secure_tcp` is on (SYN flood defence). */
export const TCP_STATE_TABLE_DOS: Table = {
  input: {
    syn: r('SR', 'ES', 'ES', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR', 'SR', 'SA'),
    fin: r('CL', 'CW', 'SS', 'TW', 'TW', 'TW', 'CL', 'CW', 'LA', 'LI', 'SA'),
    ack: r('CL', 'ES', 'SS', 'SR', 'FW', 'TW', 'CL', 'CW', 'CL', 'LI', 'SA'),
    rst: r('CL', 'CL', 'CL', 'SR', 'CL', 'CL', 'CL', 'CL', 'LA', 'LI', 'CL'),
  },
  output: {
    syn: r('SS', 'ES', 'SS', 'SA', 'SS', 'SS', 'SS', 'SS', 'SS', 'LI', 'SA'),
    fin: r('TW', 'FW', 'SS', 'TW', 'FW', 'TW', 'CL', 'TW', 'LA', 'LI', 'TW'),
    ack: r('ES', 'ES', 'SS', 'ES', 'FW', 'TW', 'CL', 'CW', 'LA', 'ES', 'ES'),
    rst: r('CL', 'CL', 'SS', 'CL', 'CL', 'TW', 'CL', 'CL', 'CL', 'CL', 'CL'),
  },
  'input-only': {
    syn: r('SA', 'ES', 'ES', 'SR', 'SA', 'SA', 'SA', 'SA', 'SA', 'SA', 'SA'),
    fin: r('CL', 'FW', 'SS', 'TW', 'FW', 'TW', 'CL', 'CW', 'LA', 'LI', 'TW'),
    ack: r('CL', 'ES', 'SS', 'ES', 'FW', 'TW', 'CL', 'CW', 'CL', 'LI', 'ES'),
    rst: r('CL', 'CL', 'CL', 'SR', 'CL', 'CL', 'CL', 'CL', 'LA', 'LI', 'CL'),
  },
};

/** The row of the table a segment selects (`tcp_state_idx`): RST first, then SYN, FIN, ACK; none → no row. */
export function tcpFlagRow(flags: TcpFlags): 'syn' | 'fin' | 'ack' | 'rst' | null {
  if (flags.rst) return 'rst';
  if (flags.syn) return 'syn';
  if (flags.fin) return 'fin';
  if (flags.ack) return 'ack';
  return null;
}

/**
 * The direction IPVS files a packet under: DR and TUN connections carry `IP_VS_CONN_F_NOOUTPUT`
 * (ip_vs_bind_dest sets it for every method but masquerading), so their input packets use the
 * INPUT_ONLY rows; NAT uses INPUT and OUTPUT.
 */
export function ipvsDirection(method: ForwardingMethod, towardsServer: boolean): IpvsDirection {
  if (!towardsServer) return 'output';
  return method === 'nat' ? 'input' : 'input-only';
}

/**
 * `set_tcp_state()`: the next state of an IPVS connection entry for one segment. A segment with no
 * flag the table knows moves the entry to CLOSE, as the kernel does.
 */
export function nextIpvsTcpState(state: IpvsTcpState, direction: IpvsDirection, flags: TcpFlags, secureTcp = false): IpvsTcpState {
  const row = tcpFlagRow(flags);
  if (!row) return 'CLOSE';
  const table = secureTcp ? TCP_STATE_TABLE_DOS : TCP_STATE_TABLE;
  return table[direction][row][IPVS_TCP_STATES.indexOf(state)] ?? 'CLOSE';
}

/** ActiveConn counts ESTABLISHED entries only; every other state counts in InActConn. */
export function isActiveState(state: IpvsTcpState): boolean {
  return state === 'ESTABLISHED';
}

/** IPv4 header (20) + TCP header without options (20): what an MTU loses to reach the MSS. */
export const TCP_IP_HEADERS = 40;

/** One link of a path as far as size matters: its MTU and the extra header it adds (IPIP: 20). */
export interface PathLink {
  readonly mtu: number;
  /** Bytes of encapsulation added on this link (20 for the director → real server leg of LVS-TUN). */
  readonly overhead?: number;
}

/**
 * The MSS both ends can use without fragmenting: min over the path of (MTU − 40 − encapsulation).
 * The real server announces its MSS from its own interface MTU, not from the tunnel's; see
 * {@link fragmentationPoints} for where a full-sized segment no longer fits.
 */
export function pathMss(links: readonly PathLink[]): number {
  let mss = Infinity;
  for (const l of links) mss = Math.min(mss, l.mtu - TCP_IP_HEADERS - (l.overhead ?? 0));
  return Number.isFinite(mss) ? Math.max(mss, 0) : 0;
}

/**
 * Where an IP packet of `ipBytes` (inner total length) does not fit a link: the link index, the
 * size it would need, and whether the sender must fragment (DF clear) or drop with ICMP
 * "fragmentation needed" (DF set, as Linux TCP sends with path-MTU discovery on).
 */
export function fragmentationPoints(
  links: readonly PathLink[],
  ipBytes: number,
  dontFragment = true,
): readonly { readonly link: number; readonly needed: number; readonly mtu: number; readonly action: 'fragment' | 'frag-needed' }[] {
  const out: { link: number; needed: number; mtu: number; action: 'fragment' | 'frag-needed' }[] = [];
  links.forEach((l, i) => {
    const needed = ipBytes + (l.overhead ?? 0);
    if (needed > l.mtu) out.push({ link: i, needed, mtu: l.mtu, action: dontFragment ? 'frag-needed' : 'fragment' });
  });
  return out;
}

/** The payload sizes of `bytes` cut into MSS-sized segments (the last one carries the rest). */
export function segmentSizes(bytes: number, mss: number): readonly number[] {
  if (bytes <= 0) return [];
  if (mss <= 0) throw new RangeError(`MSS must be positive, got ${mss}`);
  const out: number[] = [];
  for (let left = bytes; left > 0; left -= mss) out.push(Math.min(mss, left));
  return out;
}

/** One TCP segment of an exchange, with the IPVS entry's state after the director saw it (if it did). */
export interface TcpSegment {
  /** What the segment is, for narration and grouping. */
  readonly kind: 'syn' | 'syn-ack' | 'ack' | 'request' | 'data' | 'data-ack' | 'fin' | 'fin-ack';
  /** true: client → server; false: server → client. */
  readonly fromClient: boolean;
  readonly flags: TcpFlags;
  readonly seq: number;
  readonly ack: number;
  readonly payload: number;
  /** Whether the director sees this segment (DR/TUN replies bypass it). */
  readonly directorSees: boolean;
  /** The IPVS entry's state after this segment (unchanged when the director does not see it). */
  readonly ipvsState: IpvsTcpState;
  /** Its timeout in seconds: the entry expires this long after the last segment the director saw. */
  readonly timeout: number;
}

/** The inputs of {@link tcpExchange}. */
export interface TcpExchangeOptions {
  readonly method: ForwardingMethod;
  readonly requestBytes: number;
  readonly replyBytes: number;
  readonly mss: number;
  /** Initial sequence numbers (seeded by the caller): client ISN and server ISN. */
  readonly clientIsn: number;
  readonly serverIsn: number;
  /** Who sends the first FIN: the server (HTTP/1.0 style, the default) or the client. */
  readonly closer?: 'server' | 'client';
  /** The client ACKs every `ackEvery` data segments (delayed ACK: 2). */
  readonly ackEvery?: number;
  readonly secureTcp?: boolean;
}

const MOD32 = 2 ** 32;
const add32 = (a: number, b: number): number => (a + b) % MOD32;

/**
 * The segments of one complete connection in order — SYN, SYN-ACK, ACK, the request, the reply in
 * MSS-sized segments with the client's (delayed) ACKs, and the FIN exchange — each with the IPVS
 * connection state the director moves to through {@link nextIpvsTcpState}.
 */
export function tcpExchange(o: TcpExchangeOptions): readonly TcpSegment[] {
  const out: TcpSegment[] = [];
  let state: IpvsTcpState = 'NONE';
  let cseq = o.clientIsn;
  let sseq = o.serverIsn;
  const push = (kind: TcpSegment['kind'], fromClient: boolean, flags: TcpFlags, payload: number): void => {
    const directorSees = fromClient || o.method === 'nat';
    if (directorSees) state = nextIpvsTcpState(state, ipvsDirection(o.method, fromClient), flags, o.secureTcp);
    const seq = fromClient ? cseq : sseq;
    const ack = flags.ack ? (fromClient ? sseq : cseq) : 0;
    out.push({ kind, fromClient, flags, seq, ack, payload, directorSees, ipvsState: state, timeout: IPVS_TCP_TIMEOUTS[state] });
    // SYN and FIN each use one sequence number.
    const used = payload + (flags.syn ? 1 : 0) + (flags.fin ? 1 : 0);
    if (fromClient) cseq = add32(cseq, used);
    else sseq = add32(sseq, used);
  };
  push('syn', true, { syn: true }, 0);
  push('syn-ack', false, { syn: true, ack: true }, 0);
  push('ack', true, { ack: true }, 0);
  // The request is cut at the MSS too (PSH on its last segment); the server's data ACKs it.
  const reqSizes = segmentSizes(o.requestBytes, o.mss);
  reqSizes.forEach((size, i) => push('request', true, { ack: true, ...(i === reqSizes.length - 1 ? { psh: true } : {}) }, size));
  const every = Math.max(1, o.ackEvery ?? 2);
  const sizes = segmentSizes(o.replyBytes, o.mss);
  sizes.forEach((size, i) => {
    const last = i === sizes.length - 1;
    push('data', false, { ack: true, ...(last ? { psh: true } : {}) }, size);
    if (last || (i + 1) % every === 0) push('data-ack', true, { ack: true }, 0);
  });
  if ((o.closer ?? 'server') === 'server') {
    push('fin', false, { fin: true, ack: true }, 0);
    push('fin', true, { fin: true, ack: true }, 0);
    push('fin-ack', false, { ack: true }, 0);
  } else {
    push('fin', true, { fin: true, ack: true }, 0);
    push('fin', false, { fin: true, ack: true }, 0);
    push('fin-ack', true, { ack: true }, 0);
  }
  return out;
}

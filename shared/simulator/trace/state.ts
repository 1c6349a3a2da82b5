/**
 * The simulator's plain-data state and the small helpers every stage shares: the packet in flight,
 * the queue of work, the connection record, trace-step emission and the `ipvsadm -Lnc` view.
 * Internal to `shared/simulator/trace/`; the public surface is {@link SimState} and {@link SimContext}.
 */
import type { ForwardingMethod, HostId, InterfaceId, RealServer, VirtualService } from '../../model/types.ts';
import { formatIPv4, parseIPv4 } from '../../addressing/ipv4.ts';
import type {
  ArticleStep,
  ConnEntry,
  FaultId,
  Flow,
  HeaderField,
  HeaderStack,
  IpHeader,
  Narration,
  NetfilterHook,
  PacketPlace,
  RouteDecision,
  TraceEventKind,
  TraceOutcome,
  TracePhase,
  TraceStep,
  TransportHeader,
} from '../types.ts';
import type { NetHost, NetIface, Network } from '../network.ts';
import type { FailureContext } from './failure.ts';

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC = '00:00:00:00:00:00';
export const ETH_HEADER = 14;
export const ARP_FRAME = 42;
export const IPIP_HEADER = 20;

/** A packet in flight (internal). */
export interface Pkt {
  readonly eth?: { readonly src: string; readonly dst: string };
  readonly outer?: IpHeader;
  readonly ip: IpHeader;
  readonly l4: TransportHeader;
  /** IP total length in bytes (outer header included). */
  readonly size: number;
}

/** A unit of work of the state machine (internal, but plain data). */
export type Work =
  | { readonly op: 'originate'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase }
  | { readonly op: 'local-out'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase }
  | { readonly op: 'route-out'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly forwarded: boolean }
  | {
      readonly op: 'post';
      readonly host: HostId;
      readonly pkt: Pkt;
      readonly phase: TracePhase;
      readonly iface: InterfaceId;
      readonly nextHop: number;
      readonly forwarded: boolean;
      readonly knownNh: boolean;
    }
  | {
      readonly op: 'neigh';
      readonly host: HostId;
      readonly pkt: Pkt;
      readonly phase: TracePhase;
      readonly iface: InterfaceId;
      readonly nextHop: number;
      readonly forwarded: boolean;
      readonly knownNh: boolean;
    }
  | {
      readonly op: 'xmit';
      readonly host: HostId;
      readonly pkt: Pkt;
      readonly phase: TracePhase;
      readonly iface: InterfaceId;
      readonly dstMac: string;
      readonly forwarded: boolean;
    }
  | { readonly op: 'arrive'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId }
  | { readonly op: 'pre'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly loopback: boolean }
  | { readonly op: 'route-in'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly loopback: boolean }
  | {
      readonly op: 'forward';
      readonly host: HostId;
      readonly pkt: Pkt;
      readonly phase: TracePhase;
      readonly iface: InterfaceId;
      readonly out: InterfaceId;
      readonly nextHop: number;
    }
  | { readonly op: 'local-in'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId }
  | { readonly op: 'ipvs'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId | null }
  | { readonly op: 'deliver'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId };

/** Internal connection record (the public {@link ConnEntry} is derived from it). */
export interface Conn {
  readonly rs: RealServer;
  readonly cip: number;
  readonly cport: number;
  readonly state: string;
  readonly templateReused: boolean;
}

/**
 * The whole simulation state: plain data, replaced (never mutated) by every {@link step}.
 */
export interface SimState {
  readonly queue: readonly Work[];
  readonly steps: readonly TraceStep[];
  /** Neighbour caches: `host/iface` → IP (number) → MAC. */
  readonly arp: Readonly<Record<string, Readonly<Record<number, string>>>>;
  readonly conn: Conn | null;
  readonly outcome: TraceOutcome | null;
  readonly warnings: readonly { readonly fault: FaultId; readonly narration: Narration }[];
  readonly bytes: Readonly<Record<HostId, { readonly rx: number; readonly tx: number; readonly forwarded: number }>>;
  /** mulberry32 state of the injected RNG. */
  readonly rng: number;
  /** Last headers of each phase, for `changed`. */
  readonly last: Readonly<Partial<Record<TracePhase, HeaderStack>>>;
  /** Article step letters already used (each letter tags one step). */
  readonly letters: readonly ArticleStep[];
  readonly arpRace: boolean;
}

/** The frozen inputs of a simulation: network snapshot, resolved service and flow parameters. */
export interface SimContext {
  readonly net: Network;
  readonly flow: Flow;
  readonly service: VirtualService;
  readonly vip: number;
  readonly client: NetHost;
  readonly cip: number;
  readonly sport: number;
  /** Destination port of the request: the service port, or 80 for an all-ports (port 0) service. */
  readonly dport: number;
  readonly seed: number;
  readonly replyBytes: number;
  /** Real servers down at the time of the walk (options.failure), with keepalived's view of them. */
  readonly failure?: FailureContext;
}

export const ip = formatIPv4;

export function headerStack(p: Pkt, framed: boolean): HeaderStack {
  return {
    ...(framed && p.eth ? { eth: { src: p.eth.src, dst: p.eth.dst, type: 'ipv4' as const } } : {}),
    ...(p.outer ? { outer: p.outer } : {}),
    ip: p.ip,
    l4: p.l4,
    size: p.size + (framed && p.eth ? ETH_HEADER : 0),
  };
}

export function diff(prev: HeaderStack | undefined, cur: HeaderStack): HeaderField[] {
  if (!prev) return [];
  const out: HeaderField[] = [];
  if (prev.eth && cur.eth) {
    if (prev.eth.src !== cur.eth.src) out.push('eth.src');
    if (prev.eth.dst !== cur.eth.dst) out.push('eth.dst');
  }
  if (prev.ip && cur.ip) {
    if (prev.ip.src !== cur.ip.src) out.push('ip.src');
    if (prev.ip.dst !== cur.ip.dst) out.push('ip.dst');
    if (prev.ip.ttl !== cur.ip.ttl) out.push('ip.ttl');
  }
  if (prev.l4 && cur.l4) {
    if (prev.l4.sport !== cur.l4.sport) out.push('l4.sport');
    if (prev.l4.dport !== cur.l4.dport) out.push('l4.dport');
  }
  if (!!prev.outer !== !!cur.outer) out.push('outer');
  else if (prev.outer && cur.outer && prev.outer.ttl !== cur.outer.ttl) out.push('outer.ttl');
  return out;
}

/** Fields of a new step; index, changed and severity are filled in by {@link emit}. */
export interface StepDraft {
  readonly kind: TraceEventKind;
  readonly phase: TracePhase;
  readonly place: PacketPlace;
  readonly pkt?: Pkt;
  readonly framed?: boolean;
  readonly packet?: HeaderStack | null;
  readonly hook?: NetfilterHook;
  readonly route?: RouteDecision;
  readonly conn?: ConnEntry;
  readonly letter?: ArticleStep;
  readonly severity?: TraceStep['severity'];
  readonly narration: Narration;
}

export function emit(s: SimState, d: StepDraft): SimState {
  const packet = d.pkt ? headerStack(d.pkt, d.framed ?? false) : (d.packet ?? null);
  const changed = d.pkt && packet ? diff(s.last[d.phase], packet) : [];
  const letter = d.letter && !s.letters.includes(d.letter) ? d.letter : undefined;
  const step: TraceStep = {
    index: s.steps.length,
    kind: d.kind,
    phase: d.phase,
    place: d.place,
    packet,
    changed,
    ...(d.hook ? { hook: d.hook } : {}),
    ...(d.route ? { route: d.route } : {}),
    ...(d.conn ? { conn: d.conn } : {}),
    ...(letter ? { articleStep: letter } : {}),
    severity: d.severity ?? 'info',
    narration: d.narration,
  };
  const last = d.pkt && packet ? { ...s.last, [d.phase]: mergeFrame(s.last[d.phase], packet) } : s.last;
  return { ...s, steps: [...s.steps, step], last, letters: letter ? [...s.letters, letter] : s.letters };
}

/** Keeps the last seen Ethernet header when a step shows the packet without its frame. */
export function mergeFrame(prev: HeaderStack | undefined, cur: HeaderStack): HeaderStack {
  if (cur.eth || !prev?.eth) return cur;
  return { ...cur, eth: prev.eth };
}

export function addBytes(s: SimState, host: HostId, rx: number, tx: number, fwd: number): SimState {
  const b = s.bytes[host] ?? { rx: 0, tx: 0, forwarded: 0 };
  return { ...s, bytes: { ...s.bytes, [host]: { rx: b.rx + rx, tx: b.tx + tx, forwarded: b.forwarded + fwd } } };
}

export const hostPlace = (host: HostId, iface?: InterfaceId): PacketPlace => (iface ? { kind: 'host', host, iface } : { kind: 'host', host });

export function hostOf(ctx: SimContext, id: HostId): NetHost {
  const h = ctx.net.hosts.get(id);
  if (!h) throw new Error(`unknown host ${id}`);
  return h;
}
export function ifaceOf(host: NetHost, id: InterfaceId): NetIface {
  const f = host.ifaces.find((x) => x.id === id);
  if (!f) throw new Error(`unknown interface ${id} on ${host.id}`);
  return f;
}
export const hname = (ctx: SimContext, id: HostId): string => ctx.net.hosts.get(id)?.name ?? id;

export const methodName = (m: ForwardingMethod): string => (m === 'nat' ? 'NAT' : m === 'dr' ? 'DR' : 'TUN');

export function letterFor(
  ctx: SimContext,
  s: SimState,
  event:
    'director-pre' | 'director-in' | 'ipvs-rewrite' | 'director-post' | 'rs-reply' | 'nat-reply' | 'client-deliver' | 'client-send' | 'tun-encap' | 'tun-decap',
): ArticleStep | undefined {
  const m = s.conn?.rs.method ?? dominantMethod(ctx.service);
  if (m === 'tun') return event === 'client-send' ? 'a' : event === 'tun-encap' ? 'b' : event === 'tun-decap' ? 'c' : undefined;
  switch (event) {
    case 'director-pre':
      return 'a';
    case 'director-in':
      return 'b';
    case 'ipvs-rewrite':
      return 'c';
    case 'director-post':
      return 'd';
    case 'rs-reply':
      return 'e';
    case 'nat-reply':
      return m === 'nat' ? 'f' : undefined;
    case 'client-deliver':
      return m === 'dr' ? 'f' : undefined;
    default:
      return undefined;
  }
}

export function dominantMethod(svc: VirtualService): ForwardingMethod {
  return svc.realServers[0]?.method ?? 'nat';
}

export const TCP_TIMEOUTS: Record<string, number> = { SYN_RECV: 60, ESTABLISHED: 900, UDP: 300, INIT1: 10, CLOSE: 10 };

export function mmss(sec: number): string {
  return `${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
}

export function connEntry(ctx: SimContext, c: Conn): ConnEntry {
  const proto = ctx.service.protocol === 'fwmark' ? 'tcp' : ctx.service.protocol;
  const vport = ctx.dport;
  const expiresIn = TCP_TIMEOUTS[c.state] ?? 60;
  const client = { address: ip(c.cip), port: c.cport };
  const virtual = { address: ctx.service.vip, port: vport };
  const dest = { address: c.rs.rip, port: c.rs.method === 'nat' ? rport(ctx, c.rs) : vport };
  // ipvsadm's print_conn(): "%-3s %-6s %-11s %-18s %-18s %s".
  const line = `${proto.toUpperCase().padEnd(3)} ${mmss(expiresIn).padEnd(6)} ${c.state.padEnd(11)} ${`${client.address}:${client.port}`.padEnd(18)} ${`${virtual.address}:${virtual.port}`.padEnd(18)} ${dest.address}:${dest.port}`;
  const p = ctx.service.persistence;
  let template: ConnEntry['template'];
  if (p) {
    const prefixMaskValue = p.netmask ? (parseIPv4(p.netmask) ?? 0xffffffff) : 0xffffffff;
    template = { client: ip((c.cip & prefixMaskValue) >>> 0), expiresIn: p.timeout, reused: c.templateReused };
  }
  return {
    protocol: proto,
    client,
    virtual,
    dest,
    realServer: c.rs.id,
    method: c.rs.method,
    state: c.state,
    expiresIn,
    ...(template ? { template } : {}),
    ipvsadm: line,
  };
}

/** Port of a NAT real server: its own, or the request's for an all-ports (0) entry. */
export const rport = (ctx: SimContext, rs: RealServer): number => (rs.port === 0 ? ctx.dport : rs.port);

export function serviceMatches(svc: VirtualService, pkt: Pkt): boolean {
  if (ip(parseIPv4(svc.vip) ?? 0) !== pkt.ip.dst) return false;
  if (svc.protocol === 'fwmark') return true;
  if (svc.protocol !== pkt.l4.protocol) return false;
  return svc.port === 0 || svc.port === pkt.l4.dport;
}

export function findService(ctx: SimContext, hostId: HostId, pkt: Pkt): VirtualService | undefined {
  return ctx.net.topology.services.find((s) => s.director === hostId && serviceMatches(s, pkt));
}

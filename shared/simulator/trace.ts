/**
 * The packet-flow simulator: one request and its reply walked hop by hop through the designed
 * network, derived entirely from the topology — routing tables, ARP with arp_ignore/arp_announce,
 * ip_forward, rp_filter, the martian-source check, the netfilter hooks, IPVS at LOCAL_IN (and
 * LOCAL_OUT for a client on the director), NAT reply rewriting at FORWARD, IPIP encapsulation.
 * Nothing is scripted per forwarding method, so a wrong design breaks the flow where a real network
 * breaks it, and the drop step says why.
 *
 * `simulate()` is a loop over the pure {@link step} function; the {@link SimState} is plain data and
 * the network is a frozen {@link Network} snapshot.
 */
import type { ForwardingMethod, HostId, InterfaceId, RealServer, Topology, VirtualService } from '../model/types.ts';
import { formatIPv4, parseIPv4, prefixMask } from '../addressing/ipv4.ts';
import type {
  ArticleStep,
  ConnEntry,
  FaultId,
  Flow,
  HeaderField,
  HeaderStack,
  HostBytes,
  IpHeader,
  Narration,
  NetfilterHook,
  PacketPlace,
  RouteDecision,
  SimulateOptions,
  Trace,
  TraceEventKind,
  TraceOutcome,
  TracePhase,
  TraceStep,
  TransportHeader,
} from './types.ts';
import type { NetHost, NetIface, Network } from './network.ts';
import { compileNetwork, ifaceCovers, lookupRoute } from './network.ts';
import { IpvsScheduler } from './schedulers.ts';

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO_MAC = '00:00:00:00:00:00';
const ETH_HEADER = 14;
const ARP_FRAME = 42;
const IPIP_HEADER = 20;

/** A packet in flight (internal). */
interface Pkt {
  readonly eth?: { readonly src: string; readonly dst: string };
  readonly outer?: IpHeader;
  readonly ip: IpHeader;
  readonly l4: TransportHeader;
  /** IP total length in bytes (outer header included). */
  readonly size: number;
}

/** A unit of work of the state machine (internal, but plain data). */
type Work =
  | { readonly op: 'originate'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase }
  | { readonly op: 'local-out'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase }
  | { readonly op: 'route-out'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly forwarded: boolean }
  | { readonly op: 'post'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly nextHop: number; readonly forwarded: boolean; readonly knownNh: boolean }
  | { readonly op: 'neigh'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly nextHop: number; readonly forwarded: boolean; readonly knownNh: boolean }
  | { readonly op: 'xmit'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly dstMac: string; readonly forwarded: boolean }
  | { readonly op: 'arrive'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId }
  | { readonly op: 'pre'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly loopback: boolean }
  | { readonly op: 'route-in'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly loopback: boolean }
  | { readonly op: 'forward'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId; readonly out: InterfaceId; readonly nextHop: number }
  | { readonly op: 'local-in'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId }
  | { readonly op: 'ipvs'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId | null }
  | { readonly op: 'deliver'; readonly host: HostId; readonly pkt: Pkt; readonly phase: TracePhase; readonly iface: InterfaceId };

/** Internal connection record (the public {@link ConnEntry} is derived from it). */
interface Conn {
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
}

const n = (en: string, zh: string): Narration => ({ en, zh });
const ip = formatIPv4;

function nextRand(state: number): { value: number; state: number } {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: (t ^ (t >>> 14)) >>> 0, state: s };
}

function headerStack(p: Pkt, framed: boolean): HeaderStack {
  return {
    ...(framed && p.eth ? { eth: { src: p.eth.src, dst: p.eth.dst, type: 'ipv4' as const } } : {}),
    ...(p.outer ? { outer: p.outer } : {}),
    ip: p.ip,
    l4: p.l4,
    size: p.size + (framed && p.eth ? ETH_HEADER : 0),
  };
}

function diff(prev: HeaderStack | undefined, cur: HeaderStack): HeaderField[] {
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
interface StepDraft {
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

function emit(s: SimState, d: StepDraft): SimState {
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
function mergeFrame(prev: HeaderStack | undefined, cur: HeaderStack): HeaderStack {
  if (cur.eth || !prev?.eth) return cur;
  return { ...cur, eth: prev.eth };
}

function addBytes(s: SimState, host: HostId, rx: number, tx: number, fwd: number): SimState {
  const b = s.bytes[host] ?? { rx: 0, tx: 0, forwarded: 0 };
  return { ...s, bytes: { ...s.bytes, [host]: { rx: b.rx + rx, tx: b.tx + tx, forwarded: b.forwarded + fwd } } };
}

const hostPlace = (host: HostId, iface?: InterfaceId): PacketPlace => (iface ? { kind: 'host', host, iface } : { kind: 'host', host });

function hostOf(ctx: SimContext, id: HostId): NetHost {
  const h = ctx.net.hosts.get(id);
  if (!h) throw new Error(`unknown host ${id}`);
  return h;
}
function ifaceOf(host: NetHost, id: InterfaceId): NetIface {
  const f = host.ifaces.find((x) => x.id === id);
  if (!f) throw new Error(`unknown interface ${id} on ${host.id}`);
  return f;
}
const hname = (ctx: SimContext, id: HostId): string => ctx.net.hosts.get(id)?.name ?? id;

const methodName = (m: ForwardingMethod): string => (m === 'nat' ? 'NAT' : m === 'dr' ? 'DR' : 'TUN');

function letterFor(ctx: SimContext, s: SimState, event: 'director-pre' | 'director-in' | 'ipvs-rewrite' | 'director-post' | 'rs-reply' | 'nat-reply' | 'client-deliver' | 'client-send' | 'tun-encap' | 'tun-decap'): ArticleStep | undefined {
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

function dominantMethod(svc: VirtualService): ForwardingMethod {
  return svc.realServers[0]?.method ?? 'nat';
}

const TCP_TIMEOUTS: Record<string, number> = { SYN_RECV: 60, ESTABLISHED: 900, UDP: 300, INIT1: 10 };

function mmss(sec: number): string {
  return `${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
}

function connEntry(ctx: SimContext, c: Conn): ConnEntry {
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
  return { protocol: proto, client, virtual, dest, realServer: c.rs.id, method: c.rs.method, state: c.state, expiresIn, ...(template ? { template } : {}), ipvsadm: line };
}

/** Port of a NAT real server: its own, or the request's for an all-ports (0) entry. */
const rport = (ctx: SimContext, rs: RealServer): number => (rs.port === 0 ? ctx.dport : rs.port);

function serviceMatches(svc: VirtualService, pkt: Pkt): boolean {
  if (ip(parseIPv4(svc.vip) ?? 0) !== pkt.ip.dst) return false;
  if (svc.protocol === 'fwmark') return true;
  if (svc.protocol !== pkt.l4.protocol) return false;
  return svc.port === 0 || svc.port === pkt.l4.dport;
}

function findService(ctx: SimContext, hostId: HostId, pkt: Pkt): VirtualService | undefined {
  return ctx.net.topology.services.find((s) => s.director === hostId && serviceMatches(s, pkt));
}

// ------------------------------------------------------------------------------------------------
// Faults

function classify(ctx: SimContext, s: SimState, reason: FaultId, hostId: HostId, pkt: Pkt | null, phase: TracePhase): FaultId {
  const svc = ctx.service;
  if (ctx.client.id === svc.director && reason !== 'no-real-server' && reason !== 'all-quiesced') return 'client-on-director';
  const rs = s.conn?.rs;
  if (phase === 'request' && rs && rs.method === 'dr' && hostId === svc.director && (reason === 'arp-unanswered' || reason === 'no-route')) return 'dr-no-l2-path';
  // Once IPVS sent the request on, a DR/TUN real server without the VIP is the root cause of
  // whatever happens next (dropped there, or forwarded around until the TTL runs out).
  if (phase === 'request' && rs && (rs.method === 'dr' || rs.method === 'tun') && !['no-ipip-tunnel', 'rp-filter', 'martian-source', 'arp-unanswered'].includes(reason)) {
    const h = ctx.net.hosts.get(rs.host);
    if (h && !h.local.has(ctx.vip) && s.steps.some((x) => x.place.kind === 'host' && x.place.host === rs.host)) return 'missing-vip-on-rs';
  }
  if (phase === 'request' && !s.conn && pkt && pkt.ip.dst === svc.vip) {
    const dir = ctx.net.hosts.get(svc.director);
    if (dir && !dir.local.has(ctx.vip) && (reason === 'arp-unanswered' || reason === 'no-route')) return 'vip-not-on-director';
  }
  if (phase === 'reply' && rs?.method === 'nat' && reason === 'unexpected-reply' && pkt && pkt.ip.src === rs.rip) return 'nat-reply-bypasses-director';
  if (phase === 'reply' && rs?.method === 'nat' && reason === 'not-for-this-host' && hostId === svc.director) return 'no-ip-forward';
  if (phase === 'reply' && rs && reason === 'no-route' && hostId === rs.host) return 'rs-no-route-back';
  if (phase === 'reply' && rs && rs.method !== 'nat' && hostId === svc.director && (reason === 'martian-source' || reason === 'not-for-this-host')) return 'reply-via-director';
  return reason;
}

function explain(ctx: SimContext, s: SimState, fault: FaultId, detail: Narration): Narration {
  const svc = ctx.service;
  const dir = hname(ctx, svc.director);
  const rs = s.conn?.rs;
  const rsName = rs ? hname(ctx, rs.host) : 'the real server';
  switch (fault) {
    case 'nat-reply-bypasses-director':
      return n(
        `${detail.en} In LVS-NAT the reply must go back through the director, which rewrites its source from ${rs?.rip ?? 'RIP'} to ${svc.vip}; ${rsName}'s default gateway is not the director's DIP, so the reply went around it and the client, which talked to ${svc.vip}, drops a packet from ${rs?.rip ?? 'RIP'}. Fix: set ${rsName}'s gateway to the DIP.`,
        `${detail.zh} 在 LVS-NAT 中，回复必须经过调度器，由它把源地址从 ${rs?.rip ?? 'RIP'} 改回 ${svc.vip}；${rsName} 的默认网关不是调度器的 DIP，回复绕过了调度器，客户端连接的是 ${svc.vip}，于是丢弃来自 ${rs?.rip ?? 'RIP'} 的包。修复：把 ${rsName} 的网关设为 DIP。`,
      );
    case 'no-ip-forward':
      return n(
        `${detail.en} ${dir} has net.ipv4.ip_forward=0, so it does not route the real server's reply to the client and IPVS never gets to rewrite it at FORWARD. Fix: sysctl -w net.ipv4.ip_forward=1 on ${dir}.`,
        `${detail.zh} ${dir} 的 net.ipv4.ip_forward=0，不会把真实服务器的回复转发给客户端，IPVS 也就没有机会在 FORWARD 链改写它。修复：在 ${dir} 上执行 sysctl -w net.ipv4.ip_forward=1。`,
      );
    case 'dr-no-l2-path':
      return n(
        `${detail.en} LVS-DR only rewrites the destination MAC, so the director must reach ${rs?.rip ?? 'the RIP'} directly on a shared L2 segment; ${rs?.rip ?? 'the RIP'} is not on any segment of ${dir}. Fix: put ${rsName} on the director's segment, or use TUN.`,
        `${detail.zh} LVS-DR 只改写目的 MAC，调度器必须在同一个二层网段上直接到达 ${rs?.rip ?? 'RIP'}；${rs?.rip ?? 'RIP'} 不在 ${dir} 的任何网段上。修复：把 ${rsName} 接到调度器所在网段，或改用 TUN。`,
      );
    case 'rp-filter':
      return n(
        `${detail.en} Reverse-path filtering (rp_filter=1, strict) drops a packet when the route back to its source leaves by another interface. Fix: set rp_filter=0 (or 2) on tunl0 and "all" on ${rsName}.`,
        `${detail.zh} 反向路径过滤（rp_filter=1，严格模式）在回源路由走另一个接口时丢包。修复：在 ${rsName} 上把 tunl0 和 all 的 rp_filter 设为 0（或 2）。`,
      );
    case 'missing-vip-on-rs':
      return n(
        `${detail.en} In LVS-${rs ? methodName(rs.method) : 'DR'} the packet still carries the VIP ${svc.vip} as destination, so ${rsName} must own the VIP (${rs?.method === 'tun' ? 'on tunl0' : 'on lo'}, /32). Fix: add ${svc.vip}/32 to ${rs?.method === 'tun' ? 'tunl0' : 'lo'} on ${rsName}.`,
        `${detail.zh} 在 LVS-${rs ? methodName(rs.method) : 'DR'} 中，包的目的地址仍是 VIP ${svc.vip}，因此 ${rsName} 必须拥有 VIP（${rs?.method === 'tun' ? '配置在 tunl0 上' : '配置在 lo 上'}，/32）。修复：在 ${rsName} 的 ${rs?.method === 'tun' ? 'tunl0' : 'lo'} 上添加 ${svc.vip}/32。`,
      );
    case 'no-ipip-tunnel':
      return n(
        `${detail.en} ${rsName} has no ipip interface (tunl0), so the kernel does not understand protocol 4 and drops the tunnelled packet. Fix: modprobe ipip and put the VIP on tunl0.`,
        `${detail.zh} ${rsName} 没有 ipip 接口（tunl0），内核不认识协议号 4，丢弃隧道包。修复：modprobe ipip，并把 VIP 配置在 tunl0 上。`,
      );
    case 'vip-not-on-director':
      return n(
        `${detail.en} The VIP ${svc.vip} is not configured on the director ${dir}, so nobody answers ARP for it and IPVS never sees the request. Fix: add ${svc.vip} to an interface of ${dir} on the clients' side.`,
        `${detail.zh} VIP ${svc.vip} 没有配置在调度器 ${dir} 上，没有主机应答它的 ARP，IPVS 也就收不到请求。修复：在 ${dir} 面向客户端的接口上添加 ${svc.vip}。`,
      );
    case 'client-on-director':
      return n(
        `${detail.en} The client runs on the director itself: its request leaves with the VIP as source, and a DR/TUN real server owns the VIP too — it drops the request as a martian or answers to itself, so nothing comes back. Test from a separate client host.`,
        `${detail.zh} 客户端就运行在调度器上：请求以 VIP 为源地址发出，而 DR/TUN 真实服务器自己也拥有 VIP——它要么把请求当作火星包丢弃，要么把回复发给自己，客户端什么也收不到。请从单独的客户端主机测试。`,
      );
    case 'reply-via-director':
      return n(
        `${detail.en} In LVS-${rs ? methodName(rs.method) : 'DR'} the real server answers with the VIP as source and must send the reply to a router, not through the director: the director owns the VIP, so it drops the reply as a martian (or does not forward at all). Fix: make ${rsName}'s default gateway a router towards the clients.`,
        `${detail.zh} 在 LVS-${rs ? methodName(rs.method) : 'DR'} 中，真实服务器以 VIP 为源地址回复，回复必须交给路由器而不是经过调度器：调度器自己拥有 VIP，会把这个回复当作火星包丢弃（或根本不转发）。修复：把 ${rsName} 的默认网关设为通往客户端的路由器。`,
      );
    case 'rs-no-route-back':
      return n(
        `${detail.en} The real server needs a route back to the client: ${rs?.method === 'nat' ? `in LVS-NAT its default gateway must be the director's DIP` : 'a default gateway towards the clients (not through the director)'}. Fix: set ${rsName}'s gateway.`,
        `${detail.zh} 真实服务器需要回到客户端的路由：${rs?.method === 'nat' ? 'LVS-NAT 中它的默认网关必须是调度器的 DIP' : '一个通往客户端的默认网关（不经过调度器）'}。修复：设置 ${rsName} 的网关。`,
      );
    case 'arp-race':
      return n(
        `${detail.en} More than one host answered ARP for ${svc.vip}; the client keeps the first answer, so requests can go straight to a real server and skip the director. Fix: arp_ignore=1 and arp_announce=2 on the real servers (all and lo).`,
        `${detail.zh} 不止一台主机应答了 ${svc.vip} 的 ARP；客户端采用最先到达的应答，请求可能直接发到真实服务器而绕过调度器。修复：在真实服务器上设置 arp_ignore=1、arp_announce=2（all 和 lo）。`,
      );
    default:
      return detail;
  }
}

function drop(ctx: SimContext, s: SimState, reason: FaultId, hostId: HostId, pkt: Pkt | null, phase: TracePhase, place: PacketPlace, detail: Narration): SimState {
  const fault = classify(ctx, s, reason, hostId, pkt, phase);
  const narration = explain(ctx, s, fault, detail);
  const s2 = emit(s, { kind: 'drop', phase, place, ...(pkt ? { pkt } : {}), severity: 'error', narration: detail });
  return { ...s2, queue: [], outcome: { status: 'broken', fault, at: place, stepIndex: s2.steps.length - 1, narration } };
}

// ------------------------------------------------------------------------------------------------
// The step function

/**
 * Advances the simulation by one unit of work (which may add one or several trace steps: an ARP
 * exchange is a request plus its replies). Pure: returns a new state.
 */
export function step(state: SimState, ctx: SimContext): SimState {
  const [work, ...rest] = state.queue;
  if (!work || state.outcome) return state;
  const s: SimState = { ...state, queue: rest };
  const push = (st: SimState, ...w: Work[]): SimState => ({ ...st, queue: [...w, ...st.queue] });
  const host = hostOf(ctx, work.host);
  const H = host.name;
  const pkt = work.pkt;
  const phase = work.phase;
  switch (work.op) {
    case 'originate': {
      const isReq = phase === 'request';
      const letter = isReq ? letterFor(ctx, s, 'client-send') : letterFor(ctx, s, 'rs-reply');
      const narration = isReq
        ? n(
            `${H} sends a ${pkt.l4.protocol.toUpperCase()} request from ${pkt.ip.src}:${pkt.l4.sport} to the virtual service ${pkt.ip.dst}:${pkt.l4.dport} (CIP → VIP).`,
            `${H} 发出 ${pkt.l4.protocol.toUpperCase()} 请求，从 ${pkt.ip.src}:${pkt.l4.sport} 发往虚拟服务 ${pkt.ip.dst}:${pkt.l4.dport}（CIP → VIP）。`,
          )
        : n(
            `${H} answers from ${pkt.ip.src}:${pkt.l4.sport} to ${pkt.ip.dst}:${pkt.l4.dport} (${pkt.size} bytes)${pkt.ip.src === ctx.service.vip ? ', using the VIP it owns as source' : ''}.`,
            `${H} 从 ${pkt.ip.src}:${pkt.l4.sport} 回复 ${pkt.ip.dst}:${pkt.l4.dport}（${pkt.size} 字节）${pkt.ip.src === ctx.service.vip ? '，以自己拥有的 VIP 作为源地址' : ''}。`,
          );
      const s2 = emit(s, { kind: 'originate', phase, place: hostPlace(host.id), pkt, ...(letter ? { letter } : {}), narration });
      return push(s2, { op: 'local-out', host: host.id, pkt, phase });
    }
    case 'local-out': {
      const s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id),
        pkt,
        hook: 'LOCAL_OUT',
        narration: n(`The locally generated packet passes the OUTPUT (LOCAL_OUT) hook of ${H}.`, `本机生成的包经过 ${H} 的 OUTPUT（LOCAL_OUT）钩子。`),
      });
      if (phase === 'request' && !s.conn && findService(ctx, host.id, pkt)) return push(s2, { op: 'ipvs', host: host.id, pkt, phase, iface: null });
      return push(s2, { op: 'route-out', host: host.id, pkt, phase, forwarded: false });
    }
    case 'route-out': {
      const dst = parseIPv4((pkt.outer ?? pkt.ip).dst) ?? 0;
      const r = lookupRoute(host, dst);
      if (r.kind === 'unreachable') {
        return drop(ctx, s, 'no-route', host.id, pkt, phase, hostPlace(host.id), n(`${H} has no route to ${ip(dst)} (no matching subnet and no default gateway): "Network is unreachable".`, `${H} 没有到 ${ip(dst)} 的路由（没有匹配的子网，也没有默认网关）："Network is unreachable"。`));
      }
      if (r.kind === 'local') {
        const s2 = emit(s, {
          kind: 'route',
          phase,
          place: hostPlace(host.id),
          pkt,
          route: { result: 'local', route: `local ${ip(dst)} dev ${r.iface.name}`, iface: r.iface.id },
          narration: n(`${ip(dst)} is an address of ${H} itself (${r.iface.name}), so the packet loops back inside the host.`, `${ip(dst)} 是 ${H} 自己的地址（${r.iface.name}），包在主机内部环回。`),
        });
        const lo = host.ifaces.find((f) => f.kind === 'loopback') ?? r.iface;
        return push(s2, { op: 'pre', host: host.id, pkt, phase, iface: lo.id, loopback: true });
      }
      const decision: RouteDecision = { result: work.forwarded ? 'forward' : 'output', route: r.route.text, iface: r.route.iface.id, nextHop: ip(r.nextHop), ...(r.src !== null ? { source: ip(r.src) } : {}) };
      const s2 = emit(s, {
        kind: 'route',
        phase,
        place: hostPlace(host.id),
        pkt,
        route: decision,
        narration: n(
          `Routing on ${H}: ${ip(dst)} matches "${r.route.text}", so the packet leaves by ${r.route.iface.name} towards ${r.route.via !== null ? `the gateway ${ip(r.nextHop)}` : `${ip(dst)} directly (on-link)`}.`,
          `${H} 查路由：${ip(dst)} 匹配 "${r.route.text}"，包从 ${r.route.iface.name} 发出，${r.route.via !== null ? `下一跳是网关 ${ip(r.nextHop)}` : `直接发往 ${ip(dst)}（同一链路）`}。`,
        ),
      });
      return push(s2, { op: 'post', host: host.id, pkt, phase, iface: r.route.iface.id, nextHop: r.nextHop, forwarded: work.forwarded, knownNh: false });
    }
    case 'post': {
      const isDirReq = host.id === ctx.service.director && phase === 'request' && s.conn !== null;
      const letter = isDirReq ? letterFor(ctx, s, 'director-post') : undefined;
      const s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id, work.iface),
        pkt,
        hook: 'POSTROUTING',
        ...(letter ? { letter } : {}),
        narration: isDirReq
          ? n(`After IPVS, the packet passes POSTROUTING on ${H} on its way to the real server.`, `经过 IPVS 处理后，包经过 ${H} 的 POSTROUTING 链，发往真实服务器。`)
          : n(`The packet passes POSTROUTING on ${H}, the last hook before it leaves ${ifaceOf(host, work.iface).name}.`, `包经过 ${H} 的 POSTROUTING 链，这是离开 ${ifaceOf(host, work.iface).name} 之前的最后一个钩子。`),
      });
      return push(s2, { ...work, op: 'neigh' });
    }
    case 'neigh':
      return neighbour(ctx, s, work, host, push);
    case 'xmit': {
      const f = ifaceOf(host, work.iface);
      const framed: Pkt = { ...pkt, eth: { src: f.mac, dst: work.dstMac } };
      const members = ctx.net.segments.get(f.segment ?? '') ?? [];
      const to = members.find((m) => m.mac === work.dstMac && m.id !== f.id);
      const wire = framed.size + ETH_HEADER;
      let s2 = addBytes(s, host.id, 0, wire, work.forwarded ? wire : 0);
      const isDr = s.conn?.rs.method === 'dr' && host.id === ctx.service.director && phase === 'request';
      const place: PacketPlace = { kind: 'link', segment: f.segment ?? '', from: { host: host.id, iface: f.id }, to: to ? { host: to.host, iface: to.id } : null };
      s2 = emit(s2, {
        kind: 'transmit',
        phase,
        place,
        pkt: framed,
        framed: true,
        narration: isDr
          ? n(
              `${H} sends the IP packet, addresses unchanged, in a new frame: source MAC ${f.mac} (its own), destination MAC ${work.dstMac} (${to ? hname(ctx, to.host) : '?'}); IP source ${pkt.ip.src} and destination ${pkt.ip.dst} stay as they were.`,
              `${H} 把地址未改动的 IP 包装进新的帧：源 MAC ${f.mac}（自己的），目的 MAC ${work.dstMac}（${to ? hname(ctx, to.host) : '?'}）；IP 源 ${pkt.ip.src}、目的 ${pkt.ip.dst} 保持不变。`,
            )
          : n(
              `${H} transmits the frame on ${ctx.net.topology.segments.find((x) => x.id === f.segment)?.name ?? f.segment}: ${f.mac} → ${work.dstMac}${to ? ` (${hname(ctx, to.host)})` : ''}, ${wire} bytes.`,
              `${H} 在 ${ctx.net.topology.segments.find((x) => x.id === f.segment)?.name ?? f.segment} 上发送帧：${f.mac} → ${work.dstMac}${to ? `（${hname(ctx, to.host)}）` : ''}，${wire} 字节。`,
            ),
      });
      if (!to) return drop(ctx, s2, 'not-for-this-host', host.id, framed, phase, place, n(`No interface on the segment has MAC ${work.dstMac}; the frame is lost.`, `网段上没有 MAC 为 ${work.dstMac} 的接口，帧丢失。`));
      return push(s2, { op: 'arrive', host: to.host, pkt: framed, phase, iface: to.id });
    }
    case 'arrive': {
      const f = ifaceOf(host, work.iface);
      const wire = pkt.size + ETH_HEADER;
      const s2 = emit(addBytes(s, host.id, wire, 0, 0), {
        kind: 'arrive',
        phase,
        place: hostPlace(host.id, f.id),
        pkt,
        framed: true,
        narration: n(`The frame arrives at ${H} ${f.name}; the destination MAC is its own, so it accepts the frame.`, `帧到达 ${H} 的 ${f.name}；目的 MAC 是它自己的，接收该帧。`),
      });
      return push(s2, { op: 'pre', host: host.id, pkt, phase, iface: f.id, loopback: false });
    }
    case 'pre': {
      const isDirReq = host.id === ctx.service.director && phase === 'request' && !s.conn;
      const letter = isDirReq ? letterFor(ctx, s, 'director-pre') : undefined;
      const f = ifaceOf(host, work.iface);
      const s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id, f.id),
        pkt,
        hook: 'PREROUTING',
        ...(letter ? { letter } : {}),
        narration: isDirReq
          ? n(`The request enters PREROUTING on the director ${H}: source ${pkt.ip.src} (CIP), destination ${pkt.ip.dst} (VIP).`, `请求进入调度器 ${H} 的 PREROUTING 链：源地址 ${pkt.ip.src}（CIP），目的地址 ${pkt.ip.dst}（VIP）。`)
          : n(`The packet enters PREROUTING on ${H} (${f.name}).`, `包进入 ${H}（${f.name}）的 PREROUTING 链。`),
      });
      return push(s2, { ...work, op: 'route-in' });
    }
    case 'route-in':
      return routeIn(ctx, s, work, host, push);
    case 'forward': {
      const ttl = (pkt.outer ?? pkt.ip).ttl - 1;
      let p2: Pkt = pkt.outer ? { ...pkt, outer: { ...pkt.outer, ttl } } : { ...pkt, ip: { ...pkt.ip, ttl } };
      let s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id),
        pkt: p2,
        hook: 'FORWARD',
        narration: n(`${H} forwards the packet (ip_forward=1): TTL ${ttl + 1} → ${ttl}, through the FORWARD hook.`, `${H} 转发该包（ip_forward=1）：TTL ${ttl + 1} → ${ttl}，经过 FORWARD 链。`),
      });
      // ip_vs_out at FORWARD: a VS/NAT reply from the real server gets the VIP back as its source.
      const c = s.conn;
      if (c && host.id === ctx.service.director && c.rs.method === 'nat' && phase === 'reply' && p2.ip.src === c.rs.rip && p2.l4.sport === rport(ctx, c.rs) && p2.ip.dst === ip(c.cip) && p2.l4.dport === c.cport) {
        const vport = ctx.dport;
        p2 = { ...p2, ip: { ...p2.ip, src: ctx.service.vip }, l4: { ...p2.l4, sport: vport } };
        const nc: Conn = { ...c, state: 'ESTABLISHED' };
        s2 = { ...emit(s2, {
          kind: 'rewrite',
          phase,
          place: hostPlace(host.id),
          pkt: p2,
          hook: 'FORWARD',
          conn: connEntry(ctx, nc),
          ...(letterFor(ctx, s2, 'nat-reply') ? { letter: letterFor(ctx, s2, 'nat-reply')! } : {}),
          narration: n(
            `IPVS finds the connection in its table and rewrites the reply's source from ${c.rs.rip}:${rport(ctx, c.rs)} (RIP) to ${ctx.service.vip}:${vport} (VIP) at FORWARD, so the client sees the address it called.`,
            `IPVS 在连接表中找到该连接，在 FORWARD 链把回复的源地址从 ${c.rs.rip}:${rport(ctx, c.rs)}（RIP）改写为 ${ctx.service.vip}:${vport}（VIP），客户端看到的就是它访问的地址。`,
          ),
        }), conn: nc };
      }
      return push(s2, { op: 'post', host: host.id, pkt: p2, phase, iface: work.out, nextHop: work.nextHop, forwarded: true, knownNh: false });
    }
    case 'local-in':
      return localIn(ctx, s, work, host, push);
    case 'ipvs':
      return ipvs(ctx, s, work, host, push);
    case 'deliver':
      return deliver(ctx, s, work, host, push);
  }
}

type Push = (st: SimState, ...w: Work[]) => SimState;

function neighbour(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'neigh' }>, host: NetHost, push: Push): SimState {
  const f = ifaceOf(host, work.iface);
  const pkt = work.pkt;
  const H = host.name;
  const key = `${host.id}/${f.id}`;
  const cached = s.arp[key]?.[work.nextHop];
  if (cached) return push(s, { op: 'xmit', host: host.id, pkt, phase: work.phase, iface: f.id, dstMac: cached, forwarded: work.forwarded });
  if (f.segment === null) {
    return drop(ctx, s, 'no-route', host.id, pkt, work.phase, hostPlace(host.id, f.id), n(`${f.name} on ${H} is not plugged into any segment; nothing can be sent there.`, `${H} 的 ${f.name} 没有接入任何网段，无法发送。`));
  }
  // arp_announce picks the sender IP of the request.
  const srcIp = parseIPv4((pkt.outer ?? pkt.ip).src) ?? 0;
  const best = f.addresses.find((a) => ((work.nextHop & prefixMask(a.prefix)) >>> 0) === a.network)?.value ?? f.addresses[0]?.value ?? 0;
  let sender: number;
  if (f.arpAnnounce >= 2) sender = best;
  else if (f.arpAnnounce === 1) sender = ifaceCovers(f, srcIp) && host.local.has(srcIp) ? srcIp : best;
  else sender = host.local.has(srcIp) ? srcIp : best;
  const segName = ctx.net.topology.segments.find((x) => x.id === f.segment)?.name ?? f.segment;
  const arpPkt: HeaderStack = { eth: { src: f.mac, dst: BROADCAST, type: 'arp' }, arp: { op: 'request', senderMac: f.mac, senderIp: ip(sender), targetMac: ZERO_MAC, targetIp: ip(work.nextHop) }, size: ARP_FRAME };
  const announceLeak = !f.addresses.some((a) => a.value === sender);
  let st = addBytes(s, host.id, 0, ARP_FRAME, 0);
  st = emit(st, {
    kind: 'arp-request',
    phase: work.phase,
    place: { kind: 'link', segment: f.segment, from: { host: host.id, iface: f.id }, to: null },
    packet: arpPkt,
    severity: announceLeak ? 'warning' : 'info',
    narration: announceLeak
      ? n(
          `${H} broadcasts "who has ${ip(work.nextHop)}? tell ${ip(sender)}" on ${segName} — with arp_announce=${f.arpAnnounce} it announces ${ip(sender)}, an address that is not on ${f.name}, to every host on the segment.`,
          `${H} 在 ${segName} 上广播“谁是 ${ip(work.nextHop)}？请告诉 ${ip(sender)}”——arp_announce=${f.arpAnnounce} 时它把不在 ${f.name} 上的地址 ${ip(sender)} 通告给了网段上的所有主机。`,
        )
      : n(`${H} does not know the MAC of ${ip(work.nextHop)} yet and broadcasts an ARP request on ${segName}: "who has ${ip(work.nextHop)}? tell ${ip(sender)}".`, `${H} 还不知道 ${ip(work.nextHop)} 的 MAC，在 ${segName} 上广播 ARP 请求：“谁是 ${ip(work.nextHop)}？请告诉 ${ip(sender)}”。`),
  });
  if (announceLeak && ip(sender) === ctx.service.vip) {
    st = { ...st, warnings: [...st.warnings, { fault: 'arp-announce', narration: n(`${H} announced the VIP ${ctx.service.vip} in an ARP request (arp_announce=${f.arpAnnounce}); hosts on ${segName} that cache the VIP now point it at ${H}. Set arp_announce=2.`, `${H} 在 ARP 请求中通告了 VIP ${ctx.service.vip}（arp_announce=${f.arpAnnounce}）；${segName} 上缓存了 VIP 的主机会把它指向 ${H}。请设置 arp_announce=2。`) }] };
  }
  // Every other interface on the segment hears the broadcast.
  const members = ctx.net.segments.get(f.segment) ?? [];
  const repliers: NetIface[] = [];
  let arp = st.arp;
  for (const m of members) {
    if (m.id === f.id) continue;
    const rh = ctx.net.hosts.get(m.host);
    if (!rh) continue;
    st = addBytes(st, m.host, ARP_FRAME, 0, 0);
    const mkey = `${m.host}/${m.id}`;
    const owns = rh.local.has(work.nextHop);
    // Linux refreshes an existing entry for the sender even when the request is not for it.
    const existing = arp[mkey]?.[sender];
    if (existing !== undefined && existing !== f.mac) {
      arp = { ...arp, [mkey]: { ...arp[mkey], [sender]: f.mac } };
      st = emit({ ...st, arp }, {
        kind: 'arp-learn',
        phase: work.phase,
        place: hostPlace(m.host, m.id),
        packet: null,
        severity: 'warning',
        narration: n(`${rh.name} updates its ARP cache: ${ip(sender)} is now at ${f.mac} (${H}) instead of ${existing}.`, `${rh.name} 更新 ARP 缓存：${ip(sender)} 现在指向 ${f.mac}（${H}），而不是 ${existing}。`),
      });
      if (ip(sender) === ctx.service.vip) st = { ...st, warnings: [...st.warnings, { fault: 'arp-announce', narration: n(`${rh.name} now sends traffic for the VIP to ${H}, bypassing the director.`, `${rh.name} 此后会把发往 VIP 的流量发给 ${H}，绕过调度器。`) }] };
    }
    if (!owns) continue;
    const holder = rh.local.get(work.nextHop)!;
    let answers: boolean;
    if (m.arpIgnore >= 8) answers = false;
    else if (m.arpIgnore === 1) answers = holder.id === m.id;
    else if (m.arpIgnore === 2) answers = holder.id === m.id && m.addresses.some((a) => a.value === work.nextHop && ((sender & prefixMask(a.prefix)) >>> 0) === a.network);
    else answers = true;
    if (answers) repliers.push(m);
    else if (holder.kind !== 'ethernet' || holder.id !== m.id) {
      st = emit(st, {
        kind: 'arp-silent',
        phase: work.phase,
        place: hostPlace(m.host, m.id),
        packet: null,
        narration: n(`${rh.name} owns ${ip(work.nextHop)} on ${holder.name} but stays silent: arp_ignore=${m.arpIgnore} on ${m.name} answers only for addresses of the receiving interface.`, `${rh.name} 在 ${holder.name} 上拥有 ${ip(work.nextHop)}，但保持沉默：${m.name} 的 arp_ignore=${m.arpIgnore}，只应答配置在接收接口上的地址。`),
      });
    }
  }
  if (repliers.length === 0) {
    return drop(ctx, { ...st, arp }, 'arp-unanswered', host.id, pkt, work.phase, { kind: 'link', segment: f.segment, from: { host: host.id, iface: f.id }, to: null }, n(`Nobody on ${segName} answers ARP for ${ip(work.nextHop)} (after 3 tries the kernel gives up: "No route to host"); the packet is dropped on ${H}.`, `${segName} 上没有主机应答 ${ip(work.nextHop)} 的 ARP（内核重试 3 次后放弃：“No route to host”），包在 ${H} 上被丢弃。`));
  }
  // Several answers race; the seeded RNG decides which arrives first. The first one is kept
  // (neighbour locktime ignores a different answer within a second).
  let order = repliers;
  let rng = st.rng;
  if (repliers.length > 1) {
    const arr = [...repliers];
    for (let i = arr.length - 1; i > 0; i--) {
      const r = nextRand(rng);
      rng = r.state;
      const j = r.value % (i + 1);
      [arr[i], arr[j]] = [arr[j]!, arr[i]!];
    }
    order = arr;
  }
  st = { ...st, rng };
  order.forEach((m, i) => {
    const rh = ctx.net.hosts.get(m.host)!;
    st = addBytes(addBytes(st, m.host, 0, ARP_FRAME, 0), host.id, ARP_FRAME, 0, 0);
    const race = order.length > 1;
    st = emit(st, {
      kind: 'arp-reply',
      phase: work.phase,
      place: { kind: 'link', segment: f.segment!, from: { host: m.host, iface: m.id }, to: { host: host.id, iface: f.id } },
      packet: { eth: { src: m.mac, dst: f.mac, type: 'arp' }, arp: { op: 'reply', senderMac: m.mac, senderIp: ip(work.nextHop), targetMac: f.mac, targetIp: ip(sender) }, size: ARP_FRAME },
      severity: race ? 'warning' : 'info',
      narration:
        i === 0
          ? n(`${rh.name} answers: "${ip(work.nextHop)} is at ${m.mac}"${race ? ` — first of ${order.length} answers, so ${H} keeps it` : ''}.`, `${rh.name} 应答：“${ip(work.nextHop)} 在 ${m.mac}”${race ? `——${order.length} 个应答中最先到达，${H} 采用它` : ''}。`)
          : n(`${rh.name} also answers "${ip(work.nextHop)} is at ${m.mac}" (arp_ignore=${m.arpIgnore}); ${H} ignores the later answer, but which host wins is a race.`, `${rh.name} 也应答“${ip(work.nextHop)} 在 ${m.mac}”（arp_ignore=${m.arpIgnore}）；${H} 忽略较晚的应答，但哪台主机胜出取决于竞争。`),
    });
  });
  const winner = order[0]!;
  arp = { ...st.arp, [key]: { ...st.arp[key], [work.nextHop]: winner.mac } };
  // The target learns the requester (the request was for it).
  const wkey = `${winner.host}/${winner.id}`;
  arp = { ...arp, [wkey]: { ...arp[wkey], [sender]: f.mac } };
  st = { ...st, arp };
  if (order.length > 1) {
    st = {
      ...st,
      arpRace: true,
      warnings: [...st.warnings, { fault: 'arp-race', narration: n(`${order.length} hosts answered ARP for ${ip(work.nextHop)} (${order.map((m) => ctx.net.hosts.get(m.host)!.name).join(', ')}); ${ctx.net.hosts.get(winner.host)!.name} won this time (seed ${ctx.seed}).`, `${order.length} 台主机应答了 ${ip(work.nextHop)} 的 ARP（${order.map((m) => ctx.net.hosts.get(m.host)!.name).join('、')}）；这次 ${ctx.net.hosts.get(winner.host)!.name} 胜出（种子 ${ctx.seed}）。`) }],
    };
  }
  return push(st, { op: 'xmit', host: host.id, pkt, phase: work.phase, iface: f.id, dstMac: winner.mac, forwarded: work.forwarded });
}

function rpFilterDrops(host: NetHost, iface: NetIface, src: number): boolean {
  const mode = iface.rpFilter;
  if (mode === 0) return false;
  const r = lookupRoute(host, src);
  if (r.kind === 'unreachable') return true;
  if (mode === 2) return false;
  return r.kind !== 'unicast' || r.route.iface.id !== iface.id;
}

function routeIn(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'route-in' }>, host: NetHost, push: Push): SimState {
  const pkt = work.pkt;
  const hdr = pkt.outer ?? pkt.ip;
  const src = parseIPv4(hdr.src) ?? 0;
  const dst = parseIPv4(hdr.dst) ?? 0;
  const f = ifaceOf(host, work.iface);
  const H = host.name;
  const place = hostPlace(host.id, f.id);
  const r = lookupRoute(host, dst);
  if (r.kind === 'unreachable') {
    return drop(ctx, s, 'no-route', host.id, pkt, work.phase, place, n(`${H} has no route for ${hdr.dst}; the packet is dropped.`, `${H} 没有到 ${hdr.dst} 的路由，包被丢弃。`));
  }
  if (r.kind === 'unicast' && !host.ipForward) {
    const fault: FaultId = 'not-for-this-host';
    return drop(ctx, s, fault, host.id, pkt, work.phase, place, n(`${hdr.dst} is not an address of ${H}, and ${H} does not forward (net.ipv4.ip_forward=0): the packet is dropped.`, `${hdr.dst} 不是 ${H} 的地址，而 ${H} 不转发（net.ipv4.ip_forward=0）：包被丢弃。`));
  }
  // fib_validate_source(): a packet from the network claiming one of our own addresses is a martian.
  if (!work.loopback && host.local.has(src)) {
    return drop(ctx, s, 'martian-source', host.id, pkt, work.phase, place, n(`${H} drops the packet as a martian: its source ${hdr.src} is one of ${H}'s own addresses, which cannot arrive from the network.`, `${H} 把该包当作“火星包”丢弃：源地址 ${hdr.src} 是 ${H} 自己的地址，不可能从网络上收到。`));
  }
  if (!work.loopback && rpFilterDrops(host, f, src)) {
    return drop(ctx, s, 'rp-filter', host.id, pkt, work.phase, place, n(`${H} drops the packet: rp_filter=${f.rpFilter} on ${f.name}, and the route back to ${hdr.src} does not leave by ${f.name}.`, `${H} 丢弃该包：${f.name} 上 rp_filter=${f.rpFilter}，而回到 ${hdr.src} 的路由不从 ${f.name} 出去。`));
  }
  if (r.kind === 'local') {
    const s2 = emit(s, {
      kind: 'route',
      phase: work.phase,
      place,
      pkt,
      route: { result: 'local', route: `local ${hdr.dst} dev ${r.iface.name}`, iface: r.iface.id },
      narration: n(`Routing on ${H}: ${hdr.dst} is a local address (on ${r.iface.name}), so the packet is for this host and goes to INPUT.`, `${H} 查路由：${hdr.dst} 是本机地址（在 ${r.iface.name} 上），包交给本机，进入 INPUT。`),
    });
    return push(s2, { op: 'local-in', host: host.id, pkt, phase: work.phase, iface: f.id });
  }
  if (hdr.ttl <= 1) {
    return drop(ctx, s, 'ttl-exceeded', host.id, pkt, work.phase, place, n(`TTL reached 0 on ${H}: the packet is dropped (ICMP time exceeded) — a routing loop?`, `在 ${H} 上 TTL 减到 0：包被丢弃（ICMP 超时）——是否存在路由环路？`));
  }
  const s2 = emit(s, {
    kind: 'route',
    phase: work.phase,
    place,
    pkt,
    route: { result: 'forward', route: r.route.text, iface: r.route.iface.id, nextHop: ip(r.nextHop) },
    narration: n(`Routing on ${H}: ${hdr.dst} is not local; it matches "${r.route.text}", so ${H} will forward it.`, `${H} 查路由：${hdr.dst} 不是本机地址，匹配 "${r.route.text}"，${H} 将转发它。`),
  });
  return push(s2, { op: 'forward', host: host.id, pkt, phase: work.phase, iface: f.id, out: r.route.iface.id, nextHop: r.nextHop });
}

function localIn(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'local-in' }>, host: NetHost, push: Push): SimState {
  const pkt = work.pkt;
  const H = host.name;
  const isDirReq = host.id === ctx.service.director && work.phase === 'request' && !s.conn && !pkt.outer;
  const letter = isDirReq ? letterFor(ctx, s, 'director-in') : undefined;
  let st = emit(s, {
    kind: 'hook',
    phase: work.phase,
    place: hostPlace(host.id, work.iface),
    pkt,
    hook: 'LOCAL_IN',
    ...(letter ? { letter } : {}),
    narration: isDirReq
      ? n(`The destination ${pkt.ip.dst} is local, so the request goes to the INPUT chain (LOCAL_IN), where IPVS is hooked.`, `目的地址 ${pkt.ip.dst} 是本机地址，请求进入 INPUT 链（LOCAL_IN），IPVS 挂在这里。`)
      : n(`The packet reaches LOCAL_IN on ${H}.`, `包到达 ${H} 的 LOCAL_IN。`),
  });
  if (pkt.outer) {
    const tun = host.ifaces.find((f) => f.kind === 'ipip');
    if (!tun) {
      return drop(ctx, st, 'no-ipip-tunnel', host.id, pkt, work.phase, hostPlace(host.id, work.iface), n(`${H} receives an IPIP packet (protocol 4) but has no tunl0 interface: protocol unreachable, dropped.`, `${H} 收到 IPIP 包（协议号 4），但没有 tunl0 接口：协议不可达，丢弃。`));
    }
    const inner: Pkt = { ip: pkt.ip, l4: pkt.l4, size: pkt.size - IPIP_HEADER };
    const letter2 = letterFor(ctx, st, 'tun-decap');
    st = emit(st, {
      kind: 'decapsulate',
      phase: work.phase,
      place: hostPlace(host.id, tun.id),
      pkt: inner,
      ...(letter2 ? { letter: letter2 } : {}),
      narration: n(`${H} removes the outer IPIP header on ${tun.name}; the inner packet ${pkt.ip.src} → ${pkt.ip.dst} re-enters the stack as if it had arrived on ${tun.name}.`, `${H} 在 ${tun.name} 上剥掉外层 IPIP 头；内层包 ${pkt.ip.src} → ${pkt.ip.dst} 像是从 ${tun.name} 收到的一样重新进入协议栈。`),
    });
    return push(st, { op: 'pre', host: host.id, pkt: inner, phase: work.phase, iface: tun.id, loopback: false });
  }
  // ip_vs_out at LOCAL_IN: a NAT reply addressed to the director itself (client on the director).
  const c = st.conn;
  if (c && host.id === ctx.service.director && work.phase === 'reply' && c.rs.method === 'nat' && pkt.ip.src === c.rs.rip && pkt.l4.sport === rport(ctx, c.rs)) {
    const vport = ctx.dport;
    const p2: Pkt = { ...pkt, ip: { ...pkt.ip, src: ctx.service.vip }, l4: { ...pkt.l4, sport: vport } };
    const nc: Conn = { ...c, state: 'ESTABLISHED' };
    st = { ...emit(st, { kind: 'rewrite', phase: work.phase, place: hostPlace(host.id), pkt: p2, hook: 'LOCAL_IN', conn: connEntry(ctx, nc), narration: n(`IPVS rewrites the reply's source back to ${ctx.service.vip}:${vport} at LOCAL_IN (the client is this host).`, `IPVS 在 LOCAL_IN 把回复的源地址改回 ${ctx.service.vip}:${vport}（客户端就是本机）。`) }), conn: nc };
    return push(st, { op: 'deliver', host: host.id, pkt: p2, phase: work.phase, iface: work.iface });
  }
  const again = st.conn && pkt.ip.src === ip(st.conn.cip) && pkt.l4.sport === st.conn.cport;
  if (work.phase === 'request' && (!st.conn || again) && findService(ctx, host.id, pkt)) return push(st, { op: 'ipvs', host: host.id, pkt, phase: work.phase, iface: work.iface });
  return push(st, { op: 'deliver', host: host.id, pkt, phase: work.phase, iface: work.iface });
}

function ipvs(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'ipvs' }>, host: NetHost, push: Push): SimState {
  const svc = findService(ctx, host.id, work.pkt) ?? ctx.service;
  const pkt = work.pkt;
  const H = host.name;
  const place = hostPlace(host.id, work.iface ?? undefined);
  let rs: RealServer | undefined;
  let reused = false;
  let sched: IpvsScheduler | undefined;
  const existing = s.conn && pkt.ip.src === ip(s.conn.cip) && pkt.l4.sport === s.conn.cport ? s.conn : null;
  if (existing) {
    // ip_vs_in finds the entry and forwards the packet to the same real server again.
    const st0 = emit(s, {
      kind: 'schedule',
      phase: work.phase,
      place,
      packet: null,
      conn: connEntry(ctx, existing),
      severity: 'warning',
      narration: n(`The same request reaches IPVS on ${H} again: it finds the existing connection entry and forwards it to ${hname(ctx, existing.rs.host)} once more — the packet is going round in a loop.`, `同一个请求再次到达 ${H} 上的 IPVS：它找到已有的连接表项，再次转发给 ${hname(ctx, existing.rs.host)}——包在环路中打转。`),
    });
    return forwardTo(ctx, st0, work, host, existing, push);
  }
  if (ctx.flow.realServer !== undefined) {
    rs = svc.realServers.find((r) => r.id === ctx.flow.realServer);
  } else {
    sched = IpvsScheduler.forService(svc, { seed: ctx.seed });
    const caddr = parseIPv4(pkt.ip.src) ?? 0;
    const daddr = parseIPv4(pkt.ip.dst) ?? 0;
    // Earlier, already finished connections of the same client move the cursors and leave a
    // persistence template behind, exactly as on a director that has served them.
    const prior = Math.min(100_000, Math.max(0, Math.trunc(ctx.flow.previousConnections ?? 0)));
    for (let i = 0; i < prior; i++) {
      const p = sched.connect(caddr, 1024 + (i % 64000), daddr, pkt.l4.dport);
      if (p) sched.release(p, false, sched.lastTemplateKey);
    }
    const explained = sched.explain(caddr, pkt.l4.sport, daddr);
    const d = sched.connect(caddr, pkt.l4.sport, daddr, pkt.l4.dport);
    reused = sched.lastFromTemplate;
    rs = d ? svc.realServers.find((r) => r.id === d.id) : undefined;
    if (!rs && (svc.scheduler === 'sh' || svc.scheduler === 'mh' || svc.scheduler === 'dh') && explained.bucket !== undefined && svc.realServers.some((r) => r.weight > 0) && !sched.problem) {
      const flag = svc.scheduler === 'mh' ? 'mh-fallback' : 'sh-fallback';
      const detail = n(
        `The ${svc.scheduler} scheduler hashes this client to bucket ${explained.bucket}, whose real server is quiesced (weight 0) or overloaded${svc.scheduler === 'dh' ? '' : `, and without ${flag} the kernel does not try another one`}: "no destination available", ICMP port unreachable.`,
        `${svc.scheduler} 调度算法把该客户端哈希到第 ${explained.bucket} 个桶，而该桶的真实服务器已静默（权重 0）或过载${svc.scheduler === 'dh' ? '' : `，没有 ${flag} 时内核不会改选其他服务器`}：“no destination available”，ICMP 端口不可达。`,
      );
      const st = emit(s, { kind: 'drop', phase: work.phase, place, pkt, severity: 'error', narration: detail });
      return { ...st, queue: [], outcome: { status: 'broken', fault: 'no-real-server', at: place, stepIndex: st.steps.length - 1, narration: detail } };
    }
  }
  if (!rs) {
    const none = svc.realServers.length === 0;
    const problem = sched?.problem ?? null;
    const fault: FaultId = none || problem || ctx.flow.realServer !== undefined ? 'no-real-server' : 'all-quiesced';
    const detail = problem
      ? n(`IPVS on ${H} cannot use this service: ${problem} (ipvsadm would have refused it).`, `${H} 上的 IPVS 无法使用该服务：${problem}（ipvsadm 会拒绝这样的配置）。`)
      : none
      ? n(`IPVS on ${H} matches the service ${svc.vip}:${svc.port} but it has no real server: "no destination available", the client gets ICMP port unreachable.`, `${H} 上的 IPVS 匹配到服务 ${svc.vip}:${svc.port}，但没有任何真实服务器：“no destination available”，客户端收到 ICMP 端口不可达。`)
      : n(
          `The ${svc.scheduler} scheduler finds no usable real server (every one has weight 0 or is over its connection threshold): "no destination available", the client gets ICMP port unreachable.`,
          `${svc.scheduler} 调度算法找不到可用的真实服务器（权重都为 0 或超过连接上限）：“no destination available”，客户端收到 ICMP 端口不可达。`,
        );
    const st = emit(s, { kind: 'drop', phase: work.phase, place, pkt, severity: 'error', narration: detail });
    return { ...st, queue: [], outcome: { status: 'broken', fault, at: place, stepIndex: st.steps.length - 1, narration: detail } };
  }
  const conn: Conn = { rs, cip: parseIPv4(pkt.ip.src) ?? 0, cport: pkt.l4.sport, state: svc.protocol === 'udp' ? 'UDP' : svc.protocol === 'sctp' ? 'INIT1' : 'SYN_RECV', templateReused: reused };
  const rsHost = hname(ctx, rs.host);
  const warnQuiesced = rs.weight === 0;
  let st: SimState = { ...s, conn };
  st = emit(st, {
    kind: 'schedule',
    phase: work.phase,
    place,
    packet: null,
    conn: connEntry(ctx, conn),
    severity: warnQuiesced ? 'warning' : 'info',
    narration:
      ctx.flow.realServer !== undefined
        ? n(`IPVS matches ${svc.vip}:${svc.port}; the real server ${rsHost} (${rs.rip}) is chosen by hand for this run${warnQuiesced ? ' — its weight is 0, the kernel would never pick it for a new connection' : ''}; a connection entry is created.`, `IPVS 匹配到 ${svc.vip}:${svc.port}；本次手动选择真实服务器 ${rsHost}（${rs.rip}）${warnQuiesced ? '——它的权重为 0，内核不会为新连接选它' : ''}；创建连接表项。`)
        : n(`IPVS matches the virtual service ${svc.vip}:${svc.port}; the ${svc.scheduler} scheduler picks ${rsHost} (${rs.rip}, ${methodName(rs.method)})${reused ? ' from the persistence template' : ''} and records the connection.`, `IPVS 匹配到虚拟服务 ${svc.vip}:${svc.port}；${svc.scheduler} 调度算法选中 ${rsHost}（${rs.rip}，${methodName(rs.method)}）${reused ? '（来自持久化模板）' : ''}，并记录该连接。`),
  });
  return forwardTo(ctx, st, work, host, conn, push);
}

/** IPVS transmits the request to the connection's real server by its forwarding method. */
function forwardTo(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'ipvs' }>, host: NetHost, conn: Conn, push: Push): SimState {
  const H = host.name;
  const place = hostPlace(host.id, work.iface ?? undefined);
  const rs = conn.rs;
  let st = s;
  const letter = letterFor(ctx, st, 'ipvs-rewrite');
  const rip = parseIPv4(rs.rip) ?? 0;
  // __ip_vs_get_out_rt() decrements the TTL of every packet it sends to a non-local real server
  // (NAT, DR and TUN alike; TUN before encapsulating, so the outer header inherits it).
  const toLocal = lookupRoute(host, rip).kind === 'local';
  if (!toLocal && work.pkt.ip.ttl <= 1) {
    return drop(ctx, st, 'ttl-exceeded', host.id, work.pkt, work.phase, place, n(`The request reaches IPVS on ${H} with TTL ${work.pkt.ip.ttl}: IPVS would have to lower it to 0, so it drops the packet (ICMP time exceeded).`, `请求到达 ${H} 的 IPVS 时 TTL 为 ${work.pkt.ip.ttl}：IPVS 需要把它减到 0，于是丢弃该包（ICMP 超时）。`));
  }
  const pkt: Pkt = toLocal ? work.pkt : { ...work.pkt, ip: { ...work.pkt.ip, ttl: work.pkt.ip.ttl - 1 } };
  if (rs.method === 'nat') {
    const p2: Pkt = { ...pkt, ip: { ...pkt.ip, dst: rs.rip }, l4: { ...pkt.l4, dport: rport(ctx, rs) } };
    st = emit(st, {
      kind: 'rewrite',
      phase: work.phase,
      place,
      pkt: p2,
      hook: work.iface ? 'LOCAL_IN' : 'LOCAL_OUT',
      conn: connEntry(ctx, conn),
      ...(letter ? { letter } : {}),
      narration: n(`IPVS (NAT) rewrites the destination ${work.pkt.ip.dst}:${pkt.l4.dport} (VIP) to ${rs.rip}:${rport(ctx, rs)} (RIP); the source stays ${pkt.ip.src} (CIP).`, `IPVS（NAT）把目的地址 ${work.pkt.ip.dst}:${pkt.l4.dport}（VIP）改写为 ${rs.rip}:${rport(ctx, rs)}（RIP）；源地址仍是 ${pkt.ip.src}（CIP）。`),
    });
    st = addBytes(st, host.id, 0, 0, pkt.size + ETH_HEADER);
    return push(st, { op: 'route-out', host: host.id, pkt: p2, phase: work.phase, forwarded: false });
  }
  if (rs.method === 'dr') {
    st = emit(st, {
      kind: 'rewrite',
      phase: work.phase,
      place,
      pkt,
      hook: work.iface ? 'LOCAL_IN' : 'LOCAL_OUT',
      conn: connEntry(ctx, conn),
      ...(letter ? { letter } : {}),
      narration: n(`IPVS (DR) leaves the addresses untouched (${pkt.ip.src} → ${pkt.ip.dst}, only the TTL drops by one); it will re-address the frame: source MAC = the director's, destination MAC = ${rs.rip}'s.`, `IPVS（DR）不改地址（${pkt.ip.src} → ${pkt.ip.dst}，只有 TTL 减一）；只重新封装帧：源 MAC 为调度器的，目的 MAC 为 ${rs.rip} 的。`),
    });
    st = addBytes(st, host.id, 0, 0, pkt.size + ETH_HEADER);
    const r = lookupRoute(host, rip);
    if (r.kind === 'unreachable') {
      return drop(ctx, st, 'no-route', host.id, pkt, work.phase, place, n(`${H} has no route to the real server ${rs.rip}.`, `${H} 没有到真实服务器 ${rs.rip} 的路由。`));
    }
    if (r.kind === 'local') {
      st = emit(st, { kind: 'route', phase: work.phase, place, pkt, route: { result: 'local', route: `local ${rs.rip}` }, narration: n(`${rs.rip} is the director itself (LOCALNODE): the request is handed to the local service.`, `${rs.rip} 就是调度器自己（LOCALNODE）：请求交给本机服务。`) });
      return push(st, { op: 'deliver', host: host.id, pkt, phase: work.phase, iface: work.iface ?? r.iface.id });
    }
    // IP_VS_RT_MODE_KNOWN_NH: the next hop is the RIP itself, even when the route has a gateway.
    st = emit(st, {
      kind: 'route',
      phase: work.phase,
      place,
      pkt,
      route: { result: 'output', route: r.route.text, iface: r.route.iface.id, nextHop: rs.rip },
      severity: r.route.via !== null ? 'warning' : 'info',
      narration:
        r.route.via === null
          ? n(`IPVS routes to ${rs.rip}: "${r.route.text}" — on-link, the frame goes straight to the real server's MAC.`, `IPVS 查到 ${rs.rip} 的路由："${r.route.text}"——同一链路，帧直接发往真实服务器的 MAC。`)
          : n(`IPVS routes to ${rs.rip} by "${r.route.text}", but DR needs the RIP itself as next hop: it asks for ${rs.rip}'s MAC on ${r.route.iface.name}, where ${rs.rip} is not.`, `IPVS 通过 "${r.route.text}" 路由到 ${rs.rip}，但 DR 要求下一跳就是 RIP 本身：它在 ${r.route.iface.name} 上询问 ${rs.rip} 的 MAC，而 ${rs.rip} 不在那里。`),
    });
    return push(st, { op: 'post', host: host.id, pkt, phase: work.phase, iface: r.route.iface.id, nextHop: rip, forwarded: false, knownNh: true });
  }
  // TUN: push an outer IPv4 header, source = the director's route source towards the RIP.
  const r = lookupRoute(host, rip);
  const outerSrc = r.kind === 'unicast' && r.src !== null ? ip(r.src) : r.kind === 'local' ? rs.rip : ip(host.ifaces.find((f) => f.addresses.length > 0)?.addresses[0]?.value ?? 0);
  const p2: Pkt = { ...pkt, outer: { src: outerSrc, dst: rs.rip, ttl: pkt.ip.ttl, protocol: 'ipip' }, size: pkt.size + IPIP_HEADER };
  const letterT = letterFor(ctx, st, 'tun-encap');
  st = emit(st, {
    kind: 'encapsulate',
    phase: work.phase,
    place,
    pkt: p2,
    hook: work.iface ? 'LOCAL_IN' : 'LOCAL_OUT',
    conn: connEntry(ctx, conn),
    ...(letterT ? { letter: letterT } : {}),
    narration: n(`IPVS (TUN) wraps the request in a new IP header (IPIP, protocol 4): outer source ${outerSrc} (DIP), outer destination ${rs.rip} (RIP); inside, ${pkt.ip.src} → ${pkt.ip.dst} is unchanged.`, `IPVS（TUN）给请求再加一层 IP 头（IPIP，协议号 4）：外层源 ${outerSrc}（DIP），外层目的 ${rs.rip}（RIP）；内层 ${pkt.ip.src} → ${pkt.ip.dst} 不变。`),
  });
  st = addBytes(st, host.id, 0, 0, p2.size + ETH_HEADER);
  return push(st, { op: 'route-out', host: host.id, pkt: p2, phase: work.phase, forwarded: false });
}

function deliver(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'deliver' }>, host: NetHost, push: Push): SimState {
  const pkt = work.pkt;
  const H = host.name;
  const place = hostPlace(host.id, work.iface);
  const svc = ctx.service;
  if (work.phase === 'request') {
    const serving = svc.realServers.find((r) => r.host === host.id && (r.port === pkt.l4.dport || r.port === 0));
    if (!serving) {
      return drop(ctx, s, 'no-listener', host.id, pkt, work.phase, place, n(`${H} accepts ${pkt.ip.dst} as a local address but runs no server on port ${pkt.l4.dport} for this service: it answers with a TCP reset.`, `${H} 把 ${pkt.ip.dst} 当作本机地址接收，但没有为该服务在端口 ${pkt.l4.dport} 上运行服务：回以 TCP RST。`));
    }
    const where = host.local.get(parseIPv4(pkt.ip.dst) ?? 0);
    const st = emit(s, {
      kind: 'deliver',
      phase: work.phase,
      place,
      pkt,
      narration: n(`${H} hands the request to its server on port ${pkt.l4.dport}: ${pkt.ip.dst} is its own address${where ? ` (on ${where.name})` : ''}.`, `${H} 把请求交给端口 ${pkt.l4.dport} 上的服务：${pkt.ip.dst} 是它自己的地址${where ? `（在 ${where.name} 上）` : ''}。`),
    });
    const reply: Pkt = { ip: { src: pkt.ip.dst, dst: pkt.ip.src, ttl: 64, protocol: pkt.ip.protocol }, l4: { protocol: pkt.l4.protocol, sport: pkt.l4.dport, dport: pkt.l4.sport, segment: 'response' }, size: ctx.replyBytes };
    return push(st, { op: 'originate', host: host.id, pkt: reply, phase: 'reply' });
  }
  const vport = ctx.dport;
  const expected = host.id === ctx.client.id && pkt.ip.dst === ip(ctx.cip) && pkt.l4.dport === ctx.sport && pkt.ip.src === svc.vip && pkt.l4.sport === vport;
  if (!expected) {
    const why =
      host.id !== ctx.client.id
        ? n(`The reply ends at ${H}, which is not the client: it is addressed to ${pkt.ip.dst}, an address of ${H}. ${H} has no such connection and drops it.`, `回复到达 ${H}，而它不是客户端：回复发往 ${pkt.ip.dst}，这是 ${H} 的地址。${H} 没有这个连接，丢弃它。`)
        : n(`${H} receives a reply from ${pkt.ip.src}:${pkt.l4.sport}, but it opened its connection to ${svc.vip}:${vport}; no socket matches, so the kernel answers with a reset and the request fails.`, `${H} 收到来自 ${pkt.ip.src}:${pkt.l4.sport} 的回复，但它连接的是 ${svc.vip}:${vport}；没有匹配的套接字，内核回以 RST，请求失败。`);
    return drop(ctx, s, 'unexpected-reply', host.id, pkt, work.phase, place, why);
  }
  const letter = letterFor(ctx, s, 'client-deliver');
  const st = emit(s, {
    kind: 'deliver',
    phase: work.phase,
    place,
    pkt,
    ...(letter ? { letter } : {}),
    narration: n(`${H} receives the reply from ${pkt.ip.src}:${pkt.l4.sport} — exactly the address it called — and the connection completes.`, `${H} 收到来自 ${pkt.ip.src}:${pkt.l4.sport} 的回复——正是它访问的地址——连接完成。`),
  });
  return { ...st, queue: [] };
}

// ------------------------------------------------------------------------------------------------
// Entry points

/** Resolves `flow.service` (an id or `VIP:PORT`) in the topology. */
export function resolveService(topology: Topology, ref: string): VirtualService | undefined {
  const byId = topology.services.find((s) => s.id === ref);
  if (byId) return byId;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(ref.trim());
  if (!m) return undefined;
  return topology.services.find((s) => s.vip === m[1] && s.port === Number(m[2]) && s.protocol !== 'fwmark') ?? topology.services.find((s) => s.vip === m[1] && s.port === Number(m[2]));
}

function broken(flow: Flow, seed: number, fault: FaultId, narration: Narration): Trace {
  return { flow, seed, steps: [], outcome: { status: 'broken', fault, at: { kind: 'host', host: flow.client }, narration }, warnings: [], bytes: [] };
}

/**
 * Prepares the context and the initial state of a simulation, or explains why it cannot start
 * (unknown client or service, client without an address). Exposed for step-by-step playback.
 */
export function prepare(topology: Topology | Network, flow: Flow, options: SimulateOptions = {}): { ctx: SimContext; state: SimState } | { error: Trace } {
  const net = 'hosts' in topology && topology.hosts instanceof Map ? (topology as Network) : compileNetwork(topology as Topology);
  const seed = (options.seed ?? 1) >>> 0;
  const service = resolveService(net.topology, flow.service);
  if (!service) return { error: broken(flow, seed, 'no-service', n(`There is no virtual service "${flow.service}" in this design.`, `设计中没有虚拟服务 "${flow.service}"。`)) };
  const client = net.hosts.get(flow.client);
  if (!client) return { error: broken(flow, seed, 'no-service', n(`There is no host "${flow.client}" in this design.`, `设计中没有主机 "${flow.client}"。`)) };
  const vip = parseIPv4(service.vip);
  if (vip === null) return { error: broken(flow, seed, 'no-service', n(`The service VIP "${service.vip}" is not a valid IPv4 address.`, `服务 VIP "${service.vip}" 不是合法的 IPv4 地址。`)) };
  let rng = seed ^ 0x9e3779b9;
  let sport = flow.sport;
  if (sport === undefined || !Number.isInteger(sport) || sport < 1 || sport > 65535) {
    const r = nextRand(rng);
    rng = r.state;
    sport = 32768 + (r.value % (60999 - 32768 + 1));
  }
  const r = lookupRoute(client, vip);
  const cip = r.kind === 'local' ? vip : r.kind === 'unicast' ? r.src : null;
  if (cip === null) {
    return { error: broken(flow, seed, 'no-route', n(`${client.name} has no route to ${service.vip}: it needs an address on the VIP's subnet or a default gateway.`, `${client.name} 没有到 ${service.vip} 的路由：它需要 VIP 所在子网的地址或默认网关。`)) };
  }
  const protocol = service.protocol === 'fwmark' ? 'tcp' : service.protocol;
  const dport = service.port === 0 ? (flow.dport !== undefined && Number.isInteger(flow.dport) && flow.dport >= 1 && flow.dport <= 65535 ? flow.dport : 80) : service.port;
  const ctx: SimContext = { net, flow, service, vip, client, cip, sport, dport, seed, replyBytes: Math.max(40, Math.trunc(flow.replyBytes ?? 10240)) };
  const req: Pkt = { ip: { src: ip(cip), dst: service.vip, ttl: 64, protocol }, l4: { protocol, sport, dport, segment: 'request' }, size: Math.max(40, Math.trunc(flow.requestBytes ?? 100)) };
  const state: SimState = { queue: [{ op: 'originate', host: client.id, pkt: req, phase: 'request' }], steps: [], arp: {}, conn: null, outcome: null, warnings: [], bytes: {}, rng, last: {}, letters: [], arpRace: false };
  return { ctx, state };
}

/** Turns a finished state into the public {@link Trace}. */
export function finish(ctx: SimContext, state: SimState): Trace {
  let outcome = state.outcome;
  const vport = ctx.dport;
  if (!outcome) {
    const last = state.steps[state.steps.length - 1];
    const delivered = last?.kind === 'deliver' && last.phase === 'reply';
    if (!delivered) {
      const at = last?.place ?? { kind: 'host' as const, host: ctx.client.id };
      const detail = n(`The simulation stopped after ${state.steps.length} steps without finishing — the packet is probably looping.`, `模拟在 ${state.steps.length} 步后停止仍未结束——包可能在环路中循环。`);
      const fault = classify(ctx, state, 'step-limit', at.kind === 'host' ? at.host : at.from.host, null, last?.phase ?? 'request');
      outcome = { status: 'broken', fault, at, narration: explain(ctx, state, fault, detail) };
    } else if (!state.conn) {
      const fault: FaultId = state.arpRace ? 'arp-race' : 'vip-not-on-director';
      const detail = n(`The client got an answer, but the request never passed through IPVS on the director: a real server took the VIP's traffic directly, so there is no load balancing.`, `客户端得到了回复，但请求从未经过调度器上的 IPVS：真实服务器直接接收了 VIP 的流量，没有负载均衡。`);
      outcome = { status: 'broken', fault, at: last.place, narration: explain(ctx, state, fault, detail) };
    } else {
      const rs = state.conn.rs;
      outcome = {
        status: 'ok',
        narration: n(
          `LVS-${methodName(rs.method)} works: ${ctx.client.name} talked to ${ctx.service.vip}:${vport} and ${hname(ctx, rs.host)} (${rs.rip}) answered${rs.method === 'nat' ? ' through the director' : ' directly, without passing the director'}.`,
          `LVS-${methodName(rs.method)} 工作正常：${ctx.client.name} 访问 ${ctx.service.vip}:${vport}，由 ${hname(ctx, rs.host)}（${rs.rip}）${rs.method === 'nat' ? '经调度器' : '直接（不经过调度器）'}回复。`,
        ),
      };
    }
  }
  const bytes: HostBytes[] = Object.entries(state.bytes).map(([host, b]) => ({ host, ...b }));
  const conn = state.conn ? connEntry(ctx, state.conn) : undefined;
  return {
    flow: ctx.flow,
    seed: ctx.seed,
    service: { id: ctx.service.id, vip: ctx.service.vip, port: ctx.service.port, protocol: ctx.service.protocol, scheduler: ctx.service.scheduler },
    ...(state.conn ? { method: state.conn.rs.method, realServer: state.conn.rs.id } : {}),
    steps: state.steps,
    outcome,
    warnings: state.warnings,
    ...(conn ? { conn } : {}),
    bytes,
  };
}

/**
 * Simulates one request and its reply from `flow.client` to `flow.service` through the designed
 * network and returns every step. Pure and deterministic for a given `seed`.
 * @example simulate(topology, { client: 'client', service: '172.16.111.123:80' }, { seed: 1 })
 */
export function simulate(topology: Topology | Network, flow: Flow, options: SimulateOptions = {}): Trace {
  const p = prepare(topology, flow, options);
  if ('error' in p) return p.error;
  const maxSteps = Math.max(10, options.maxSteps ?? 1000);
  let state = p.state;
  while (state.queue.length > 0 && !state.outcome && state.steps.length < maxSteps) state = step(state, p.ctx);
  return finish(p.ctx, state);
}

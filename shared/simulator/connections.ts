/**
 * Scheduler simulation over time: many connections arriving at a virtual service, each bound to the
 * real server the kernel's scheduler picks, living through the IPVS states (new → ESTABLISHED →
 * FIN/TIME_WAIT → expired), with weight changes or drains during the run. Deterministic (seeded).
 */
import type { Persistence, RealServerId, Scheduler, ServiceId, Topology, VirtualService } from '../model/types.ts';
import { parseIPv4 } from '../addressing/ipv4.ts';
import { createRng } from './rng.ts';
import type { DestView } from './schedulers/index.ts';
import { IpvsScheduler } from './schedulers/index.ts';
import { resolveService } from './service.ts';

/** A change during the run, applied at time `at` (seconds). */
export interface WorkloadEvent {
  readonly at: number;
  readonly realServer: RealServerId;
  /** New weight; 0 drains (quiesces) the server. */
  readonly weight?: number;
  readonly upperThreshold?: number;
  readonly lowerThreshold?: number;
}

/** What traffic to simulate. */
export interface Workload {
  /** Number of connections (1 .. 10,000,000). */
  readonly connections: number;
  /** Client addresses, or how many distinct clients (generated from 10.0.0.1 up). 100 when absent. */
  readonly clients?: readonly string[] | number;
  /** How clients are chosen for each connection: in turn, or at random (seeded). `cycle` by default. */
  readonly clientOrder?: 'cycle' | 'random';
  /** Destination addresses for dh/lblc/lblcr (cache clusters); the VIP when absent. */
  readonly destinations?: readonly string[];
  /** New connections per second. 100 by default. */
  readonly ratePerSecond?: number;
  /** `uniform` spacing or `poisson` arrivals. `uniform` by default. */
  readonly arrival?: 'uniform' | 'poisson';
  /** Seconds a TCP connection stays ESTABLISHED (active): a number, or a seeded uniform range. 10 by default. */
  readonly activeSeconds?: number | { readonly min: number; readonly max: number };
  /**
   * Seconds between a TCP connection's first packet and ESTABLISHED (the handshake). Until then the
   * kernel counts it in InActConn. 0 by default (established at once).
   */
  readonly synSeconds?: number;
  /** Seconds a closed TCP connection lingers in InActConn (IPVS `tcpfin` timeout). 120 by default. */
  readonly finSeconds?: number;
  /** Seconds a UDP connection lives after its last packet (IPVS `udp` timeout). 300 by default. */
  readonly udpSeconds?: number;
  /** Overrides the service protocol: UDP connections never become active. */
  readonly protocol?: 'tcp' | 'udp';
  /** Number of timeline samples. 50 by default. */
  readonly samples?: number;
  /** How many assignments to return in order. 100 by default. */
  readonly recordAssignments?: number;
  readonly seed?: number;
  readonly events?: readonly WorkloadEvent[];
}

/** Per-real-server totals of a run. */
export interface ServerTotal {
  readonly realServer: RealServerId;
  readonly rip: string;
  /** Connections scheduled to it. */
  readonly connections: number;
  /** Share of all scheduled connections, 0..100. */
  readonly percent: number;
  /** Most simultaneous active connections seen at a sample. */
  readonly peakActive: number;
}

/** One sample of the counters, per real server in **design order**. */
export interface TimelineSample {
  readonly t: number;
  readonly active: readonly number[];
  readonly inactive: readonly number[];
}

/** Result of {@link simulateConnections}. */
export interface ConnectionsResult {
  readonly service: ServiceId;
  readonly scheduler: string;
  /** Real-server ids in design order (the order of the timeline arrays). */
  readonly realServers: readonly RealServerId[];
  /** Real-server ids in the kernel's list order (newest first). */
  readonly kernelOrder: readonly RealServerId[];
  readonly totals: readonly ServerTotal[];
  /** Connections the kernel refused ("no destination available"). */
  readonly unscheduled: number;
  /** The first assignments (real-server id, or null when refused). */
  readonly assignments: readonly (RealServerId | null)[];
  readonly timeline: readonly TimelineSample[];
  /** Simulated time span in seconds. */
  readonly duration: number;
}

/** A binary min-heap of (time, payload) in typed arrays: no allocation per event. */
class EventHeap {
  private t: Float64Array;
  private p: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.t = new Float64Array(Math.max(16, capacity));
    this.p = new Int32Array(Math.max(16, capacity));
  }
  push(time: number, payload: number): void {
    if (this.size === this.t.length) {
      const t = new Float64Array(this.size * 2);
      t.set(this.t);
      const p = new Int32Array(this.size * 2);
      p.set(this.p);
      this.t = t;
      this.p = p;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.t[parent]! <= time) break;
      this.t[i] = this.t[parent]!;
      this.p[i] = this.p[parent]!;
      i = parent;
    }
    this.t[i] = time;
    this.p[i] = payload;
  }
  peekTime(): number {
    return this.size > 0 ? this.t[0]! : Infinity;
  }
  /** Removes the minimum; returns its payload. */
  pop(): number {
    const top = this.p[0]!;
    const n = --this.size;
    if (n > 0) {
      const lt = this.t[n]!;
      const lp = this.p[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.t[c + 1]! < this.t[c]!) c++;
        if (this.t[c]! >= lt) break;
        this.t[i] = this.t[c]!;
        this.p[i] = this.p[c]!;
        i = c;
      }
      this.t[i] = lt;
      this.p[i] = lp;
    }
    return top;
  }
}

const END_ACTIVE = 0;
const EXPIRE = 1;
const ESTABLISH = 2;

/** Kernel timeouts of a {@link ConnectionTable} (seconds; `ipvsadm --set tcp tcpfin udp`, `synSeconds` = handshake time). */
export interface ConnectionTimeouts {
  /** UDP: a connection lives `udpSeconds` after its (only) packet and never becomes active. */
  readonly udp?: boolean;
  /** Handshake time: until then a TCP connection counts in InActConn (SYN_RECV). 0 by default. */
  readonly synSeconds?: number;
  /** How long a closed TCP connection stays in InActConn (FIN_WAIT/TIME_WAIT, IPVS `tcpfin`). 120 by default. */
  readonly finSeconds?: number;
  /** UDP connection lifetime (IPVS `udp` timeout). 300 by default. */
  readonly udpSeconds?: number;
}

/** One connection of a {@link ConnectionTable} as the playground shows it. */
export interface ConnectionView {
  readonly index: number;
  readonly realServer: RealServerId;
  readonly client: number;
  /** `SYN_RECV` (handshake), `ESTABLISHED` (ActiveConn), `FIN_WAIT` (closed, in InActConn until it expires), `UDP`. */
  readonly state: 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'UDP';
  /** When the connection's current state ends (seconds of simulated time). */
  readonly until: number;
}

/**
 * The IPVS connection table over simulated time, stepwise: connections are {@link open}ed on the
 * scheduler, move SYN_RECV → ESTABLISHED (ActiveConn) → closed (InActConn for `finSeconds`) → gone,
 * exactly as the kernel's counters move, and {@link advance} runs every timer that is due. The
 * scheduler itself is reachable ({@link sched}) for weight changes, drains and thresholds.
 * {@link simulateConnections}, `lvsd simulate --previous` and the classroom playground all use it,
 * so the three give the same answer.
 */
export class ConnectionTable {
  readonly sched: IpvsScheduler;
  private readonly udp: boolean;
  private readonly fin: number;
  private readonly syn: number;
  private readonly udpT: number;
  private dest: (DestView | null)[] = [];
  private template: number[] = [];
  /** 0 SYN_RECV, 1 ESTABLISHED, 2 closed (FIN_WAIT/TIME_WAIT), 3 UDP. */
  private state: number[] = [];
  private life: number[] = [];
  private client: number[] = [];
  private until: number[] = [];
  private readonly heap: EventHeap;
  private live = 0;
  /** No live entry below this index (advanced lazily by {@link expireDest}). */
  private oldest = 0;

  constructor(sched: IpvsScheduler, timeouts: ConnectionTimeouts = {}, capacity = 16) {
    this.sched = sched;
    this.udp = timeouts.udp ?? false;
    this.fin = Math.max(0, timeouts.finSeconds ?? 120);
    this.syn = Math.max(0, timeouts.synSeconds ?? 0);
    this.udpT = Math.max(0, timeouts.udpSeconds ?? 300);
    this.heap = new EventHeap(capacity);
  }

  /** Simulated time of the next due timer (Infinity when none). */
  nextTimer(): number {
    return this.heap.peekTime();
  }

  /** Runs the next timer (sets the scheduler's clock to its time). */
  fireNext(): void {
    const m = this.heap.peekTime();
    if (m === Infinity) return;
    this.sched.now = m;
    const payload = this.heap.pop();
    const i = payload >>> 2;
    const d = this.dest[i];
    // A connection expired early (expireDest) leaves its timer behind: nothing to do.
    if (!d) return;
    const kind = payload & 3;
    if (kind === ESTABLISH) {
      this.sched.establish(d);
      this.state[i] = 1;
      this.until[i] = m + this.life[i]!;
      this.heap.push(this.until[i]!, (i << 2) | END_ACTIVE);
    } else if (kind === END_ACTIVE) {
      this.sched.deactivate(d);
      this.state[i] = 2;
      this.until[i] = m + this.fin;
      this.heap.push(this.until[i]!, (i << 2) | EXPIRE);
    } else {
      this.sched.release(d, this.state[i] === 1, this.template[i]!);
      this.state[i] = 2;
      this.dest[i] = null;
      this.live--;
    }
  }

  /** Runs every timer due at or before `t` and sets the clock to `t`. */
  advance(t: number): void {
    while (this.heap.peekTime() <= t) this.fireNext();
    this.sched.now = t;
  }

  /**
   * A new connection at time `t` (the clock must already be there): the scheduler picks a real server;
   * `lifeSeconds` (asked only when one was picked) is how long it stays ESTABLISHED. Returns the real
   * server, or null when the kernel would answer "no destination available".
   */
  open(t: number, caddr: number, cport: number, daddr: number, dport: number, lifeSeconds: () => number): DestView | null {
    const d = this.sched.connect(caddr, cport, daddr, dport);
    if (!d) return null;
    const i = this.dest.length;
    this.dest.push(d);
    this.template.push(this.sched.lastTemplateKey);
    this.client.push(caddr);
    this.state.push(this.udp ? 3 : 0);
    this.live++;
    if (this.udp) {
      this.life.push(0);
      this.until.push(t + this.udpT);
      this.heap.push(t + this.udpT, (i << 2) | EXPIRE);
      return d;
    }
    const life = lifeSeconds();
    this.life.push(life);
    if (this.syn > 0) {
      this.until.push(t + this.syn);
      this.heap.push(t + this.syn, (i << 2) | ESTABLISH);
    } else {
      this.sched.establish(d);
      this.state[i] = 1;
      this.until.push(t + life);
      this.heap.push(t + life, (i << 2) | END_ACTIVE);
    }
    return d;
  }

  /**
   * Expires every connection whose server is `id` at once, as `expire_nodest_conn=1` does when the
   * server is deleted (kernel ≥ 5.9 queues `ip_vs_expire_nodest_conn_flush` on the deletion; older
   * kernels expired an entry when its next packet came). Returns how many went.
   */
  expireDest(id: RealServerId): number {
    let n = 0;
    // Everything before the oldest live entry is gone: skip it (the scan covers only the live window).
    while (this.oldest < this.dest.length && !this.dest[this.oldest]) this.oldest++;
    for (let i = this.oldest; i < this.dest.length; i++) {
      const d = this.dest[i];
      if (!d || d.id !== id) continue;
      this.sched.release(d, this.state[i] === 1, this.template[i]!);
      this.dest[i] = null;
      this.live--;
      n++;
    }
    return n;
  }

  /** Connections still in the table (any state). */
  get size(): number {
    return this.live;
  }

  /** Every connection still in the table, oldest first. */
  connections(): ConnectionView[] {
    const out: ConnectionView[] = [];
    for (let i = 0; i < this.dest.length; i++) {
      const d = this.dest[i];
      if (!d) continue;
      const state = STATE_NAMES[this.state[i]!]!;
      out.push({ index: i, realServer: d.id, client: this.client[i]!, state, until: this.until[i]! });
    }
    return out;
  }
}

const STATE_NAMES: readonly ConnectionView['state'][] = ['SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'UDP'];

/** Options of a {@link ServiceRun}. */
export interface ServiceRunOptions {
  /** New connections per second. */
  readonly ratePerSecond: number;
  /** Seconds each TCP connection stays ESTABLISHED. */
  readonly activeSeconds: number;
  /** IPVS `tcpfin` timeout: seconds a closed connection stays in InActConn. 120 (the kernel's) by default. */
  readonly finSeconds?: number;
  /** Distinct clients, used in turn from 10.0.0.1. 50 by default. */
  readonly clients?: number;
  /** Overrides the service's persistence (`null` = none). */
  readonly persistence?: Persistence | null;
  readonly seed?: number;
}

/** One change during a {@link ServiceRun}, for the event list. */
export type RunEvent =
  | { readonly t: number; readonly kind: 'weight'; readonly realServer: RealServerId; readonly from: number; readonly to: number }
  | { readonly t: number; readonly kind: 'scheduler'; readonly from: Scheduler; readonly to: Scheduler };

/** Counters of every real server (design order) at one moment of a {@link ServiceRun}. */
export interface RunSample {
  readonly t: number;
  readonly active: readonly number[];
  readonly inactive: readonly number[];
}

/**
 * A virtual service under live traffic, stepwise — the classroom's scheduler playground: arrivals at
 * a rate, each connection ESTABLISHED for `activeSeconds`, then in InActConn for the FIN timeout,
 * then gone; weight changes, drains and a scheduler switch (`ipvsadm -E -s`) at any moment. Time
 * only moves when the caller {@link advance}s it, so a UI can run it on animation frames and a test
 * can run it exactly.
 */
export class ServiceRun {
  readonly service: VirtualService;
  readonly table: ConnectionTable;
  now = 0;
  sent = 0;
  refused = 0;
  private nextAt = 0;
  private rate: number;
  private life: number;
  private readonly clients: number;
  private readonly vip: number;
  readonly assigned = new Map<RealServerId, number>();
  /** The latest assignments, newest first (at most 12): connection number and real server (null = refused). */
  recent: { readonly n: number; readonly realServer: RealServerId | null }[] = [];
  readonly events: RunEvent[] = [];
  samples: RunSample[] = [];

  constructor(service: VirtualService, options: ServiceRunOptions) {
    const persistence = options.persistence === undefined ? service.persistence : (options.persistence ?? undefined);
    const { persistence: _ignored, ...rest } = service;
    void _ignored;
    this.service = persistence ? { ...rest, persistence } : rest;
    const sched = IpvsScheduler.forService(this.service, { seed: options.seed ?? 1 });
    this.table = new ConnectionTable(sched, { udp: service.protocol === 'udp', finSeconds: options.finSeconds ?? 120 });
    this.rate = Math.max(0.01, options.ratePerSecond);
    this.life = Math.max(0, options.activeSeconds);
    this.clients = Math.max(1, Math.trunc(options.clients ?? 50));
    this.vip = (parseIPv4(service.vip) ?? 0) >>> 0;
    this.sample();
  }

  /** The scheduler (its destinations carry ActiveConn/InActConn/PersistConn). */
  get sched(): IpvsScheduler {
    return this.table.sched;
  }

  /** When the next connection arrives (if fewer than the limit were sent). */
  get nextArrivalAt(): number {
    return Math.max(this.nextAt, this.now);
  }

  setRate(perSecond: number): void {
    this.rate = Math.max(0.01, perSecond);
  }

  setActiveSeconds(seconds: number): void {
    this.life = Math.max(0, seconds);
  }

  /** Client `i` of the run (10.0.0.1, 10.0.0.2, …). */
  static clientAddress(i: number): number {
    return (0x0a000001 + i) >>> 0;
  }

  /**
   * Moves the clock to `until`: sends the arrivals due (while fewer than `limit` were sent) and runs
   * the connection timers, all in time order.
   */
  advance(until: number, limit = Infinity): void {
    for (;;) {
      const nextSend = this.sent < limit ? Math.max(this.nextAt, this.now) : Infinity;
      const nextTimer = this.table.nextTimer();
      const next = Math.min(nextSend, nextTimer);
      if (next > until || next === Infinity) break;
      if (nextTimer <= nextSend) {
        this.table.fireNext();
        this.now = nextTimer;
      } else this.arrive(next);
      this.sample();
    }
    this.now = Math.max(this.now, until);
    this.table.advance(this.now);
    this.sample();
  }

  /** Sends arrivals until `limit` were sent, moving the clock to each one exactly. */
  sendUpTo(limit: number): void {
    while (this.sent < limit) this.advance(Math.max(this.now, this.nextAt), limit);
  }

  private arrive(t: number): void {
    this.now = t;
    this.table.advance(t);
    const n = this.sent++;
    this.nextAt = t + 1 / this.rate;
    const d = this.table.open(t, ServiceRun.clientAddress(n % this.clients), 40000 + (n % 20000), this.vip, this.service.port, () => this.life);
    if (!d) this.refused++;
    else this.assigned.set(d.id, (this.assigned.get(d.id) ?? 0) + 1);
    this.recent = [{ n: n + 1, realServer: d?.id ?? null }, ...this.recent].slice(0, 12);
  }

  /** `ipvsadm -e -w`: 0 drains (quiesces) the server; its connections continue. */
  setWeight(id: RealServerId, weight: number): void {
    const d = this.sched.dest(id);
    if (!d || !Number.isFinite(weight)) return;
    const to = Math.max(0, Math.min(65535, Math.trunc(weight)));
    if (to === d.weight) return;
    this.events.push({ t: this.now, kind: 'weight', realServer: id, from: d.weight, to });
    this.sched.setWeight(id, to);
  }

  drain(id: RealServerId): void {
    this.setWeight(id, 0);
  }

  /** `ipvsadm -E -s NAME`: another algorithm from now on; connections, counters and templates stay. */
  setScheduler(name: Scheduler): void {
    const from = this.sched.name;
    if (from === name) return;
    this.events.push({ t: this.now, kind: 'scheduler', from, to: name });
    this.sched.setScheduler(name);
  }

  /** No connection left in the table. */
  get idle(): boolean {
    return this.table.size === 0;
  }

  private sample(): void {
    const last = this.samples[this.samples.length - 1];
    if (last && this.now - last.t < 0.1) return;
    const ds = this.service.realServers.map((r) => this.sched.dest(r.id));
    this.samples.push({ t: this.now, active: ds.map((d) => d?.active ?? 0), inactive: ds.map((d) => d?.inactive ?? 0) });
    // Long runs keep every other sample: the chart stays light, its shape stays.
    if (this.samples.length > 400) this.samples = this.samples.filter((_, i) => i % 2 === 0 || i === this.samples.length - 1);
  }
}

/** New connections per second when none is given (`lvsd schedule --rate`, `lvsd simulate --previous`). */
export const DEFAULT_RATE_PER_SECOND = 100;

/**
 * Replays `count` earlier connections of one client on `table`: they arrive `1/ratePerSecond` apart
 * and close at once — what `lvsd schedule --active 0` models — and the clock is left at the moment
 * the next connection arrives. As in the kernel, the closed ones still count in InActConn until their
 * `finSeconds` (TCP) or `udpSeconds` run out, so lc/wlc/sed/nq see them; rr/wrr cursors have moved
 * on and a persistence template is alive. `lvsd simulate --previous N` uses it.
 */
export function replayClosedConnections(
  table: ConnectionTable,
  client: { readonly caddr: number; readonly daddr: number; readonly dport: number },
  count: number,
  ratePerSecond = DEFAULT_RATE_PER_SECOND,
): number {
  for (let i = 0; i < count; i++) {
    const t = i / ratePerSecond;
    table.advance(t);
    table.open(t, client.caddr, 1024 + (i % 64000), client.daddr, client.dport, () => 0);
  }
  const next = count / ratePerSecond;
  table.advance(next);
  return next;
}

/**
 * Runs `workload` against the scheduler of `serviceId` (an id or `VIP:PORT`) and reports how the
 * kernel would spread the connections. Throws on an unknown service or a nonsensical workload.
 * @example simulateConnections(t, 'web', { connections: 1000, activeSeconds: { min: 1, max: 60 } })
 */
export function simulateConnections(topology: Topology, serviceId: ServiceId, workload: Workload): ConnectionsResult {
  const svc = resolveService(topology, serviceId);
  if (!svc) throw new Error(`no virtual service "${serviceId}"`);
  const N = Math.trunc(workload.connections);
  if (!Number.isFinite(N) || N < 0 || N > 10_000_000) throw new Error('connections must be between 0 and 10,000,000');
  const rate = workload.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
  if (!(rate > 0)) throw new Error('ratePerSecond must be positive');
  const rng = createRng(workload.seed ?? 1);
  const sched = IpvsScheduler.forService(svc, { rng });
  const udp = (workload.protocol ?? (svc.protocol === 'udp' ? 'udp' : 'tcp')) === 'udp';
  const fin = Math.max(0, workload.finSeconds ?? 120);
  const syn = Math.max(0, workload.synSeconds ?? 0);
  const udpT = Math.max(0, workload.udpSeconds ?? 300);
  const act = workload.activeSeconds ?? 10;
  const actMin = typeof act === 'number' ? act : act.min;
  const actSpan = typeof act === 'number' ? 0 : Math.max(0, act.max - act.min);

  let clients: Uint32Array;
  if (Array.isArray(workload.clients)) {
    const list = workload.clients as readonly string[];
    clients = new Uint32Array(list.length);
    list.forEach((c, i) => {
      const v = parseIPv4(c);
      if (v === null) throw new Error(`client "${c}" is not an IPv4 address`);
      clients[i] = v;
    });
  } else {
    const count = Math.max(1, Math.trunc((workload.clients as number | undefined) ?? 100));
    clients = new Uint32Array(count);
    for (let i = 0; i < count; i++) clients[i] = (0x0a000001 + i) >>> 0;
  }
  if (clients.length === 0) throw new Error('at least one client is needed');
  const dests = new Uint32Array((workload.destinations ?? [svc.vip]).map((d) => parseIPv4(d) ?? 0));
  const vport = svc.port;
  const random = workload.clientOrder === 'random';

  const byDesign = svc.realServers.map((r) => r.id);
  const table = new ConnectionTable(sched, { udp, synSeconds: syn, finSeconds: fin, udpSeconds: udpT }, Math.min(N, 1 << 20) * 2);
  const events = [...(workload.events ?? [])].sort((a, b) => a.at - b.at);
  let nextEvent = 0;
  const recordN = Math.max(0, workload.recordAssignments ?? 100);
  const assignments: (RealServerId | null)[] = [];
  const counts = new Map<RealServerId, number>();
  const peak = new Map<RealServerId, number>();
  let unscheduled = 0;

  const lastArrival = N > 0 ? (N - 1) / rate : 0;
  const horizon = lastArrival + (udp ? udpT : syn + actMin + actSpan + fin);
  const sampleCount = Math.max(2, Math.trunc(workload.samples ?? 50));
  const sampleEvery = horizon > 0 ? horizon / (sampleCount - 1) : 1;
  let nextSample = 0;
  const timeline: TimelineSample[] = [];
  const takeSample = (t: number): void => {
    const active: number[] = [];
    const inactive: number[] = [];
    for (const id of byDesign) {
      const d = sched.dest(id);
      active.push(d?.active ?? 0);
      inactive.push(d?.inactive ?? 0);
      if (d && d.active > (peak.get(id) ?? 0)) peak.set(id, d.active);
    }
    timeline.push({ t: Math.round(t * 1000) / 1000, active, inactive });
  };

  const advance = (t: number): void => {
    for (;;) {
      const te = table.nextTimer();
      const tv = nextEvent < events.length ? events[nextEvent]!.at : Infinity;
      const ts = nextSample <= t ? nextSample : Infinity;
      const m = Math.min(te, tv, ts);
      if (m > t || m === Infinity) break;
      // Events at the same instant happen before the sample is taken.
      if (ts === m && te > m && tv > m) {
        takeSample(ts);
        nextSample += sampleEvery;
        continue;
      }
      sched.now = m;
      if (tv === m) {
        const e = events[nextEvent++]!;
        if (sched.dest(e.realServer)) {
          if (e.weight !== undefined) sched.setWeight(e.realServer, e.weight);
          if (e.upperThreshold !== undefined || e.lowerThreshold !== undefined) {
            const d = sched.dest(e.realServer)!;
            sched.setThresholds(e.realServer, e.upperThreshold ?? d.upperThreshold, e.lowerThreshold ?? d.lowerThreshold);
          }
        }
        continue;
      }
      table.fireNext();
    }
  };

  const lifeSeconds = (): number => actMin + (actSpan > 0 ? (rng.nextU32() / 4294967296) * actSpan : 0);
  let t = 0;
  for (let i = 0; i < N; i++) {
    if (workload.arrival === 'poisson') t += -Math.log(1 - (rng.nextU32() + 0.5) / 4294967296) / rate;
    else t = i / rate;
    advance(t);
    sched.now = t;
    const caddr = random ? clients[rng.nextU32() % clients.length]! : clients[i % clients.length]!;
    const cport = 1024 + (rng.nextU32() % 64511);
    const daddr = dests.length > 0 ? dests[i % dests.length]! : 0;
    const d = table.open(t, caddr, cport, daddr, vport, lifeSeconds);
    if (i < recordN) assignments.push(d ? d.id : null);
    if (!d) {
      unscheduled++;
      continue;
    }
    counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
  }
  advance(Math.max(horizon, t) + 1e-9);
  const scheduled = N - unscheduled;
  const totals: ServerTotal[] = svc.realServers.map((r) => {
    const c = counts.get(r.id) ?? 0;
    return {
      realServer: r.id,
      rip: r.rip,
      connections: c,
      percent: scheduled > 0 ? Math.round((c / scheduled) * 10000) / 100 : 0,
      peakActive: peak.get(r.id) ?? 0,
    };
  });
  return {
    service: svc.id,
    scheduler: svc.scheduler,
    realServers: byDesign,
    kernelOrder: sched.dests.map((d) => d.id),
    totals,
    unscheduled,
    assignments,
    timeline,
    duration: Math.max(horizon, t),
  };
}

/**
 * The kernel's IPVS schedulers, reimplemented from `net/netfilter/ipvs/ip_vs_*.c` as a stepwise state
 * object: feed it one connection at a time, change weights or drain a server mid-run.
 *
 * Faithful to the kernel where it matters for a classroom and for comparing with a real director:
 * - the destination list is **newest first** (`list_add_rcu` at the head), see {@link kernelOrder};
 * - rr/wrr cursors, the wrr gcd/max-weight walk, the wlc/sed/nq integer cross-multiplication and its
 *   "first in list order wins a tie" rule, sh/dh 256-bucket tables, mh's Maglev table built with
 *   SipHash-1-3, lblc/lblcr caches, fo, ovf and twos;
 * - connection counters (`activeconns`, `inactconns`, `persistconns`), the OVERLOAD flag from the
 *   upper/lower thresholds, and persistence templates with their re-armed timers.
 *
 * The hot path ({@link IpvsScheduler.connect} / {@link IpvsScheduler.release}) takes numbers and
 * returns existing objects: it does not allocate, so a million connections take well under a second.
 */
import type { Persistence, RealServer, RealServerId, Scheduler, SchedulerFlag, VirtualService } from '../model/types.ts';
import { netmaskToPrefix, parseIPv4, prefixMask } from '../addressing/ipv4.ts';
import type { Rng } from './rng.ts';
import { createRng } from './rng.ts';
import type { SipKey } from './siphash.ts';
import { hsiphashU32, sipKey } from './siphash.ts';

/** What a scheduler needs to know about a real server (a subset of {@link RealServer}). */
export interface RealServerSpec {
  readonly id: RealServerId;
  readonly rip: string;
  readonly port: number;
  readonly weight: number;
  readonly upperThreshold?: number;
  readonly lowerThreshold?: number;
}

/**
 * A destination (real server) as the scheduler sees it — the kernel's `struct ip_vs_dest` counters.
 * Read it; change it only through the {@link IpvsScheduler} methods.
 */
export interface DestView {
  readonly id: RealServerId;
  readonly rip: string;
  /** RIP as an unsigned 32-bit number. */
  readonly addr: number;
  readonly port: number;
  /** Current weight; 0 = quiesced (no new connections, existing ones continue). */
  readonly weight: number;
  /** Last non-zero weight (mh keeps a quiesced server in its table with it). */
  readonly lastWeight: number;
  /** `ActiveConn`: TCP connections in ESTABLISHED. */
  readonly active: number;
  /** `InActConn`: every other connection (new TCP before ESTABLISHED, FIN_WAIT/TIME_WAIT, all UDP). */
  readonly inactive: number;
  /** Persistence templates pointing at this server (`PersistConn`). */
  readonly persistent: number;
  /** `-x`: 0 = no limit. */
  readonly upperThreshold: number;
  /** `-y`: 0 = 3/4 of the upper threshold. */
  readonly lowerThreshold: number;
  /** `IP_VS_DEST_F_OVERLOAD`: set when active+inactive reached the upper threshold. */
  readonly overloaded: boolean;
  /** Connections ever scheduled to this server. */
  readonly assigned: number;
  /** Position in the kernel list (0 = head = the real server added last). */
  readonly position: number;
}

class Dest implements DestView {
  weight: number;
  lastWeight: number;
  active = 0;
  inactive = 0;
  persistent = 0;
  upperThreshold: number;
  lowerThreshold: number;
  overloaded = false;
  assigned = 0;
  position = 0;
  /** Index in the scheduler's least-load heap, -1 when not in it. */
  hpos = -1;
  /** The heap's load figure (overhead or active+1), refreshed by every re-placement. */
  hkey = 0;
  /** Cleared when the server is deleted (`IP_VS_DEST_F_AVAILABLE`). */
  available = true;
  readonly id: RealServerId;
  readonly rip: string;
  readonly addr: number;
  readonly port: number;
  constructor(spec: RealServerSpec) {
    this.id = spec.id;
    this.rip = spec.rip;
    this.addr = parseIPv4(spec.rip) ?? 0;
    this.port = spec.port;
    this.weight = clampWeight(spec.weight);
    this.lastWeight = this.weight;
    this.upperThreshold = spec.upperThreshold ?? 0;
    this.lowerThreshold = spec.lowerThreshold ?? 0;
  }
}

/** sh/mh `is_unavailable()`: quiesced or over its threshold. */
const unavailable = (x: Dest): boolean => x.weight <= 0 || x.overloaded;

const clampWeight = (w: number): number => (Number.isFinite(w) ? Math.max(0, Math.min(65535, Math.trunc(w))) : 0);

/** `ip_vs_dest_conn_overhead()`: active connections weigh 256 times an inactive one. */
const overhead = (d: Dest): number => d.active * 256 + d.inactive;

/** Options of a scheduler instance. */
export interface SchedulerOptions {
  /** Seed for `twos` (the only random scheduler). */
  readonly seed?: number;
  /** An RNG to share with the caller instead of `seed`. */
  readonly rng?: Rng;
  readonly flags?: readonly SchedulerFlag[];
  readonly persistence?: Persistence;
  /** `lblc_expiration` in seconds (kernel default 24 h). */
  readonly lblcExpiration?: number;
  /** `lblcr_expiration` in seconds (kernel default 24 h). */
  readonly lblcrExpiration?: number;
  /** `CONFIG_IP_VS_MH_TAB_INDEX` (8..17); 12 by default, which gives a 4093-slot table. */
  readonly mhTableIndex?: number;
  /**
   * Use the kernel's linear scan for wlc/sed/lblc/lblcr instead of the equivalent heap (same
   * choices, O(servers) per connection). For verification.
   */
  readonly scan?: boolean;
}

/** Maglev table sizes by `CONFIG_IP_VS_MH_TAB_INDEX − 8`. */
export const MH_PRIMES: readonly number[] = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071];

const SH_TAB_SIZE = 256;
const GOLDEN_RATIO_32 = 0x61c88647;
/** `hash_32(v, 8)` of `include/linux/hash.h`. */
const hash32x8 = (v: number): number => Math.imul(v >>> 0, GOLDEN_RATIO_32) >>> 24;

const MH_KEY1: SipKey = sipKey(2654435761, 2654435761);
const MH_KEY2: SipKey = sipKey(2654446892, 2654446892);

const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};
const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));

interface Template {
  dest: Dest;
  /** Time of the last use: the kernel re-arms the template timer on every lookup. */
  lastUse: number;
  /** Connections this template controls (`n_control`). */
  controlled: number;
  /** When `controlled` last dropped to 0. */
  releasedAt: number;
}

/** How one destination looks to the scheduler right now (see {@link IpvsScheduler.explain}). */
export interface DestExplanation {
  readonly id: RealServerId;
  /** Position in the kernel list (0 = head). */
  readonly position: number;
  readonly weight: number;
  readonly active: number;
  readonly inactive: number;
  readonly overloaded: boolean;
  /** Whether this scheduler may choose it for a new connection now. */
  readonly eligible: boolean;
  /** The scheduler's number for it: overhead, overhead/weight, weight, or the hash bucket it owns. */
  readonly metric?: number;
}

/** A teaching view of the next decision, without changing any state. */
export interface PickExplanation {
  readonly scheduler: Scheduler;
  /** The rule in one sentence, English and Chinese. */
  readonly rule: { readonly en: string; readonly zh: string };
  readonly candidates: readonly DestExplanation[];
  /** What the scheduler would pick for this client now (before persistence); `undefined` for `twos`, which is random. */
  readonly wouldPick: RealServerId | null | undefined;
  /** The bucket/slot the client hashes to (sh, dh, mh). */
  readonly bucket?: number;
  /** Scheduler state worth showing: the rr/wrr cursor, wrr's current weight cw, mw and di. */
  readonly state?: Readonly<Record<string, number | string | null>>;
}

const RULES: Readonly<Record<Scheduler, { en: string; zh: string }>> = {
  rr: { en: 'Round robin: the next server after the cursor with weight > 0, in kernel list order.', zh: '轮询：按内核链表顺序，从游标之后取下一个权重大于 0 的服务器。' },
  wrr: { en: 'Weighted round robin: walk the list taking servers with weight ≥ cw; at the end lower cw by the gcd of the weights, back to the maximum after 1.', zh: '加权轮询：遍历链表，选权重 ≥ cw 的服务器；到表尾把 cw 减去各权重的最大公约数，减到 1 以下再回到最大值。' },
  lc: { en: 'Least connections: the smallest ActiveConn×256 + InActConn; the first in list order wins a tie.', zh: '最少连接：ActiveConn×256 + InActConn 最小者；相同时链表中靠前者胜出。' },
  wlc: { en: 'Weighted least connections: the smallest (ActiveConn×256 + InActConn) / weight; the first in list order wins a tie.', zh: '加权最少连接：(ActiveConn×256 + InActConn) / 权重 最小者；相同时链表中靠前者胜出。' },
  sed: { en: 'Shortest expected delay: the smallest (ActiveConn + 1) / weight; inactive connections do not count.', zh: '最短期望延迟：(ActiveConn + 1) / 权重 最小者；不计非活动连接。' },
  nq: { en: 'Never queue: the first idle server (no active connection), otherwise like sed.', zh: '永不排队：优先第一个空闲（无活动连接）的服务器，否则同 sed。' },
  fo: { en: 'Weighted failover: the available server with the highest weight.', zh: '加权故障转移：可用服务器中权重最高者。' },
  ovf: { en: 'Weighted overflow: the highest weight among servers whose active connections do not exceed their weight.', zh: '加权溢出：活动连接数未超过权重的服务器中权重最高者。' },
  sh: { en: 'Source hashing: the client address picks one of 256 buckets; each server owns weight consecutive buckets.', zh: '源地址哈希：客户端地址选中 256 个桶之一；每台服务器按权重占连续的桶。' },
  dh: { en: 'Destination hashing: the destination address picks one of 256 buckets, dealt out round robin.', zh: '目的地址哈希：目的地址选中 256 个桶之一，桶按轮询分配。' },
  mh: { en: 'Maglev hashing: the client address picks a slot of a 4093-slot table that every server fills by its own permutation.', zh: 'Maglev 哈希：客户端地址选中 4093 槽表中的一个槽，各服务器按自己的排列填表。' },
  lblc: { en: 'Locality-based least connections: a destination stays on its server unless that server is overloaded; then wlc.', zh: '基于局部性的最少连接：同一目的地址固定到同一服务器，除非它过载，否则按 wlc。' },
  lblcr: { en: 'lblc with replication: each destination has a set of servers; the least loaded member is used, the set grows when all are overloaded.', zh: '带复制的 lblc：每个目的地址对应一组服务器，用其中负载最小者，都过载时扩充该组。' },
  twos: { en: 'Power of two choices: two random servers by weight, the less loaded one wins.', zh: '二选一：按权重随机选两台，负载较小者胜出。' },
};

/**
 * The design order of real servers mapped to the order the kernel walks them: IPVS inserts every new
 * real server at the **head** of the service's list, so after `ipvsadm -a` in design order (as the
 * generators emit them) the scheduler sees the last-added server first. `ipvsadm -Ln` sorts by
 * address, so neither order is what it prints.
 * @example kernelOrder([rs1, rs2, rs3]) // [rs3, rs2, rs1]
 */
export function kernelOrder<T>(realServers: readonly T[]): T[] {
  return [...realServers].reverse();
}

/**
 * A running IPVS scheduler for one virtual service, with the kernel's per-destination counters.
 * Construct with the real servers in **design order** (the order `ipvsadm -a` adds them).
 */
export class IpvsScheduler {
  readonly name: Scheduler;
  /** Current time in seconds, used by persistence and the lblc/lblcr caches. Set it as time passes. */
  now = 0;
  /** After {@link connect}: whether a persistence template decided the server. */
  lastFromTemplate = false;
  /** After {@link connect}: the template key (masked client address) or -1 without persistence. */
  lastTemplateKey = -1;
  /** A configuration the kernel would refuse (e.g. more real servers than Maglev slots), or null. */
  problem: string | null = null;
  private list: Dest[] = [];
  private readonly rng: Rng;
  private readonly shFallback: boolean;
  private readonly shPort: boolean;
  private readonly mhFallback: boolean;
  private readonly mhPort: boolean;
  private readonly persistTimeout: number;
  private readonly persistMask: number;
  private templates = new Map<number, Template>();
  // rr
  private rrCursor: Dest | null = null;
  // wrr
  private wrrCl: Dest | null = null;
  private wrrDi = 1;
  private wrrMw = 0;
  private wrrCw = 0;
  // sh / dh
  private buckets: (Dest | null)[] = [];
  // mh
  private readonly mhSize: number;
  private readonly mhBits: number;
  private mhTable: (Dest | null)[] = [];
  // lblc / lblcr
  private readonly lblcExpiration: number;
  private readonly lblcrExpiration: number;
  private lblc = new Map<number, { dest: Dest; lastuse: number }>();
  // wlc/lblc/lblcr (1: overhead) and sed (2: active + 1) keep the eligible servers in a heap ordered
  // exactly like the kernel's scan: least load by cross-multiplication, earlier list position on a
  // tie. The scan is O(servers) per connection; the heap makes it O(log servers).
  private readonly heapKind: number;
  private heap: Dest[] = [];
  private lblcr = new Map<number, { set: Dest[]; lastmod: number; lastuse: number }>();

  constructor(name: Scheduler, realServers: readonly RealServerSpec[], options: SchedulerOptions = {}) {
    this.name = name;
    this.rng = options.rng ?? createRng(options.seed ?? 1);
    const flags = new Set<SchedulerFlag>(options.flags ?? []);
    this.shFallback = flags.has('sh-fallback');
    this.shPort = flags.has('sh-port');
    this.mhFallback = flags.has('mh-fallback');
    this.mhPort = flags.has('mh-port');
    this.persistTimeout = options.persistence ? Math.max(1, options.persistence.timeout) : 0;
    const prefix = options.persistence?.netmask ? netmaskToPrefix(options.persistence.netmask) : 32;
    this.persistMask = prefixMask(prefix ?? 32);
    this.lblcExpiration = options.lblcExpiration ?? 24 * 3600;
    this.lblcrExpiration = options.lblcrExpiration ?? 24 * 3600;
    const index = Math.min(17, Math.max(8, options.mhTableIndex ?? 12));
    this.mhSize = MH_PRIMES[index - 8]!;
    this.mhBits = Math.floor(index / 2);
    this.heapKind = options.scan ? 0 : name === 'wlc' || name === 'lblc' || name === 'lblcr' ? 1 : name === 'sed' ? 2 : 0;
    // Built the way a director gets it from `ipvsadm -A` + one `-a` per server (and from
    // `ipvsadm -R` of generated rules): an empty service, then one add per real server in rule
    // order. wrr's current weight survives each add (clamped, not reset), so a 4,3,2 service starts
    // in another phase than one "born" with all its servers; the real kernel confirms this order
    // (tests/lab/real-kernel.test.ts).
    this.initService();
    for (const rs of realServers) this.addRealServer(rs);
  }

  /** A scheduler for a designed service (its scheduler, flags, persistence and real servers). */
  static forService(service: VirtualService, options: Omit<SchedulerOptions, 'flags' | 'persistence'> = {}): IpvsScheduler {
    return new IpvsScheduler(service.scheduler, service.realServers, {
      ...options,
      ...(service.schedulerFlags ? { flags: service.schedulerFlags } : {}),
      ...(service.persistence ? { persistence: service.persistence } : {}),
    });
  }

  /**
   * An independent copy with the same counters, cursors, tables, caches and templates — for "what
   * if" previews. The copy shares the RNG stream with the original (only `twos` uses it).
   */
  clone(): IpvsScheduler {
    const map = new Map<Dest, Dest>();
    const cp = (d: Dest): Dest => {
      let x = map.get(d);
      if (!x) {
        x = Object.assign(Object.create(Dest.prototype) as Dest, d);
        map.set(d, x);
      }
      return x;
    };
    const cpn = (d: Dest | null): Dest | null => (d ? cp(d) : null);
    const c = Object.assign(Object.create(IpvsScheduler.prototype) as IpvsScheduler, this);
    c.list = this.list.map(cp);
    c.rrCursor = cpn(this.rrCursor);
    c.wrrCl = cpn(this.wrrCl);
    c.buckets = this.buckets.map(cpn);
    c.mhTable = this.mhTable.map(cpn);
    c.templates = new Map([...this.templates].map(([k, t]) => [k, { ...t, dest: cp(t.dest) }]));
    c.lblc = new Map([...this.lblc].map(([k, e]) => [k, { dest: cp(e.dest), lastuse: e.lastuse }]));
    c.lblcr = new Map([...this.lblcr].map(([k, e]) => [k, { set: e.set.map(cp), lastmod: e.lastmod, lastuse: e.lastuse }]));
    c.heap = [];
    c.heapRebuild();
    return c;
  }

  /** Destinations in kernel list order (head first = newest). */
  get dests(): readonly DestView[] {
    return this.list;
  }

  /** The destination with this real-server id. */
  dest(id: RealServerId): DestView | undefined {
    return this.list.find((d) => d.id === id);
  }

  // ---------------------------------------------------------------- list changes

  private insertHead(d: Dest): void {
    this.list.unshift(d);
  }

  private reindex(): void {
    for (let i = 0; i < this.list.length; i++) this.list[i]!.position = i;
  }

  private initService(): void {
    this.rrCursor = null;
    this.wrrReset(true);
    this.hashReassign();
    this.heapRebuild();
  }

  private heapKey(d: Dest): number {
    return this.heapKind === 1 ? d.active * 256 + d.inactive : d.active + 1;
  }

  /** `a` is chosen before `b`: lower load/weight (cross-multiplied, exact), then earlier in the list. */
  private heapBetter(a: Dest, b: Dest): boolean {
    const x = a.hkey * b.weight;
    const y = b.hkey * a.weight;
    return x < y || (x === y && a.position < b.position);
  }

  private heapRebuild(): void {
    if (this.heapKind === 0) return;
    for (const d of this.heap) d.hpos = -1;
    for (const d of this.list) d.hpos = -1;
    this.heap = [];
    for (const d of this.list) this.heapFix(d);
  }

  /** Re-places `d` after its counters, weight or OVERLOAD flag changed. */
  private heapFix(d: Dest): void {
    if (this.heapKind === 0) return;
    const h = this.heap;
    d.hkey = this.heapKey(d);
    const wanted = d.weight > 0 && !d.overloaded && d.available;
    if (d.hpos < 0) {
      if (!wanted) return;
      d.hpos = h.length;
      h.push(d);
      this.siftUp(d.hpos);
      return;
    }
    if (!wanted) {
      const i = d.hpos;
      const last = h.pop()!;
      d.hpos = -1;
      if (last !== d) {
        h[i] = last;
        last.hpos = i;
        this.siftUp(i);
        this.siftDown(last.hpos);
      }
      return;
    }
    this.siftUp(d.hpos);
    this.siftDown(d.hpos);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.heapBetter(h[i]!, h[p]!)) break;
      const t = h[i]!;
      h[i] = h[p]!;
      h[p] = t;
      h[i]!.hpos = i;
      t.hpos = p;
      i = p;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let c = l;
      if (l + 1 < n && this.heapBetter(h[l + 1]!, h[l]!)) c = l + 1;
      if (!this.heapBetter(h[c]!, h[i]!)) return;
      const t = h[i]!;
      h[i] = h[c]!;
      h[c] = t;
      h[i]!.hpos = i;
      t.hpos = c;
      i = c;
    }
  }

  /** Adds a real server the way `ipvsadm -a` does: at the head of the list. */
  addRealServer(spec: RealServerSpec): DestView {
    if (this.list.some((d) => d.id === spec.id)) throw new Error(`real server ${spec.id} already exists`);
    const d = new Dest(spec);
    this.insertHead(d);
    this.reindex();
    this.destChanged();
    return d;
  }

  /** Deletes a real server (`ipvsadm -d`): it leaves the list and becomes unavailable. */
  removeRealServer(id: RealServerId): void {
    const i = this.list.findIndex((d) => d.id === id);
    if (i < 0) throw new Error(`no real server ${id}`);
    const d = this.list[i]!;
    d.available = false;
    // ip_vs_rr_del_dest: a cursor on the removed server steps back to its predecessor.
    if (this.rrCursor === d) this.rrCursor = i > 0 ? this.list[i - 1]! : null;
    this.list.splice(i, 1);
    this.reindex();
    for (const [k, t] of this.templates) if (t.dest === d) this.templates.delete(k);
    this.destChanged();
  }

  /** Changes a weight (`ipvsadm -e -w`); 0 quiesces (drains) the server. */
  setWeight(id: RealServerId, weight: number): void {
    const d = this.mustFind(id);
    const w = clampWeight(weight);
    // "keep the last_weight with latest non-0 weight"
    if (w !== 0) d.lastWeight = w;
    d.weight = w;
    this.destChanged();
  }

  /** Quiesces a server: weight 0, existing connections continue. */
  drain(id: RealServerId): void {
    this.setWeight(id, 0);
  }

  /** Changes `-x`/`-y`. The OVERLOAD flag is re-evaluated on the next bind/unbind, as in the kernel. */
  setThresholds(id: RealServerId, upper: number, lower: number): void {
    const d = this.mustFind(id);
    d.upperThreshold = Math.max(0, Math.trunc(upper));
    d.lowerThreshold = Math.max(0, Math.trunc(lower));
    this.destChanged();
  }

  private mustFind(id: RealServerId): Dest {
    const d = this.list.find((x) => x.id === id);
    if (!d) throw new Error(`no real server ${id}`);
    return d;
  }

  /** The scheduler's add/del/upd_dest hook. */
  private destChanged(): void {
    this.heapRebuild();
    switch (this.name) {
      case 'wrr':
        this.wrrReset(false);
        break;
      case 'sh':
      case 'dh':
      case 'mh':
        this.hashReassign();
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- connections

  /**
   * Schedules a new connection from `caddr:cport` to `daddr:dport` (numbers: unsigned 32-bit address
   * and port), honouring persistence, and binds it to the chosen server as the kernel does: the new
   * connection counts as inactive until {@link establish}. Returns the destination, or `null` when
   * the kernel would answer "no destination available". Allocation-free, except when it creates a
   * persistence template or an lblc/lblcr cache entry, as the kernel allocates those too.
   */
  connect(caddr: number, cport: number, daddr = 0, dport = 0): DestView | null {
    this.lastFromTemplate = false;
    this.lastTemplateKey = -1;
    let d: Dest | null;
    if (this.persistTimeout > 0) {
      const key = (caddr & this.persistMask) >>> 0;
      this.lastTemplateKey = key;
      let t = this.templates.get(key);
      if (t && (!t.dest.available || this.templateExpired(t))) {
        this.unbindTemplate(t);
        this.templates.delete(key);
        t = undefined;
      }
      if (t) {
        d = t.dest;
        t.lastUse = this.now;
        this.lastFromTemplate = true;
      } else {
        d = this.choose(caddr, cport, daddr, dport);
        if (!d) return null;
        t = { dest: d, lastUse: this.now, controlled: 0, releasedAt: this.now };
        this.templates.set(key, t);
        d.persistent++;
      }
      t.controlled++;
    } else {
      d = this.choose(caddr, cport, daddr, dport);
      if (!d) return null;
    }
    d.assigned++;
    d.inactive++;
    // ip_vs_bind_dest: OVERLOAD once total connections reach the upper threshold.
    if (d.upperThreshold !== 0 && d.active + d.inactive >= d.upperThreshold) d.overloaded = true;
    this.heapFix(d);
    return d;
  }

  /** A TCP connection reached ESTABLISHED: it moves from InActConn to ActiveConn. */
  establish(dest: DestView): void {
    const d = dest as Dest;
    if (d.inactive > 0) d.inactive--;
    d.active++;
    this.heapFix(d);
  }

  /** A TCP connection left ESTABLISHED (FIN): back to InActConn until it expires. */
  deactivate(dest: DestView): void {
    const d = dest as Dest;
    if (d.active > 0) d.active--;
    d.inactive++;
    this.heapFix(d);
  }

  /**
   * A connection expired and leaves the table (`ip_vs_unbind_dest`). `active` says which counter it
   * was in; `templateKey` is {@link lastTemplateKey} from its {@link connect}. Clears OVERLOAD by the
   * kernel's rule: below `-y`, or below 3/4 of `-x` when `-y` is 0, or always without thresholds.
   */
  release(dest: DestView, active: boolean, templateKey = -1): void {
    const d = dest as Dest;
    if (active) {
      if (d.active > 0) d.active--;
    } else if (d.inactive > 0) d.inactive--;
    const total = d.active + d.inactive;
    if (d.lowerThreshold !== 0) {
      if (total < d.lowerThreshold) d.overloaded = false;
    } else if (d.upperThreshold !== 0) {
      if (total * 4 < d.upperThreshold * 3) d.overloaded = false;
    } else d.overloaded = false;
    this.heapFix(d);
    if (templateKey >= 0) {
      const t = this.templates.get(templateKey);
      if (t && t.controlled > 0 && --t.controlled === 0) t.releasedAt = this.now;
    }
  }

  private templateExpired(t: Template): boolean {
    if (t.controlled > 0) return false;
    // The timer fires at lastUse + k·timeout and re-arms while connections are controlled.
    const T = this.persistTimeout;
    const k = Math.max(1, Math.ceil((t.releasedAt - t.lastUse) / T));
    return this.now >= t.lastUse + k * T;
  }

  private unbindTemplate(t: Template): void {
    if (t.dest.persistent > 0) t.dest.persistent--;
  }

  /** Live persistence templates: masked client address → real server id. */
  templatesSnapshot(): { client: number; realServer: RealServerId; controlled: number }[] {
    const out: { client: number; realServer: RealServerId; controlled: number }[] = [];
    for (const [k, t] of this.templates) if (!this.templateExpired(t)) out.push({ client: k, realServer: t.dest.id, controlled: t.controlled });
    return out;
  }

  /**
   * Explains the next decision for a client without changing any state: each destination's
   * eligibility and metric, the rule, and what would be picked (worked out on a {@link clone}).
   */
  explain(caddr = 0, cport = 0, daddr = 0): PickExplanation {
    const name = this.name;
    let bucket: number | undefined;
    if (name === 'sh') bucket = this.shKey(caddr, this.shPort ? cport : 0, 0);
    else if (name === 'dh') bucket = hash32x8(daddr);
    else if (name === 'mh') bucket = this.mhKey(caddr, this.mhPort ? cport : 0, MH_KEY1, 0) % this.mhSize;
    const table = name === 'mh' ? this.mhTable : this.buckets;
    const candidates: DestExplanation[] = this.list.map((d) => {
      let eligible = !d.overloaded && d.weight > 0;
      let metric: number | undefined;
      switch (name) {
        case 'lc':
          metric = overhead(d);
          break;
        case 'wlc':
        case 'lblc':
        case 'lblcr':
        case 'twos':
          metric = d.weight > 0 ? overhead(d) / d.weight : undefined;
          break;
        case 'sed':
        case 'nq':
          metric = d.weight > 0 ? (d.active + 1) / d.weight : undefined;
          break;
        case 'fo':
          metric = d.weight;
          break;
        case 'ovf':
          eligible = eligible && d.active <= d.weight;
          metric = d.weight;
          break;
        case 'sh':
        case 'dh':
        case 'mh':
          metric = table.filter((x) => x === d).length;
          break;
        default:
          break;
      }
      return { id: d.id, position: d.position, weight: d.weight, active: d.active, inactive: d.inactive, overloaded: d.overloaded, eligible, ...(metric !== undefined ? { metric } : {}) };
    });
    // Everything but twos (random) is previewed on a copy, so cursors and caches stay untouched.
    const picked = name === 'twos' ? undefined : this.clone().choose(caddr, cport, daddr, 0);
    const state: Record<string, number | string | null> | undefined =
      name === 'rr'
        ? { cursor: this.rrCursor?.id ?? null }
        : name === 'wrr'
          ? { cursor: this.wrrCl?.id ?? null, cw: this.wrrCw, mw: this.wrrMw, di: this.wrrDi }
          : undefined;
    return {
      scheduler: name,
      rule: RULES[name],
      candidates,
      wouldPick: picked === undefined ? undefined : picked ? picked.id : null,
      ...(bucket !== undefined ? { bucket } : {}),
      ...(state ? { state } : {}),
    };
  }

  // ---------------------------------------------------------------- the schedulers

  /**
   * The bare scheduler decision (`svc->scheduler->schedule()`), without persistence and without
   * binding a connection. Returns null for "no destination available". Like the kernel's
   * `schedule()`, it does advance rr/wrr cursors and fill lblc/lblcr caches; use {@link explain} to
   * look without touching anything.
   */
  pick(caddr: number, cport: number, daddr: number, dport = 0): DestView | null {
    return this.choose(caddr, cport, daddr, dport);
  }

  private choose(caddr: number, cport: number, daddr: number, dport: number): Dest | null {
    void dport;
    switch (this.name) {
      case 'rr':
        return this.rr();
      case 'wrr':
        return this.wrr();
      case 'lc':
        return this.lc();
      case 'wlc':
        return this.wlc();
      case 'sed':
        return this.sed();
      case 'nq':
        return this.nq();
      case 'fo':
        return this.fo();
      case 'ovf':
        return this.ovf();
      case 'sh':
        return this.sh(caddr, this.shPort ? cport : 0);
      case 'dh':
        return this.dh(daddr);
      case 'mh':
        return this.mh(caddr, this.mhPort ? cport : 0);
      case 'lblc':
        return this.lblcPick(daddr);
      case 'lblcr':
        return this.lblcrPick(daddr);
      case 'twos':
        return this.twos();
    }
  }

  private rr(): Dest | null {
    const list = this.list;
    const n = list.length;
    if (n === 0) return null;
    // Walk from the element after the cursor to the end, then from the head up to the cursor.
    const start = this.rrCursor ? this.rrCursor.position + 1 : 0;
    const passes = this.rrCursor ? 2 : 1;
    let i = start;
    for (let step = 0; step < (passes === 2 ? n : n - start); step++) {
      if (i >= n) i = 0;
      const d = list[i]!;
      if (!d.overloaded && d.weight > 0) {
        this.rrCursor = d;
        return d;
      }
      i++;
    }
    return null;
  }

  private wrrReset(init: boolean): void {
    let g = 0;
    let max = 0;
    for (const d of this.list) {
      if (d.weight > max) max = d.weight;
      if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
    }
    this.wrrCl = null;
    this.wrrDi = g > 0 ? g : 1;
    this.wrrMw = max - (this.wrrDi - 1);
    if (init) this.wrrCw = this.wrrMw;
    else if (this.wrrCw > this.wrrMw || this.wrrCw === 0) this.wrrCw = this.wrrMw;
    else if (this.wrrDi > 1) this.wrrCw = Math.floor(this.wrrCw / this.wrrDi) * this.wrrDi + 1;
  }

  private wrr(): Dest | null {
    if (this.wrrMw <= 0) return null;
    const list = this.list;
    const n = list.length;
    const last = this.wrrCl;
    let pos = last ? last.position : -1;
    let stop: Dest | null = null;
    let lastPass = false;
    let restarted = false;
    for (;;) {
      for (let i = pos + 1; i < n; i++) {
        const d = list[i]!;
        if (!d.overloaded && d.weight >= this.wrrCw) {
          this.wrrCl = d;
          return d;
        }
        if (d === stop) {
          this.wrrCl = d;
          return null;
        }
      }
      pos = -1;
      this.wrrCw -= this.wrrDi;
      if (this.wrrCw <= 0) {
        this.wrrCw = this.wrrMw;
        // Stop after a full pass for weight >= 1 from the head, or after the last pass.
        if (lastPass || last === null) {
          this.wrrCl = null;
          return null;
        }
        restarted = true;
      }
      lastPass = this.wrrCw <= this.wrrDi;
      // The first traversal checked w >= 1 only after `last`; now check the ones up to it too.
      if (lastPass && restarted && last !== null) stop = last;
    }
  }

  private lc(): Dest | null {
    let least: Dest | null = null;
    let loh = 0;
    for (const d of this.list) {
      if (d.overloaded || d.weight === 0) continue;
      const doh = overhead(d);
      if (!least || doh < loh) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  /**
   * wlc: the kernel scans the list for the first server with weight > 0, then keeps the one with
   * strictly smaller `overhead·w(least) < overhead(least)·w` — i.e. the least load per weight, the
   * earliest in list order on a tie. The heap holds exactly that order.
   */
  private wlc(): Dest | null {
    if (this.heapKind === 1) return this.heap[0] ?? null;
    const list = this.list;
    let i = 0;
    let least: Dest | null = null;
    for (; i < list.length; i++) {
      const d = list[i]!;
      if (!d.overloaded && d.weight > 0) {
        least = d;
        break;
      }
    }
    if (!least) return null;
    let loh = least.active * 256 + least.inactive;
    let lw = least.weight;
    const n = list.length;
    for (i++; i < n; i++) {
      const d = list[i]!;
      const doh = d.active * 256 + d.inactive;
      if (loh * d.weight > doh * lw && !d.overloaded) {
        least = d;
        loh = doh;
        lw = d.weight;
      }
    }
    return least;
  }

  /** sed: like wlc, but the overhead is active+1 and inactive connections are ignored. */
  private sed(): Dest | null {
    if (this.heapKind === 2) return this.heap[0] ?? null;
    const list = this.list;
    let i = 0;
    let least: Dest | null = null;
    for (; i < list.length; i++) {
      const d = list[i]!;
      if (!d.overloaded && d.weight > 0) {
        least = d;
        break;
      }
    }
    if (!least) return null;
    let loh = least.active + 1;
    for (i++; i < list.length; i++) {
      const d = list[i]!;
      if (d.overloaded) continue;
      const doh = d.active + 1;
      if (loh * d.weight > doh * least.weight) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  private nq(): Dest | null {
    let least: Dest | null = null;
    let loh = 0;
    for (const d of this.list) {
      if (d.overloaded || d.weight === 0) continue;
      const doh = d.active + 1;
      if (d.active === 0) return d;
      if (!least || loh * d.weight > doh * least.weight) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  private fo(): Dest | null {
    let best: Dest | null = null;
    let hw = 0;
    for (const d of this.list) {
      if (!d.overloaded && d.weight > hw) {
        best = d;
        hw = d.weight;
      }
    }
    return best;
  }

  private ovf(): Dest | null {
    let h: Dest | null = null;
    for (const d of this.list) {
      const w = d.weight;
      if (d.overloaded || d.active > w || w === 0) continue;
      if (!h || w > h.weight) h = d;
    }
    return h;
  }

  private twos(): Dest | null {
    let total = 0;
    let any: Dest | null = null;
    for (const d of this.list) {
      if (!d.overloaded && d.weight > 0) {
        total += d.weight;
        any = d;
      }
    }
    if (!any) return null;
    total += 1;
    let r1 = this.rng.nextU32() % total;
    let r2 = this.rng.nextU32() % total;
    let c1: Dest | null = null;
    let c2: Dest | null = null;
    for (const d of this.list) {
      if (!d.overloaded && d.weight > 0) {
        r1 -= d.weight;
        r2 -= d.weight;
        if (r1 <= 0 && !c1) c1 = d;
        if (r2 <= 0 && !c2) c2 = d;
      }
      if (c1 && c2) break;
    }
    if (!c1) c1 = any;
    if (c2 && c2.weight * overhead(c1) > c1.weight * overhead(c2)) return c2;
    return c1;
  }

  // sh, dh and mh tables ---------------------------------------------------------

  private hashReassign(): void {
    if (this.name === 'sh') {
      // Each server takes `weight` consecutive buckets (at least one), cycling through the list.
      const b: (Dest | null)[] = new Array<Dest | null>(SH_TAB_SIZE).fill(null);
      const n = this.list.length;
      if (n > 0) {
        let p = 0;
        let count = 0;
        for (let i = 0; i < SH_TAB_SIZE; i++) {
          const d = this.list[p]!;
          b[i] = d;
          if (++count >= d.weight) {
            p = (p + 1) % n;
            count = 0;
          }
        }
      }
      this.buckets = b;
    } else if (this.name === 'dh') {
      const b: (Dest | null)[] = new Array<Dest | null>(SH_TAB_SIZE).fill(null);
      const n = this.list.length;
      for (let i = 0; n > 0 && i < SH_TAB_SIZE; i++) b[i] = this.list[i % n]!;
      this.buckets = b;
    } else if (this.name === 'mh') {
      this.mhPopulate();
    }
  }

  private shKey(addr: number, port: number, offset: number): number {
    return (offset + hash32x8((port + addr) >>> 0)) & (SH_TAB_SIZE - 1);
  }

  private sh(addr: number, port: number): Dest | null {
    const ihash = this.shKey(addr, port, 0);
    const d = this.buckets[ihash] ?? null;
    if (!this.shFallback) return !d || unavailable(d) ? null : d;
    if (!d) return null;
    if (!unavailable(d)) return d;
    for (let offset = 0; offset < SH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % SH_TAB_SIZE;
      const x = this.buckets[this.shKey(addr, port, roffset)] ?? null;
      if (x && !unavailable(x)) return x;
    }
    return null;
  }

  private dh(daddr: number): Dest | null {
    // ip_vs_dh_hashkey(): hash_32(ntohl(daddr), IP_VS_DH_TAB_BITS) — the high 8 bits of a Fibonacci
    // product (older kernels used (addr * 2654435761) & 255, the low bits; Debian 12's 6.1 does not).
    const d = this.buckets[hash32x8(daddr)] ?? null;
    if (!d || !d.available || d.weight <= 0 || d.overloaded) return null;
    return d;
  }

  private mhKey(addr: number, port: number, key: SipKey, offset: number): number {
    return hsiphashU32((offset + port + addr) >>> 0, key);
  }

  private mhPopulate(): void {
    const M = this.mhSize;
    const table: (Dest | null)[] = new Array<Dest | null>(M).fill(null);
    this.mhTable = table;
    const list = this.list;
    // The kernel refuses the change (-EINVAL); here the table stays empty and nothing is scheduled.
    this.problem = list.length > M ? `mh: ${list.length} real servers do not fit a ${M}-slot table` : null;
    if (this.problem) return;
    let g = 0;
    let maxw = 0;
    for (const d of list) {
      if (d.lastWeight > 0) g = g > 0 ? gcd(d.lastWeight, g) : d.lastWeight;
      if (d.lastWeight > maxw) maxw = d.lastWeight;
    }
    if (g < 1) return;
    const shift = fls(Math.floor(maxw / g)) - this.mhBits;
    const rshift = shift >= 0 ? shift : 0;
    const n = list.length;
    const offset = new Array<number>(n);
    const skip = new Array<number>(n);
    const perm = new Array<number>(n);
    const turns = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const d = list[i]!;
      offset[i] = this.mhKey(d.addr, d.port, MH_KEY1, 0) % M;
      skip[i] = (this.mhKey(d.addr, d.port, MH_KEY2, 0) % (M - 1)) + 1;
      perm[i] = offset[i]!;
      const t = Math.floor(d.lastWeight / g) >> rshift;
      turns[i] = t !== 0 ? t : d.lastWeight !== 0 ? 1 : 0;
    }
    const taken = new Uint8Array(M);
    let filled = 0;
    let dt = 0;
    for (;;) {
      for (let i = 0; i < n; ) {
        if (turns[i]! < 1) {
          i++;
          continue;
        }
        let c = perm[i]!;
        while (taken[c]) {
          c += skip[i]!;
          if (c >= M) c -= M;
          perm[i] = c;
        }
        taken[c] = 1;
        table[c] = list[i]!;
        if (++filled === M) return;
        if (++dt >= turns[i]!) {
          dt = 0;
          i++;
        }
      }
    }
  }

  private mh(addr: number, port: number): Dest | null {
    const M = this.mhSize;
    const ihash = this.mhKey(addr, port, MH_KEY1, 0) % M;
    const d = this.mhTable[ihash] ?? null;
    if (!this.mhFallback) return !d || unavailable(d) ? null : d;
    if (!d) return null;
    if (!unavailable(d)) return d;
    for (let offset = 0; offset < M; offset++) {
      const roffset = (offset + ihash) % M;
      const x = this.mhTable[this.mhKey(addr, port, MH_KEY1, roffset) % M] ?? null;
      if (!x) break;
      if (!unavailable(x)) return x;
    }
    return null;
  }

  /** The Maglev lookup table (real-server id per slot; `null` for an empty slot). For teaching and tests. */
  mhTableSnapshot(): (RealServerId | null)[] {
    return this.mhTable.map((d) => (d ? d.id : null));
  }

  /** The sh/dh bucket table (real-server id per bucket). */
  bucketSnapshot(): (RealServerId | null)[] {
    return this.buckets.map((d) => (d ? d.id : null));
  }

  // lblc / lblcr ---------------------------------------------------------------

  /** lblc/lblcr "overloaded": more active connections than weight while another server is under half. */
  private lblcOverloaded(d: Dest): boolean {
    if (d.active > d.weight) {
      for (const x of this.list) if (x.active * 2 < x.weight) return true;
    }
    return false;
  }

  private lblcPick(daddr: number): Dest | null {
    let en = this.lblc.get(daddr);
    if (en && this.now - en.lastuse > this.lblcExpiration) {
      this.lblc.delete(daddr);
      en = undefined;
    }
    if (en) {
      en.lastuse = this.now;
      const d = en.dest;
      if (d.available && d.weight > 0 && !this.lblcOverloaded(d)) return d;
    }
    const d = this.wlc();
    if (!d) return null;
    if (en) en.dest = d;
    else this.lblc.set(daddr, { dest: d, lastuse: this.now });
    return d;
  }

  private lblcrPick(daddr: number): Dest | null {
    let en = this.lblcr.get(daddr);
    if (en && this.now - en.lastuse > this.lblcrExpiration) {
      this.lblcr.delete(daddr);
      en = undefined;
    }
    if (en) {
      en.lastuse = this.now;
      let d = setMin(en.set);
      if (en.set.length > 1 && this.now - en.lastmod > this.lblcrExpiration) {
        const m = setMax(en.set);
        if (m) {
          en.set.splice(en.set.indexOf(m), 1);
          en.lastmod = this.now;
        }
      }
      if (d && !this.lblcOverloaded(d)) return d;
      d = this.wlc();
      if (!d) return null;
      if (!en.set.includes(d)) {
        en.set.unshift(d);
        en.lastmod = this.now;
      }
      return d;
    }
    const d = this.wlc();
    if (!d) return null;
    this.lblcr.set(daddr, { set: [d], lastmod: this.now, lastuse: this.now });
    return d;
  }

  /** The lblcr server set of a destination address (ids, newest member first). */
  lblcrSet(daddr: number): RealServerId[] {
    return this.lblcr.get(daddr)?.set.map((d) => d.id) ?? [];
  }
}

function setMin(set: readonly Dest[]): Dest | null {
  let i = 0;
  let least: Dest | null = null;
  for (; i < set.length; i++) {
    const d = set[i]!;
    if (d.overloaded) continue;
    if (d.weight > 0 && d.available) {
      least = d;
      break;
    }
  }
  if (!least) return null;
  let loh = overhead(least);
  for (i++; i < set.length; i++) {
    const d = set[i]!;
    if (d.overloaded) continue;
    const doh = overhead(d);
    if (loh * d.weight > doh * least.weight && d.available) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

function setMax(set: readonly Dest[]): Dest | null {
  let i = 0;
  let most: Dest | null = null;
  for (; i < set.length; i++) {
    if (set[i]!.weight > 0) {
      most = set[i]!;
      break;
    }
  }
  if (!most) return null;
  let moh = overhead(most);
  for (i++; i < set.length; i++) {
    const d = set[i]!;
    const doh = overhead(d);
    if (moh * d.weight < doh * most.weight && d.weight > 0) {
      most = d;
      moh = doh;
    }
  }
  return most;
}

/** Options of {@link scheduleSequence}. */
export interface SequenceOptions extends SchedulerOptions {
  /** Client addresses, used in turn; `10.0.0.1`, `10.0.0.2`, … when absent. */
  readonly clients?: readonly string[];
  /** Client source port of every connection (matters for sh-port/mh-port); 40000 + i when absent. */
  readonly clientPort?: number;
  /**
   * What happens to each connection after it is scheduled: `keep` leaves it in InActConn (a burst of
   * new connections), `establish` moves it to ActiveConn, `close` expires it at once (every
   * connection is short). `keep` by default.
   */
  readonly lifecycle?: 'keep' | 'establish' | 'close';
}

/**
 * The real servers (RIPs) the kernel would pick for `n` new connections to `service`, in order —
 * the easiest thing to compare with a real director (`ipvsadm -Lnc` after `n` requests).
 * @example scheduleSequence(wrrService432, 9) // designed A4,B3,C2 → RIPs of C B A A B A C B A
 */
export function scheduleSequence(service: VirtualService, n: number, options: SequenceOptions = {}): (string | null)[] {
  const s = new IpvsScheduler(service.scheduler, service.realServers, {
    ...options,
    flags: options.flags ?? service.schedulerFlags ?? [],
    ...(options.persistence ?? service.persistence ? { persistence: options.persistence ?? service.persistence! } : {}),
  });
  const clients = (options.clients ?? []).map((c) => parseIPv4(c) ?? 0);
  const vip = parseIPv4(service.vip) ?? 0;
  const out: (string | null)[] = [];
  const lifecycle = options.lifecycle ?? 'keep';
  for (let i = 0; i < n; i++) {
    const caddr = clients.length > 0 ? clients[i % clients.length]! : (0x0a000001 + i) >>> 0;
    const cport = options.clientPort ?? 40000 + (i % 20000);
    const d = s.connect(caddr, cport, vip, service.port);
    out.push(d ? d.rip : null);
    if (!d) continue;
    if (lifecycle === 'establish') s.establish(d);
    else if (lifecycle === 'close') s.release(d, false, s.lastTemplateKey);
  }
  return out;
}

/** Real servers of a service with a design-order index, for showing design vs kernel order. */
export function designToKernel(realServers: readonly RealServer[]): { id: RealServerId; designIndex: number; kernelIndex: number }[] {
  const n = realServers.length;
  return realServers.map((r, i) => ({ id: r.id, designIndex: i, kernelIndex: n - 1 - i }));
}

/**
 * What every IPVS scheduler shares: the destination (`struct ip_vs_dest`) with its counters, the
 * least-load heap that stands in for the kernel's O(servers) scans, the scans themselves (written
 * once for lc, wlc, sed and nq), the hash helpers of `include/linux/hash.h`, and the interface each
 * scheduler file implements (the kernel's `struct ip_vs_scheduler`).
 */
import type { Persistence, RealServerId, Scheduler, SchedulerFlag } from '../../model/types.ts';
import { parseIPv4 } from '../../addressing/ipv4.ts';
import type { Rng } from '../rng.ts';

/** What a scheduler needs to know about a real server (a subset of `RealServer`). */
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
 * Read it; change it only through the `IpvsScheduler` methods.
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

/** The mutable destination behind a {@link DestView} (internal to the schedulers). */
export class Dest implements DestView {
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

/** A weight as `ipvsadm` accepts it: an integer 0..65535. */
export const clampWeight = (w: number): number => (Number.isFinite(w) ? Math.max(0, Math.min(65535, Math.trunc(w))) : 0);

/** `ip_vs_dest_conn_overhead()`: active connections weigh 256 times an inactive one. */
export const overhead = (d: Dest): number => d.active * 256 + d.inactive;

/** sed/nq `ip_vs_sed_dest_overhead()`: active connections + 1; inactive ones do not count. */
export const activePlusOne = (d: Dest): number => d.active + 1;

/** sh/mh `is_unavailable()`: quiesced or over its threshold. */
export const unavailable = (x: Dest): boolean => x.weight <= 0 || x.overloaded;

/** `hash_32(v, 8)` of `include/linux/hash.h`: the top 8 bits of `v · 0x61C88647` (32-bit). */
export const hash32x8 = (v: number): number => Math.imul(v >>> 0, 0x61c88647) >>> 24;

export const gcd = (a: number, b: number): number => {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
};

/** The kernel's `fls()`: index of the highest set bit, 1-based; 0 for 0. */
export const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));

/**
 * The least-loaded scan of `ip_vs_lc.c`, `ip_vs_wlc.c`, `ip_vs_sed.c` and `ip_vs_nq.c`, written once:
 * skip quiesced and overloaded servers, keep the one whose `load·weight` is strictly smaller by
 * cross-multiplication (so the earliest in list order wins a tie). `weighted: false` compares loads
 * only (lc); `idleFirst` returns the first server without active connections at once (nq).
 */
export function leastLoaded(list: readonly Dest[], load: (d: Dest) => number, weighted: boolean, idleFirst = false): Dest | null {
  let least: Dest | null = null;
  let loh = 0;
  let lw = 1;
  for (const d of list) {
    if (d.overloaded || d.weight <= 0) continue;
    if (idleFirst && d.active === 0) return d;
    const doh = load(d);
    const w = weighted ? d.weight : 1;
    if (!least || loh * w > doh * lw) {
      least = d;
      loh = doh;
      lw = w;
    }
  }
  return least;
}

/**
 * The eligible servers (weight > 0, not overloaded, not deleted) ordered exactly like a
 * {@link leastLoaded} scan: least `load/weight` by cross-multiplication, earlier list position on a
 * tie. O(log servers) per counter change instead of O(servers) per connection.
 */
export class LeastLoadHeap {
  private heap: Dest[] = [];
  constructor(private readonly load: (d: Dest) => number) {}

  /** The server the scan would choose, or null. */
  top(): Dest | null {
    return this.heap[0] ?? null;
  }

  rebuild(list: readonly Dest[]): void {
    for (const d of this.heap) d.hpos = -1;
    for (const d of list) d.hpos = -1;
    this.heap = [];
    for (const d of list) this.fix(d);
  }

  /** Re-places `d` after its counters, weight or OVERLOAD flag changed. */
  fix(d: Dest): void {
    const h = this.heap;
    d.hkey = this.load(d);
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

  /** `a` is chosen before `b`: lower load/weight (cross-multiplied, exact), then earlier in the list. */
  private better(a: Dest, b: Dest): boolean {
    const x = a.hkey * b.weight;
    const y = b.hkey * a.weight;
    return x < y || (x === y && a.position < b.position);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(h[i]!, h[p]!)) break;
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
      if (l + 1 < n && this.better(h[l + 1]!, h[l]!)) c = l + 1;
      if (!this.better(h[c]!, h[i]!)) return;
      const t = h[i]!;
      h[i] = h[c]!;
      h[c] = t;
      h[i]!.hpos = i;
      t.hpos = c;
      i = c;
    }
  }
}

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

/** How one destination looks to the scheduler right now (see `IpvsScheduler.explain`). */
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

/**
 * The service as a scheduler sees it (`struct ip_vs_service`): the destination list in kernel order,
 * the clock, the flags and options, the shared least-load heap when the scheduler asked for one.
 */
export interface ServiceView {
  readonly list: readonly Dest[];
  readonly now: number;
  readonly rng: Rng;
  readonly flags: ReadonlySet<SchedulerFlag>;
  readonly options: SchedulerOptions;
  /** The least-load heap ({@link SchedulerModule.heapLoad}), or null when scanning. */
  readonly heap: LeastLoadHeap | null;
  /** Reports a configuration the kernel would refuse (null clears it). */
  setProblem(problem: string | null): void;
}

/** Per-service state of one scheduler (`svc->sched_data`) with its hooks. */
export interface SchedulerInstance {
  /** `schedule()`: the destination for a new connection, or null ("no destination available"). */
  schedule(caddr: number, cport: number, daddr: number, dport: number): Dest | null;
  /** `add_dest` / `upd_dest` / `del_dest` (after the list changed). */
  update?(): void;
  /** Before `d` (at `index`) leaves the list. */
  removing?(d: Dest, index: number): void;
  /** The bucket/slot a client hashes to (hash schedulers). */
  bucket?(caddr: number, cport: number, daddr: number): number;
  /** The number `explain()` shows for `d`. */
  metric?(d: Dest): number | undefined;
  /** Extra eligibility beyond weight > 0 and not overloaded. */
  eligible?(d: Dest): boolean;
  /** Cursor/state worth showing. */
  state?(): Record<string, number | string | null>;
  /** The hash table (sh/dh buckets, mh slots). */
  table?(): readonly (Dest | null)[];
  /** lblcr: the server set of a destination address. */
  serverSet?(daddr: number): readonly Dest[];
  /** A copy bound to `svc` with every destination mapped through `cp`. */
  clone(svc: ServiceView, cp: (d: Dest) => Dest): SchedulerInstance;
}

/** One kernel scheduler (`struct ip_vs_scheduler`): its name, its rule in words, `init_service`. */
export interface SchedulerModule {
  readonly name: Scheduler;
  /** The rule in one sentence, English and Chinese. */
  readonly rule: { readonly en: string; readonly zh: string };
  /** The load a least-load heap orders by, when the scheduler is a least-load scan. */
  readonly heapLoad?: (d: Dest) => number;
  /** `init_service`: the per-service state for the (possibly empty) list. */
  init(svc: ServiceView): SchedulerInstance;
}

/**
 * The kernel's IPVS schedulers, reimplemented from `net/netfilter/ipvs/ip_vs_*.c` as a stepwise state
 * object: feed it one connection at a time, change weights or drain a server mid-run.
 *
 * Laid out like the kernel: {@link IpvsScheduler} is the service (`ip_vs_ctl.c`/`ip_vs_core.c`: the
 * destination list, counters, OVERLOAD thresholds, persistence templates); each algorithm is one file
 * named like its kernel module (`rr.ts` … `twos.ts`) implementing `SchedulerModule`, found through
 * the plain-data registry (`registry.ts`). Faithful where it matters for a classroom and for
 * comparing with a real director:
 * - the destination list is **newest first** (`list_add_rcu` at the head), see {@link kernelOrder};
 * - rr/wrr cursors, the wrr gcd/max-weight walk, the lc/wlc/sed/nq integer cross-multiplication and
 *   its "first in list order wins a tie" rule, sh/dh 256-bucket tables, mh's Maglev table built with
 *   SipHash-1-3, lblc/lblcr caches, fo, ovf and twos;
 * - connection counters (`activeconns`, `inactconns`, `persistconns`), the OVERLOAD flag from the
 *   upper/lower thresholds, and persistence templates with their re-armed timers.
 *
 * The hot path ({@link IpvsScheduler.connect} / {@link IpvsScheduler.release}) takes numbers and
 * returns existing objects: it does not allocate, so a million connections take well under a second.
 */
import type { RealServer, RealServerId, Scheduler, SchedulerFlag, VirtualService } from '../../model/types.ts';
import { netmaskToPrefix, parseIPv4, prefixMask } from '../../addressing/ipv4.ts';
import type { Rng } from '../rng.ts';
import { createRng } from '../rng.ts';
import type { DestExplanation, DestView, PickExplanation, RealServerSpec, SchedulerInstance, SchedulerOptions, ServiceView } from './core.ts';
import { Dest, LeastLoadHeap, clampWeight } from './core.ts';
import { SCHEDULER_MODULES } from './registry.ts';

export type { DestExplanation, DestView, PickExplanation, RealServerSpec, SchedulerModule, SchedulerInstance, SchedulerOptions, ServiceView } from './core.ts';
export { LeastLoadHeap, leastLoaded, overhead, hash32x8 } from './core.ts';
export { SCHEDULER_MODULES } from './registry.ts';
export { MH_PRIMES } from './mh.ts';

/** A persistence template (`ip_vs_conn` with IP_VS_CONN_F_TEMPLATE). */
interface Template {
  dest: Dest;
  /** Time of the last use: the kernel re-arms the template timer on every lookup. */
  lastUse: number;
  /** Connections this template controls (`n_control`). */
  controlled: number;
  /** When `controlled` last dropped to 0. */
  releasedAt: number;
}

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
  private schedName: Scheduler;
  /** Current time in seconds, used by persistence and the lblc/lblcr caches. Set it as time passes. */
  now = 0;
  /** After {@link connect}: whether a persistence template decided the server. */
  lastFromTemplate = false;
  /** After {@link connect}: the template key (masked client address) or -1 without persistence. */
  lastTemplateKey = -1;
  /** A configuration the kernel would refuse (e.g. more real servers than Maglev slots), or null. */
  problem: string | null = null;
  /**
   * `net.ipv4.vs.expire_quiescent_template`: a persistence template whose server has weight 0 is no
   * longer used (ip_vs_core.c `ip_vs_check_template`), so its clients are scheduled anew. Off (the
   * kernel default): a quiesced server keeps getting the clients its templates pin.
   */
  expireQuiescentTemplate = false;
  private list: Dest[] = [];
  private readonly rng: Rng;
  private readonly options: SchedulerOptions;
  private readonly flags: ReadonlySet<SchedulerFlag>;
  private readonly persistTimeout: number;
  private readonly persistMask: number;
  private templates = new Map<number, Template>();
  /** wlc/lblc/lblcr (overhead) and sed (active + 1) keep the eligible servers in a heap ordered exactly like the kernel's scan. */
  private heap: LeastLoadHeap | null;
  private readonly view: ServiceView;
  private algo: SchedulerInstance;

  constructor(name: Scheduler, realServers: readonly RealServerSpec[], options: SchedulerOptions = {}) {
    this.schedName = name;
    this.options = options;
    this.rng = options.rng ?? createRng(options.seed ?? 1);
    this.flags = new Set<SchedulerFlag>(options.flags ?? []);
    this.persistTimeout = options.persistence ? Math.max(1, options.persistence.timeout) : 0;
    const prefix = options.persistence?.netmask ? netmaskToPrefix(options.persistence.netmask) : 32;
    this.persistMask = prefixMask(prefix ?? 32);
    const module = SCHEDULER_MODULES[name];
    this.heap = module.heapLoad && !options.scan ? new LeastLoadHeap(module.heapLoad) : null;
    this.view = this.makeView();
    // Built the way a director gets it from `ipvsadm -A` + one `-a` per server (and from
    // `ipvsadm -R` of generated rules): an empty service, then one add per real server in rule
    // order. wrr's current weight survives each add (clamped, not reset), so a 4,3,2 service starts
    // in another phase than one "born" with all its servers; the real kernel confirms this order
    // (tests/lab/real-kernel.test.ts).
    this.algo = module.init(this.view);
    for (const rs of realServers) this.addRealServer(rs);
  }

  private makeView(): ServiceView {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the view reads the live fields
    const self = this;
    return {
      get list() {
        return self.list;
      },
      get now() {
        return self.now;
      },
      get rng() {
        return self.rng;
      },
      get flags() {
        return self.flags;
      },
      get options() {
        return self.options;
      },
      get heap() {
        return self.heap;
      },
      setProblem(p: string | null) {
        self.problem = p;
      },
    };
  }

  /** The scheduler's kernel name (`ipvsadm -s`). */
  get name(): Scheduler {
    return this.schedName;
  }

  /**
   * Switches the algorithm as `ipvsadm -E -s NAME` does (ip_vs_edit_service): the old scheduler's
   * state goes, the new one is initialised over the same destinations; connections, counters and
   * persistence templates stay.
   */
  setScheduler(name: Scheduler): void {
    if (name === this.schedName) return;
    this.schedName = name;
    const module = SCHEDULER_MODULES[name];
    this.heap = module.heapLoad && !this.options.scan ? new LeastLoadHeap(module.heapLoad) : null;
    this.problem = null;
    this.algo = module.init(this.view);
    this.heap?.rebuild(this.list);
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
    const c = Object.assign(Object.create(IpvsScheduler.prototype) as IpvsScheduler, this);
    c.list = this.list.map(cp);
    c.templates = new Map([...this.templates].map(([k, t]) => [k, { ...t, dest: cp(t.dest) }]));
    const module = SCHEDULER_MODULES[this.name];
    c.heap = this.heap && module.heapLoad ? new LeastLoadHeap(module.heapLoad) : null;
    Object.assign(c, { view: c.makeView() });
    c.algo = this.algo.clone(c.view, cp);
    c.heap?.rebuild(c.list);
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

  private reindex(): void {
    for (let i = 0; i < this.list.length; i++) this.list[i]!.position = i;
  }

  private fix(d: Dest): void {
    this.heap?.fix(d);
  }

  /** Adds a real server the way `ipvsadm -a` does: at the head of the list. */
  addRealServer(spec: RealServerSpec): DestView {
    if (this.list.some((d) => d.id === spec.id)) throw new Error(`real server ${spec.id} already exists`);
    const d = new Dest(spec);
    this.list.unshift(d);
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
    this.algo.removing?.(d, i);
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
    this.heap?.rebuild(this.list);
    this.algo.update?.();
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
      if (t && (!t.dest.available || (this.expireQuiescentTemplate && t.dest.weight === 0) || this.templateExpired(t))) {
        this.unbindTemplate(t);
        this.templates.delete(key);
        t = undefined;
      }
      if (t) {
        d = t.dest;
        t.lastUse = this.now;
        this.lastFromTemplate = true;
      } else {
        d = this.algo.schedule(caddr, cport, daddr, dport);
        if (!d) return null;
        t = { dest: d, lastUse: this.now, controlled: 0, releasedAt: this.now };
        this.templates.set(key, t);
        d.persistent++;
      }
      t.controlled++;
    } else {
      d = this.algo.schedule(caddr, cport, daddr, dport);
      if (!d) return null;
    }
    d.assigned++;
    d.inactive++;
    // ip_vs_bind_dest: OVERLOAD once total connections reach the upper threshold.
    if (d.upperThreshold !== 0 && d.active + d.inactive >= d.upperThreshold) d.overloaded = true;
    this.fix(d);
    return d;
  }

  /** A TCP connection reached ESTABLISHED: it moves from InActConn to ActiveConn. */
  establish(dest: DestView): void {
    const d = dest as Dest;
    if (d.inactive > 0) d.inactive--;
    d.active++;
    this.fix(d);
  }

  /** A TCP connection left ESTABLISHED (FIN): back to InActConn until it expires. */
  deactivate(dest: DestView): void {
    const d = dest as Dest;
    if (d.active > 0) d.active--;
    d.inactive++;
    this.fix(d);
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
    this.fix(d);
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

  /**
   * Drops the persistence templates of a server, as the kernel does once its destination is deleted
   * (`ip_vs_check_template` fails for an unavailable dest): its clients are scheduled anew.
   * Returns how many templates went.
   */
  invalidateTemplates(id: RealServerId): number {
    let n = 0;
    for (const [k, t] of this.templates)
      if (t.dest.id === id) {
        this.unbindTemplate(t);
        this.templates.delete(k);
        n++;
      }
    return n;
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
    const algo = this.algo;
    const bucket = algo.bucket?.(caddr, cport, daddr);
    const candidates: DestExplanation[] = this.list.map((d) => {
      const eligible = !d.overloaded && d.weight > 0 && (algo.eligible?.(d) ?? true);
      const metric = algo.metric?.(d);
      return {
        id: d.id,
        position: d.position,
        weight: d.weight,
        active: d.active,
        inactive: d.inactive,
        overloaded: d.overloaded,
        eligible,
        ...(metric !== undefined ? { metric } : {}),
      };
    });
    // Everything but twos (random) is previewed on a copy, so cursors and caches stay untouched.
    const picked = this.name === 'twos' ? undefined : this.clone().algo.schedule(caddr, cport, daddr, 0);
    const state = algo.state?.();
    return {
      scheduler: this.name,
      rule: SCHEDULER_MODULES[this.name].rule,
      candidates,
      wouldPick: picked === undefined ? undefined : picked ? picked.id : null,
      ...(bucket !== undefined ? { bucket } : {}),
      ...(state ? { state } : {}),
    };
  }

  /**
   * The bare scheduler decision (`svc->scheduler->schedule()`), without persistence and without
   * binding a connection. Returns null for "no destination available". Like the kernel's
   * `schedule()`, it does advance rr/wrr cursors and fill lblc/lblcr caches; use {@link explain} to
   * look without touching anything.
   */
  pick(caddr: number, cport: number, daddr: number, dport = 0): DestView | null {
    return this.algo.schedule(caddr, cport, daddr, dport);
  }

  /** The Maglev lookup table (real-server id per slot; `null` for an empty slot). For teaching and tests. */
  mhTableSnapshot(): (RealServerId | null)[] {
    return this.name === 'mh' ? (this.algo.table?.() ?? []).map((d) => (d ? d.id : null)) : [];
  }

  /** The sh/dh bucket table (real-server id per bucket). */
  bucketSnapshot(): (RealServerId | null)[] {
    return this.name === 'sh' || this.name === 'dh' ? (this.algo.table?.() ?? []).map((d) => (d ? d.id : null)) : [];
  }

  /** The lblcr server set of a destination address (ids, newest member first). */
  lblcrSet(daddr: number): RealServerId[] {
    return (this.algo.serverSet?.(daddr) ?? []).map((d) => d.id);
  }
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
    ...((options.persistence ?? service.persistence) ? { persistence: options.persistence ?? service.persistence! } : {}),
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

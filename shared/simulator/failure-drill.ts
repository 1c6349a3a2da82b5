/**
 * Failure drill: real servers die and come back during a {@link ServiceRun}, and keepalived's
 * checkers react as {@link simulateServiceHealth} computes (detection after delay_loop, retries,
 * delay_before_retry and connect_timeout; weight 0 with inhibit_on_failure, else removal; back
 * after the recovery window). Between a death and its detection the scheduler still picks the dead
 * server: those connections get no answer (host off) or a RST (service stopped) — the drill counts
 * them. Stepwise like ServiceRun, so the classroom playground runs it on animation frames and a
 * test runs it exactly.
 */
import type { RealServerId, VirtualService } from '../model/types.ts';
import { effectiveHealthCheck } from '../model/health.ts';
import type { ServiceRun } from './connections.ts';
import type { DetectionWindow, FailureMode, HealthEvent, KernelFailurePolicy, ServerStateChange, ServiceHealthResult } from './health.ts';
import { detectionWindow, simulateServiceHealth } from './health.ts';

/** Options of a {@link FailureDrill}. */
export interface FailureDrillOptions {
  /** `silent`: the host is off (no answer, the checker waits connect_timeout); `refused`: the service stopped (RST at once). */
  readonly mode: FailureMode;
  /**
   * The director's expire_nodest_conn / expire_quiescent_template (kernel defaults: both 0). The run
   * follows them: when keepalived removes a server, `expireNodestConn` expires its connections at once
   * (else they stay in the table, their packets dropped by the director, until they time out); with
   * weight 0 (`inhibit_on_failure`) `expireQuiescentTemplate` stops its persistence templates from
   * pinning clients to it. A removed server's templates are never used again (its dest is gone).
   */
  readonly policy?: KernelFailurePolicy;
  /** When every checker makes its first attempt, seconds after the run started (keepalived: 1 s after start). */
  readonly firstCheckAt?: number;
}

/** How long keepalived needs to notice a death, for one real server of the service, or null without a check. */
export function drillDetection(service: VirtualService, server: string, mode: FailureMode): { readonly min: number; readonly max: number } | null {
  const rs = service.realServers.find((r) => r.id === server);
  const hc = rs ? effectiveHealthCheck(service, rs) : undefined;
  return hc ? detectionWindow(hc, mode) : null;
}

/** A failure drill over one {@link ServiceRun}. */
export class FailureDrill {
  readonly run: ServiceRun;
  readonly options: FailureDrillOptions;
  /** Connections scheduled to a server while it was dead (they never got a SYN-ACK), by real server. */
  readonly failedConnections = new Map<RealServerId, number>();
  private readonly changes = new Map<RealServerId, ServerStateChange[]>();
  private health: ServiceHealthResult | null = null;
  /** keepalived's reactions already applied to the run (events up to this time). */
  private appliedUntil = -Infinity;
  /** keepalived's reactions applied so far, in time order (for the event list). */
  readonly applied: HealthEvent[] = [];
  /** Connections the kernel expired when keepalived removed their server (expire_nodest_conn=1), by real server. */
  readonly expiredConnections = new Map<RealServerId, number>();
  /** Persistence templates dropped because their server was removed, by real server. */
  readonly droppedTemplates = new Map<RealServerId, number>();
  /** Servers keepalived took out, and how (until it puts them back). */
  private readonly out = new Map<RealServerId, 'removed' | 'weight-zero'>();

  constructor(run: ServiceRun, options: FailureDrillOptions) {
    this.run = run;
    this.options = options;
    run.sched.expireQuiescentTemplate = options.policy?.expireQuiescentTemplate ?? false;
  }

  /**
   * Connections still in the table whose server keepalived took out, by real server, with what
   * happens to their packets: `dropped` (the server was removed: ip_vs_in finds its dest unavailable
   * and drops them, expire_nodest_conn=0) or `to-dead-server` (weight 0: the dest is still available,
   * so the director keeps forwarding them to the dead server).
   */
  stranded(): Map<RealServerId, { readonly count: number; readonly fate: 'dropped' | 'to-dead-server' }> {
    const counts = new Map<RealServerId, number>();
    for (const c of this.run.table.connections()) if (this.out.has(c.realServer)) counts.set(c.realServer, (counts.get(c.realServer) ?? 0) + 1);
    const res = new Map<RealServerId, { count: number; fate: 'dropped' | 'to-dead-server' }>();
    for (const [id, count] of counts) res.set(id, { count, fate: this.out.get(id) === 'removed' ? 'dropped' : 'to-dead-server' });
    return res;
  }

  /** True once a server was killed in this drill. */
  get touched(): boolean {
    return this.changes.size > 0;
  }

  /** True when the server is really dead now (whatever keepalived believes). */
  isDown(server: RealServerId): boolean {
    const list = this.changes.get(server);
    return list !== undefined && list.length > 0 && !list[list.length - 1]!.up;
  }

  /** The server dies now. */
  kill(server: RealServerId): void {
    if (this.isDown(server) || !this.run.service.realServers.some((r) => r.id === server)) return;
    this.change(server, false);
  }

  /** The server answers again now. */
  bringBack(server: RealServerId): void {
    if (!this.isDown(server)) return;
    this.change(server, true);
  }

  /** Every failure so far with its detection and restore times (times past `now` are what will happen). */
  get windows(): readonly DetectionWindow[] {
    return this.health?.windows ?? [];
  }

  /** keepalived's table reactions and quorum changes still to come after `now`. */
  get pending(): readonly HealthEvent[] {
    return (this.health?.events ?? []).filter((e) => e.at > this.run.now && e.kind !== 'server-down' && e.kind !== 'server-up');
  }

  /**
   * Moves the run to `until` (sending at most `limit` connections in all), applying keepalived's
   * reactions at their exact times and counting the connections the scheduler gave a dead server.
   */
  advance(until: number, limit = Infinity): void {
    const due = (this.health?.events ?? []).filter((e) => e.at > this.appliedUntil && e.at <= until);
    for (const e of due) {
      this.advanceRun(e.at, limit);
      this.apply(e);
      this.appliedUntil = e.at;
    }
    this.advanceRun(until, limit);
    this.appliedUntil = Math.max(this.appliedUntil, until);
  }

  /**
   * Sends connections until `limit` were sent, the clock stopping at the last arrival (as
   * {@link ServiceRun.sendUpTo}), with keepalived's reactions applied on the way.
   */
  sendUpTo(limit: number): void {
    while (this.run.sent < limit) {
      const next = (this.health?.events ?? []).find((e) => e.at > this.appliedUntil);
      if (next && next.at <= this.run.nextArrivalAt) {
        this.advance(next.at, limit);
        continue;
      }
      this.counted(() => this.run.sendUpTo(this.run.sent + 1));
    }
  }

  private advanceRun(until: number, limit: number): void {
    if (until < this.run.now) return;
    this.counted(() => this.run.advance(until, limit));
  }

  /** Runs `step` and counts the connections it gave a server that is dead. */
  private counted(step: () => void): void {
    // Deaths only change between advances, so a server dead now was dead for this whole stretch:
    // only the dead servers' counters are compared (none dead, nothing to count).
    const dead: RealServerId[] = [];
    for (const id of this.changes.keys()) if (this.isDown(id)) dead.push(id);
    const before = dead.map((id) => this.run.assigned.get(id) ?? 0);
    step();
    dead.forEach((id, i) => {
      const fresh = (this.run.assigned.get(id) ?? 0) - before[i]!;
      if (fresh > 0) this.failedConnections.set(id, (this.failedConnections.get(id) ?? 0) + fresh);
    });
  }

  private apply(e: HealthEvent): void {
    if (e.kind === 'removed' || e.kind === 'weight-zero') {
      const id = e.server as RealServerId;
      // Scheduling-wise a removed server is one with weight 0 (the run keeps the kernel's list order).
      this.run.setWeight(id, 0);
      this.out.set(id, e.kind);
      if (e.kind === 'removed') {
        const sched = this.run.sched;
        const t = sched.invalidateTemplates(id);
        if (t > 0) this.droppedTemplates.set(id, (this.droppedTemplates.get(id) ?? 0) + t);
        if (this.options.policy?.expireNodestConn) {
          const n = this.run.table.expireDest(id);
          if (n > 0) this.expiredConnections.set(id, (this.expiredConnections.get(id) ?? 0) + n);
        }
      }
    } else if (e.kind === 'added' || e.kind === 'weight-restored') {
      this.run.setWeight(e.server as RealServerId, e.weight);
      this.out.delete(e.server as RealServerId);
    } else return;
    this.applied.push(e);
  }

  private change(server: RealServerId, up: boolean): void {
    const at = this.run.now;
    this.changes.set(server, [...(this.changes.get(server) ?? []), { at, up }]);
    const first = this.options.firstCheckAt ?? 1;
    const lastChange = Math.max(...[...this.changes.values()].flatMap((l) => l.map((c) => c.at)));
    // The checkers' phases are fixed from the run's start, so recomputing with a new change never
    // moves a reaction that already happened; only the future is recomputed.
    this.health = simulateServiceHealth(this.run.service, Object.fromEntries(this.changes), {
      until: lastChange + 3600,
      failure: this.options.mode,
      firstCheckAt: Object.fromEntries(this.run.service.realServers.map((r) => [r.id, first])),
      // Reactions before this change were applied already (the drill never replays the past).
      eventsFrom: at,
      ...(this.options.policy ? { policy: this.options.policy } : {}),
    });
    this.appliedUntil = Math.max(this.appliedUntil, at);
  }
}

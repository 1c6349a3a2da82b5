/**
 * Real-server failure as keepalived and the kernel handle it: when a checker notices that a server
 * died (or came back), what keepalived then does to the IPVS table (remove it, or weight 0 with
 * `inhibit_on_failure`; the sorry server when the quorum is lost), and what happens meanwhile to
 * new connections, existing connections and persistence templates.
 *
 * The checkers follow keepalived 2.2.7 (Debian bookworm) line by line:
 * - `TCP_CHECK` (`check_tcp.c` `tcp_epilog`): after a success or the last failed retry the next
 *   attempt starts `delay_loop` after the previous one ended, after a failed attempt with retries
 *   left `delay_before_retry` after; the server is declared down on failure number `retry + 1`.
 * - `HTTP_GET`/`SSL_GET` (`check_http.c` `epilog`): the same count of failures; once down, attempts
 *   are `max(delay_before_retry, delay_loop)` apart, and the first success after a failure only
 *   clears the failed URL — the server is declared up by the *next* success, `delay_loop` later.
 * - `MISC_CHECK` (`check_misc.c`): the next run is due `delay_loop` (or `delay_before_retry` while
 *   retrying) after the previous one *started*; a script still running then delays it.
 *
 * A failed attempt lasts 0 s when the server refuses at once (service stopped, RST) and the whole
 * `connect_timeout` (MISC_CHECK: `misc_timeout`) when it is silent (host down, cable out).
 * Pure and deterministic: time is in seconds on the simulation clock; nothing reads a real clock.
 */
import type { EffectiveHealthCheck } from '../model/health.ts';
import { effectiveHealthCheck, effectiveQuorum } from '../model/health.ts';
import type { RealServer, VirtualService } from '../model/types.ts';
import type { Rng } from './rng.ts';
import type { RealServerId } from '../model/ids.ts';

/** How a dead server fails a check attempt. */
export type FailureMode = 'refused' | 'silent';

/** A change of the real state of a server (not what keepalived believes). */
export interface ServerStateChange {
  /** Seconds on the simulation clock. */
  readonly at: number;
  readonly up: boolean;
}

/** A change of what the checker believes about a server, at the moment keepalived acts on it. */
export interface CheckerTransition {
  readonly at: number;
  readonly up: boolean;
}

/** Seconds one failed attempt takes. */
export function failedAttemptSeconds(hc: EffectiveHealthCheck, mode: FailureMode): number {
  if (mode === 'refused') return 0;
  return hc.kind === 'misc' ? hc.scriptTimeout : hc.connectTimeout;
}

/**
 * The detection window of a failure: seconds from the moment a server dies until keepalived takes
 * it out, for a server that failed right before a check (`min`) and right after one (`max`).
 *
 * TCP/HTTP/SSL: `(retry + 1) × fail + retry × delay_before_retry`, plus up to `delay_loop` until
 * the first check after the failure. MISC: runs start `max(delay_before_retry, fail)` apart while
 * retrying: `retry × max(delay_before_retry, fail) + fail`, plus up to `delay_loop`.
 * @example detectionWindow(hc /* delay_loop 6, connect_timeout 3, retry 3, delay_before_retry 3 *\/, 'silent') // { min: 21, max: 27 }
 */
export function detectionWindow(hc: EffectiveHealthCheck, mode: FailureMode): { readonly min: number; readonly max: number } {
  const fail = failedAttemptSeconds(hc, mode);
  const base = hc.kind === 'misc' ? hc.retry * Math.max(hc.delayBeforeRetry, fail) + fail : (hc.retry + 1) * fail + hc.retry * hc.delayBeforeRetry;
  return { min: base, max: base + hc.delayLoop };
}

/**
 * The longest time from a server coming back until keepalived puts it back into the table (the
 * shortest is close to 0, except for HTTP_GET/SSL_GET, which need two successes `delay_loop` apart).
 */
export function recoveryWindow(hc: EffectiveHealthCheck, mode: FailureMode): { readonly min: number; readonly max: number } {
  const fail = failedAttemptSeconds(hc, mode);
  if (hc.kind === 'http' || hc.kind === 'ssl') return { min: hc.delayLoop, max: fail + Math.max(hc.delayBeforeRetry, hc.delayLoop) + hc.delayLoop };
  if (hc.kind === 'misc') return { min: 0, max: Math.max(hc.delayLoop, fail) };
  // TCP_CHECK 2.2.7 keeps retrying while down: the longest gap is after the last retry of a round.
  return { min: 0, max: fail + (hc.retry > 0 ? Math.max(hc.delayLoop, hc.delayBeforeRetry) : hc.delayLoop) };
}

/** Options of one checker run. */
export interface CheckerRunOptions {
  /** When the first attempt starts (keepalived: 1 s + a random part of `warmup`, default `delay_loop`). */
  readonly firstCheckAt: number;
  /** Stop scheduling attempts after this time. */
  readonly until: number;
  readonly failure: FailureMode;
  /** The real state before the first change (default up). */
  readonly initiallyUp?: boolean;
}

/**
 * Runs one checker against a server whose real state changes at `changes` (sorted by time) and
 * returns every transition keepalived acts on. With `alpha` the server starts as down, so its
 * first successful check is an `up` transition.
 */
export function runChecker(hc: EffectiveHealthCheck, changes: readonly ServerStateChange[], options: CheckerRunOptions): CheckerTransition[] {
  const out: CheckerTransition[] = [];
  const fail = failedAttemptSeconds(hc, options.failure);
  let serverUp = options.initiallyUp ?? true;
  let ci = 0;
  let isUp = !hc.alpha;
  let hasRun = false;
  let retryIt = 0;
  let failedUrl = false;
  const declare = (up: boolean, at: number): void => {
    if (up !== isUp) out.push({ at, up });
    isUp = up;
  };
  let t = options.firstCheckAt;
  // Each loop is one attempt; a zero-length loop cannot repeat forever because delay_loop ≥ 1.
  while (t <= options.until) {
    while (ci < changes.length && changes[ci]!.at <= t) serverUp = changes[ci++]!.up;
    // Steady state (up, believed up, no retry or failed URL pending): every attempt until the next
    // change succeeds and schedules the next one delay_loop later (all three checkers), declaring
    // nothing — skip those attempts at once instead of one by one.
    if (serverUp && isUp && hasRun && retryIt === 0 && !failedUrl && hc.delayLoop > 0) {
      const next = ci < changes.length ? changes[ci]!.at : options.until;
      const skip = Math.ceil((next - t) / hc.delayLoop) - 1;
      if (skip > 0) {
        t += skip * hc.delayLoop;
        continue;
      }
    }
    const ok = serverUp;
    const end = ok ? t : t + fail;
    if (hc.kind === 'tcp') {
      let delay: number;
      if (ok || retryIt >= hc.retry) {
        delay = hc.delayLoop;
        retryIt = 0;
        if (ok && (!isUp || !hasRun)) declare(true, end);
        else if (!ok && (isUp || !hasRun)) declare(false, end);
      } else {
        delay = hc.delayBeforeRetry;
        retryIt++;
      }
      hasRun = true;
      t = end + delay;
    } else if (hc.kind === 'http' || hc.kind === 'ssl') {
      let delay: number;
      if (ok) {
        if (!failedUrl) {
          if (!isUp || !hasRun) {
            declare(true, end);
            hasRun = true;
          }
        } else {
          failedUrl = false;
        }
        retryIt = 0;
        delay = hc.delayLoop;
      } else {
        retryIt++;
        if (retryIt > hc.retry) {
          if (isUp || !hasRun) declare(false, end);
          failedUrl = true;
        }
        delay = failedUrl ? Math.max(hc.delayBeforeRetry, hc.delayLoop) : hc.delayBeforeRetry;
      }
      t = end + delay;
    } else {
      if (ok) {
        if (!isUp || !hasRun) declare(true, end);
        retryIt = 0;
      } else if (isUp || !hasRun) {
        if (retryIt < hc.retry) retryIt++;
        else {
          retryIt = 0;
          declare(false, end);
        }
      }
      hasRun = true;
      t = Math.max(t + (retryIt ? hc.delayBeforeRetry : hc.delayLoop), end);
    }
  }
  return out;
}

/** What the kernel does with what the failed server had, per sysctl. */
export interface KernelFailurePolicy {
  /** `net.ipv4.vs.expire_nodest_conn`: drop connections to a removed server (else they stay until they time out). */
  readonly expireNodestConn: boolean;
  /** `net.ipv4.vs.expire_quiescent_template`: drop persistence templates of a weight-0 server. */
  readonly expireQuiescentTemplate: boolean;
}

/** The fate of existing connections and persistence templates once keepalived acted. */
export interface FailureEffects {
  /** `kept`: the kernel still forwards their packets to the dead server until the connection times out; `expired`: dropped, the client reconnects. */
  readonly connections: 'kept' | 'expired';
  /** `kept`: clients with a template keep being sent to the dead server until it expires; `expired`: they are scheduled anew; `none`: not persistent. */
  readonly templates: 'kept' | 'expired' | 'none';
  /** One sentence for the UI and the docs. */
  readonly explanation: string;
}

/**
 * What happens to a failed server's connections and templates after keepalived removed it or set
 * its weight to 0 (`inhibited`). The kernel (ip_vs_core.c `ip_vs_check_template`) drops a template
 * whose server is no longer available, or has weight 0 with `expire_quiescent_template`;
 * `expire_nodest_conn` expires connections whose server was removed.
 */
export function failureEffects(inhibited: boolean, persistent: boolean, policy: KernelFailurePolicy): FailureEffects {
  const connections = !inhibited && policy.expireNodestConn ? 'expired' : 'kept';
  const templates = !persistent ? 'none' : !inhibited || policy.expireQuiescentTemplate ? 'expired' : 'kept';
  const c =
    connections === 'expired'
      ? 'existing connections to it are expired at once (expire_nodest_conn=1): their next packet finds no entry, the client gets a reset and reconnects to a live server'
      : inhibited
        ? 'existing connections to it stay and are still forwarded to the dead server (weight 0 keeps it in the table, so expire_nodest_conn does not apply) until they time out'
        : 'existing connections to it stay in the table until they time out (expire_nodest_conn=0), and the director drops their packets (its destination is gone)';
  const p =
    templates === 'none'
      ? ''
      : templates === 'expired'
        ? inhibited
          ? '; persistence templates for it are dropped (expire_quiescent_template=1), so its clients get a live server'
          : '; persistence templates for it are no longer used, so its clients get a live server'
        : '; persistence templates for it stay valid (weight 0, expire_quiescent_template=0): its clients keep being sent to the dead server until the template expires';
  return { connections, templates, explanation: `${inhibited ? 'Weight set to 0' : 'Removed from the table'}: ${c}${p}.` };
}

/** One entry of the table timeline of a service. */
export type HealthEvent =
  | { readonly at: number; readonly kind: 'server-down' | 'server-up'; readonly server: string }
  | { readonly at: number; readonly kind: 'removed' | 'weight-zero' | 'added' | 'weight-restored'; readonly server: string; readonly weight: number }
  | { readonly at: number; readonly kind: 'quorum-lost' | 'quorum-gained'; readonly aliveWeight: number; readonly sorryServer?: string };

/** A real server's failure and its detection, for shading the window on a timeline. */
export interface DetectionWindow {
  readonly server: string;
  /** When the server really died. */
  readonly failedAt: number;
  /** When keepalived took it out (removed or weight 0); undefined if not within the simulation. */
  readonly detectedAt?: number;
  /** When the server came back, if it did. */
  readonly recoveredAt?: number;
  /** When keepalived put it back. */
  readonly restoredAt?: number;
  /** What happened to its connections and templates once keepalived acted (with `options.policy`). */
  readonly effects?: FailureEffects;
}

/** Options for {@link simulateServiceHealth}. */
export interface ServiceHealthOptions {
  readonly until: number;
  readonly failure: FailureMode;
  /** The director's expire_nodest_conn / expire_quiescent_template (both 0, the kernel default, when absent). */
  readonly policy?: KernelFailurePolicy;
  /**
   * When each checker's first attempt starts, by real-server id. Missing ids: keepalived's own
   * choice, 1 s + a random part of `delay_loop` from `rng` (or exactly 1 s without an rng).
   */
  readonly firstCheckAt?: Readonly<Record<string, number>>;
  readonly rng?: Rng;
  /**
   * Only events at or after this time go into the result's `events` (a caller that replays from a
   * moment on, like the failure drill, skips merging the whole history again). All by default.
   */
  readonly eventsFrom?: number;
}

/** A destination as the IPVS table holds it at some moment. */
export interface TableEntry {
  readonly server: string;
  readonly weight: number;
  /** True when the server really answers; false = a connection scheduled here gets no SYN-ACK. */
  readonly alive: boolean;
  readonly sorry?: boolean;
}

/** Result of {@link simulateServiceHealth}. */
export interface ServiceHealthResult {
  /** Everything that happened (from `options.eventsFrom` on, when given), in time order. */
  readonly events: readonly HealthEvent[];
  readonly windows: readonly DetectionWindow[];
  /** The IPVS table at time `at`. */
  tableAt(at: number): TableEntry[];
  /** What a new connection scheduled to `server` at `at` experiences. */
  connectionAt(server: string, at: number): 'served' | 'syn-to-dead-server' | 'not-in-table';
}

/**
 * Simulates a service's health checking: `changes` says when each real server (by id) really dies
 * and comes back; the result says when keepalived noticed, what it did to the table (and to the
 * sorry server as the quorum comes and goes), and answers "what is in the table at t".
 * Servers without a check (service without `healthCheck`) stay in the table whatever happens.
 */
export function simulateServiceHealth(
  service: VirtualService,
  changes: Readonly<Record<string, readonly ServerStateChange[]>>,
  options: ServiceHealthOptions,
): ServiceHealthResult {
  // One time-ordered list per server and one for the quorum, merged at the end (no global sort).
  const perServer: HealthEvent[][] = [];
  const quorumEvents: HealthEvent[] = [];
  const windows: DetectionWindow[] = [];
  const check = service.healthCheck;
  // Per server: its checker transitions (what keepalived believes) and its real state changes.
  const believed = new Map<RealServerId, CheckerTransition[]>();
  const sorted = new Map<string, ServerStateChange[]>();
  for (const rs of service.realServers) {
    const real = [...(changes[rs.id] ?? [])].sort((a, b) => a.at - b.at);
    sorted.set(rs.id, real);
    const realEvents: HealthEvent[] = real.map((c) => ({ at: c.at, kind: c.up ? 'server-up' : 'server-down', server: rs.id }));
    const hc = effectiveHealthCheck(service, rs);
    if (!hc) {
      believed.set(rs.id, []);
      perServer.push(realEvents);
      continue;
    }
    const first = options.firstCheckAt?.[rs.id] ?? 1 + (options.rng ? (options.rng.nextU32() / 2 ** 32) * hc.delayLoop : 0);
    const transitions = runChecker(hc, real, { firstCheckAt: first, until: options.until, failure: options.failure });
    believed.set(rs.id, transitions);
    const inhibit = hc.inhibitOnFailure;
    const actions: HealthEvent[] = transitions.map((tr) =>
      tr.up
        ? { at: tr.at, kind: inhibit ? 'weight-restored' : 'added', server: rs.id, weight: rs.weight }
        : { at: tr.at, kind: inhibit ? 'weight-zero' : 'removed', server: rs.id, weight: 0 },
    );
    perServer.push(mergeByTime([realEvents, actions]));
    const effects = failureEffects(
      hc.inhibitOnFailure,
      service.persistence !== undefined,
      options.policy ?? { expireNodestConn: false, expireQuiescentTemplate: false },
    );
    windows.push(...pairWindows(rs.id, real, transitions).map((w) => (w.detectedAt !== undefined ? { ...w, effects } : w)));
  }
  // Quorum: the sum of the weights of the servers keepalived believes up (keepalived check_ipvswrapper update_quorum_state).
  if (check) {
    const { quorum, hysteresis } = effectiveQuorum(check);
    const sorry = check.sorryServer ? `${check.sorryServer.ip}:${check.sorryServer.port}` : undefined;
    const ids = [...believed.keys()];
    const flips = mergeByTime([...believed.values()].map((trs, i) => trs.map((t) => ({ at: t.at, up: t.up, id: ids[i]! }))));
    const up = new Map(service.realServers.map((r) => [r.id, !effectiveHealthCheck(service, r)?.alpha]));
    const weightOf = new Map(service.realServers.map((r) => [r.id, r.weight]));
    let quorumUp = true;
    let w = [...up.entries()].reduce((a, [id, u]) => a + (u ? weightOf.get(id)! : 0), 0);
    const evaluate = (at: number) => {
      if (!quorumUp && w >= quorum + hysteresis) {
        quorumUp = true;
        quorumEvents.push({ at, kind: 'quorum-gained', aliveWeight: w, ...(sorry ? { sorryServer: sorry } : {}) });
      } else if (quorumUp && (w === 0 || w < quorum - hysteresis)) {
        quorumUp = false;
        quorumEvents.push({ at, kind: 'quorum-lost', aliveWeight: w, ...(sorry ? { sorryServer: sorry } : {}) });
      }
    };
    evaluate(0);
    for (const f of flips) {
      if (up.get(f.id) !== f.up) w += f.up ? weightOf.get(f.id)! : -weightOf.get(f.id)!;
      up.set(f.id, f.up);
      evaluate(f.at);
    }
  }
  // Lists in this order, so at equal times a server's change comes before keepalived's reaction and the quorum after.
  const from = options.eventsFrom;
  const since = (l: readonly HealthEvent[]): readonly HealthEvent[] => {
    if (from === undefined || l.length === 0 || l[0]!.at >= from) return l;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid]!.at < from) lo = mid + 1;
      else hi = mid;
    }
    return l.slice(lo);
  };
  const events = mergeByTime([...perServer.map(since), since(quorumEvents)]);

  const stateAt = (list: readonly { at: number; up: boolean }[], at: number, initial: boolean): boolean => {
    let s = initial;
    for (const c of list) {
      if (c.at > at) break;
      s = c.up;
    }
    return s;
  };
  const rsById = new Map<string, RealServer>(service.realServers.map((r) => [r.id, r]));
  const tableAt = (at: number): TableEntry[] => {
    const out: TableEntry[] = [];
    for (const rs of service.realServers) {
      const hc = effectiveHealthCheck(service, rs);
      const believedUp = stateAt(believed.get(rs.id) ?? [], at, !hc?.alpha);
      const alive = stateAt(sorted.get(rs.id) ?? [], at, true);
      if (believedUp) {
        out.push({ server: rs.id, weight: rs.weight, alive });
      } else if (hc?.inhibitOnFailure) out.push({ server: rs.id, weight: 0, alive });
    }
    const lost = quorumEvents.filter((e) => e.at <= at).at(-1)?.kind === 'quorum-lost';
    const sorry = check?.sorryServer;
    if (sorry && (lost || sorry.inhibit)) out.push({ server: `${sorry.ip}:${sorry.port}`, weight: lost ? 1 : 0, alive: true, sorry: true });
    return out;
  };
  const connectionAt = (server: string, at: number): 'served' | 'syn-to-dead-server' | 'not-in-table' => {
    const entry = tableAt(at).find((e) => e.server === server);
    if (!entry || (entry.weight === 0 && rsById.has(server))) return 'not-in-table';
    return entry.alive ? 'served' : 'syn-to-dead-server';
  };
  return { events, windows, tableAt, connectionAt };
}

/** Pairs real failures with the checker's reaction (both lists are in time order: one linear pass). */
function pairWindows(server: string, real: readonly ServerStateChange[], believed: readonly CheckerTransition[]): DetectionWindow[] {
  const out: DetectionWindow[] = [];
  let b = 0;
  for (let i = 0; i < real.length; i++) {
    const c = real[i]!;
    if (c.up) continue;
    let j = i + 1;
    while (j < real.length && !real[j]!.up) j++;
    const back = real[j];
    while (b < believed.length && believed[b]!.at < c.at) b++;
    let detected: CheckerTransition | undefined;
    let restored: CheckerTransition | undefined;
    for (let k = b; k < believed.length; k++) {
      const x = believed[k]!;
      if (back !== undefined && x.at > back.at && detected === undefined) break;
      if (!x.up && detected === undefined) detected = x;
      else if (x.up && detected !== undefined && back !== undefined && x.at >= back.at) {
        restored = x;
        break;
      }
      if (back === undefined && detected !== undefined) break;
    }
    out.push({
      server,
      failedAt: c.at,
      ...(detected ? { detectedAt: detected.at } : {}),
      ...(back ? { recoveredAt: back.at } : {}),
      ...(restored ? { restoredAt: restored.at } : {}),
    });
    i = j - 1;
  }
  return out;
}

/**
 * Merges lists that are each sorted by `at`. Ties keep list order, then position: the lists are
 * concatenated in order and sorted with the engine's stable sort (TimSort finds the sorted runs, so
 * this is a merge of k runs, O(n log k), done natively).
 */
function mergeByTime<T extends { readonly at: number }>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  for (const l of lists) for (const x of l) out.push(x);
  return out.sort((a, b) => a.at - b.at);
}

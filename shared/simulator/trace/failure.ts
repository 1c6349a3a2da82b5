/**
 * The walk with real servers down (a {@link FailureScenario}): what the IPVS table holds at the
 * moment of the request, computed with keepalived's timing ({@link simulateServiceHealth}), and what
 * the client's kernel does when its SYN goes unanswered.
 *
 * The kernel behaviour this follows (net/netfilter/ipvs, Linux 6.1 as Debian bookworm ships it):
 * - A dead server keepalived has not noticed yet is still a destination: the scheduler may pick it.
 * - No usable destination (every server removed or at weight 0, no sorry server): `ip_vs_schedule()`
 *   returns NULL with `*ignored = 0`, and `tcp_conn_schedule()` / `udp_conn_schedule()` call
 *   `ip_vs_leave()`, which (outside the fwmark cache_bypass and FTP cases) does
 *   `icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0)` and returns NF_DROP — "the TCP RST
 *   packet cannot be sent, instead that ICMP_PORT_UNREACH is sent here no matter it is TCP/UDP"
 *   (ip_vs_core.c). The client's TCP turns that ICMP into ECONNREFUSED (tcp_v4_err).
 * - A retransmitted SYN matches the connection entry of the first one. In `ip_vs_in()`: with
 *   `expire_nodest_conn=1` a new SYN whose entry points to a server of weight 0, or to a deleted
 *   (unavailable) server, expires the entry and is scheduled anew; with 0 a packet for a deleted
 *   server is dropped without restarting the entry's timer, while a weight-0 server still gets it.
 */
import type { HostId, RealServer, RealServerId, VirtualService } from '../../model/types.ts';
import { effectiveHealthCheck } from '../../model/health.ts';
import { parseIPv4 } from '../../addressing/ipv4.ts';
import { realServerId, refAsHostId } from '../../model/ids.ts';
import { detectionWindow, simulateServiceHealth } from '../health.ts';
import type { FailureScenario } from '../types.ts';
import type { Network } from '../network.ts';

/** keepalived's view of one dead server at the moment of the walk. */
export interface DownServer {
  readonly id: RealServerId;
  /** Seconds after the failure keepalived takes it out; undefined when no checker watches it. */
  readonly detectedAfter?: number;
  /** The detection window of its checker (failure right before / right after a check). */
  readonly window?: { readonly min: number; readonly max: number };
  /** keepalived sets weight 0 instead of removing it (`inhibit_on_failure`). */
  readonly inhibit: boolean;
  /** Already taken out at the moment of the walk. */
  readonly takenOut: boolean;
}

/** The failure as the walk sees it (part of the frozen simulation context). */
export interface FailureContext {
  readonly scenario: FailureScenario;
  readonly down: ReadonlyMap<RealServerId, DownServer>;
  /** Hosts that are gone (mode `silent`): nothing on them answers, not even ARP. */
  readonly goneHosts: ReadonlySet<HostId>;
  /**
   * The service as the IPVS table holds it `since` seconds after the failure: removed servers left
   * out, inhibited ones at weight 0, the sorry server added while the quorum is lost.
   */
  readonly table: VirtualService;
  /** The sorry server as a destination, when it is in the table with a weight (quorum lost). */
  readonly sorry?: RealServer;
  /** The sorry server's address when it is in use but no host of the design owns it. */
  readonly sorryOutside?: string;
  readonly quorumLost: boolean;
}

/** Id the walk gives the sorry server's destination. */
export const SORRY_ID = realServerId('sorry-server');

/** Seconds after the failure the walk's checkers make their next attempt (default: a whole delay_loop, the longest window). */
function nextCheck(service: VirtualService, rs: RealServer, scenario: FailureScenario): number {
  const hc = effectiveHealthCheck(service, rs);
  const d = hc?.delayLoop ?? 0;
  return Math.max(0, Math.min(d, scenario.nextCheckIn ?? d));
}

/** Builds the {@link FailureContext} of a walk of `service`. */
export function failureContext(net: Network, service: VirtualService, scenario: FailureScenario): FailureContext {
  const since = Math.max(0, Number.isFinite(scenario.since) ? scenario.since : 0);
  const downIds = new Set(scenario.down.filter((id) => service.realServers.some((r) => r.id === id)));
  const mode = scenario.mode;
  // The failure happens at t = 0; the checkers of the dead servers next look at `nextCheck`, the live ones at 0.
  const health = simulateServiceHealth(service, Object.fromEntries([...downIds].map((id) => [id, [{ at: 0, up: false }]])), {
    // Far enough for every detection (the longest keepalived window is well under an hour).
    until: since + 3600,
    failure: mode,
    firstCheckAt: Object.fromEntries(service.realServers.map((r) => [r.id, downIds.has(r.id) ? nextCheck(service, r, scenario) : 0])),
  });
  const entries = health.tableAt(since);
  const down = new Map<RealServerId, DownServer>();
  for (const id of downIds) {
    const rs = service.realServers.find((r) => r.id === id)!;
    const hc = effectiveHealthCheck(service, rs);
    const w = health.windows.find((x) => x.server === id);
    const detectedAfter = w?.detectedAt;
    down.set(id, {
      id,
      ...(detectedAfter !== undefined ? { detectedAfter } : {}),
      ...(hc ? { window: detectionWindow(hc, mode) } : {}),
      inhibit: hc?.inhibitOnFailure ?? false,
      takenOut: detectedAfter !== undefined && detectedAfter <= since,
    });
  }
  const realServers: RealServer[] = [];
  for (const rs of service.realServers) {
    const e = entries.find((x) => x.server === rs.id && !x.sorry);
    if (e) realServers.push(e.weight === rs.weight ? rs : { ...rs, weight: e.weight });
  }
  const sorryEntry = entries.find((x) => x.sorry);
  const quorumLost = health.events.filter((e) => e.at <= since && (e.kind === 'quorum-lost' || e.kind === 'quorum-gained')).at(-1)?.kind === 'quorum-lost';
  const spec = service.healthCheck?.sorryServer;
  let sorry: RealServer | undefined;
  let sorryOutside: string | undefined;
  if (spec && sorryEntry) {
    const addr = parseIPv4(spec.ip);
    const director = refAsHostId(service.director);
    const owner = addr === null ? undefined : [...net.hosts.values()].find((h) => h.local.has(addr) && h.id !== director);
    const onDirector = addr !== null && net.hosts.get(director)?.local.has(addr);
    const host = owner?.id ?? (onDirector ? director : undefined);
    if (host) {
      sorry = {
        id: SORRY_ID,
        host,
        rip: spec.ip,
        port: spec.port,
        method: spec.method ?? service.realServers[0]?.method ?? 'nat',
        weight: sorryEntry.weight,
      };
      realServers.push(sorry);
    } else if (sorryEntry.weight > 0) sorryOutside = `${spec.ip}:${spec.port}`;
  }
  const goneHosts = new Set<HostId>(mode === 'silent' ? [...downIds].map((id) => service.realServers.find((r) => r.id === id)!.host) : []);
  return {
    scenario: { ...scenario, since },
    down,
    goneHosts,
    table: { ...service, realServers },
    ...(sorry && sorry.weight > 0 ? { sorry } : {}),
    ...(sorryOutside ? { sorryOutside } : {}),
    quorumLost,
  };
}

/** Linux's SYN retransmission: initial RTO 1 s, doubled each time, `tcp_syn_retries` = 6 (7 SYNs, connect() gives up after 127 s). */
export const SYN_RETRIES = 6;

/** Seconds after the first SYN at which SYN number `k` (0 = the first) leaves the client. */
export const synSentAt = (k: number): number => 2 ** k - 1;

/** What happens to the client's retransmitted SYNs after its first SYN went to a dead, silent server. */
export type RetransmitStory =
  /** SYN `k` (1-based retry number `retry`) is scheduled anew and reaches another server `after` seconds after the first SYN. */
  | { readonly kind: 'rescheduled'; readonly retry: number; readonly after: number }
  /** Every SYN goes to the dead server or is dropped: connect() fails with ETIMEDOUT after 127 s. */
  | { readonly kind: 'timeout'; readonly after: number };

/**
 * The fate of the retransmitted SYNs of a connection whose first SYN went to a dead server at
 * `since` seconds after the failure, when keepalived takes the server out `detectedAfter` seconds
 * after the failure (undefined: never), by setting weight 0 (`inhibit`) or removing it.
 */
export function retransmitStory(since: number, detectedAfter: number | undefined, inhibit: boolean, expireNodestConn: boolean): RetransmitStory {
  const giveUp = synSentAt(SYN_RETRIES + 1);
  if (detectedAfter === undefined) return { kind: 'timeout', after: giveUp };
  let lastForwarded = 0;
  for (let k = 1; k <= SYN_RETRIES; k++) {
    const at = synSentAt(k);
    if (since + at < detectedAfter) {
      lastForwarded = at;
      continue;
    }
    // keepalived has acted. expire_nodest_conn=1: the new SYN expires the entry and is scheduled anew.
    if (expireNodestConn) return { kind: 'rescheduled', retry: k, after: at };
    // Weight 0 keeps the destination available: the entry still sends every SYN to the dead server.
    if (inhibit) continue;
    // Removed: the SYN is dropped and the entry's timer (SYN_RECV, 60 s) is not restarted; once it ran out, a SYN makes a new entry.
    if (at >= lastForwarded + 60) return { kind: 'rescheduled', retry: k, after: at };
  }
  return { kind: 'timeout', after: giveUp };
}

/**
 * The `since` values of the classroom's three presets for a set of dead servers: just failed (0),
 * in the detection window (half of the shortest detection), after detection (1 s after the
 * slowest). Null detection when no checker watches any of them (nothing ever takes them out).
 */
export function failurePresets(
  net: Network,
  service: VirtualService,
  down: readonly RealServerId[],
  mode: FailureScenario['mode'],
): { readonly justFailed: number; readonly inWindow: number; readonly afterDetection: number; readonly detectedAfter: number | null } {
  const ctx = failureContext(net, service, { down, mode, since: 0 });
  const times = [...ctx.down.values()].map((d) => d.detectedAfter).filter((x): x is number => x !== undefined);
  if (times.length === 0) return { justFailed: 0, inWindow: 10, afterDetection: 60, detectedAfter: null };
  const first = Math.min(...times);
  const last = Math.max(...times);
  return { justFailed: 0, inWindow: Math.max(0, Math.floor(first / 2)), afterDetection: Math.ceil(last) + 1, detectedAfter: last };
}

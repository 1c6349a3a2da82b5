/**
 * The live view behind the bridge (`live:*` channels, Electron IPC and browser mode alike): keeps
 * the polling sessions, turns their views into `live:update` pushes (at most one per
 * {@link PUSH_EVERY_MS} per session, so 50 directors answering every 2 s do not flood the window),
 * and answers "why did this client land there" from the last poll.
 */
import type { HostId, ServiceId, Topology } from '../../../shared/model/types.ts';
import type { Result } from '../../../shared/util/result.ts';
import { err, ok } from '../../../shared/util/result.ts';
import type { LiveHostDetail, LiveStartRequest, LiveStarted, LiveUpdate } from '../../../shared/ipc/live.ts';
import type { IpvsConnection, IpvsConnectionSummary } from '../../../shared/live/ipvsadm.ts';
import type { HostObservation } from '../../../shared/live/observation.ts';
import type { LandingExplanation } from '../../../shared/live/why.ts';
import { explainLanding } from '../../../shared/live/why.ts';
import type { KnownHosts } from '../ssh/hostkeys.ts';
import type { SecretStore } from '../secrets/store.ts';
import type { LivePollerOptions } from './poller.ts';
import { LivePoller } from './poller.ts';

/** Shortest time between two pushes of one session (ms). */
export const PUSH_EVERY_MS = 400;
const MAX_SESSIONS = 8;

export interface LiveServiceOptions {
  readonly emit: (update: LiveUpdate) => void;
  readonly knownHosts: KnownHosts;
  readonly secrets: SecretStore;
  /** Extra poller settings (tests: remote environment, timeouts). */
  readonly poller?: Partial<Pick<LivePollerOptions, 'remoteEnv' | 'commandTimeoutMs' | 'readyTimeoutMs' | 'identity'>>;
}

/** Per-host details of the latest observations. */
export function hostDetails(observations: readonly HostObservation[]): LiveHostDetail[] {
  return observations.map((o) => ({
    hostId: o.hostId,
    status: o.status,
    at: o.at,
    problems: o.problems,
    ...(o.error ? { error: o.error } : {}),
    ...(o.failures ? { failures: o.failures } : {}),
    ...(o.keepalived
      ? {
          keepalived: {
            source: o.keepalived.source,
            ...(o.keepalived.ageSeconds !== undefined ? { ageSeconds: o.keepalived.ageSeconds } : {}),
            ...(o.keepalived.notRunning ? { notRunning: true } : {}),
          },
        }
      : {}),
    ...(o.ipvs?.connections ? { connectionsTotal: o.ipvs.connections.total } : {}),
    ...(o.ipvs?.timeouts ? { timeouts: o.ipvs.timeouts } : {}),
    ...(o.ipvs?.syncDaemons ? { syncDaemons: o.ipvs.syncDaemons } : {}),
  }));
}

interface Session {
  readonly topology: Topology;
  readonly poller: LivePoller;
  timer: NodeJS.Timeout | null;
  lastPush: number;
}

export class LiveService {
  readonly #o: LiveServiceOptions;
  readonly #sessions = new Map<string, Session>();

  constructor(options: LiveServiceOptions) {
    this.#o = options;
  }

  #push(id: string): void {
    const s = this.#sessions.get(id);
    if (!s || s.timer) return;
    const wait = Math.max(0, s.lastPush + PUSH_EVERY_MS - Date.now());
    s.timer = setTimeout(() => {
      s.timer = null;
      if (this.#sessions.get(id) !== s) return;
      s.lastPush = Date.now();
      this.#o.emit({ sessionId: id, view: s.poller.view(), hosts: hostDetails(s.poller.observations()) });
    }, wait);
  }

  start(request: LiveStartRequest): Result<LiveStarted> {
    this.stop(request.sessionId);
    if (this.#sessions.size >= MAX_SESSIONS) return err(`at most ${MAX_SESSIONS} live sessions at a time; close another live view first`);
    const id = request.sessionId;
    const poller = new LivePoller(request.topology, {
      knownHosts: this.#o.knownHosts,
      secrets: this.#o.secrets,
      ...this.#o.poller,
      ...(request.intervalMs ? { intervalMs: request.intervalMs } : {}),
      onObservation: () => this.#push(id),
    });
    const polled = request.topology.hosts.filter((h) => h.ssh).map((h) => h.id);
    if (polled.length === 0) return err('no host of this design has an SSH endpoint: set one in the SSH settings of each host (or run the built-in lab)');
    this.#sessions.set(id, { topology: request.topology, poller, timer: null, lastPush: 0 });
    poller.start();
    return ok({ sessionId: id, polled, skipped: poller.skipped });
  }

  stop(sessionId: string): boolean {
    const s = this.#sessions.get(sessionId);
    if (!s) return false;
    if (s.timer) clearTimeout(s.timer);
    s.poller.stop();
    this.#sessions.delete(sessionId);
    return true;
  }

  pause(sessionId: string): boolean {
    const s = this.#sessions.get(sessionId);
    s?.poller.pause();
    return !!s;
  }

  resume(sessionId: string): boolean {
    const s = this.#sessions.get(sessionId);
    s?.poller.start();
    return !!s;
  }

  connections(sessionId: string, hostId: HostId): Result<IpvsConnectionSummary> {
    const s = this.#sessions.get(sessionId);
    if (!s) return err('no such live session');
    const o = s.poller.observations().find((x) => x.hostId === hostId);
    if (!o) return err(`no answer from ${hostId} yet`);
    if (!o.ipvs?.connections) return err(o.status === 'unreachable' ? `${hostId} is unreachable: ${o.error ?? ''}` : `${hostId} reported no connection table`);
    return ok(o.ipvs.connections);
  }

  explain(sessionId: string, serviceId: ServiceId, entry: IpvsConnection): Result<LandingExplanation> {
    const s = this.#sessions.get(sessionId);
    if (!s) return err('no such live session');
    const service = s.topology.services.find((x) => x.id === serviceId);
    if (!service) return err(`no service ${serviceId} in this design`);
    const view = s.poller.view();
    const live = view.services.find((x) => x.serviceId === serviceId);
    if (!live) return err(`no live data for ${serviceId} yet (is its director ${service.director} reachable?)`);
    const templates =
      s.poller
        .observations()
        .find((o) => o.hostId === service.director)
        ?.ipvs?.connections?.entries.filter((e) => e.template) ?? [];
    const r = explainLanding(service, live, entry, templates);
    return typeof r === 'string' ? err(r) : ok(r);
  }

  /** Polls answered or failed so far in a session (benchmarks, tests). */
  pollCount(sessionId: string): number {
    return this.#sessions.get(sessionId)?.poller.pollCount ?? 0;
  }

  /** Stops every session (backend shutting down). */
  close(): void {
    for (const id of [...this.#sessions.keys()]) this.stop(id);
  }
}

/**
 * The `live` domain of the bridge: the live view of a running cluster. The Node side polls every
 * host of the design over SSH with one read-only command per poll and pushes `live:update` events;
 * the renderer starts a session for the open design, pauses it while the window is hidden and stops
 * it when the view closes. Nothing here changes a host.
 */
import type { HostId, ServiceId, Topology } from '../model/types.ts';
import type { Result } from '../util/result.ts';
import type { IpvsConnection, IpvsConnectionSummary, IpvsTimeouts, SyncDaemon } from '../live/ipvsadm.ts';
import type { LiveProblem } from '../live/observation.ts';
import type { LiveView } from '../live/view.ts';
import type { LandingExplanation } from '../live/why.ts';

/** Pattern of a live session id (chosen by the caller, like a deploy id). */
export const LIVE_SESSION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Allowed poll intervals (ms). */
export const LIVE_INTERVAL_MIN_MS = 500;
export const LIVE_INTERVAL_MAX_MS = 600_000;

export interface LiveStartRequest {
  readonly sessionId: string;
  readonly topology: Topology;
  /** Poll interval per host in ms (default 2000). */
  readonly intervalMs?: number;
}

export interface LiveStarted {
  readonly sessionId: string;
  /** Hosts that are polled (they have an SSH endpoint). */
  readonly polled: readonly HostId[];
  /** Hosts without an SSH endpoint (not polled). */
  readonly skipped: readonly HostId[];
}

/** Per-host details beside the view: what failed, what could not be parsed, keepalived's freshness. */
export interface LiveHostDetail {
  readonly hostId: HostId;
  readonly status: 'ok' | 'unreachable';
  readonly error?: string;
  /** Consecutive failed polls. */
  readonly failures?: number;
  /** When the last answer (or failure) came (ms since the epoch). */
  readonly at: number;
  readonly problems: readonly LiveProblem[];
  readonly keepalived?: { readonly source: 'json' | 'data' | 'none'; readonly ageSeconds?: number; readonly notRunning?: boolean };
  /** Entries in the IPVS connection table (directors). */
  readonly connectionsTotal?: number;
  readonly timeouts?: IpvsTimeouts;
  readonly syncDaemons?: readonly SyncDaemon[];
}

/** The `live:update` push: the whole view after a host answered (at most a few per second). */
export interface LiveUpdate {
  readonly sessionId: string;
  readonly view: LiveView;
  readonly hosts: readonly LiveHostDetail[];
}

export interface LiveApi {
  /** Whether this backend can poll hosts (false in the in-memory fallback). */
  available(): Promise<boolean>;
  /** Starts polling a design; an existing session with that id is replaced. */
  start(request: LiveStartRequest): Promise<Result<LiveStarted>>;
  /** Stops a session (closes its connections). False when there is no such session. */
  stop(sessionId: string): Promise<boolean>;
  /** Pauses polling (window hidden). */
  pause(sessionId: string): Promise<boolean>;
  /** Resumes polling at once. */
  resume(sessionId: string): Promise<boolean>;
  /** The last poll's connection sample and counts of a director. */
  connections(sessionId: string, hostId: HostId): Promise<Result<IpvsConnectionSummary>>;
  /** "Why did this client land there?" for a live entry of a service. */
  explain(sessionId: string, serviceId: ServiceId, entry: IpvsConnection): Promise<Result<LandingExplanation>>;
}

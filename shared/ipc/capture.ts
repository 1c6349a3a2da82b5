/**
 * The `capture` domain of the bridge: real packets of one request in the running built-in lab (the VM
 * "Run in the built-in lab" started, with the design deployed). `run` starts tcpdump on every
 * interface of every host, sends one request from the client, stops the captures and returns the
 * captured walk, the simulated walk of the same connection and their differences (docs/live.md).
 */
import type { HostId, Topology } from '../model/types.ts';
import type { Result } from '../util/result.ts';
import type { CapturedWalk } from '../capture/walk.ts';
import type { WalkComparison } from '../capture/compare.ts';
import type { Trace } from '../simulator/types.ts';
import type { LabAvailability } from './lab.ts';

/** What to capture: a client host and a service (its id or `VIP:PORT`). */
export interface CaptureRunRequest {
  readonly client: HostId;
  readonly service: string;
}

/** The result of one capture, as the classroom shows it. */
export interface CaptureView {
  readonly vip: string;
  readonly vport: number;
  readonly walk: CapturedWalk;
  /** The simulated walk of the same connection (same client port). */
  readonly trace: Trace;
  readonly comparison: WalkComparison;
  /** The client's request: exit code of its `wget` (0 = answered) and what it printed. */
  readonly request: { readonly code: number; readonly output: string };
  /** The pcaps recorded, per host interface (sizes only; the bytes stay on the Node side). */
  readonly pcaps: readonly { readonly host: HostId; readonly iface: string; readonly bytes: number }[];
  readonly problems: readonly string[];
}

export interface CaptureApi {
  /** Whether a capture can run now: the lab must be available and running. */
  available(): Promise<LabAvailability>;
  /** Captures one request of the design in the running lab. One capture at a time. */
  run(topology: Topology, request: CaptureRunRequest): Promise<Result<CaptureView>>;
}

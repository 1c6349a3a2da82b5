/**
 * The `lab` domain of the bridge: the built-in qemu lab (a throw-away VM with Debian's IPVS kernel,
 * one network namespace per design host) as a one-click deploy target. `up` boots or reuses the VM,
 * builds the design's hosts and gives each one an SSH server on 127.0.0.1; the renderer then points
 * the hosts' SSH settings at those endpoints and deploys as it would to real machines. Progress lines
 * arrive as `lab:progress` pushes.
 */
import type { HostId, Topology } from '../model/types.ts';
import type { Result } from '../util/result.ts';

/** Whether this backend can run the lab, and if not, why (a sentence for the user). */
export interface LabAvailability {
  readonly available: boolean;
  readonly reason?: string;
}

/** One design host of the running lab, reachable over SSH at `127.0.0.1:port` as root with the lab key. */
export interface LabHostEndpoint {
  readonly host: HostId;
  readonly port: number;
}

/** What `lab:up` made. */
export interface LabUpResult {
  readonly endpoints: readonly LabHostEndpoint[];
  /** The key file a deploy logs in with (a path on the Node side; the key itself never leaves it). */
  readonly keyPath: string;
  /** True when an already running lab VM was reused (its hosts are rebuilt from this design). */
  readonly reused: boolean;
  /** Milliseconds from the request to the last host's SSH server answering. */
  readonly elapsedMs: number;
}

/** The lab VM as it is now. */
export interface LabStatus {
  readonly running: boolean;
  /** Name of the design whose hosts run in it. */
  readonly design?: string;
  readonly endpoints: readonly LabHostEndpoint[];
  /** True while an `up` or `down` is in progress. */
  readonly busy: boolean;
}

/** A `lab:progress` push: one line of what the lab is doing (building the image, booting, creating hosts). */
export interface LabProgress {
  readonly line: string;
  readonly at: number;
}

export interface LabApi {
  available(): Promise<LabAvailability>;
  status(): Promise<LabStatus>;
  /** Boots (or reuses) the lab VM and builds the design's hosts in it. One `up`/`down` at a time. */
  up(topology: Topology): Promise<Result<LabUpResult>>;
  /** Removes the hosts and powers the VM off; `false` when no lab was running. */
  down(): Promise<Result<boolean>>;
}

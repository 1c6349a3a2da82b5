/**
 * The `deploy` domain of the bridge: push a design to real hosts over SSH (plan, apply, rollback),
 * with live progress as `deploy:progress` pushes.
 *
 * Security model of the contract: secrets travel from the renderer to the Node side only (as the
 * answer to a `prompt` event) and never come back — no event, result or log carries one; host-key
 * trust is a yes/no answer to a fingerprint the Node side computed itself.
 */
import type { HostId, HostRole, Topology } from '../model/types.ts';
import type { Result } from '../util/result.ts';

/** Pattern of a deploy id (chosen by the caller so it can match progress events to its request). */
export const DEPLOY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** What a deploy, dry-run or rollback acts on. */
export interface DeployRequest {
  /** Caller-chosen id, {@link DEPLOY_ID_PATTERN}; every progress event of this run carries it. */
  readonly deployId: string;
  readonly topology: Topology;
  /** Only these hosts (ids); all hosts with an SSH endpoint when absent or empty. */
  readonly hosts?: readonly HostId[];
  /** Keep the hosts as they are after a failure instead of running their rollback.sh. */
  readonly noRollback?: boolean;
  /** Requests per virtual service in the end-to-end check from a client host (0 = no check; default 20). */
  readonly e2eRequests?: number;
  /**
   * Commit-confirm time in seconds (default 120; 0 = off): each changed host arms a timer before
   * apply.sh that rolls it back by itself unless the engine confirms over a new SSH connection
   * after apply and verify.
   */
  readonly confirmSeconds?: number;
  /** Apply even though a change would cut the SSH session (explicit, logged override). */
  readonly allowSessionCut?: boolean;
  /**
   * Lets apply.sh install keepalived on a keepalived-owned director that lacks it (CLI
   * `--install-keepalived`); off: such a host is refused in the plan and nothing is changed on it.
   */
  readonly installKeepalived?: boolean;
  /** Deploy even though the checker finds errors in the design (explicit, logged override). */
  readonly overrideErrors?: boolean;
}

/** One difference between a host's current state and what the generated files set. */
export interface HostChange {
  /** `address` (ip addr), `sysctl`, `route`, `ipvs` (ipvsadm rule), `file` (a generated file). */
  readonly kind: 'address' | 'sysctl' | 'route' | 'ipvs' | 'file';
  readonly action: 'add' | 'remove' | 'change';
  /** What changes, e.g. `lo 172.17.253.100/32`, `net.ipv4.conf.all.arp_ignore`, `apply.sh`. */
  readonly subject: string;
  readonly from?: string;
  readonly to?: string;
}

/** What the plan found on one host. */
export interface HostPlan {
  readonly hostId: HostId;
  readonly hostName: string;
  readonly role: HostRole;
  /** `user@host:port`, or empty when the host has no SSH endpoint. */
  readonly endpoint: string;
  /** `ready`: reached and read; `skipped`: no SSH endpoint or not selected; `failed`: see `error`. */
  readonly status: 'ready' | 'skipped' | 'failed';
  readonly error?: string;
  /** Differences to apply; empty = "no changes". */
  readonly changes: readonly HostChange[];
  /** Facts worth showing (sudo used, ipvsadm absent, kernel). */
  readonly notes: readonly string[];
}

/** A per-host diff plus the order hosts are changed in. */
export interface DeployPlan {
  readonly deployId: string;
  readonly designName: string;
  readonly createdAt: string;
  readonly hosts: readonly HostPlan[];
  /** Stages applied one after another; hosts inside a stage in parallel (real servers etc., then directors). */
  readonly stages: readonly (readonly HostId[])[];
  /** True when every reachable host is already as designed. */
  readonly noChanges: boolean;
}

/** Phase of one host during a run. */
export type DeployHostPhase =
  | 'connecting'
  | 'planning'
  | 'planned'
  | 'uploading'
  | 'applying'
  | 'applied'
  | 'unchanged'
  | 'verifying'
  | 'verified'
  | 'rolling-back'
  | 'rolled-back'
  | 'skipped'
  | 'failed';

/** Result of fetching each VIP from a client host. */
export interface E2eCheck {
  /** `vip:port` of the virtual service. */
  readonly service: string;
  readonly requests: number;
  readonly succeeded: number;
  /** First line of each answer (a real server usually names itself) → count. */
  readonly distribution: Readonly<Record<string, number>>;
  readonly error?: string;
}

export interface E2eResult {
  readonly clientHostId: HostId;
  readonly checks: readonly E2eCheck[];
}

/** Final state of one host after a run. */
export interface HostOutcome {
  readonly hostId: HostId;
  readonly status: 'applied' | 'unchanged' | 'verified' | 'rolled-back' | 'rollback-failed' | 'failed' | 'skipped' | 'not-started';
  readonly message?: string;
  /** The last lines of the failing command's stderr (what the text output shows), already redacted. */
  readonly stderr?: string;
}

/** What a run ended with. */
export interface DeployResult {
  readonly deployId: string;
  readonly mode: 'dry-run' | 'apply' | 'rollback';
  /** `no-changes`: nothing to do anywhere; `rolled-back`: a failure happened and changed hosts were restored. */
  readonly outcome: 'success' | 'no-changes' | 'failed' | 'rolled-back' | 'cancelled';
  readonly plan?: DeployPlan;
  readonly hosts: readonly HostOutcome[];
  readonly e2e?: E2eResult;
  /** Why the run stopped as a whole before reaching any host (e.g. the checker's errors blocked it). */
  readonly error?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** A question the Node side needs answered before it can go on. */
export type DeployPrompt =
  | {
      readonly kind: 'host-key';
      readonly promptId: string;
      readonly hostId: HostId;
      /** `host` or `[host]:port`, as in known_hosts. */
      readonly endpoint: string;
      /** OpenSSH-style `SHA256:…`. */
      readonly fingerprint: string;
      readonly keyType: string;
      /**
       * Key types already on record for this host (another type than the offered one): the new
       * type may mean a reinstalled host or an attacker, so it is never trusted automatically.
       */
      readonly knownTypes?: readonly string[];
    }
  | {
      readonly kind: 'password' | 'passphrase' | 'sudo';
      readonly promptId: string;
      readonly hostId: HostId;
      /** Human text, e.g. `Password for root@10.0.0.2:22`. */
      readonly text: string;
    };

/** Pushed as `deploy:progress` while a run goes on. */
export type DeployEvent =
  | {
      readonly type: 'host';
      readonly deployId: string;
      readonly hostId: HostId;
      readonly phase: DeployHostPhase;
      readonly message?: string;
      /** During `applying`: step k of n. */
      readonly step?: { readonly index: number; readonly total: number; readonly label: string };
      /** Last lines of stderr when a step failed (secrets redacted). */
      readonly stderr?: string;
    }
  | {
      readonly type: 'host-key';
      readonly deployId: string;
      readonly hostId: HostId;
      readonly endpoint: string;
      readonly fingerprint: string;
      readonly keyType: string;
      /** `new`: first contact; `trusted`: the user accepted it; `changed`: refused, possible attack. */
      readonly status: 'new' | 'trusted' | 'changed' | 'rejected';
      readonly message: string;
    }
  | { readonly type: 'log'; readonly deployId: string; readonly hostId?: HostId; readonly level: 'info' | 'warn' | 'error' | 'output'; readonly text: string }
  | { readonly type: 'plan'; readonly deployId: string; readonly plan: DeployPlan }
  | { readonly type: 'prompt'; readonly deployId: string; readonly prompt: DeployPrompt }
  | { readonly type: 'e2e'; readonly deployId: string; readonly result: E2eResult }
  | { readonly type: 'done'; readonly deployId: string; readonly result: DeployResult };

export interface DeployApi {
  /** True when this backend can deploy (Node side present). */
  available(): Promise<boolean>;
  /** Connects, reads every host's state and returns the per-host diff (a dry run changes nothing). */
  plan(request: DeployRequest): Promise<Result<DeployPlan>>;
  /** Plans, then applies in order with snapshot, rollback on failure, verification and the end-to-end check. */
  apply(request: DeployRequest): Promise<Result<DeployResult>>;
  /** Runs rollback.sh of the last deploy on the selected hosts (restores the snapshot). */
  rollback(request: DeployRequest): Promise<Result<DeployResult>>;
  /** Cancels a running plan/apply/rollback; hosts already changed are rolled back unless `noRollback`. */
  cancel(deployId: string): Promise<boolean>;
  /** Answers a `host-key` prompt: trust this fingerprint (it is added to the app's known_hosts) or not. */
  trustHost(deployId: string, promptId: string, accept: boolean): Promise<boolean>;
  /** Answers a `password`/`passphrase`/`sudo` prompt; `null` declines (that host fails). */
  provideCredential(deployId: string, promptId: string, secret: string | null): Promise<boolean>;
  /** Drops every secret the Node side holds (memory and keychain). */
  forgetCredentials(): Promise<void>;
  /** The run's log with secrets redacted, for saving; `null` for an unknown id. */
  log(deployId: string): Promise<string | null>;
}

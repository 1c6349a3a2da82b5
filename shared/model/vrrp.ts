/**
 * High-availability director groups: a keepalived VRRP instance shared by two or more directors.
 *
 * The group holds the virtual addresses (VIPs, and the NAT DIP when real servers route through it)
 * and owns the services whose `director` names the group. Exactly one member — the VRRP master —
 * holds the addresses at a time; the others wait as backups and take over when the master's
 * adverts stop (master-down timer) or it announces priority 0 on a clean stop.
 *
 * Values a member's own keepalived.conf says differently (an imported pair that disagrees) live in
 * the member's `differs`, so the checker can show the disagreement instead of dropping it.
 */
import type { DirectorGroupId, HostId } from './ids.ts';

/** Initial VRRP state of a member (`state MASTER|BACKUP`). */
export type VrrpState = 'MASTER' | 'BACKUP';
export const VRRP_STATES: readonly VrrpState[] = ['MASTER', 'BACKUP'];

/** VRRP protocol version (`vrrp_version`); keepalived's default is 2. */
export type VrrpVersion = 2 | 3;

/** `authentication { auth_type PASS; auth_pass … }` (VRRPv2 only; AH is deprecated and not offered). */
export interface VrrpAuthentication {
  readonly type: 'PASS';
  /** Up to 8 characters; keepalived truncates longer ones, so both members must agree on the first 8. */
  readonly pass: string;
}

/** An address the VRRP master holds (`virtual_ipaddress`). */
export interface VrrpAddress {
  /** IPv4 in CIDR form, e.g. `172.16.111.123/24`. */
  readonly address: string;
  /** Interface name it goes on (`dev`); the group's VRRP interface when absent. */
  readonly dev?: string;
}

/**
 * A `vrrp_script` (health script whose result changes the member's priority). `weight` > 0 adds to
 * the priority while the script succeeds; `weight` < 0 subtracts while it fails; 0 (or absent) puts
 * the instance into FAULT state when it fails.
 */
export interface VrrpScript {
  /** Script name as the track_script block references it (`[A-Za-z0-9_-]`). */
  readonly name: string;
  /** Absolute path plus plain arguments. */
  readonly script: string;
  /** Seconds between runs (`interval`), default 1. */
  readonly interval?: number;
  /** −253..253; see above. Absent = 0 (FAULT on failure). */
  readonly weight?: number;
  /** Failures in a row before it counts as failed (`fall`), default 1. */
  readonly fall?: number;
  /** Successes in a row before it counts as ok again (`rise`), default 1. */
  readonly rise?: number;
}

/** A tracked interface: when it goes down, the member's priority drops by `weight` (or FAULT when 0/absent). */
export interface VrrpTrackInterface {
  readonly name: string;
  /** −253..253; 0 or absent puts the instance into FAULT when the interface is down. */
  readonly weight?: number;
}

/** Notify scripts run on state changes (`notify_master`, `notify_backup`, `notify_fault`, `notify_stop`). */
export interface VrrpNotify {
  readonly master?: string;
  readonly backup?: string;
  readonly fault?: string;
  readonly stop?: string;
}

/** Values one member's keepalived.conf has that differ from the group's (imported pairs that disagree). */
export interface VrrpMemberDifferences {
  readonly vrid?: number;
  readonly advertInt?: number;
  readonly authentication?: VrrpAuthentication | null;
  readonly virtualAddresses?: readonly VrrpAddress[];
}

/** One director of a group, with its own priority and addressing. */
export interface VrrpMember {
  readonly host: HostId;
  /** 1..254 (255 is reserved for the address owner). Higher wins the election. */
  readonly priority: number;
  /** Initial state (`state`). With `nopreempt` every member must start as BACKUP. */
  readonly state: VrrpState;
  /** Interface name VRRP adverts go out of (`interface`), e.g. `eth0`. */
  readonly interface: string;
  /** `unicast_src_ip`; the interface's first address when absent. */
  readonly unicastSrcIp?: string;
  /** `unicast_peer` addresses (no prefix). Absent = multicast to 224.0.0.18. */
  readonly unicastPeers?: readonly string[];
  readonly trackInterfaces?: readonly VrrpTrackInterface[];
  /** Names of the group's `scripts` this member tracks, with an optional weight override. */
  readonly trackScripts?: readonly { readonly name: string; readonly weight?: number }[];
  readonly notify?: VrrpNotify;
  readonly differs?: VrrpMemberDifferences;
}

/**
 * Connection synchronisation: the master's kernel multicasts new connection entries to the backups
 * so established connections survive a failover. `keepalived` = `lvs_sync_daemon` in the
 * vrrp_instance (keepalived starts the master/backup sync threads following the VRRP state);
 * `ipvsadm` = plain mode: apply.sh and the boot script run `ipvsadm --start-daemon master` and
 * `--start-daemon backup` on every member, so whoever holds the VIP sends and the others receive,
 * in both directions across a failover and a fail-back (docs/ha.md).
 */
export interface ConnectionSync {
  readonly mode: 'keepalived' | 'ipvsadm';
  /** Interface name the sync traffic uses on every member (`lvs_sync_daemon IFACE`, `--mcast-interface`). */
  readonly interface: string;
  /** Sync id 0..255 (`id N`, `--syncid N`); two pairs on one segment need different ids. Default 0. */
  readonly syncId?: number;
}

/** A keepalived VRRP instance shared by its member directors (a director group). */
export interface DirectorGroup {
  /** Unique among every id of the topology; services name it as their `director`. */
  readonly id: DirectorGroupId;
  /** Instance name (`vrrp_instance NAME`), `[A-Za-z0-9_-]`. */
  readonly name: string;
  /** `virtual_router_id`, 1..255; unique per segment. */
  readonly vrid: number;
  /** Seconds between adverts (`advert_int`), default 1. */
  readonly advertInt?: number;
  readonly version?: VrrpVersion;
  readonly authentication?: VrrpAuthentication;
  readonly virtualAddresses: readonly VrrpAddress[];
  /** Members never take over from a live master of lower priority (needs `state BACKUP` on all). */
  readonly nopreempt?: boolean;
  /** Seconds a returning higher-priority member waits before taking over (`preempt_delay`). */
  readonly preemptDelay?: number;
  /** Seconds after becoming master before the second burst of gratuitous ARPs (`garp_master_delay`, default 5). */
  readonly garpMasterDelay?: number;
  /** Seconds between repeated gratuitous ARPs while master (`garp_master_refresh`); none when absent. */
  readonly garpMasterRefresh?: number;
  readonly scripts?: readonly VrrpScript[];
  readonly sync?: ConnectionSync;
  readonly members: readonly VrrpMember[];
}

/** keepalived's defaults for what a group leaves out. */
export const VRRP_DEFAULTS = { advertInt: 1, version: 2 as VrrpVersion, garpMasterDelay: 5, scriptInterval: 1, syncId: 0 } as const;

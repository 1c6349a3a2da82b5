/**
 * The LVS Designer topology model: plain, readonly, JSON-safe data.
 *
 * A topology is hosts (with interfaces), L2 segments and IPVS virtual services. Everything the
 * checker, the simulator and the generators reason about is in here as data — including the host
 * settings the forwarding methods depend on (ip_forward, arp_ignore/arp_announce, rp_filter, the VIP
 * on `lo` or `tunl0`) — so a mistake in the design is visible to all of them.
 *
 * Addresses are kept as the strings the user typed (`"192.168.111.101/24"`): a half-typed or wrong
 * address is a *design problem* the checker reports, not a file-format error.
 */
import type { DirectorGroup } from './vrrp.ts';

import type { DirectorRef, HostId, InterfaceId, RealServerId, SegmentId, ServiceId } from './ids.ts';

export type * from './vrrp.ts';
export type * from './ids.ts';

/**
 * Stable identifier of a host, segment, interface, service, real server or director group
 * (`[A-Za-z0-9_.-]`, 1..64), as plain text. Each kind has its own branded type (`HostId`, ... in
 * `ids.ts`); `Id` is for places that take any of them, such as layout keys.
 */
export type Id = string;

/** What a host does in the design. Routers forward between segments; directors run IPVS. */
export type HostRole = 'client' | 'director' | 'real-server' | 'router';
export const HOST_ROLES: readonly HostRole[] = ['client', 'director', 'real-server', 'router'];

/**
 * Kind of interface. `ethernet` attaches to a segment; `loopback` is `lo` (DR real servers hold the
 * VIP here); `ipip` is `tunl0` (TUN real servers hold the VIP here; needs the ipip module).
 */
export type InterfaceKind = 'ethernet' | 'loopback' | 'ipip';
export const INTERFACE_KINDS: readonly InterfaceKind[] = ['ethernet', 'loopback', 'ipip'];

/**
 * Per-interface IPv4 sysctls (`net.ipv4.conf.<if>.*`). Unset means "left at the system default".
 * The kernel uses max(all, interface) for arp_ignore, arp_announce and rp_filter.
 */
export interface InterfaceSysctl {
  /** 0 reply for any local address; 1 only if the target IP is on the incoming interface (DR). */
  readonly arpIgnore?: number;
  /** 0 any local source; 2 always the best local address for the target (DR). */
  readonly arpAnnounce?: number;
  /** 0 off, 1 strict (breaks TUN), 2 loose. */
  readonly rpFilter?: number;
}

/** A network interface of a host. */
export interface Interface {
  readonly id: InterfaceId;
  /** Linux interface name, e.g. `eth0`, `lo`, `tunl0`. */
  readonly name: string;
  readonly kind: InterfaceKind;
  /** The L2 segment an ethernet interface is plugged into; `null` when unplugged (always for lo/tunl0). */
  readonly segment: SegmentId | null;
  /** IPv4 addresses in CIDR form, e.g. `["172.16.111.123/24", "192.168.111.200/24"]`. */
  readonly addresses: readonly string[];
  /** MAC address (`aa:bb:cc:dd:ee:ff`); optional — the simulator derives a stable one when absent. */
  readonly mac?: string;
  /** Link MTU in bytes; 1500 when absent. */
  readonly mtu?: number;
  readonly sysctl?: InterfaceSysctl;
}

/** A static route. `via` is the next hop; `dev` names an interface of the same host. */
export interface Route {
  /** Destination in CIDR form (`10.0.0.0/8`, `0.0.0.0/0`). */
  readonly destination: string;
  readonly via?: string;
  readonly dev?: string;
}

/** Host-wide IPv4 sysctls (`net.ipv4.ip_forward`, `net.ipv4.conf.all.*`). Unset = system default. */
export interface HostSysctl {
  /** `net.ipv4.ip_forward`: a NAT director and every router need it on. */
  readonly ipForward?: boolean;
  readonly arpIgnore?: number;
  readonly arpAnnounce?: number;
  readonly rpFilter?: number;
}

/** How the app authenticates to a host. The secret itself is never stored in the design. */
export type SshAuthKind = 'agent' | 'key' | 'password';
export const SSH_AUTH_KINDS: readonly SshAuthKind[] = ['agent', 'key', 'password'];

/** Where and how to reach a host for deployment. Never contains a secret. */
export interface SshEndpoint {
  /** Management address or host name. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly auth: SshAuthKind;
  /** Private key path for `auth: 'key'` (the passphrase is asked for, never stored). */
  readonly keyPath?: string;
}

/** A machine in the design. */
export interface Host {
  readonly id: HostId;
  /** Display name, also the host name used in generated files. */
  readonly name: string;
  readonly role: HostRole;
  readonly interfaces: readonly Interface[];
  /** Default gateway (IPv4), or absent for none. */
  readonly gateway?: string;
  readonly routes?: readonly Route[];
  readonly sysctl?: HostSysctl;
  readonly ssh?: SshEndpoint;
  /**
   * Directors only: who programs the IPVS table. When absent: `keepalived` if any service of this
   * director has a health check, otherwise `ipvsadm` (see `ipvsOwnerOf`).
   */
  readonly ipvsOwner?: IpvsOwner;
  /**
   * Directors only: hand-written rules in `ipvsadm -S -n` syntax (`-A -t 10.0.0.1:25 -s rr`,
   * `-a -t 10.0.0.1:25 -r 10.0.1.5:25 -m -w 1`) kept next to the designed services, e.g. taken
   * over from a running host. They are loaded with the saved table at boot.
   */
  readonly manualIpvsadmRules?: readonly string[];
}

/** An L2 broadcast domain (a switch or bridge on the canvas) with its IPv4 subnet. */
export interface Segment {
  readonly id: SegmentId;
  readonly name: string;
  /** Subnet in CIDR form, e.g. `192.168.111.0/24`. */
  readonly cidr: string;
  /** MTU of the segment; 1500 when absent. */
  readonly mtu?: number;
}

/** IPVS scheduler names, as `ipvsadm -s` takes them. */
export type Scheduler = 'rr' | 'wrr' | 'lc' | 'wlc' | 'lblc' | 'lblcr' | 'dh' | 'sh' | 'sed' | 'nq' | 'fo' | 'ovf' | 'mh' | 'twos';
export const SCHEDULERS: readonly Scheduler[] = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'];

/** Scheduler flags (`ipvsadm -b`). */
export type SchedulerFlag = 'sh-fallback' | 'sh-port' | 'mh-fallback' | 'mh-port';
export const SCHEDULER_FLAGS: readonly SchedulerFlag[] = ['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'];

/** Service protocol; `fwmark` is a firewall-mark service (`ipvsadm -f`). */
export type ServiceProtocol = 'tcp' | 'udp' | 'sctp' | 'fwmark';
export const SERVICE_PROTOCOLS: readonly ServiceProtocol[] = ['tcp', 'udp', 'sctp', 'fwmark'];

/** IPVS forwarding method, per real server as in the kernel: NAT (`-m`), DR (`-g`), TUN (`-i`). */
export type ForwardingMethod = 'nat' | 'dr' | 'tun';
export const FORWARDING_METHODS: readonly ForwardingMethod[] = ['nat', 'dr', 'tun'];

/** Persistence (`ipvsadm -p timeout -M netmask`). */
export interface Persistence {
  /** Seconds a client sticks to its real server (ipvsadm default 300). */
  readonly timeout: number;
  /** Client address mask that shares one template, e.g. `255.255.255.0`; /32 when absent. */
  readonly netmask?: string;
}

/**
 * Kind of keepalived checker: `tcp` = `TCP_CHECK` (connect), `http` = `HTTP_GET`, `ssl` = `SSL_GET`
 * (HTTP over TLS), `misc` = `MISC_CHECK` (a script on the director; exit 0 = up).
 */
export type HealthCheckKind = 'tcp' | 'http' | 'ssl' | 'misc';
export const HEALTH_CHECK_KINDS: readonly HealthCheckKind[] = ['tcp', 'http', 'ssl', 'misc'];

/**
 * Who programs a director's IPVS table: `keepalived` (its checkers add and remove real servers) or
 * `ipvsadm` (the saved rules are loaded as they are, nothing reacts to a dead real server).
 */
export type IpvsOwner = 'keepalived' | 'ipvsadm';
export const IPVS_OWNERS: readonly IpvsOwner[] = ['keepalived', 'ipvsadm'];

/**
 * Where keepalived sends new connections while the service has lost its quorum (`sorry_server`):
 * typically a static "back soon" page. It is added to the IPVS table only then.
 */
export interface SorryServer {
  /** IPv4 address (no prefix). */
  readonly ip: string;
  readonly port: number;
  /** `sorry_server_lvs_method`; the service's method when absent. */
  readonly method?: ForwardingMethod;
  /** `sorry_server_inhibit`: keep it in the table with weight 0 while quorum holds. */
  readonly inhibit?: boolean;
}

/**
 * The checker part of a health check, as keepalived's `*_CHECK` blocks have it. Times are whole
 * seconds. Absent values take keepalived's own defaults (see {@link HEALTH_CHECK_DEFAULTS} and
 * `effectiveHealthCheck`), so a file states only what differs.
 */
export interface HealthCheckProbe {
  readonly kind: HealthCheckKind;
  /** `http`/`ssl`: URL path requested (`url { path }`); `/` when absent. */
  readonly path?: string;
  /** `http`/`ssl`: expected status (`status_code`); when absent keepalived accepts any 2xx. */
  readonly status?: number;
  /** `http`/`ssl`: MD5 of the expected body (32 hex digits, `genhash` prints it). */
  readonly digest?: string;
  /** `misc`: absolute path of the script, optionally followed by plain arguments (`misc_path`). */
  readonly script?: string;
  /** `misc`: seconds before the script is killed and counted as failed (`misc_timeout`); `delayLoop` when absent. */
  readonly scriptTimeout?: number;
  /** Port the checker connects to (`connect_port`); the real server's port when absent. */
  readonly connectPort?: number;
  /** Seconds between checks of a healthy server (`delay_loop`); keepalived's default is 60. */
  readonly delayLoop?: number;
  /** Seconds a connect (and, for HTTP, the whole request) may take (`connect_timeout`); default 5. */
  readonly connectTimeout?: number;
  /** Failed attempts retried before the server is declared down (`retry`); default 1 (MISC_CHECK 0). */
  readonly retry?: number;
  /** Seconds between those retries (`delay_before_retry`); default 1 (HTTP_GET/SSL_GET 3). */
  readonly delayBeforeRetry?: number;
  /** `inhibit_on_failure`: a failed server stays in the table with weight 0 instead of being removed. */
  readonly inhibitOnFailure?: boolean;
  /** `alpha`: servers start as down and enter the table only after their first successful check. */
  readonly alpha?: boolean;
}

/**
 * Health checking of one virtual service: the probe keepalived runs against every real server, and
 * what the service does when servers fail (sorry server, quorum). Only a keepalived-owned director
 * acts on it.
 */
export interface HealthCheck extends HealthCheckProbe {
  readonly sorryServer?: SorryServer;
  /** Minimum sum of the weights of live real servers (`quorum`); default 1. Below it the sorry server takes over. */
  readonly quorum?: number;
  /** Tolerance around the quorum before its state flips (`hysteresis`); default 0. */
  readonly hysteresis?: number;
  /** Command run when quorum is gained (`quorum_up`): absolute path plus plain arguments. */
  readonly quorumUp?: string;
  /** Command run when quorum is lost (`quorum_down`): absolute path plus plain arguments. */
  readonly quorumDown?: string;
}

/** Per-real-server changes to the service's probe (keepalived lets a `real_server` override them). */
export type HealthCheckOverride = Partial<HealthCheckProbe>;

/** A real server of a virtual service (`ipvsadm -a`). */
export interface RealServer {
  readonly id: RealServerId;
  /** The host that serves; its address `rip` must be one of the host's addresses. */
  readonly host: HostId;
  /** Real server IP (RIP), without prefix. */
  readonly rip: string;
  /** Port on the real server; must equal the service port for DR and TUN. */
  readonly port: number;
  readonly method: ForwardingMethod;
  /** 0..65535; 0 quiesces the server (no new connections). */
  readonly weight: number;
  /** `-x`: no new connections once active+inactive reach it; 0/absent = no limit. */
  readonly upperThreshold?: number;
  /** `-y`: accept again below it; 0/absent = 3/4 of the upper threshold. */
  readonly lowerThreshold?: number;
  /** Overrides of the service's health check for this server only (other port, path, timing, ...). */
  readonly healthCheck?: HealthCheckOverride;
}

/** An IPVS virtual service owned by one director. */
export interface VirtualService {
  readonly id: ServiceId;
  /** Optional human name, e.g. `web`. */
  readonly name?: string;
  /** The director host that owns the VIP and runs the rules, or a director group (HA pair) whose master does. */
  readonly director: DirectorRef;
  readonly protocol: ServiceProtocol;
  /** Virtual IP (no prefix). For fwmark services, the address the mark is set for. */
  readonly vip: string;
  /** Virtual port; 0 means "all ports" and is only allowed with persistence. */
  readonly port: number;
  /** Firewall mark for `protocol: 'fwmark'`. */
  readonly fwmark?: number;
  readonly scheduler: Scheduler;
  readonly schedulerFlags?: readonly SchedulerFlag[];
  readonly persistence?: Persistence;
  readonly healthCheck?: HealthCheck;
  readonly realServers: readonly RealServer[];
}

/** A whole design. */
export interface Topology {
  readonly name: string;
  readonly description?: string;
  readonly segments: readonly Segment[];
  readonly hosts: readonly Host[];
  readonly services: readonly VirtualService[];
  /** HA director groups (keepalived VRRP instances); a service whose `director` names a group belongs to all its members. */
  readonly directorGroups?: readonly DirectorGroup[];
}

/** Canvas position of a host or segment, in flow coordinates. */
export interface Position {
  readonly x: number;
  readonly y: number;
}

/** Canvas layout, kept apart from the topology so layout moves never change what is deployed. */
export interface Layout {
  readonly positions: Readonly<Record<Id, Position>>;
}

/** The current file format version of `*.lvs.json`. */
export const FORMAT_VERSION = 4 as const;

/** Contents of a `*.lvs.json` file (current version). */
export interface DesignFile {
  readonly format: 'lvs-designer';
  readonly formatVersion: typeof FORMAT_VERSION;
  readonly topology: Topology;
  readonly layout: Layout;
}

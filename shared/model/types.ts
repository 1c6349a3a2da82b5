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

/** Stable identifier of a host, segment, interface, service or real server (`[A-Za-z0-9_.-]`, 1..64). */
export type Id = string;
export type HostId = Id;
export type SegmentId = Id;
export type InterfaceId = Id;
export type ServiceId = Id;
export type RealServerId = Id;

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
export type Scheduler =
  | 'rr'
  | 'wrr'
  | 'lc'
  | 'wlc'
  | 'lblc'
  | 'lblcr'
  | 'dh'
  | 'sh'
  | 'sed'
  | 'nq'
  | 'fo'
  | 'ovf'
  | 'mh'
  | 'twos';
export const SCHEDULERS: readonly Scheduler[] = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'dh',
  'sh',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
  'twos',
];

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

/** Health check keepalived runs against each real server. */
export interface HealthCheck {
  readonly kind: 'tcp' | 'http';
  /** URL path for `http` checks. */
  readonly path?: string;
  /** Expected HTTP status for `http` checks (200 when absent). */
  readonly status?: number;
  /** Seconds between checks (keepalived `delay_loop`); 6 when absent. */
  readonly interval?: number;
  /** Connect timeout in seconds; 3 when absent. */
  readonly timeout?: number;
}

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
}

/** An IPVS virtual service owned by one director. */
export interface VirtualService {
  readonly id: ServiceId;
  /** Optional human name, e.g. `web`. */
  readonly name?: string;
  /** The director host that owns the VIP and runs the rules. */
  readonly director: HostId;
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
export const FORMAT_VERSION = 2 as const;

/** Contents of a `*.lvs.json` file (current version). */
export interface DesignFile {
  readonly format: 'lvs-designer';
  readonly formatVersion: typeof FORMAT_VERSION;
  readonly topology: Topology;
  readonly layout: Layout;
}

/**
 * What the generated scripts manage on one host, computed once from the design and pattern-checked:
 * the scripts, the sysctl.d file and the docs all read this plan, so they cannot disagree.
 */
import type { Host, IpvsOwner, Topology, VirtualService } from '../model/types.ts';
import { ipvsOwnerOf } from '../model/health.ts';
import { groupsOfHost } from '../model/ha.ts';
import { effectiveRealPort, ipvsadmRulesOrThrow, methodFlag, serviceArgs } from './ipvsadm.ts';
import { plainSyncDaemonsOrThrow, type PlainSyncDaemon } from './vrrp.ts';
import { safeCidr, safeDestination, safeInt, safeInterfaceName, safeIPv4, UnsafeValueError } from './safe.ts';

/** One `sysctl` key the host sets, with the networking reason. */
export interface PlannedSysctl {
  readonly key: string;
  readonly value: number;
  readonly why: string;
}

/** An address on an interface: a VIP apply.sh adds, or an infrastructure address verify.sh expects. */
export interface PlannedAddress {
  readonly dev: string;
  /** `a.b.c.d/n`. */
  readonly cidr: string;
  readonly why: string;
}

/** A route apply.sh replaces: `ip route replace DEST [via GW] [dev IF]`. */
export interface PlannedRoute {
  /** `default` or `a.b.c.0/n`. */
  readonly destination: string;
  readonly via?: string;
  readonly dev?: string;
}

/** `ipvsadm -e` arguments that set the -x/-y thresholds `ipvsadm -S` cannot carry. */
export interface PlannedThreshold {
  /** As `ipvsadm -Ln --thresholds` prints it: `TCP 10.0.0.1:80` / `FWM 7`. */
  readonly listService: string;
  readonly serviceArgs: readonly string[];
  readonly server: string;
  readonly method: string;
  readonly weight: number;
  readonly upper: number;
  readonly lower: number;
}

/** Everything the scripts of one host do. */
export interface HostScriptPlan {
  readonly host: Host;
  /** Interface names that must be IPIP tunnel devices (`tunl0`): `modprobe ipip` + link up. */
  readonly tunnels: readonly string[];
  readonly sysctls: readonly PlannedSysctl[];
  readonly vips: readonly PlannedAddress[];
  readonly infrastructure: readonly PlannedAddress[];
  readonly routes: readonly PlannedRoute[];
  /** Set on hosts that run IPVS (role director, or owner of a service). */
  readonly ipvs?: {
    readonly rules: string;
    readonly thresholds: readonly PlannedThreshold[];
    readonly services: number;
    readonly realServers: number;
    /** Who programs the table: apply.sh/verify.sh load and compare it only when `ipvsadm` owns it. */
    readonly owner: IpvsOwner;
  };
  /**
   * Kernel connection-sync daemons apply.sh starts and the boot unit restores: a master and a backup
   * on each member of a group in plain (`ipvsadm`) sync mode; absent otherwise (keepalived starts
   * its own from `lvs_sync_daemon`).
   */
  readonly syncDaemons?: readonly PlainSyncDaemon[];
  /**
   * A director whose design runs no connection sync at all: apply.sh puts the kernel's sync daemons
   * back as they were before an earlier version of the design started them (plain mode dropped).
   * Not set when keepalived runs sync for the host (`lvs_sync_daemon`: its daemons are keepalived's).
   */
  readonly syncCleanup?: true;
}

/** Why a knob has this value, for the comment next to it. */
function sysctlWhy(knob: 'arp_ignore' | 'arp_announce' | 'rp_filter', value: number): string {
  if (knob === 'arp_ignore') {
    return value >= 1
      ? 'answer ARP only for addresses of the receiving interface, so a VIP on lo/tunl0 never answers'
      : 'answer ARP for any local address (kernel default)';
  }
  if (knob === 'arp_announce') {
    return value >= 2
      ? 'use the best local address as ARP source, never the VIP'
      : value === 1
        ? 'prefer an ARP source address in the target subnet'
        : 'any local address may be the ARP source (kernel default)';
  }
  return value === 0
    ? 'reverse-path filter off: IPIP-decapsulated requests (client source, arriving on tunl0) are accepted'
    : value === 1
      ? 'strict reverse-path filter (drops IPIP-decapsulated requests on TUN real servers)'
      : 'loose reverse-path filter';
}

function sysctlValue(v: unknown, field: string): number {
  return safeInt(v, field, 0, 8);
}

/** The sysctl key of an interface; a dot in the name (VLAN `eth0.100`) becomes `/` as sysctl wants. */
const confKey = (ifname: string, knob: string) => `net.ipv4.conf.${ifname.replace(/\./g, '/')}.${knob}`;

/** Lookups every host's plan needs; renderAll computes them once, so 20,000 hosts stay linear. */
export interface TopologyIndex {
  readonly hostIndex: Map<string, number>;
  readonly vips: Set<string>;
  readonly servicesByDirector: Map<string, { s: VirtualService; i: number }[]>;
}
/** Builds the lookups of a topology (not cached: the caller decides how long they are valid). */
export function indexTopology(t: Topology): TopologyIndex {
  const hostIndex = new Map<string, number>();
  t.hosts.forEach((h, i) => {
    if (!hostIndex.has(h.id)) hostIndex.set(h.id, i);
  });
  const vips = new Set<string>();
  const servicesByDirector = new Map<string, { s: VirtualService; i: number }[]>();
  t.services.forEach((s, i) => {
    vips.add(s.vip);
    // A group's service runs on every member.
    const group = (t.directorGroups ?? []).find((g) => g.id === s.director);
    for (const d of group ? group.members.map((m) => m.host) : [s.director]) {
      const list = servicesByDirector.get(d) ?? [];
      list.push({ s, i });
      servicesByDirector.set(d, list);
    }
  });
  return { hostIndex, vips, servicesByDirector };
}

/** Builds the plan of one host; throws UnsafeValueError naming the field on a bad value. */
export function planHostOrThrow(t: Topology, hostId: string, idx: TopologyIndex = indexTopology(t)): HostScriptPlan {
  const index = idx.hostIndex.get(hostId) ?? -1;
  const host = t.hosts[index];
  if (index < 0 || host === undefined) throw new UnsafeValueError(`host "${hostId}" is not in the design`);
  const hf = `hosts[${index}] (${host.id})`;
  const vipSet = idx.vips;

  const tunnels: string[] = [];
  const sysctls: PlannedSysctl[] = [];
  const vips: PlannedAddress[] = [];
  const infrastructure: PlannedAddress[] = [];
  const routes: PlannedRoute[] = [];

  if (host.sysctl?.ipForward !== undefined) {
    sysctls.push({
      key: 'net.ipv4.ip_forward',
      value: host.sysctl.ipForward ? 1 : 0,
      why: host.sysctl.ipForward ? 'forward IPv4 between interfaces (router; NAT director: replies pass through it)' : 'do not forward IPv4',
    });
  }
  const knobs = [
    ['arpIgnore', 'arp_ignore'],
    ['arpAnnounce', 'arp_announce'],
    ['rpFilter', 'rp_filter'],
  ] as const;
  for (const [prop, knob] of knobs) {
    const v = host.sysctl?.[prop];
    if (v !== undefined) {
      const value = sysctlValue(v, `${hf}.sysctl.${prop}`);
      sysctls.push({ key: `net.ipv4.conf.all.${knob}`, value, why: sysctlWhy(knob, value) });
    }
  }

  host.interfaces.forEach((f, i) => {
    const ff = `${hf}.interfaces[${i}] (${f.id})`;
    const dev = safeInterfaceName(f.name, `${ff}.name`);
    if (f.kind === 'ipip') {
      // `modprobe ipip` creates exactly one device, tunl0, which takes every IPIP packet no other tunnel claims.
      if (dev !== 'tunl0')
        throw new UnsafeValueError(`${ff}.name: an IPIP interface must be tunl0 (the device the ipip module creates), not ${JSON.stringify(dev)}`);
      tunnels.push(dev);
    }
    for (const [prop, knob] of knobs) {
      const v = f.sysctl?.[prop];
      if (v !== undefined) {
        const value = sysctlValue(v, `${ff}.sysctl.${prop}`);
        sysctls.push({ key: confKey(dev, knob), value, why: sysctlWhy(knob, value) });
      }
    }
    f.addresses.forEach((a, j) => {
      const c = safeCidr(a, `${ff}.addresses[${j}]`);
      if (vipSet.has(c.address)) {
        const why =
          f.kind === 'loopback'
            ? 'VIP on lo (DR real server: accepts packets for the VIP without answering ARP for it)'
            : f.kind === 'ipip'
              ? 'VIP on the IPIP tunnel (TUN real server: the decapsulated packet is addressed to the VIP)'
              : 'VIP the clients connect to';
        vips.push({ dev, cidr: c.text, why });
      } else {
        infrastructure.push({ dev, cidr: c.text, why: 'infrastructure address (set by the admin or the lab, only checked)' });
      }
    });
  });

  (host.routes ?? []).forEach((r, i) => {
    const rf = `${hf}.routes[${i}]`;
    const destination = safeDestination(r.destination, `${rf}.destination`);
    const via = r.via === undefined ? undefined : safeIPv4(r.via, `${rf}.via`);
    const dev = r.dev === undefined ? undefined : safeInterfaceName(r.dev, `${rf}.dev`);
    if (via === undefined && dev === undefined) throw new UnsafeValueError(`${rf}: a route needs a next hop (via) or an interface (dev)`);
    routes.push({ destination, ...(via === undefined ? {} : { via }), ...(dev === undefined ? {} : { dev }) });
  });
  if (host.gateway !== undefined && host.gateway !== '') {
    const via = safeIPv4(host.gateway, `${hf}.gateway`);
    if (!routes.some((r) => r.destination === 'default')) routes.unshift({ destination: 'default', via });
  }

  let ipvs: HostScriptPlan['ipvs'];
  const owned = idx.servicesByDirector.get(host.id) ?? [];
  if (host.role === 'director' || owned.length > 0) {
    const rules = ipvsadmRulesOrThrow(t, host.id, owned);
    const thresholds: PlannedThreshold[] = [];
    let realServers = 0;
    for (const { s, i } of owned) {
      const sf = `services[${i}] (${s.id})`;
      const args = serviceArgs(s, sf);
      const listService = s.protocol === 'fwmark' ? `FWM ${args[1]}` : `${s.protocol.toUpperCase()} ${args[1]}`;
      s.realServers.forEach((r, j) => {
        realServers++;
        const rf = `${sf}.realServers[${j}] (${r.id})`;
        thresholds.push({
          listService,
          serviceArgs: args,
          server: `${safeIPv4(r.rip, `${rf}.rip`)}:${effectiveRealPort(s, r, rf)}`,
          method: methodFlag(r, rf),
          weight: safeInt(r.weight, `${rf}.weight`, 0, 65535),
          upper: r.upperThreshold === undefined ? 0 : safeInt(r.upperThreshold, `${rf}.upperThreshold`, 0, 65535),
          lower: r.lowerThreshold === undefined ? 0 : safeInt(r.lowerThreshold, `${rf}.lowerThreshold`, 0, 65535),
        });
      });
    }
    ipvs = { rules, thresholds, services: owned.length, realServers, owner: ipvsOwnerOf(t, host) };
  }
  const syncDaemons = plainSyncDaemonsOrThrow(t, host.id);
  const syncCleanup = ipvs !== undefined && host.role === 'director' && !groupsOfHost(t, host.id).some((g) => g.sync !== undefined);
  return {
    host,
    tunnels,
    sysctls,
    vips,
    infrastructure,
    routes,
    ...(ipvs ? { ipvs } : {}),
    ...(syncDaemons.length > 0 ? { syncDaemons } : {}),
    ...(syncCleanup ? { syncCleanup: true as const } : {}),
  };
}

/**
 * Post-deploy check of HA director groups: after every member was applied and verified, each VIP of a
 * group must be held by exactly one member (read from `ip -j addr` on every member — VRRP decides,
 * not the design) and, where the group synchronises connections, every member must run a sync daemon
 * on the group's interface and sync id (`ipvsadm -L --daemon`). Pure parsing and judging here; the
 * engine runs the probe over SSH and polls until the group has settled or the settle time is over.
 */
import type { HostId, Topology } from '../../../shared/model/types.ts';
import type { DirectorGroup } from '../../../shared/model/vrrp.ts';

/** The probe run on each member (after the host's environment prelude): addresses as JSON, a marker, the sync daemons. */
export const HA_PROBE_SCRIPT = ['ip -j addr show', 'echo "@@lvsd-daemon"', '"${LVSD_IPVSADM:-ipvsadm}" -L --daemon 2>&1 || true', ''].join('\n');

export interface MemberProbe {
  /** Every address (without prefix length) configured on the member, IPv4 and IPv6. */
  readonly addresses: readonly string[];
  /** Sync daemons running: `master`/`backup` with interface and sync id. */
  readonly daemons: readonly { readonly role: 'master' | 'backup'; readonly iface: string; readonly syncId: number }[];
}

/** Parses the output of HA_PROBE_SCRIPT; `null` when `ip -j addr` gave no JSON. */
export function parseProbe(stdout: string): MemberProbe | null {
  const [json = '', daemonText = ''] = stdout.split('@@lvsd-daemon');
  let links: unknown;
  try {
    links = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(links)) return null;
  const addresses: string[] = [];
  for (const l of links as { addr_info?: { local?: unknown }[] }[]) {
    for (const a of l.addr_info ?? []) if (typeof a.local === 'string') addresses.push(a.local);
  }
  const daemons: { role: 'master' | 'backup'; iface: string; syncId: number }[] = [];
  // ipvsadm -L --daemon: `master sync daemon (mcast=eth1, syncid=51)`
  for (const m of daemonText.matchAll(/^(master|backup) sync daemon \(mcast=([^,\s]+),\s*syncid=(\d+)/gm))
    daemons.push({ role: m[1] as 'master' | 'backup', iface: m[2]!, syncId: Number(m[3]) });
  return { addresses, daemons };
}

export interface HaGroupCheck {
  readonly group: string;
  /** Each VIP and the members holding it. */
  readonly vips: readonly { readonly address: string; readonly holders: readonly HostId[] }[];
  /** Members without the sync daemon the group needs (empty when the group has no sync). */
  readonly syncMissing: readonly HostId[];
  /** What is wrong, in English; empty when the group is fine. */
  readonly problems: readonly string[];
}

function bare(address: string): string {
  return address.split('/')[0]!;
}

/**
 * Judges one group from its members' probes. `plain` sync mode needs both a master and a backup
 * daemon on every member (whichever member holds the VIP sends, the others receive); keepalived's
 * `lvs_sync_daemon` starts them itself, one at least on every member.
 */
export function judgeGroup(t: Topology, g: DirectorGroup, probes: ReadonlyMap<HostId, MemberProbe>): HaGroupCheck {
  const name = (h: HostId) => t.hosts.find((x) => x.id === h)?.name ?? h;
  const members = g.members.map((m) => m.host).filter((h) => probes.has(h));
  const problems: string[] = [];
  const vips = g.virtualAddresses.map((v) => {
    const address = bare(v.address);
    const holders = members.filter((h) => probes.get(h)!.addresses.includes(address));
    if (holders.length === 0) problems.push(`${g.name}: no member holds ${address}`);
    else if (holders.length > 1) problems.push(`${g.name}: ${holders.map(name).join(' and ')} all hold ${address} (split brain)`);
    return { address, holders };
  });
  const syncMissing: HostId[] = [];
  if (g.sync) {
    const id = g.sync.syncId ?? 0;
    for (const h of members) {
      const ds = probes.get(h)!.daemons.filter((d) => d.iface === g.sync!.interface && d.syncId === id);
      const roles = new Set(ds.map((d) => d.role));
      const ok = g.sync.mode === 'ipvsadm' ? roles.has('master') && roles.has('backup') : roles.size > 0;
      if (!ok) {
        syncMissing.push(h);
        const what = g.sync.mode === 'ipvsadm' ? 'does not run both master and backup sync daemons' : 'runs no sync daemon';
        problems.push(`${g.name}: ${name(h)} ${what} on ${g.sync.interface} with syncid ${id} (ipvsadm -L --daemon)`);
      }
    }
  }
  return { group: g.name, vips, syncMissing, problems };
}

/** The groups with every member among `hosts` — only those can be judged as a whole. */
export function groupsToCheck(t: Topology, hosts: readonly HostId[]): DirectorGroup[] {
  return (t.directorGroups ?? []).filter((g) => g.members.length > 0 && g.members.every((m) => hosts.includes(m.host)));
}

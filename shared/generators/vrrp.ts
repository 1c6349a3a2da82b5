/**
 * The VRRP part of keepalived.conf for one member of an HA director group: `global_defs` with the
 * router id and the connection sync daemon, the `vrrp_script` blocks it tracks and its
 * `vrrp_instance`. One file per member (not one shared file with `@host` conditional lines):
 * priority, state, unicast source and peers differ per member, the deploy pushes each member its
 * own file, and an operator reading /etc/keepalived/keepalived.conf on a host sees exactly what that
 * host runs. Every value is checked against a strict pattern before it is written.
 */
import type { DirectorGroup, HostId, Topology, VrrpMember } from '../model/types.ts';
import { groupsOfHost, memberOf } from '../model/ha.ts';
import { UnsafeValueError, safeCidr, safeIPv4, safeInt, safeInterfaceName } from './safe.ts';

/** keepalived names (instance, script): no spaces or quotes. */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** A command: absolute path plus plain arguments, written inside double quotes. */
const COMMAND = /^\/[A-Za-z0-9_./-]{1,255}( [A-Za-z0-9_.,:=/@%+-]{1,255}){0,32}$/;
/** auth_pass: printable without spaces, quotes or comment characters. */
const PASS = /^[A-Za-z0-9_.,:=@%+-]{1,8}$/;

const safeName = (v: string, field: string): string => {
  if (!NAME.test(v)) throw new UnsafeValueError(`${field}: ${JSON.stringify(v)} is not a keepalived name (1-64 of A-Z a-z 0-9 _ . -)`);
  return v;
};
const safeCommand = (v: string, field: string): string => {
  if (!COMMAND.test(v)) throw new UnsafeValueError(`${field}: ${JSON.stringify(v)} must be an absolute path followed by plain arguments`);
  return `"${v}"`;
};

/** True when `host` is a member of any director group. */
export const isGroupMember = (t: Topology, host: HostId): boolean => groupsOfHost(t, host).length > 0;

function instanceLines(t: Topology, g: DirectorGroup, m: VrrpMember, gf: string, mf: string): string[] {
  const o: string[] = [];
  o.push(`vrrp_instance ${safeName(g.name, `${gf}.name`)} {`);
  o.push(`    state ${m.state === 'MASTER' ? 'MASTER' : 'BACKUP'}`);
  o.push(`    interface ${safeInterfaceName(m.interface, `${mf}.interface`)}`);
  o.push(`    virtual_router_id ${safeInt(g.vrid, `${gf}.vrid`, 1, 255)}`);
  o.push(`    priority ${safeInt(m.priority, `${mf}.priority`, 1, 255)}`);
  o.push(`    advert_int ${safeInt(g.advertInt ?? 1, `${gf}.advertInt`, 1, 255)}`);
  if (g.version === 3) o.push('    version 3');
  if (g.nopreempt) o.push('    nopreempt');
  if (g.preemptDelay !== undefined) o.push(`    preempt_delay ${safeInt(g.preemptDelay, `${gf}.preemptDelay`, 0, 1000)}`);
  if (g.garpMasterDelay !== undefined) o.push(`    garp_master_delay ${safeInt(g.garpMasterDelay, `${gf}.garpMasterDelay`, 0, 255)}`);
  if (g.garpMasterRefresh !== undefined) o.push(`    garp_master_refresh ${safeInt(g.garpMasterRefresh, `${gf}.garpMasterRefresh`, 0, 86400)}`);
  if (m.unicastPeers !== undefined) {
    if (m.unicastSrcIp !== undefined) o.push(`    unicast_src_ip ${safeIPv4(m.unicastSrcIp, `${mf}.unicastSrcIp`)}`);
    o.push('    unicast_peer {');
    m.unicastPeers.forEach((p, i) => o.push(`        ${safeIPv4(p, `${mf}.unicastPeers[${i}]`)}`));
    o.push('    }');
  }
  if (g.authentication) {
    const pass = g.authentication.pass;
    if (!PASS.test(pass)) throw new UnsafeValueError(`${gf}.authentication.pass: must be 1-8 characters of A-Z a-z 0-9 _ . , : = @ % + - (keepalived uses 8)`);
    o.push('    authentication {', '        auth_type PASS', `        auth_pass ${pass}`, '    }');
  }
  o.push('    virtual_ipaddress {');
  g.virtualAddresses.forEach((a, i) => {
    const c = safeCidr(a.address, `${gf}.virtualAddresses[${i}].address`);
    const dev = safeInterfaceName(a.dev ?? m.interface, `${gf}.virtualAddresses[${i}].dev`);
    o.push(`        ${c.text} dev ${dev}`);
  });
  o.push('    }');
  if ((m.trackInterfaces ?? []).length > 0) {
    o.push('    track_interface {');
    m.trackInterfaces!.forEach((x, i) => {
      const name = safeInterfaceName(x.name, `${mf}.trackInterfaces[${i}].name`);
      o.push(`        ${name}${x.weight ? ` weight ${safeInt(x.weight, `${mf}.trackInterfaces[${i}].weight`, -253, 253)}` : ''}`);
    });
    o.push('    }');
  }
  if ((m.trackScripts ?? []).length > 0) {
    o.push('    track_script {');
    m.trackScripts!.forEach((x, i) => {
      const name = safeName(x.name, `${mf}.trackScripts[${i}].name`);
      o.push(`        ${name}${x.weight !== undefined ? ` weight ${safeInt(x.weight, `${mf}.trackScripts[${i}].weight`, -253, 253)}` : ''}`);
    });
    o.push('    }');
  }
  const notify = m.notify ?? {};
  for (const [key, word] of [
    ['master', 'notify_master'],
    ['backup', 'notify_backup'],
    ['fault', 'notify_fault'],
    ['stop', 'notify_stop'],
  ] as const) {
    const cmd = notify[key];
    if (cmd !== undefined) o.push(`    ${word} ${safeCommand(cmd, `${mf}.notify.${key}`)}`);
  }
  o.push('}');
  void t;
  return o;
}

/**
 * The `global_defs` lines an HA member needs besides `router_id` (the sync daemon, script security);
 * empty when the host is in no group.
 */
export function vrrpGlobalDefsOrThrow(t: Topology, host: HostId): string[] {
  const groups = groupsOfHost(t, host);
  if (groups.length === 0) return [];
  const all = t.directorGroups ?? [];
  const out: string[] = [];
  // The kernel runs one sync daemon pair per host: the first group with sync decides it.
  const synced = groups.find((g) => g.sync?.mode === 'keepalived');
  if (synced) {
    const gf = `directorGroups[${all.indexOf(synced)}] (${synced.id})`;
    const sync = synced.sync!;
    out.push(
      `    lvs_sync_daemon ${safeInterfaceName(sync.interface, `${gf}.sync.interface`)} ${safeName(synced.name, `${gf}.name`)} id ${safeInt(sync.syncId ?? 0, `${gf}.sync.syncId`, 0, 255)}`,
    );
  }
  // keepalived refuses to run scripts (vrrp_script, notify) as root unless script security is on.
  if (groups.some((g) => g.members.some((m) => m.host === host && ((m.trackScripts ?? []).length > 0 || m.notify !== undefined)))) {
    out.push('    script_user root', '    enable_script_security');
  }
  return out;
}

/**
 * The VRRP sections of keepalived.conf for `host` after `global_defs` (empty when it is in no
 * group): the `vrrp_script` blocks and one `vrrp_instance` per group it is a member of; the
 * `global_defs` lines come from {@link vrrpGlobalDefsOrThrow}. Throws UnsafeValueError naming the
 * design field on a bad value.
 */
export function vrrpSectionOrThrow(t: Topology, host: HostId): string[] {
  const groups = groupsOfHost(t, host);
  if (groups.length === 0) return [];
  const all = t.directorGroups ?? [];
  const out: string[] = [];
  for (const g of groups) {
    const gi = all.indexOf(g);
    const gf = `directorGroups[${gi}] (${g.id})`;
    const m = memberOf(g, host)!;
    const mf = `${gf}.members[${g.members.indexOf(m)}] (${host})`;
    const used = new Set((m.trackScripts ?? []).map((x) => x.name));
    (g.scripts ?? []).forEach((s, i) => {
      if (!used.has(s.name)) return;
      const sf = `${gf}.scripts[${i}]`;
      out.push('', `vrrp_script ${safeName(s.name, `${sf}.name`)} {`, `    script ${safeCommand(s.script, `${sf}.script`)}`);
      out.push(`    interval ${safeInt(s.interval ?? 1, `${sf}.interval`, 1, 86400)}`);
      if (s.weight !== undefined && s.weight !== 0) out.push(`    weight ${safeInt(s.weight, `${sf}.weight`, -253, 253)}`);
      if (s.fall !== undefined) out.push(`    fall ${safeInt(s.fall, `${sf}.fall`, 1, 1000)}`);
      if (s.rise !== undefined) out.push(`    rise ${safeInt(s.rise, `${sf}.rise`, 1, 1000)}`);
      out.push('}');
    });
    const peers = g.members.filter((x) => x !== m).map((x) => t.hosts.find((y) => y.id === x.host)?.name ?? x.host);
    out.push(
      '',
      `# ${g.name}: this host is ${m.state === 'MASTER' ? 'the initial MASTER' : 'a BACKUP'} with priority ${m.priority}; peers: ${peers.join(', ') || 'none'}.`,
    );
    out.push(...instanceLines(t, g, m, gf, mf));
  }
  return out;
}

/** One kernel connection-sync daemon a member runs in plain (`ipvsadm`) sync mode. */
export interface PlainSyncDaemon {
  readonly role: 'master' | 'backup';
  /** `--mcast-interface`: where the sync multicast (224.0.0.81:8848) goes out and is received. */
  readonly iface: string;
  /** `--syncid` 0..255. */
  readonly syncId: number;
}

/**
 * The sync daemons `host` runs in plain (`ipvsadm`) sync mode: a **master and a backup daemon on
 * every member**, whatever its VRRP state. The master daemon only sends entries of connections
 * whose packets pass through this host (none while it is a backup without the VIP), and multicast
 * loopback is off on its socket, so a member never feeds its own backup daemon. Whoever holds the
 * VIP sends, the others receive: after a failover the new master's connections go back to the old
 * master, so a fail-back keeps them too, without keepalived switching daemons (docs/ha.md). The
 * kernel runs one master and one backup per network namespace, so the first group of the host in
 * plain mode decides (as `lvs_sync_daemon` does in keepalived mode). Empty when the host is in no
 * group with plain sync.
 */
export function plainSyncDaemonsOrThrow(t: Topology, host: HostId): PlainSyncDaemon[] {
  const g = groupsOfHost(t, host).find((x) => x.sync?.mode === 'ipvsadm');
  if (!g) return [];
  const all = t.directorGroups ?? [];
  const gf = `directorGroups[${all.indexOf(g)}] (${g.id})`;
  const iface = safeInterfaceName(g.sync!.interface, `${gf}.sync.interface`);
  const syncId = safeInt(g.sync!.syncId ?? 0, `${gf}.sync.syncId`, 0, 255);
  return [
    { role: 'master', iface, syncId },
    { role: 'backup', iface, syncId },
  ];
}

/** `ipvsadm --start-daemon …` for one daemon. */
export const startDaemonArgs = (d: PlainSyncDaemon): string => `--start-daemon ${d.role} --mcast-interface ${d.iface} --syncid ${d.syncId}`;

/**
 * `ipvsadm --start-daemon` lines for a member of a group in plain (`ipvsadm`) sync mode: master and
 * backup on every member (see {@link plainSyncDaemonsOrThrow}). Empty otherwise.
 */
export function plainSyncCommands(t: Topology, host: HostId): string[] {
  return plainSyncDaemonsOrThrow(t, host).map((d) => `ipvsadm ${startDaemonArgs(d)}`);
}

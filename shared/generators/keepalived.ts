/**
 * keepalived.conf for a director: `global_defs`, one `virtual_server` per service with every option
 * of its health check (sorry server, quorum, hysteresis, quorum scripts, alpha), and one
 * `real_server` per destination with its checker (`TCP_CHECK`, `HTTP_GET`, `SSL_GET`, `MISC_CHECK`).
 *
 * Every timing value is written out (keepalived's defaults filled in), so the file shows the
 * detection window an operator gets. The output is accepted by `keepalived -t` (keepalived 2.2.7;
 * tests/unit/generators/keepalived-conf.test.ts runs it on golden files).
 */
import type { ForwardingMethod, HealthCheck, RealServer, Topology, VirtualService } from '../model/types.ts';
import { effectiveHealthCheck, effectiveQuorum, ipvsOwnerOf } from '../model/health.ts';
import type { EffectiveHealthCheck } from '../model/health.ts';
import { hostById } from '../model/topology.ts';
import { commentText, safeCommand, safeInt, safeIPv4, safeNetmask, safePort, safeScheduler, safeSchedulerFlag, safeUrlPath, UnsafeValueError } from './safe.ts';
import { effectiveRealPort } from './ipvsadm.ts';
import { runsService } from '../model/ha.ts';
import { vrrpGlobalDefsOrThrow, vrrpSectionOrThrow } from './vrrp.ts';
import { hostId } from '../model/ids.ts';

const METHOD: Record<ForwardingMethod, string> = { nat: 'NAT', dr: 'DR', tun: 'TUN' };
const CHECKER = { tcp: 'TCP_CHECK', http: 'HTTP_GET', ssl: 'SSL_GET', misc: 'MISC_CHECK' } as const;

function methodName(m: unknown, field: string): string {
  const name = typeof m === 'string' ? METHOD[m as ForwardingMethod] : undefined;
  if (name === undefined) throw new UnsafeValueError(`${field}: unknown forwarding method ${JSON.stringify(m)}`);
  return name;
}

/** `router_id`: one word; the host id (free-text names only ever reach comments). */
function routerId(id: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new UnsafeValueError(`host id ${JSON.stringify(id)} cannot be a keepalived router_id`);
  return id;
}

/** The checker block of one real server (`hcField` names the design field for errors). */
function checkerBlock(hc: EffectiveHealthCheck, hcField: string, rsPort: number): string[] {
  const out: string[] = [];
  const kind = hc.kind;
  const name = CHECKER[kind];
  if (name === undefined) throw new UnsafeValueError(`${hcField}.kind: unknown health check ${JSON.stringify(kind)}`);
  out.push(`        ${name} {`);
  if (kind === 'http' || kind === 'ssl') {
    out.push('            url {');
    out.push(`                path ${hc.path === undefined ? '/' : safeUrlPath(hc.path, `${hcField}.path`)}`);
    if (hc.status !== undefined) out.push(`                status_code ${safeInt(hc.status, `${hcField}.status`, 100, 599)}`);
    if (hc.digest !== undefined) {
      if (!/^[0-9a-fA-F]{32}$/.test(hc.digest))
        throw new UnsafeValueError(`${hcField}.digest: ${JSON.stringify(hc.digest)} is not an MD5 digest (32 hex digits)`);
      out.push(`                digest ${hc.digest.toLowerCase()}`);
    }
    out.push('            }');
  }
  if (kind === 'misc') {
    if (hc.script === undefined) throw new UnsafeValueError(`${hcField}.script: MISC_CHECK needs a script (absolute path)`);
    out.push(`            misc_path "${safeCommand(hc.script, `${hcField}.script`)}"`);
    out.push(`            misc_timeout ${safeInt(hc.scriptTimeout, `${hcField}.scriptTimeout`, 1, 86400)}`);
  } else {
    if (hc.port !== rsPort) out.push(`            connect_port ${safeInt(hc.port, `${hcField}.connectPort`, 1, 65535)}`);
    out.push(`            connect_timeout ${safeInt(hc.connectTimeout, `${hcField}.connectTimeout`, 1, 3600)}`);
  }
  out.push(`            retry ${safeInt(hc.retry, `${hcField}.retry`, 0, 1000)}`);
  out.push(`            delay_before_retry ${safeInt(hc.delayBeforeRetry, `${hcField}.delayBeforeRetry`, 1, 86400)}`);
  out.push('        }');
  return out;
}

function realServerBlock(s: VirtualService, r: RealServer, serviceMethod: ForwardingMethod, field: string, j: number): string[] {
  const rf = `${field}.realServers[${j}] (${r.id})`;
  const port = effectiveRealPort(s, r, rf);
  const out: string[] = [`    real_server ${safeIPv4(r.rip, `${rf}.rip`)} ${port} {`];
  out.push(`        weight ${safeInt(r.weight, `${rf}.weight`, 0, 65535)}`);
  if (r.method !== serviceMethod) out.push(`        lvs_method ${methodName(r.method, `${rf}.method`)}`);
  if (r.upperThreshold) out.push(`        uthreshold ${safeInt(r.upperThreshold, `${rf}.upperThreshold`, 0, 65535)}`);
  if (r.lowerThreshold) out.push(`        lthreshold ${safeInt(r.lowerThreshold, `${rf}.lowerThreshold`, 0, 65535)}`);
  const hc = effectiveHealthCheck(s, r);
  if (hc) {
    const base = effectiveHealthCheck(s)!;
    // The service's delay_loop is on the virtual_server; a different one is this server's own.
    if (hc.delayLoop !== base.delayLoop) out.push(`        delay_loop ${safeInt(hc.delayLoop, `${rf}.healthCheck.delayLoop`, 1, 86400)}`);
    if (hc.inhibitOnFailure) out.push('        inhibit_on_failure');
    if (hc.alpha && !base.alpha) out.push('        alpha');
    const hcField = r.healthCheck ? `${rf}.healthCheck` : `${field}.healthCheck`;
    out.push(...checkerBlock(hc, hcField, port));
  }
  out.push('    }');
  return out;
}

/** The `virtual_server` options that only exist with a health check. */
function failurePolicy(hc: HealthCheck, serviceMethod: ForwardingMethod, field: string): string[] {
  const out: string[] = [];
  if (hc.alpha) out.push('    alpha');
  const q = effectiveQuorum(hc);
  out.push(`    quorum ${safeInt(q.quorum, `${field}.healthCheck.quorum`, 1, 0xffffffff)}`);
  out.push(`    hysteresis ${safeInt(q.hysteresis, `${field}.healthCheck.hysteresis`, 0, 0xffffffff)}`);
  if (hc.quorumUp !== undefined) out.push(`    quorum_up "${safeCommand(hc.quorumUp, `${field}.healthCheck.quorumUp`)}"`);
  if (hc.quorumDown !== undefined) out.push(`    quorum_down "${safeCommand(hc.quorumDown, `${field}.healthCheck.quorumDown`)}"`);
  const sorry = hc.sorryServer;
  if (sorry) {
    out.push(`    sorry_server ${safeIPv4(sorry.ip, `${field}.healthCheck.sorryServer.ip`)} ${safePort(sorry.port, `${field}.healthCheck.sorryServer.port`)}`);
    const m = sorry.method ?? serviceMethod;
    out.push(`    sorry_server_lvs_method ${methodName(m, `${field}.healthCheck.sorryServer.method`)}`);
    if (sorry.inhibit) out.push('    sorry_server_inhibit');
  }
  return out;
}

function serviceBlock(s: VirtualService, field: string): string[] {
  const out: string[] = [];
  const label = commentText(s.name ? `${s.name} (${s.id})` : s.id);
  out.push(`# service ${label}`);
  const hc = s.healthCheck;
  const eff = effectiveHealthCheck(s);
  if (eff) {
    const window = eff.delayLoop + (eff.retry + 1) * (eff.kind === 'misc' ? eff.scriptTimeout : eff.connectTimeout) + eff.retry * eff.delayBeforeRetry;
    out.push(`# A dead real server is out of the table at most ${window} s after it fails (docs/health-checks.md).`);
  }
  if (s.protocol === 'fwmark') {
    out.push(`virtual_server fwmark ${safeInt(s.fwmark, `${field}.fwmark`, 1, 0xffffffff)} {`);
  } else {
    out.push(`virtual_server ${safeIPv4(s.vip, `${field}.vip`)} ${safePort(s.port, `${field}.port`)} {`);
  }
  // Without a check keepalived still needs a delay_loop; 6 s is what earlier versions wrote.
  out.push(`    delay_loop ${eff === undefined ? 6 : safeInt(eff.delayLoop, `${field}.healthCheck.delayLoop`, 1, 86400)}`);
  out.push(`    lvs_sched ${safeScheduler(s.scheduler, `${field}.scheduler`)}`);
  for (const [i, f] of (s.schedulerFlags ?? []).entries()) out.push(`    ${safeSchedulerFlag(f, `${field}.schedulerFlags[${i}]`)}`);
  // keepalived sets the method per virtual server and lets a real server override it.
  const serviceMethod = s.realServers[0]?.method ?? 'nat';
  out.push(`    lvs_method ${methodName(serviceMethod, `${field}.realServers[0].method`)}`);
  if (s.persistence) {
    out.push(`    persistence_timeout ${safeInt(s.persistence.timeout, `${field}.persistence.timeout`, 1, 31536000)}`);
    if (s.persistence.netmask !== undefined) {
      out.push(`    persistence_granularity ${safeNetmask(s.persistence.netmask, `${field}.persistence.netmask`)}`);
    }
  }
  if (s.protocol !== 'fwmark') out.push(`    protocol ${s.protocol.toUpperCase()}`);
  if (hc) out.push(...failurePolicy(hc, serviceMethod, field));
  s.realServers.forEach((r, j) => {
    out.push('');
    out.push(...realServerBlock(s, r, serviceMethod, field, j));
  });
  out.push('}');
  return out;
}

/** keepalived.conf for one director; throws UnsafeValueError on a bad value. */
export function keepalivedOrThrow(t: Topology, directorId: string, hostLabel: string): string {
  const director = hostById(t, hostId(directorId));
  const owner = director ? ipvsOwnerOf(t, director) : 'ipvsadm';
  const vrrp = vrrpSectionOrThrow(t, hostId(directorId));
  const out: string[] = [
    `# keepalived.conf for director ${commentText(hostLabel)}, generated by LVS Designer from design "${commentText(t.name)}".`,
    '# keepalived programs the IPVS table itself from these blocks and removes a real server whose',
    '# health check fails. Use it instead of ipvsadm.rules, not together with it. Check: keepalived -t -f FILE',
    '# Apply a change with `systemctl reload keepalived` (SIGHUP): a restart flushes and rebuilds the table.',
    vrrp.length === 0
      ? '# The VIP is not managed here (no vrrp_instance): apply.sh and the boot unit add it to the interface.'
      : '# This host is a member of an HA group: the vrrp_instance below adds and removes the VIPs.',
    owner === 'keepalived'
      ? `# In use: the design makes keepalived the owner of ${commentText(hostLabel)}'s IPVS table.`
      : `# Not in use: the design makes ipvsadm the owner of ${commentText(hostLabel)}'s IPVS table (ipvsadm.rules); this file is the keepalived alternative.`,
    '',
    'global_defs {',
    `    router_id ${routerId(directorId)}`,
  ];
  const mine = t.services.map((s, i) => ({ s, i })).filter(({ s }) => runsService(t, s, hostId(directorId)));
  const runsScripts = mine.some(
    ({ s }) =>
      s.healthCheck?.quorumUp !== undefined ||
      s.healthCheck?.quorumDown !== undefined ||
      s.realServers.some((r) => effectiveHealthCheck(s, r)?.kind === 'misc'),
  );
  const vrrpGlobals = vrrpGlobalDefsOrThrow(t, hostId(directorId));
  // Scripts run as root only when asked for explicitly; script security refuses scripts other users can change.
  const scriptSecurity = ['    script_user root', '    enable_script_security'];
  out.push(...vrrpGlobals.filter((l) => !scriptSecurity.includes(l)));
  if (runsScripts || vrrpGlobals.some((l) => scriptSecurity.includes(l))) out.push(...scriptSecurity);
  out.push('}', ...vrrp);
  for (const { s, i } of mine) {
    out.push('');
    const block = serviceBlock(s, `services[${i}] (${s.id})`);
    // keepalived ignores (and `keepalived -t` complains about) a virtual server without real servers.
    if (s.realServers.length === 0)
      out.push('# no real servers yet: keepalived would ignore this virtual_server', ...block.map((l) => (l.startsWith('#') ? l : `# ${l}`)));
    else out.push(...block);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Design hosts inside the lab VM. Each host of a topology becomes a network namespace `lvsd-<id>`
 * with a private /etc, /var/lib and /tmp (see scripts/lab/guest/lvsd-enter); each segment becomes a
 * bridge `lvsbr<n>` in the VM's root namespace; each ethernet interface a veth pair with the host's
 * end renamed to the design's name. Only the *infrastructure* addresses are set here — the VIPs,
 * sysctls, routes and IPVS rules are what the generated apply.sh is there to set up.
 *
 * Real servers get a busybox httpd on each TCP service port that answers the host id, so a fetch of
 * the VIP tells which real server answered.
 */
import type { Host, HostId, Topology } from '../../../shared/model/types.ts';
import { parseCidr } from '../../../shared/addressing/ipv4.ts';
import { derivedMac } from '../../../shared/simulator/network.ts';
import type { ExecResult, LabVm } from './vm.ts';
import { LabError, labExec, sshToLab } from './vm.ts';

/** Kernel modules loaded before hosts are created (the ip_vs schedulers load on demand). */
export const LAB_MODULES = ['crc32c_generic', 'ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'veth', 'bridge', 'ipip'] as const;

const HOST_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
const FILE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Single-quotes a value for POSIX sh. */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Network namespace of a design host in the VM. */
export const labNamespace = (hostId: HostId): string => `lvsd-${hostId}`;

/** Directory of a design host's files in the VM (generated scripts, state, web root, logs). */
export const labHostDir = (hostId: HostId): string => `/run/lvsd/${hostId}`;

function checkHostId(id: string): void {
  if (!HOST_ID.test(id) || id === '.' || id === '..') throw new LabError(`host id ${JSON.stringify(id)} cannot name a lab namespace`);
}

/** Every VIP of the design: those addresses are apply.sh's business, not the harness's. */
function vipsOf(t: Topology): Set<string> {
  return new Set(t.services.map((s) => s.vip.trim()));
}

/** TCP ports each real-server host should answer HTTP on. */
export function webPorts(t: Topology): Map<HostId, number[]> {
  const out = new Map<HostId, number[]>();
  for (const s of t.services) {
    if (s.protocol !== 'tcp' && s.protocol !== 'fwmark') continue;
    for (const rs of s.realServers) {
      const port = rs.port || s.port;
      if (port <= 0) continue;
      const list = out.get(rs.host) ?? [];
      if (!list.includes(port)) list.push(port);
      out.set(rs.host, list);
    }
  }
  return out;
}

/**
 * Order in which hosts are configured: routers and clients first, then real servers (their ARP
 * settings must be in place before anything announces the VIP), then directors.
 */
export function applyOrder(t: Topology): Host[] {
  const rank = (h: Host): number => (h.role === 'router' || h.role === 'client' ? 0 : h.role === 'real-server' ? 1 : 2);
  return [...t.hosts].sort((a, b) => rank(a) - rank(b));
}

/** Shell that removes every lab host, bridge and relay (idempotent). */
export const DESTROY_SCRIPT = `ip() { /sbin/ip "$@"; }
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^lvsd-'); do
  # A process may end between the listing and the kill: that is not a failure (the script runs under set -e).
  pids=$(ip netns pids "$ns" 2>/dev/null); if [ -n "$pids" ]; then kill -9 $pids 2>/dev/null || true; fi
done
for f in /run/lvsd/*/relay.pid; do if [ -f "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi; done
for l in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^lv(v|sbr)[0-9]'); do
  ip link del "$l" 2>/dev/null
done
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^lvsd-'); do ip netns del "$ns"; done
rm -rf /run/lvsd
true
`;

/** The network of one host: `ip -batch` lines for the VM's root namespace and for inside the host's namespace. */
interface HostNetwork {
  readonly root: string[];
  readonly inner: string[];
}

/** Segment id → bridge name, in design order. */
function bridgesOf(t: Topology): Map<string, string> {
  return new Map(t.segments.map((s, i) => [s.id, `lvsbr${i}`]));
}

/**
 * The namespace, veths and infrastructure addresses of host number `hi` (every name and address
 * checked; the VIPs are left out, they are apply.sh's).
 */
function hostNetwork(t: Topology, h: Host, hi: number, bridges: ReadonlyMap<string, string>, vips: ReadonlySet<string>): HostNetwork {
  const ns = labNamespace(h.id);
  const root: string[] = [`netns add ${ns}`];
  const inner: string[] = ['link set lo up'];
  const up: string[] = [];
  const seen = new Set<string>();
  h.interfaces.forEach((f, fi) => {
    if (!IFNAME.test(f.name)) throw new LabError(`interface name ${JSON.stringify(f.name)} of host ${h.id} is not a Linux interface name`);
    if (seen.has(f.name)) throw new LabError(`host ${h.id} has two interfaces named ${f.name}`);
    seen.add(f.name);
    const addrs: string[] = [];
    for (const a of f.addresses) {
      const c = parseCidr(a.trim());
      if (!c) throw new LabError(`address ${JSON.stringify(a)} of ${h.id}/${f.name} is not IPv4 CIDR`);
      if (!vips.has(c.address)) addrs.push(`${c.address}/${c.prefix}`);
    }
    if (f.kind === 'loopback') {
      if (f.name !== 'lo') throw new LabError(`loopback interface of ${h.id} must be named lo (is ${f.name})`);
    } else if (f.kind === 'ipip') {
      if (f.name !== 'tunl0') throw new LabError(`IPIP interface of ${h.id} must be tunl0 (is ${f.name})`);
    } else {
      if (f.name === 'lo' || f.name === 'tunl0') throw new LabError(`ethernet interface of ${h.id} cannot be named ${f.name}`);
      const outer = outerVeth(hi, fi);
      const tmp = `lvp${hi}_${fi}`;
      const mtu = f.mtu ?? (f.segment ? (t.segments.find((s) => s.id === f.segment)?.mtu ?? 1500) : 1500);
      const br = f.segment ? bridges.get(f.segment) : undefined;
      if (f.segment && !br) throw new LabError(`interface ${h.id}/${f.name} is plugged into unknown segment ${f.segment}`);
      // created under a unique temporary name and renamed inside: the VM's own eth0 would clash
      root.push(`link add ${outer} mtu ${mtu} type veth peer name ${tmp} mtu ${mtu} netns ${ns}`, `link set ${outer}${br ? ` master ${br}` : ''} up`);
      inner.push(`link set ${tmp} name ${f.name}`);
      if (f.mac !== undefined && !MAC.test(f.mac)) throw new LabError(`MAC ${JSON.stringify(f.mac)} of ${h.id}/${f.name} is malformed`);
      // the simulator's MAC (the design's, or the stable one it derives), so a captured walk's MACs
      // compare equal to the simulated walk's (docs/live.md)
      inner.push(`link set ${f.name} address ${(f.mac ?? derivedMac(h.id, f.id)).toLowerCase()}`);
      up.push(`link set ${f.name} up`);
    }
    for (const a of addrs) inner.push(`addr add ${a} dev ${f.name}`);
  });
  return { root, inner: [...inner, ...up] };
}

/** Root-namespace end of the veth of interface `fi` of host number `hi`. */
const outerVeth = (hi: number, fi: number): string => `lvv${hi}_${fi}`;

/** Shell lines that build a host's network inside the VM (root side first, then inside its namespace). */
function networkLines(h: Host, net: HostNetwork): string[] {
  return ["/sbin/ip -batch - <<'LVSD_EOF'", ...net.root, 'LVSD_EOF', `/sbin/ip -n ${labNamespace(h.id)} -batch - <<'LVSD_EOF'`, ...net.inner, 'LVSD_EOF'];
}

/** Shell lines that start the host's busybox httpd on each of its real-server ports. */
function webLines(h: Host, ports: ReadonlyMap<HostId, number[]>): string[] {
  const dir = labHostDir(h.id);
  const hostPorts = ports.get(h.id) ?? [];
  return hostPorts.map((port) => `/usr/sbin/lvsd-enter ${h.id} httpd -p ${port} -h ${dir}/www`);
}

/**
 * The shell script (run in the VM's root namespace) that builds `t`'s hosts from scratch. Pure;
 * throws a LabError when a name or address of the design cannot be used safely (every name that
 * reaches the script is pattern-checked, so nothing in it needs quoting).
 *
 * The link work goes through `ip -batch`: under TCG every start of the dynamically linked iproute2
 * costs ~80 ms, one batch per namespace instead of one process per command saves seconds.
 */
export function hostsScript(t: Topology): string {
  const vips = vipsOf(t);
  const root: string[] = [];
  const perHost: string[] = [];
  const bridges = bridgesOf(t);
  t.segments.forEach((s) => {
    const br = bridges.get(s.id)!;
    root.push(`link add ${br} type bridge forward_delay 0 stp_state 0`, `link set ${br} mtu ${s.mtu ?? 1500} up`);
  });
  const ports = webPorts(t);
  const seenHosts = new Set<string>();
  t.hosts.forEach((h, hi) => {
    checkHostId(h.id);
    if (seenHosts.has(h.id)) throw new LabError(`two hosts have the id ${h.id}`);
    seenHosts.add(h.id);
    const dir = labHostDir(h.id);
    const net = hostNetwork(t, h, hi, bridges, vips);
    perHost.push(
      `# host ${h.id} (${h.role})`,
      `mkdir -p ${dir}/.root/var-lib ${dir}/.root/tmp ${dir}/state ${dir}/www`,
      `cp -a /etc ${dir}/.root/etc`,
      `chmod 1777 ${dir}/.root/tmp`,
      ...networkLines(h, net),
    );
    if ((ports.get(h.id) ?? []).length > 0) perHost.push(`printf '%s\\n' ${shq(h.id)} > ${dir}/www/index.html`);
    perHost.push(...webLines(h, ports));
  });
  return (
    [
      // -x: when a step fails, the tail of the trace (in the error) shows which one
      'set -ex',
      `modprobe -a ${LAB_MODULES.join(' ')}`,
      DESTROY_SCRIPT,
      'mkdir -p /run/lvsd',
      "/sbin/ip -batch - <<'LVSD_EOF'",
      ...root,
      'LVSD_EOF',
      ...perHost,
    ].join('\n') + '\n'
  );
}

/**
 * The shell script that "reboots" hosts of a running lab at the kernel level: every process in the
 * host's namespace is killed (and the pid files in /run naming them removed, as a reboot empties
 * /run), the namespace is deleted — with it everything a network namespace holds: the IPVS table,
 * the VIPs, routes, `tunl0` and the net.* sysctls — and created again with only the host's
 * infrastructure addresses and its web server, exactly as {@link hostsScript} first made it. What
 * survives is what survives a real reboot: the host's files (its private /etc and /var/lib, its
 * deploy state and boot-unit root under /run/lvsd/<host>/). Nothing of the design's configuration
 * is restored here; that is the boot unit's job.
 */
export function rebootHostsScript(t: Topology, hostIds: readonly HostId[]): string {
  const vips = vipsOf(t);
  const bridges = bridgesOf(t);
  const ports = webPorts(t);
  const lines = ['set -ex'];
  for (const id of hostIds) {
    checkHostId(id);
    const hi = t.hosts.findIndex((h) => h.id === id);
    if (hi < 0) throw new LabError(`no host ${id} in the design`);
    const h = t.hosts[hi]!;
    const ns = labNamespace(id);
    const net = hostNetwork(t, h, hi, bridges, vips);
    lines.push(
      `# reboot ${id}: every process ends, the kernel state of its namespace goes with the namespace`,
      `pids=$(/sbin/ip netns pids ${ns})`,
      'for p in $pids; do for f in /run/*.pid; do if [ -f "$f" ] && [ "$(head -n 1 "$f")" = "$p" ]; then rm -f "$f"; fi; done; done',
      // a process may end between the listing and the kill
      'if [ -n "$pids" ]; then kill -9 $pids 2>/dev/null || true; fi',
      // (a zombie no longer counts: its namespace reference is gone at exit)
      `n=0; while [ -n "$(/sbin/ip netns pids ${ns})" ]; do n=$((n+1)); [ $n -lt 50 ]; sleep 0.1; done`,
      ...h.interfaces.flatMap((f, fi) => (f.kind === 'ethernet' ? [`/sbin/ip link del ${outerVeth(hi, fi)} 2>/dev/null || true`] : [])),
      `/sbin/ip netns del ${ns}`,
      ...networkLines(h, net),
      ...webLines(h, ports),
    );
  }
  return lines.join('\n') + '\n';
}

/** Reboots the given hosts of the running lab (see {@link rebootHostsScript}). */
export async function rebootHosts(vm: LabVm, t: Topology, hostIds: readonly HostId[]): Promise<void> {
  await labExec(vm, 'sh -s', { input: rebootHostsScript(t, hostIds), what: `rebooting lab hosts ${hostIds.join(', ')}` });
}

/** Creates the design's hosts in the VM (removing whatever a previous call created). */
export async function createHosts(vm: LabVm, t: Topology): Promise<void> {
  await labExec(vm, 'sh -s', { input: hostsScript(t), what: 'creating the lab hosts' });
}

/** Removes every design host from the VM. */
export async function destroyHosts(vm: LabVm): Promise<void> {
  await labExec(vm, 'sh -s', { input: DESTROY_SCRIPT, what: 'removing the lab hosts' });
}

/** A file to place in a host's directory (`/run/lvsd/<host>/<path>`). */
export interface LabFile {
  readonly path: string;
  readonly content: string;
  /** Unix permission bits, e.g. 0o755. */
  readonly mode: number;
}

/** Shell lines that write files into `/run/lvsd/<host>/` (content travels base64-encoded). */
export function hostFilesScript(hostId: HostId, files: readonly LabFile[]): string {
  checkHostId(hostId);
  const dir = labHostDir(hostId);
  const lines: string[] = [];
  for (const f of files) {
    if (!FILE_PATH.test(f.path)) throw new LabError(`refusing to write ${JSON.stringify(f.path)}: not a plain relative path`);
    const target = `${dir}/${f.path}`;
    const b64 = Buffer.from(f.content, 'utf8').toString('base64');
    lines.push(
      `mkdir -p "$(dirname ${shq(target)})"`,
      `printf '%s' '${b64}' | base64 -d > ${shq(target)}`,
      `chmod ${(f.mode & 0o7777).toString(8)} ${shq(target)}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Copies files into `/run/lvsd/<host>/` over the SSH stdin (no scp/sftp needed). */
export async function pushHostFiles(vm: LabVm, hostId: HostId, files: readonly LabFile[]): Promise<void> {
  await labExec(vm, 'sh -s', { input: 'set -e\n' + hostFilesScript(hostId, files), what: `copying files to ${hostId}` });
}

/** The VM-side command that runs `command` as design host `hostId` with extra environment. */
export function inHostCommand(hostId: HostId, command: string, env: Readonly<Record<string, string>> = {}): string {
  checkHostId(hostId);
  const envArgs = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new LabError(`bad environment variable name ${k}`);
    return shq(`${k}=${v}`);
  });
  return ['/usr/sbin/lvsd-enter', shq(hostId), 'env', ...envArgs, '/bin/sh', '-c', shq(command)].join(' ');
}

/** A generated script a host can run. */
export type HostScript = 'apply.sh' | 'verify.sh' | 'rollback.sh';

/**
 * The generated scripts' environment for a lab host: its own deploy state and boot-unit root. The
 * lab's hosts share one file system outside /etc, so without these their boot scripts would
 * overwrite each other and every re-apply or rollback would see another host's change.
 */
export const labHostEnv = (hostId: HostId): Readonly<Record<string, string>> => ({
  LVSD_STATE_DIR: `${labHostDir(hostId)}/state`,
  LVSD_BOOT_ROOT: `${labHostDir(hostId)}/bootroot`,
});

/**
 * The VM-side command that runs one of the host's pushed scripts the way the generated scripts
 * expect: `sh`, as root, with {@link labHostEnv}.
 */
export const hostScriptCommand = (hostId: HostId, script: HostScript): string =>
  inHostCommand(hostId, `sh ${shq(`${labHostDir(hostId)}/${script}`)}`, labHostEnv(hostId));

/**
 * Runs a shell command as design host `hostId` (its namespace and private /etc), with LVSD_IP set to
 * iproute2 and the given extra environment.
 */
export function runInHost(vm: LabVm, hostId: HostId, command: string, env: Readonly<Record<string, string>> = {}, timeoutMs?: number): Promise<ExecResult> {
  return sshToLab(vm, inHostCommand(hostId, command, env), { timeoutMs });
}

/** Runs one of the host's pushed scripts (see {@link hostScriptCommand}). */
export function runHostScript(vm: LabVm, hostId: HostId, script: HostScript): Promise<ExecResult> {
  return sshToLab(vm, hostScriptCommand(hostId, script));
}

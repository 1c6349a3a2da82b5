/**
 * Live-view test hosts: network namespaces with a real OpenSSH sshd each (tests/integration/deploy/
 * netns.ts), set up like the DR seed lab (examples/dr-lab.lvs.json): the director holds the VIP on
 * eth0, the real servers on lo with arp_ignore=1/arp_announce=2. This kernel has no IPVS, so the
 * directors get an `ipvsadm` stand-in that prints real output recorded in the qemu lab
 * (tests/fixtures/live/dr-lab) — only its read-only `-L` forms — and logs every call.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesignFile, Host, Topology } from '../../../shared/model/types.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import type { NsHost } from '../deploy/netns.ts';
import { NetnsLab, inNs, run } from '../deploy/netns.ts';
import { hostId } from '../../../shared/model/ids.ts';

const FIXTURES = new URL('../../fixtures/live/dr-lab/', import.meta.url).pathname;

/** Only the port-80 service of the recorded output (the design has no 8080 service). */
function only80(text: string): string {
  const lines = text.split('\n');
  const cut = lines.findIndex((l) => /^TCP\s+\S+:8080/.test(l));
  return (cut < 0 ? lines : lines.slice(0, cut)).join('\n') + '\n';
}

/** Writes the stand-in and its data (the recorded DR-lab output) into `dir`. */
export function writeIpvsadmStandIn(dir: string): { bin: string; data: string } {
  const bin = join(dir, 'bin');
  const data = join(dir, 'ipvs');
  mkdirSync(bin, { recursive: true });
  mkdirSync(data, { recursive: true });
  for (const f of ['list.txt', 'stats.txt', 'rate.txt']) writeFileSync(join(data, f), only80(readFileSync(join(FIXTURES, f), 'utf8')));
  writeFileSync(
    join(data, 'conns.txt'),
    readFileSync(join(FIXTURES, 'conns.txt'), 'utf8')
      .split('\n')
      .filter((l) => !l.includes(':8080'))
      .join('\n'),
  );
  for (const f of ['timeout.txt', 'daemon.txt']) copyFileSync(join(FIXTURES, f), join(data, f));
  writeFileSync(
    join(bin, 'ipvsadm'),
    `#!/bin/sh
d=${data}
echo "$*" >>"$d/calls.log"
# test switches: a host that hangs, a host that floods the poll with junk
[ ! -f "$d/hang" ] || sleep 5
[ ! -f "$d/flood" ] || [ "$*" != -Ln ] || { yes 'junk junk junk junk junk junk' | head -c 9000000; exit 0; }
case "$*" in
  "-Ln") cat "$d/list.txt" ;;
  "-Ln --stats --exact") cat "$d/stats.txt" ;;
  "-Ln --rate --exact") cat "$d/rate.txt" ;;
  "-Lnc") cat "$d/conns.txt" ;;
  "-L --timeout") cat "$d/timeout.txt" ;;
  "-L --daemon") cat "$d/daemon.txt" ;;
  *) echo "ipvsadm stand-in: refusing $*" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
  return { bin, data };
}

export interface LiveHosts {
  readonly lab: NetnsLab;
  readonly topology: Topology;
  readonly knownHosts: KnownHosts;
  /** Stand-in data dir per director host id. */
  readonly ipvsData: ReadonlyMap<string, string>;
  readonly nsOf: ReadonlyMap<string, NsHost>;
  /** PATH with the stand-in first, per host (pass as the poller's remoteEnv). */
  readonly remoteEnv: (h: Host) => Record<string, string>;
}

/** Trusts each host's sshd key in a fresh app known_hosts file. */
async function trustAll(lab: NetnsLab, hosts: readonly NsHost[]): Promise<KnownHosts> {
  const kh = new KnownHosts(join(lab.work, 'known_hosts'));
  for (const h of hosts) {
    const blob = Buffer.from(readFileSync(join(h.dir, 'host_key.pub'), 'utf8').trim().split(/\s+/)[1]!, 'base64');
    await kh.trust(h.ip, h.port, blob);
  }
  return kh;
}

/** Sets a namespace up like a host of the DR seed lab (addresses, sysctls). */
function shapeHost(h: NsHost, host: Host): void {
  for (const i of host.interfaces) {
    if (i.kind === 'ethernet' && i.name !== 'eth0') {
      inNs(h.ns, 'ip', 'link', 'add', i.name, 'type', 'veth', 'peer', 'name', `${i.name}p`);
      inNs(h.ns, 'ip', 'link', 'set', `${i.name}p`, 'up');
      inNs(h.ns, 'ip', 'link', 'set', i.name, 'up');
    }
    for (const a of i.addresses) inNs(h.ns, 'ip', 'addr', 'add', a, 'dev', i.name);
    for (const [k, v] of Object.entries({ arp_ignore: i.sysctl?.arpIgnore, arp_announce: i.sysctl?.arpAnnounce, rp_filter: i.sysctl?.rpFilter })) {
      if (v !== undefined) inNs(h.ns, 'sysctl', '-qw', `net.ipv4.conf.${i.name}.${k}=${v}`);
    }
  }
  for (const [k, v] of Object.entries({ arp_ignore: host.sysctl?.arpIgnore, arp_announce: host.sysctl?.arpAnnounce, rp_filter: host.sysctl?.rpFilter })) {
    if (v !== undefined) inNs(h.ns, 'sysctl', '-qw', `net.ipv4.conf.all.${k}=${v}`);
  }
}

/**
 * The DR seed design with `directors` copies of its director (director, director2, …; only the first
 * one is in the design's service) and its two real servers, each on a namespace host. Client and
 * router stay without SSH (not polled). `user` logs in (root by default).
 */
export async function startLiveHosts(opts: { directors?: number; user?: string; lab?: NetnsLab } = {}): Promise<LiveHosts> {
  const base = (JSON.parse(readFileSync(new URL('../../../examples/dr-lab.lvs.json', import.meta.url), 'utf8')) as DesignFile).topology;
  const lab = opts.lab ?? new NetnsLab('lvsd-live');
  const nDirectors = Math.max(1, opts.directors ?? 1);
  const director = base.hosts.find((h) => h.id === 'director')!;
  const extra: Host[] = Array.from({ length: nDirectors - 1 }, (_, i) => ({ ...director, id: hostId(`director${i + 2}`), name: `director${i + 2}` }));
  const polledIds = ['director', ...extra.map((h) => h.id), 'rs1', 'rs2'];
  const ns = await lab.addHosts(polledIds.length);
  const nsOf = new Map(polledIds.map((id, i) => [id, ns[i]!]));
  const user = opts.user ?? 'root';
  // Each polled host: its management address on eth0 in the design too (else it is drift) and its SSH endpoint.
  const withSsh = (h: Host): Host => {
    const n = nsOf.get(h.id);
    if (!n) return h;
    const interfaces = h.interfaces.map((i) => (i.name === 'eth0' ? { ...i, addresses: [`${n.ip}/24`, ...i.addresses] } : i));
    return { ...h, interfaces, ssh: { host: n.ip, port: n.port, user, auth: 'key' as const, keyPath: lab.clientKey } };
  };
  const hosts = [...base.hosts, ...extra].map(withSsh);
  const topology: Topology = { ...base, hosts };
  for (const h of hosts) {
    const n = nsOf.get(h.id);
    if (!n) continue;
    // the management address is already there (netns.ts); add the design's own
    shapeHost(n, { ...h, interfaces: h.interfaces.map((i) => ({ ...i, addresses: i.addresses.filter((a) => a !== `${n.ip}/24`) })) });
  }
  const ipvsData = new Map<string, string>();
  const bins = new Map<string, string>();
  for (const id of polledIds.filter((x) => x.startsWith('director'))) {
    const { bin, data } = writeIpvsadmStandIn(join(nsOf.get(id)!.dir, 'standin'));
    ipvsData.set(id, data);
    bins.set(id, bin);
  }
  const knownHosts = await trustAll(lab, ns);
  const remoteEnv = (h: Host): Record<string, string> => ({ PATH: `${bins.get(h.id) ?? '/nonexistent'}:/usr/sbin:/usr/bin:/sbin:/bin` });
  return { lab, topology, knownHosts, ipvsData, nsOf, remoteEnv };
}

/**
 * What the live view could change on a namespace host: IPv4 addresses, links, IPv4 routes, IPv4 conf
 * sysctls (IPv6 link-local addresses settle on their own after a link comes up, so they are left out).
 */
export function hostFingerprint(h: NsHost): string {
  return [
    inNs(h.ns, 'ip', '-4', '-o', 'addr', 'show'),
    inNs(h.ns, 'ip', '-o', 'link', 'show'),
    inNs(h.ns, 'ip', '-4', 'route', 'show', 'table', 'all'),
    run('ip', 'netns', 'exec', h.ns, 'sh', '-c', 'grep -r . /proc/sys/net/ipv4/conf/ /proc/sys/net/ipv4/ip_forward 2>/dev/null | sort'),
  ].join('\n');
}

/**
 * Records real command outputs from the qemu lab (Debian's kernel and ipvsadm) into
 * tests/fixtures/live/<lab>/, for the live-view parser tests. Run as root:
 *   npx tsx scripts/live/capture-lab-outputs.ts
 * Boots the VM, builds each seed lab, sends traffic from the client, then runs the same read-only
 * commands the live view runs on the director and a real server.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesignFile, Topology } from '../../shared/model/types.ts';
import { bootLab, shutdownLab } from '../../electron/services/lab/vm.ts';
import { createHosts, destroyHosts, runInHost } from '../../electron/services/lab/hosts.ts';
import { applyDesign } from '../../electron/services/lab/apply.ts';
import { refAsHostId } from '../../shared/model/ids.ts';

const load = (name: string): Topology => (JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as DesignFile).topology;
const OUT = new URL('../../tests/fixtures/live/', import.meta.url).pathname;

const DIRECTOR_COMMANDS: Record<string, string> = {
  'stats.txt': 'ipvsadm -Ln --stats --exact',
  'stats-human.txt': 'ipvsadm -Ln --stats',
  'rate.txt': 'ipvsadm -Ln --rate --exact',
  'list.txt': 'ipvsadm -Ln',
  'conns.txt': 'ipvsadm -Lnc',
  'timeout.txt': 'ipvsadm -L --timeout',
  'daemon.txt': 'ipvsadm -L --daemon',
  'save.txt': 'ipvsadm -S -n',
  'addr.json': '/sbin/ip -j addr',
};
const RS_COMMANDS: Record<string, string> = {
  'rs-addr.json': '/sbin/ip -j addr',
  'rs-sysctl.txt':
    'for k in net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.all.rp_filter net.ipv4.conf.lo.arp_ignore net.ipv4.conf.lo.arp_announce; do echo "$k = $(cat /proc/sys/$(echo $k | tr . /))"; done',
};

async function main(): Promise<void> {
  const vm = await bootLab();
  try {
    for (const file of ['nat-lab.lvs.json', 'dr-lab.lvs.json', 'tun-lab.lvs.json']) {
      const t = load(file);
      const svc = t.services[0]!;
      const client = t.hosts.find((h) => h.role === 'client')!.id;
      await createHosts(vm, t);
      await applyDesign(vm, t);
      // A persistent second service on another port, so -Lnc shows persistence templates.
      const rs = svc.realServers;
      const flag = { nat: '-m', dr: '-g', tun: '-i' }[rs[0]!.method];
      await runInHost(
        vm,
        refAsHostId(svc.director),
        `ipvsadm -A -t ${svc.vip}:8080 -s rr -p 300 && ipvsadm -a -t ${svc.vip}:8080 -r ${rs[0]!.rip}:${svc.port} ${flag} -w 2 && ipvsadm -a -t ${svc.vip}:8080 -r ${rs[1]!.rip}:${svc.port} ${flag} -w 0`,
      );
      await runInHost(vm, refAsHostId(svc.director), 'ipvsadm --start-daemon master --syncid 7 --mcast-interface lo');
      const r = await runInHost(
        vm,
        client,
        `i=0; while [ $i -lt 20 ]; do i=$((i+1)); timeout 5 wget -qO- http://${svc.vip}:${svc.port}/ >/dev/null; done; timeout 5 wget -qO- http://${svc.vip}:8080/ >/dev/null; true`,
      );
      if (r.code !== 0) throw new Error(r.stderr);
      // the rate estimator runs every 2 s
      await runInHost(vm, refAsHostId(svc.director), 'sleep 2.5');
      const dir = join(OUT, file.replace('.lvs.json', ''));
      mkdirSync(dir, { recursive: true });
      for (const [name, cmd] of Object.entries(DIRECTOR_COMMANDS)) {
        const o = await runInHost(vm, refAsHostId(svc.director), cmd);
        writeFileSync(join(dir, name), o.stdout + (o.code !== 0 ? `# exit ${o.code}: ${o.stderr}` : ''));
      }
      for (const [name, cmd] of Object.entries(RS_COMMANDS)) {
        const o = await runInHost(vm, rs[0]!.host, cmd);
        writeFileSync(join(dir, name), o.stdout);
      }
      await destroyHosts(vm);
      console.log(`captured ${file}`);
    }
  } finally {
    await shutdownLab(vm);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

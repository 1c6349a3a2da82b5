/**
 * The qemu IPVS lab: boot, host creation, first apply, fetches, shutdown — and the machine's load,
 * since on a shared 2-core host TCG wall times swing by a factor of ~3.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import type { BenchTable } from '../../scripts/bench.ts';
import type { DesignFile } from '../../shared/model/types.ts';
import { bootLab, labUnavailableReason, shutdownLab, sshToLab } from '../../electron/services/lab/vm.ts';
import { createHosts, runInHost } from '../../electron/services/lab/hosts.ts';
import { applyDesign } from '../../electron/services/lab/apply.ts';
import { hostId } from '../../shared/model/ids.ts';

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export default async function (): Promise<BenchTable> {
  const columns = ['step', 'target', 'measured'];
  const reason = labUnavailableReason();
  if (reason) return { title: 'qemu IPVS lab', columns, rows: [], note: `skipped: ${reason}` };
  const load = loadavg()[0]!.toFixed(1);
  const t0 = Date.now();
  const vm = await bootLab();
  const rows: (string | number)[][] = [['qemu start → first SSH command', '≤ 4 s', s(vm.bootMs)]];
  try {
    let t = Date.now();
    await sshToLab(vm, 'true');
    rows.push(['one SSH command (shared connection)', '≤ 100 ms', `${Date.now() - t} ms`]);
    for (const name of ['nat-lab', 'dr-lab']) {
      const topo = (JSON.parse(readFileSync(new URL(`../../examples/${name}.lvs.json`, import.meta.url), 'utf8')) as DesignFile).topology;
      t = Date.now();
      await createHosts(vm, topo);
      rows.push([`${name}: create ${topo.hosts.length} hosts`, '≤ 4 s', s(Date.now() - t)]);
      t = Date.now();
      await applyDesign(vm, topo);
      rows.push([`${name}: render, push, first apply.sh on every host`, '≤ 5 s', s(Date.now() - t)]);
      const svc = topo.services[0]!;
      t = Date.now();
      const r = await runInHost(
        vm,
        hostId('client'),
        `i=0; while [ $i -lt 12 ]; do i=$((i+1)); timeout 5 wget -qO- http://${svc.vip}/ >/dev/null || echo FAILED; done`,
      );
      rows.push([`${name}: 12 HTTP fetches of the VIP`, '≤ 1.5 s', `${s(Date.now() - t)}${r.stdout.includes('FAILED') ? ' (with failures)' : ''}`]);
    }
    rows.push([
      'qemu peak RSS on the host',
      '≤ 450 MiB',
      `${Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${vm.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024)} MiB`,
    ]);
  } finally {
    const t = Date.now();
    await shutdownLab(vm);
    rows.push(['shutdown', '≤ 2 s', s(Date.now() - t)]);
  }
  rows.push(['total', '≤ 30 s', s(Date.now() - t0)]);
  return { title: 'qemu IPVS lab (TCG)', columns, rows, note: `load average at the start: ${load} on ${cpus().length} CPUs` };
}

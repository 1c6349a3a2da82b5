/**
 * What the real kernel (the lab's Debian 6.1) does with the connection entries of a deleted real
 * server, as the failure drill and docs/health-checks.md model it: with
 * `net.ipv4.vs.expire_nodest_conn=0` they stay in `ipvsadm -Lnc` (the director drops their packets
 * until they time out); with 1 the deletion itself queues `ip_vs_expire_nodest_conn_flush` (Linux
 * ≥ 5.9), so they are gone without waiting for a packet. The NAT lab, ipvsadm-owned (no keepalived):
 * `ipvsadm -d` stands for keepalived's removal. One VM boot.
 * Skipped (with the reason) where the lab cannot run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labSkipReason, useLabVm } from './labVm.ts';
import type { DesignFile, Topology } from '../../shared/model/types.ts';
import { createHosts, runInHost } from '../../electron/services/lab/hosts.ts';
import { applyDesign } from '../../electron/services/lab/apply.ts';
import { hostId } from '../../shared/model/ids.ts';

const reason = labSkipReason('expire-nodest-lab');

const load = (file: string): Topology => (JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as DesignFile).topology;

describe.skipIf(reason !== null)('expire_nodest_conn on a real IPVS kernel (qemu)', () => {
  const lab = useLabVm();

  const director = async (cmd: string): Promise<string> => {
    const r = await runInHost(lab(), hostId('director'), cmd);
    expect(r.code, `${cmd}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
  };

  /** `ipvsadm -Lnc` lines whose destination is `rip:80`. */
  const entriesTo = async (rip: string): Promise<string[]> => (await director('ipvsadm -Lnc')).split('\n').filter((l) => l.trim().endsWith(` ${rip}:80`));

  it('NAT lab: 0 keeps the entries of a deleted real server, 1 expires them at the deletion', async () => {
    const t = load('nat-lab.lvs.json');
    const svc = t.services[0]!;
    const rip = svc.realServers[0]!.rip;
    await createHosts(lab(), t);
    for (const r of await applyDesign(lab(), t)) expect(r.code, `${r.host}: ${r.stdout}${r.stderr}`).toBe(0);
    const vs = `${svc.vip}:${svc.port}`;

    for (const expire of [0, 1] as const) {
      await director(`sysctl -qw net.ipv4.vs.expire_nodest_conn=${expire}`);
      // Four requests: rr gives rs1 two of them; each leaves an entry (TIME_WAIT, 2 min) to its RIP.
      const f = await runInHost(lab(), hostId('client'), `for i in 1 2 3 4; do timeout 5 wget -qO- http://${vs}/ || echo FAILED; done`);
      expect(
        f.stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .sort(),
        f.stderr,
      ).toEqual(['rs1', 'rs1', 'rs2', 'rs2']);
      const before = await entriesTo(rip);
      expect(before.length, 'entries to rs1 before the deletion').toBeGreaterThanOrEqual(2);
      // keepalived's removal of rs1, then a moment (no packet of those connections comes).
      await director(`ipvsadm -d -t ${vs} -r ${rip}:80 && sleep 1`);
      const after = await entriesTo(rip);
      console.log(
        `expire_nodest_conn=${expire}: ${before.length} entries to ${rip} before ipvsadm -d, ${after.length} 1 s after\n${[...before, '--', ...after].join('\n')}`,
      );
      // 0 keeps every one of them; 1 expires them all at the deletion.
      expect(after.length, `expire_nodest_conn=${expire}, after the deletion:\n${after.join('\n')}`).toBe(expire === 0 ? before.length : 0);
      // Back for the next round (the entries left with 0 finish in TIME_WAIT on their own).
      await director(`ipvsadm -a -t ${vs} -r ${rip}:80 -m -w 1 && ipvsadm -Z`);
    }
  }, 300_000);
});

/**
 * The live view on the real kernel: the DR seed lab in the built-in qemu lab (`labUp`: every host a
 * namespace with its own SSH server), its generated scripts applied, real HTTP traffic from the
 * client; then the live poller reads every host over SSH and its numbers must equal what the real
 * `ipvsadm` prints there, the director must be the only VIP holder, and there must be no drift.
 * Skipped (with the reason) where the lab cannot run or a `lvsd lab up` lab is already running.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesignFile } from '../../shared/model/types.ts';
import { parseIpvsList, parseIpvsStats } from '../../shared/live/ipvsadm.ts';
import { labDown, labUp, withLabEndpoints } from '../../electron/services/lab/up.ts';
import { labUnavailableReason, runningPersistentLab } from '../../electron/services/lab/vm.ts';
import { runInHost } from '../../electron/services/lab/hosts.ts';
import { applyDesign } from '../../electron/services/lab/apply.ts';
import { KnownHosts } from '../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../electron/services/secrets/store.ts';
import { LivePoller } from '../../electron/services/live/poller.ts';
import { hostId, refAsHostId } from '../../shared/model/ids.ts';

const reason =
  labUnavailableReason() ??
  (process.getuid?.() === 0 ? null : 'the lab test runs as root (it builds into /var/cache)') ??
  (runningPersistentLab() ? 'a lab started with `lvsd lab up` is running; not touching it' : null);
if (reason) console.warn(`tests/lab/live-lab: skipped: ${reason}`);

describe.skipIf(reason !== null)('live view on the real IPVS kernel (qemu lab)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-live-lab-'));
  afterAll(async () => {
    await labDown();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('DR lab after real traffic: overlay numbers equal ipvsadm, one VIP holder, no drift', async () => {
    const file = JSON.parse(readFileSync(new URL('../../examples/dr-lab.lvs.json', import.meta.url), 'utf8')) as DesignFile;
    const { vm, endpoints } = await labUp(file.topology);
    const t = withLabEndpoints(file, vm, endpoints).topology;
    const runs = await applyDesign(vm, file.topology);
    for (const r of runs) expect(r.code, `${r.host}: ${r.stderr}`).toBe(0);
    const svc = t.services[0]!;
    const fetched = await runInHost(
      vm,
      hostId('client'),
      `i=0; while [ $i -lt 30 ]; do i=$((i+1)); timeout 5 wget -qO- http://${svc.vip}:${svc.port}/ || echo FAILED; done`,
    );
    expect(fetched.stdout).not.toContain('FAILED');
    // the dropbear host keys, as a deploy would have trusted them
    const knownHostsFile = join(dir, 'known_hosts');
    const scans = endpoints.map((e) =>
      execFileSync('ssh-keyscan', ['-p', String(e.port), '-t', 'ed25519,ecdsa,rsa', '127.0.0.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    writeFileSync(knownHostsFile, scans.join(''));
    // let the 2 s rate estimator settle so counters stay put between the two reads
    await new Promise((r) => setTimeout(r, 2500));
    const poller = new LivePoller(t, {
      knownHosts: new KnownHosts(knownHostsFile),
      secrets: new MemorySecretStore(),
      readyTimeoutMs: 60_000,
      commandTimeoutMs: 60_000,
    });
    const view = await poller.pollOnce();
    poller.stop();
    const direct = await runInHost(vm, refAsHostId(svc.director), 'ipvsadm -Ln --stats --exact; echo @@; ipvsadm -Ln');
    const [statsText, listText] = direct.stdout.split('@@\n') as [string, string];
    const stats = parseIpvsStats(statsText).services[0]!;
    const list = parseIpvsList(listText).services[0]!;

    const problems = poller.observations().flatMap((o) => o.problems.map((p) => `${o.hostId} ${p.section}: ${p.message} ${(p.lines ?? []).join(' | ')}`));
    expect(problems).toEqual([]);
    expect(
      view.hosts.every((h) => h.status === 'ok'),
      JSON.stringify(view.hosts),
    ).toBe(true);
    const s = view.services[0]!;
    expect(s.stats).toEqual(stats.counters);
    expect(s.stats!.conns).toBeGreaterThanOrEqual(30);
    expect(s.dests.map((d) => [d.address, d.weight, d.activeConns, d.inactiveConns, d.stats])).toEqual(
      list.dests.map((d) => [d.address, d.weight, d.activeConns, d.inactiveConns, stats.dests.find((x) => x.address === d.address)!.counters]),
    );
    // DR: replies bypass the director
    expect(s.stats!.outPkts).toBe(0);
    expect(view.vips).toEqual([{ vip: svc.vip, services: [svc.id], holders: [svc.director], unknown: [], status: 'ok' }]);
    expect(view.drift).toEqual([]);
    expect(s.maxDeviation).toBeLessThan(10);
  }, 600_000);
});

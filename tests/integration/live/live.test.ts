/**
 * The live view against real OpenSSH hosts in network namespaces (DR seed lab shape, ipvsadm
 * stand-in printing real qemu-lab output): the numbers equal what the stand-in prints, a manual
 * change on a host shows as drift, a dead host is unreachable without holding up the others, and
 * nothing on any host changes. Skipped when not root / no sshd / no `ip netns`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { makeDesignFile } from '../../../shared/model/file.ts';
import { main } from '../../../electron/cli/main.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '../../../shared/model/types.ts';
import { parseIpvsList, parseIpvsRate, parseIpvsStats } from '../../../shared/live/ipvsadm.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import { LivePoller } from '../../../electron/services/live/poller.ts';
import { BridgeRegistry } from '../../../electron/services/bridge/registry.ts';
import { liveDomain } from '../../../electron/services/bridge/domains/live.ts';
import { LiveService } from '../../../electron/services/live/service.ts';
import type { LiveUpdate } from '../../../shared/ipc/live.ts';
import { inNs, netnsUnavailable } from '../deploy/netns.ts';
import type { LiveHosts } from './liveHosts.ts';
import { hostFingerprint, startLiveHosts } from './liveHosts.ts';

const unavailable = netnsUnavailable();

const readFileSafe = (f: string): string => {
  try {
    return readFileSync(f, 'latin1');
  } catch {
    return '';
  }
};
let L: LiveHosts;

const poller = (t: Topology = L.topology, intervalMs = 1000) =>
  new LivePoller(t, {
    knownHosts: L.knownHosts,
    secrets: new MemorySecretStore(),
    remoteEnv: L.remoteEnv,
    intervalMs,
    commandTimeoutMs: 5000,
    readyTimeoutMs: 3000,
  });

describe.skipIf(unavailable !== null)(`live view on namespace hosts${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    L = await startLiveHosts();
  }, 60_000);
  afterAll(async () => {
    await L?.lab.close();
  });

  it('shows exactly what ipvsadm prints, one VIP holder, no drift, and changes nothing on any host', async () => {
    const before = [...L.nsOf.values()].map(hostFingerprint);
    const p = poller();
    const view = await p.pollOnce();
    const again = await p.pollOnce();
    p.stop();
    const data = L.ipvsData.get('director')!;
    const list = parseIpvsList(readFileSync(join(data, 'list.txt'), 'utf8')).services[0]!;
    const stats = parseIpvsStats(readFileSync(join(data, 'stats.txt'), 'utf8')).services[0]!;
    const rate = parseIpvsRate(readFileSync(join(data, 'rate.txt'), 'utf8')).services[0]!;
    expect(view.hosts.map((h) => [h.hostId, h.status, h.problems])).toEqual([
      ['director', 'ok', 0],
      ['rs1', 'ok', 0],
      ['rs2', 'ok', 0],
    ]);
    const s = view.services[0]!;
    expect(s.rate).toEqual(rate.counters);
    expect(s.stats).toEqual(stats.counters);
    expect(s.dests.map((d) => [d.address, d.weight, d.activeConns, d.inactiveConns, d.stats, d.rate])).toEqual(
      list.dests.map((d) => [
        d.address,
        d.weight,
        d.activeConns,
        d.inactiveConns,
        stats.dests.find((x) => x.address === d.address)!.counters,
        rate.dests.find((x) => x.address === d.address)!.counters,
      ]),
    );
    // hard numbers too, from tests/fixtures/live/dr-lab (the real lab)
    expect(s.rate).toEqual({ conns: 2, inPkts: 13, outPkts: 0, inBytes: 833, outBytes: 0 });
    expect(s.dests.map((d) => d.inactiveConns)).toEqual([10, 10]);
    expect(view.vips[0]).toMatchObject({ vip: '172.17.253.100', holders: ['director'] });
    expect(view.drift).toEqual([]);
    expect(again.services[0]!.rate).toEqual(s.rate);
    // read-only: no host changed, and the stand-in saw only -L forms
    expect([...L.nsOf.values()].map(hostFingerprint)).toEqual(before);
    const calls = readFileSync(join(data, 'calls.log'), 'utf8').trim().split('\n');
    expect(new Set(calls)).toEqual(new Set(['-Ln', '-Ln --stats --exact', '-Ln --rate --exact', '-Lnc', '-L --timeout', '-L --daemon']));
  });

  it('detects drift after a manual change on a host, with the diff', async () => {
    const rs1 = L.nsOf.get('rs1')!;
    const data = L.ipvsData.get('director')!;
    const listFile = join(data, 'list.txt');
    const original = readFileSync(listFile, 'utf8');
    inNs(rs1.ns, 'ip', 'addr', 'del', '172.17.253.100/32', 'dev', 'lo');
    inNs(rs1.ns, 'sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=0');
    writeFileSync(listFile, original.replace(/(192\.168\.163\.103:80\s+Route\s+)1 /, '$10 '));
    try {
      const p = poller();
      const view = await p.pollOnce();
      p.stop();
      const rsDrift = view.drift.find((d) => d.hostId === 'rs1')!;
      expect(rsDrift.diff).toBe('- address lo 172.17.253.100/32: present\n- sysctl net.ipv4.conf.all.arp_ignore: 1\n+ sysctl net.ipv4.conf.all.arp_ignore: 0');
      const dirDrift = view.drift.find((d) => d.hostId === 'director')!;
      expect(dirDrift.items).toEqual([
        { area: 'ipvs', subject: 'tcp 172.17.253.100:80 → 192.168.163.103:80', expected: 'dr weight 1', observed: 'dr weight 0' },
      ]);
      expect(view.services[0]!.dests[1]!.state).toBe('weight0');
    } finally {
      inNs(rs1.ns, 'ip', 'addr', 'add', '172.17.253.100/32', 'dev', 'lo');
      inNs(rs1.ns, 'sysctl', '-qw', 'net.ipv4.conf.all.arp_ignore=1');
      writeFileSync(listFile, original);
    }
  });

  it('a dead host is unreachable and does not hold up the others; polling backs off', async () => {
    const t: Topology = {
      ...L.topology,
      hosts: L.topology.hosts.map((h) => (h.id === 'rs2' ? { ...h, ssh: { ...h.ssh!, host: L.lab.deadIp } } : h)),
    };
    const updates: string[] = [];
    const p = new LivePoller(t, {
      knownHosts: L.knownHosts,
      secrets: new MemorySecretStore(),
      remoteEnv: L.remoteEnv,
      intervalMs: 500,
      readyTimeoutMs: 1500,
      onObservation: (o) => updates.push(`${o.hostId}:${o.status}`),
    });
    p.start();
    // (a loaded machine may be slow: wait for the polls rather than a fixed time)
    for (let i = 0; i < 150 && updates.filter((u) => u === 'director:ok').length < 5; i++) await new Promise((r) => setTimeout(r, 100));
    p.stop();
    const dead = p.observations().find((o) => o.hostId === 'rs2')!;
    expect(dead.status).toBe('unreachable');
    expect(dead.error).toMatch(/timed out|unreachable|handshake|refused/i);
    // the director answered several times while rs2 was failing; rs2 was retried less often (back-off)
    const dirPolls = updates.filter((u) => u === 'director:ok').length;
    const deadPolls = updates.filter((u) => u === 'rs2:unreachable').length;
    expect(dirPolls).toBeGreaterThanOrEqual(5);
    expect(deadPolls).toBeLessThan(dirPolls);
    expect(p.view().vips[0]!.holders).toEqual(['director']);
  }, 20_000);

  it('one shell per host answers every poll; a poll that hangs times out and the next one starts a fresh shell; a flood is cut off', async () => {
    const dir = L.nsOf.get('director')!;
    const data = L.ipvsData.get('director')!;
    /** The live view's poll shells in the director's namespace: `sh -s` started by sshd (its subshells, also `sh -s`, have a shell as parent). */
    const isShell = (pid: string) => /^(sh|dash)\0-s\0$/.test(readFileSafe(`/proc/${pid}/cmdline`));
    const parentOf = (pid: string) => /^\d+ \(.*\) \S (\d+)/.exec(readFileSafe(`/proc/${pid}/stat`))?.[1] ?? '';
    const shells = () =>
      spawnSync('ip', ['netns', 'pids', dir.ns], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((pid) => pid && isShell(pid) && !isShell(parentOf(pid)));
    const directorOnly: Topology = { ...L.topology, hosts: L.topology.hosts.map((h) => (h.id === 'director' ? h : (({ ssh: _s, ...rest }) => rest)(h))) };
    const seen: string[] = [];
    const p = new LivePoller(directorOnly, {
      knownHosts: L.knownHosts,
      secrets: new MemorySecretStore(),
      remoteEnv: L.remoteEnv,
      intervalMs: 300,
      commandTimeoutMs: 3000,
      readyTimeoutMs: 3000,
      onObservation: (o) => seen.push(o.status === 'ok' ? 'ok' : `${o.status}: ${o.error ?? ''}`),
    });
    const waitFor = async (what: string, cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(cond(), `${what} (seen: ${seen.slice(-4).join(' | ')})`).toBe(true);
    };
    try {
      p.start();
      await waitFor('three polls answered', () => seen.filter((s) => s === 'ok').length >= 3);
      // the polls went to one shell that stays open between them (not a command per poll)
      expect(shells()).toHaveLength(1);
      const first = shells()[0];

      writeFileSync(join(data, 'hang'), '');
      const before = seen.length;
      await waitFor('a timed-out poll', () => seen.slice(before).some((s) => /command did not finish within 3 s/.test(s)));
      rmSync(join(data, 'hang'));
      const failed = seen.length;
      await waitFor('answers again', () => seen.slice(failed).includes('ok'));
      // a fresh shell answers; the hung one (OpenSSH does not pass signals to a root session) ends
      // by itself once its command returns and it finds the channel closed
      expect(shells()).toContain(shells().find((pid) => pid !== first));
      await waitFor('only the fresh shell left', () => shells().length === 1 && shells()[0] !== first);

      writeFileSync(join(data, 'flood'), '');
      const calm = seen.length;
      await waitFor('a flood cut off', () => seen.slice(calm).some((s) => /more than 8 MiB for one poll; cut off/.test(s)));
      rmSync(join(data, 'flood'));
    } finally {
      p.stop();
      rmSync(join(data, 'hang'), { force: true });
      rmSync(join(data, 'flood'), { force: true });
    }
    // the shell goes away with the poller
    await waitFor('no shell left', () => shells().length === 0);
  }, 40_000);

  it('refuses a host whose key was never trusted, with the reason', async () => {
    const { KnownHosts } = await import('../../../electron/services/ssh/hostkeys.ts');
    const p = new LivePoller(L.topology, {
      knownHosts: new KnownHosts(join(L.lab.work, 'empty_known_hosts')),
      secrets: new MemorySecretStore(),
      remoteEnv: L.remoteEnv,
    });
    await p.pollOnce();
    p.stop();
    expect(p.observations()[0]!.error).toMatch(/not trusted yet: run a deploy plan once/);
  });

  it('through the bridge: live:start pushes live:update, explain answers from the last poll', async () => {
    const updates: LiveUpdate[] = [];
    const service = new LiveService({
      emit: (u) => updates.push(u),
      knownHosts: L.knownHosts,
      secrets: new MemorySecretStore(),
      poller: { remoteEnv: L.remoteEnv },
    });
    const registry = new BridgeRegistry().register('live', liveDomain(service));
    const started = await registry.call('live:start', [{ sessionId: 's1', topology: L.topology, intervalMs: 1000 }]);
    expect(started).toMatchObject({ kind: 'ok', value: { ok: true, value: { polled: ['director', 'rs1', 'rs2'], skipped: ['client', 'router'] } } });
    const bad = await registry.call('live:start', [{ sessionId: 'x y', topology: L.topology }]);
    expect(bad.kind).toBe('invalid');
    for (let i = 0; i < 50 && !updates.some((u) => u.view.services.length && u.hosts.length === 3); i++) await new Promise((r) => setTimeout(r, 100));
    const last = updates.at(-1)!;
    expect(last.view.services[0]!.rate!.conns).toBe(2);
    const conns = await registry.call('live:connections', ['s1', 'director']);
    const summary = (conns as { value: { ok: true; value: { total: number; entries: { destination: string }[] } } }).value.value;
    expect(summary.total).toBe(20);
    const entry = summary.entries[0]!;
    const why = await registry.call('live:explain', ['s1', 'web', entry]);
    expect(why).toMatchObject({ kind: 'ok', value: { ok: true, value: { certainty: 'order-unknown' } } });
    expect(await registry.call('live:stop', ['s1'])).toEqual({ kind: 'ok', value: true });
    service.close();
  }, 20_000);

  it('lvsd status: a table and --json; a director whose ipvsadm cannot read IPVS says so and the rest still shows', async () => {
    // The CLI runs with the hosts' own PATH: this kernel has no IPVS, so the director's real ipvsadm fails.
    const file = join(L.lab.work, 'live.lvs.json');
    writeFileSync(file, JSON.stringify(makeDesignFile(L.topology)));
    let out = '';
    let errText = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (errText += t) };
    const code = await main(['status', file, '--known-hosts', L.knownHosts.appFile], io);
    expect(errText).toBe('');
    expect(out).toMatch(/^LVS live status of "LVS-DR lab/);
    expect(out).toMatch(/\n {2}director +director +ok\n/);
    expect(out).toMatch(/\n {2}client +client +not polled \(no SSH endpoint\)\n/);
    expect(out).toMatch(/172\.17\.253\.100 +held by director +ok/);
    expect(out).toMatch(/COULD NOT READ\n {2}director list: command failed/);
    expect(code).toBe(1);
    out = '';
    await main(['status', file, '--json', '--known-hosts', L.knownHosts.appFile], io);
    const j = JSON.parse(out) as { view: { vips: { status: string }[] }; hosts: { hostId: string; status: string }[] };
    expect(j.view.vips[0]!.status).toBe('ok');
    expect(j.hosts.map((h) => h.status)).toEqual(['ok', 'ok', 'ok']);
    expect(await main(['status'], io)).toBe(2);
  }, 30_000);
});

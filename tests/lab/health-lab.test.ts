/**
 * Health checks on the real kernel: keepalived (the Debian bookworm 2.2.7 package, in the lab image)
 * owns the NAT lab director's IPVS table, configured by our keepalived.conf generator. Its HTTP_GET
 * checker must take a real server out within the detection window `shared/simulator/health.ts`
 * computes, put it back when it answers again, keep it at weight 0 with `inhibit_on_failure`, and
 * hand new connections to the sorry server when every real server is down.
 * Skipped (with the reason) where the lab cannot run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labSkipReason, useLabVm } from './labVm.ts';
import type { DesignFile, HealthCheck, Host, Topology } from '../../shared/model/types.ts';
import { effectiveHealthCheck } from '../../shared/model/health.ts';
import { keepalivedOrThrow } from '../../shared/generators/keepalived.ts';
import { detectionWindow, recoveryWindow } from '../../shared/simulator/health.ts';
import { sshToLab } from '../../electron/services/lab/vm.ts';
import { createHosts, labHostDir, pushHostFiles, runInHost } from '../../electron/services/lab/hosts.ts';
import { applyDesign } from '../../electron/services/lab/apply.ts';
import { hostId, interfaceId, segmentId } from '../../shared/model/ids.ts';

const reason = labSkipReason('health-lab');

const SORRY_IP = '192.168.111.150';
const DIR = labHostDir(hostId('director'));

/** Short timings so the test takes a couple of minutes: detection 1 … 3 s for a stopped service. */
const CHECK: HealthCheck = { kind: 'http', path: '/', status: 200, delayLoop: 2, connectTimeout: 1, retry: 1, delayBeforeRetry: 1 };

const load = (file: string): Topology => (JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as DesignFile).topology;

/** A seed lab with `check` on its service. */
function withCheck(t: Topology, check: HealthCheck): Topology {
  return { ...t, services: t.services.map((s) => ({ ...s, healthCheck: check })) };
}

/** The NAT lab with an HTTP_GET check on its service and a sorry host (busybox httpd) on the LAN. */
function natLabWithCheck(check: HealthCheck): Topology {
  const t = load('nat-lab.lvs.json');
  const sorry: Host = {
    id: hostId('sorry'),
    name: 'sorry',
    role: 'client',
    interfaces: [
      { id: interfaceId('sorry-lo'), name: 'lo', kind: 'loopback', segment: null, addresses: [] },
      { id: interfaceId('sorry-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${SORRY_IP}/24`] },
    ],
    gateway: '192.168.111.200',
  };
  return { ...t, hosts: [...t.hosts, sorry], services: t.services.map((s) => ({ ...s, healthCheck: check })) };
}

interface Measured {
  /** Seconds from the action to the first poll that saw the wanted state. */
  readonly seconds: number;
  /** Seconds between that poll and the one before it (the measurement's resolution). */
  readonly resolution: number;
}

describe.skipIf(reason !== null)('keepalived health checks on a real IPVS kernel (qemu)', () => {
  const lab = useLabVm();

  let vipUrl = 'http://172.16.111.123:80/';
  async function fetchMany(n: number): Promise<string[]> {
    const r = await runInHost(lab(), hostId('client'), `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); timeout 5 wget -qO- ${vipUrl} || echo FAILED; done`);
    expect(r.code).toBe(0);
    return r.stdout.trim().split('\n');
  }

  /** The director's `ipvsadm -Ln` real-server lines of the VIP as `rip:port → weight`. */
  async function table(): Promise<Record<string, number>> {
    const r = await runInHost(lab(), hostId('director'), 'ipvsadm -Ln');
    expect(r.code, r.stderr).toBe(0);
    const out: Record<string, number> = {};
    for (const m of r.stdout.matchAll(/^\s+->\s+(\d+\.\d+\.\d+\.\d+:\d+)\s+\S+\s+(\d+)/gm)) out[m[1]!] = Number(m[2]);
    return out;
  }

  /**
   * apply.sh of a keepalived-owned director checks the config with `keepalived -t`, installs it and
   * starts keepalived (no systemd in the lab), which builds the table: proven here on the real
   * kernel. The test then takes that keepalived over — stops it (it releases its services) and runs
   * its own in the foreground with console logging, to read what the checkers decided.
   */
  async function takeOverAppliedKeepalived(servers: number): Promise<void> {
    await expect
      .poll(async () => Object.keys(await table()).length, { timeout: 30_000, message: 'the keepalived apply.sh started builds the table' })
      .toBe(servers);
    const k = await sshToLab(
      lab(),
      'p=$(cat /run/keepalived.pid 2>/dev/null) || exit 3; kill $p; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ! kill -0 $p 2>/dev/null',
    );
    expect(k.code, `stop the keepalived apply.sh started: ${k.stderr}`).toBe(0);
    await expect.poll(async () => Object.keys(await table()).length, { timeout: 15_000 }).toBe(0);
  }

  async function startKeepalived(t: Topology): Promise<void> {
    await pushHostFiles(lab(), hostId('director'), [{ path: 'keepalived.conf', content: keepalivedOrThrow(t, 'director', 'director'), mode: 0o644 }]);
    const check = await runInHost(lab(), hostId('director'), `keepalived -t -f ${DIR}/keepalived.conf`);
    expect(check.code, `keepalived -t: ${check.stdout}${check.stderr}`).toBe(0);
    // --dont-fork --log-console in the background: the log shows what the checkers decided.
    const r = await runInHost(
      lab(),
      hostId('director'),
      `setsid keepalived --dont-fork --log-console --log-detail -f ${DIR}/keepalived.conf -p ${DIR}/keepalived.pid -c ${DIR}/checkers.pid -r ${DIR}/vrrp.pid </dev/null >>${DIR}/keepalived.log 2>&1 &`,
    );
    expect(r.code, r.stderr).toBe(0);
  }

  async function stopKeepalived(): Promise<void> {
    // keepalived removes the services it added when it stops (no --dont-release-ipvs).
    const r = await sshToLab(
      lab(),
      `p=$(cat ${DIR}/keepalived.pid 2>/dev/null) || exit 0; kill $p; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ! kill -0 $p 2>/dev/null`,
    );
    expect(r.code, r.stderr).toBe(0);
  }

  const httpdStop = (host: string): string =>
    `p=$(ps w | awk '/httpd -p 80 -h \\/run\\/lvsd\\/${host}\\/www/ && !/awk/ {print $1}'); [ -n "$p" ] || { echo "no httpd on ${host}" >&2; exit 3; }; kill $p`;
  const httpdStart = (host: string): string => `/usr/sbin/lvsd-enter ${host} httpd -p 80 -h /run/lvsd/${host}/www`;

  /**
   * Runs `action` in the VM and polls the director's table (in the VM, ~every 0.1 s plus the cost of
   * one `ipvsadm` under emulation) until `rip:80` has weight `want` ('absent': not listed).
   */
  async function measure(action: string, rip: string, want: number | 'absent', limitSeconds: number): Promise<Measured> {
    const script = [
      'now() { cut -d" " -f1 /proc/uptime; }',
      `w() { /sbin/ip netns exec lvsd-director ipvsadm -Ln | awk '$2=="${rip}:80"{print $4; f=1} END{if(!f) print "absent"}'; }`,
      `${action} || exit 3`,
      't0=$(now); prev=$t0',
      'while :; do',
      '  s=$(w); t=$(now)',
      `  if [ "$s" = "${want}" ]; then awk -v a=$t0 -v b=$t -v p=$prev 'BEGIN{printf "%.2f %.2f\\n", b-a, b-p}'; exit 0; fi`,
      `  if awk -v a=$t0 -v b=$t 'BEGIN{exit !(b-a>${limitSeconds})}'; then echo "timeout: ${rip} is $s"; exit 4; fi`,
      '  prev=$t; sleep 0.1',
      'done',
    ].join('\n');
    const r = await sshToLab(lab(), 'sh -s', { input: script, timeoutMs: (limitSeconds + 30) * 1000 });
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    const [seconds, resolution] = r.stdout.trim().split(/\s+/).map(Number);
    return { seconds: seconds!, resolution: resolution! };
  }

  /** measured ∈ [min, max], widened by the poll resolution and keepalived's own work under emulation. */
  function expectWithin(what: string, m: Measured, w: { min: number; max: number }): void {
    const slack = m.resolution + 0.5;
    console.log(`${what}: measured ${m.seconds.toFixed(2)} s (poll resolution ${m.resolution.toFixed(2)} s); computed window ${w.min} … ${w.max} s`);
    expect(m.seconds, what).toBeGreaterThanOrEqual(w.min - slack);
    expect(m.seconds, what).toBeLessThanOrEqual(w.max + slack);
  }

  it.each([
    { method: 'NAT', file: 'nat-lab.lvs.json' },
    { method: 'DR', file: 'dr-lab.lvs.json' },
  ])(
    '$method ($file), HTTP_GET: keepalived builds the table, removes a stopped server within the detection window and adds it back',
    async ({ file }) => {
      const t = withCheck(load(file), CHECK);
      const svc = t.services[0]!;
      vipUrl = `http://${svc.vip}:${svc.port}/`;
      const [rip1, rip2] = svc.realServers.map((r) => `${r.rip}:80`) as [string, string];
      await createHosts(lab(), t);
      const applied = await applyDesign(lab(), t);
      for (const r of applied) expect(r.code, `${r.host}: ${r.stdout}${r.stderr}`).toBe(0);
      await takeOverAppliedKeepalived(svc.realServers.length);
      await startKeepalived(t);
      const built = await measure('true', svc.realServers[1]!.rip, 1, 30);
      expect(built.seconds).toBeLessThan(30);
      expect(await table()).toEqual({ [rip1]: 1, [rip2]: 1 });
      expect(new Set(await fetchMany(4))).toEqual(new Set(['rs1', 'rs2']));

      // The service on rs1 stops: its kernel answers the checker's SYN with a RST (failure mode 'refused').
      const hc = effectiveHealthCheck(svc, svc.realServers[0])!;
      const down = await measure(httpdStop('rs1'), svc.realServers[0]!.rip, 'absent', 30);
      expectWithin('rs1 stopped → removed', down, detectionWindow(hc, 'refused'));
      expect(await table()).toEqual({ [rip2]: 1 });
      expect(await fetchMany(6)).toEqual(Array(6).fill('rs2'));

      const up = await measure(httpdStart('rs1'), svc.realServers[0]!.rip, 1, 30);
      expectWithin('rs1 started → added back', up, recoveryWindow(hc, 'refused'));
      expect(new Set(await fetchMany(4))).toEqual(new Set(['rs1', 'rs2']));
      await stopKeepalived();
      expect(await table()).toEqual({});
    },
    300_000,
  );

  it('NAT, HTTP_GET with inhibit_on_failure: a stopped server stays at weight 0; all down → the sorry server answers', async () => {
    const t = natLabWithCheck({ ...CHECK, inhibitOnFailure: true, sorryServer: { ip: SORRY_IP, port: 80 } });
    const svc = t.services[0]!;
    vipUrl = `http://${svc.vip}:${svc.port}/`;
    const [rip1, rip2] = svc.realServers.map((r) => `${r.rip}:80`) as [string, string];
    await createHosts(lab(), t);
    for (const r of await applyDesign(lab(), t)) expect(r.code, `${r.host}: ${r.stdout}${r.stderr}`).toBe(0);
    await takeOverAppliedKeepalived(svc.realServers.length);
    const sorry = await runInHost(
      lab(),
      hostId('sorry'),
      `mkdir -p /run/lvsd/sorry/www && echo sorry > /run/lvsd/sorry/www/index.html && httpd -p 80 -h /run/lvsd/sorry/www`,
    );
    expect(sorry.code, sorry.stderr).toBe(0);
    await startKeepalived(t);
    await measure('true', svc.realServers[1]!.rip, 1, 30);
    expect(await table()).toEqual({ [rip1]: 1, [rip2]: 1 });

    const hc = effectiveHealthCheck(svc, svc.realServers[0])!;
    const inhibited = await measure(httpdStop('rs1'), svc.realServers[0]!.rip, 0, 30);
    expectWithin('rs1 stopped → weight 0 (inhibit_on_failure)', inhibited, detectionWindow(hc, 'refused'));
    expect(await table(), 'rs1 stays listed with weight 0').toEqual({ [rip1]: 0, [rip2]: 1 });
    expect(await fetchMany(6)).toEqual(Array(6).fill('rs2'));

    // Every real server down: the live weight (0) is below the quorum (1), keepalived adds the sorry server.
    await measure(httpdStop('rs2'), svc.realServers[1]!.rip, 0, 30);
    await measure('true', SORRY_IP, 1, 10);
    expect(await table()).toEqual({ [rip1]: 0, [rip2]: 0, [`${SORRY_IP}:80`]: 1 });
    expect(await fetchMany(4)).toEqual(Array(4).fill('sorry'));

    // rs2 back: quorum regained, the sorry server leaves the table.
    await measure(httpdStart('rs2'), svc.realServers[1]!.rip, 1, 30);
    await measure('true', SORRY_IP, 'absent', 10);
    expect(await fetchMany(4)).toEqual(Array(4).fill('rs2'));
    const log = await sshToLab(lab(), `cat ${DIR}/keepalived.log`);
    // What the checkers decided about rs1 and the quorum, with keepalived's own (1 s) timestamps.
    console.log(
      `keepalived log (rs1, quorum):\n${log.stdout
        .split('\n')
        .filter((l) => l.includes(`[${svc.realServers[0]!.rip}]`) || /quorum|sorry/i.test(l))
        .join('\n')}`,
    );
    await stopKeepalived();
  }, 300_000);
});

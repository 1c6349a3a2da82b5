/**
 * Production LVS on the real kernel (qemu lab, one VM for the file), deployed by the real SSH deploy engine:
 *
 * 1. Reboot persistence. The NAT and DR seed labs (ipvsadm owns the table) and the NAT lab with an
 *    HTTP_GET check (keepalived owns it) are deployed; then every host is "rebooted" at the kernel
 *    level ({@link rebootHosts}: its processes end, its network namespace — IPVS table, VIPs,
 *    routes, tunl0, net.* sysctls — is destroyed and created again with only the infrastructure
 *    addresses; its /etc, /var/lib, deploy state and boot-unit root stay). Then each host runs what
 *    systemd would run at boot: the ExecStart of the installed lvs-designer-boot.service and, on the
 *    keepalived-owned director after it (`Before=keepalived.service`), the ExecStart of the Debian
 *    package's own keepalived.service. The kernel state must equal the state after the deploy, verify.sh
 *    of the current deploy must pass, and the client's fetches must reach each real server.
 * 2. keepalived reload and rollback. The keepalived-owned design is changed (rs1 weight 3, a third real
 *    server) and deployed again: keepalived is reloaded — same pid and start time, `kill -HUP`, which
 *    is what the generated scripts do where systemd does not run — and the kernel table shows the
 *    change; `rollback` puts the previous keepalived.conf back, reloads the same keepalived and the
 *    table is the old one again.
 *
 * Skipped (with the reason) where the lab cannot run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labSkipReason, useLabVm } from './labVm.ts';
import type { DeployDeps, DeployMode } from '../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../electron/services/deploy/engine.ts';
import { KnownHosts } from '../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../electron/services/secrets/store.ts';
import { labHostDir, labHostEnv, rebootHosts, runInHost } from '../../electron/services/lab/hosts.ts';
import { labUp, withLabEndpoints } from '../../electron/services/lab/up.ts';
import { BOOT_UNIT_PATH } from '../../shared/generators/boot.ts';
import { renderHost } from '../../shared/generators/index.ts';
import type { DeployResult } from '../../shared/ipc/deploy.ts';
import type { DesignFile, HealthCheck, Host, Topology } from '../../shared/model/types.ts';
import { hostId, interfaceId } from '../../shared/model/ids.ts';
import type { HostId } from '../../shared/model/ids.ts';

const reason = labSkipReason('reboot-reload-lab');

/** Short timings (as in health-lab): keepalived adds real servers at once (no alpha) and notices a dead one in seconds. */
const CHECK: HealthCheck = { kind: 'http', path: '/', status: 200, delayLoop: 2, connectTimeout: 1, retry: 1, delayBeforeRetry: 1 };
const RS3_IP = '192.168.111.103';

const loadFile = (file: string): DesignFile => JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as DesignFile;

/** The NAT lab with an HTTP_GET check and a third real-server host rs3 (not yet in the service). */
function keepalivedNatLab(): DesignFile {
  const f = loadFile('nat-lab.lvs.json');
  const t = f.topology;
  const rs2 = t.hosts.find((h) => h.id === 'rs2')!;
  const rs3: Host = {
    ...rs2,
    id: hostId('rs3'),
    name: 'rs3',
    interfaces: rs2.interfaces.map((i) => ({
      ...i,
      id: interfaceId(i.id.replace('rs2', 'rs3')),
      addresses: i.kind === 'ethernet' ? [`${RS3_IP}/24`] : i.addresses,
      ...(i.mac !== undefined ? { mac: '02:00:00:00:01:03' } : {}),
    })),
  };
  return {
    ...f,
    topology: { ...t, name: 'NAT lab, keepalived-owned', hosts: [...t.hosts, rs3], services: t.services.map((s) => ({ ...s, healthCheck: CHECK })) },
  };
}

/** v2 of the keepalived design: rs1 weight 3, rs3 added with weight 1. */
function changed(t: Topology): Topology {
  return {
    ...t,
    services: t.services.map((s) => ({
      ...s,
      realServers: [
        ...s.realServers.map((r) => (r.host === 'rs1' ? { ...r, weight: 3 } : r)),
        { ...s.realServers[1]!, host: hostId('rs3'), rip: RS3_IP, weight: 1 },
      ],
    })),
  };
}

/** What systemd runs for a unit: its ExecStart, and the optional EnvironmentFile (`-` prefix) and ConditionFileNotEmpty. */
interface UnitRun {
  readonly execStart: string;
  readonly environmentFile?: string;
  readonly conditionFileNotEmpty?: string;
}

function parseUnit(text: string): UnitRun {
  const value = (key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1]?.trim();
  const execStart = value('ExecStart');
  if (!execStart) throw new Error(`unit without ExecStart:\n${text}`);
  return { execStart, environmentFile: value('EnvironmentFile')?.replace(/^-/, ''), conditionFileNotEmpty: value('ConditionFileNotEmpty') };
}

/** keepalived.service of the Debian package the lab image was built from (the unit systemd starts at boot). */
function debianKeepalivedUnit(labDir: string): string {
  const debs = join(labDir, 'build', 'debs');
  const deb = readdirSync(debs).find((n) => /^keepalived_.*\.deb$/.test(n));
  if (!deb) throw new Error(`no keepalived .deb in ${debs}`);
  const r = spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xO ./lib/systemd/system/keepalived.service`, 'sh', join(debs, deb)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`reading keepalived.service from ${deb}: ${r.stderr}`);
  return r.stdout;
}

/** Kernel state of a host that a reboot loses: addresses, links, routes, the ARP/forwarding sysctls, the IPVS table. */
const KERNEL_STATE = [
  `echo '# addresses'; "$LVSD_IP" -o -4 addr | awk '{print $2, $4}' | sort`,
  `echo '# links'; "$LVSD_IP" -o link | awk '{n=$2; sub(/@.*/, "", n); print n, $3}' | sort`,
  `echo '# routes'; "$LVSD_IP" -4 route | sort`,
  `echo '# sysctls'; for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce /proc/sys/net/ipv4/conf/*/rp_filter; do echo "$f $(cat "$f")"; done`,
  `echo '# ipvs'; ipvsadm -S -n 2>&1 | sort`,
].join('\n');

describe.skipIf(reason !== null)('reboot persistence and keepalived reload/rollback on a real IPVS kernel (qemu, deployed over SSH)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-reboot-lab-'));
  const knownHostsFile = join(dir, 'known_hosts');
  // The test's own VM (not the persistent `lab up` one, which another run may be using).
  const lab = useLabVm();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every host of the design gets its SSH server in the lab; the design with those endpoints. */
  async function up(file: DesignFile): Promise<Topology> {
    const r = await labUp(file.topology, { vm: lab() });
    return withLabEndpoints(file, r.vm, r.endpoints).topology;
  }

  /** Runs the engine the way the app does (host keys trusted on first use); the result and the run's log. */
  async function deploy(mode: DeployMode, topology: Topology, e2eRequests = 0, hosts?: readonly HostId[]): Promise<{ result: DeployResult; log: string }> {
    const deps: DeployDeps = {
      render: renderHost,
      knownHosts: new KnownHosts(knownHostsFile, []),
      secrets: new MemorySecretStore(),
      confirmHostKey: async () => true,
      askSecret: async (r) => {
        throw new Error(`unexpected secret prompt: ${r.kind} for ${r.hostId}`);
      },
      readyTimeoutMs: 60_000,
      // each lab host keeps its deploy state and boot unit in its own directory (docs/lab.md)
      remoteEnv: (host) => labHostEnv(host.id),
    };
    const run = startDeploy(mode, { deployId: newDeployId(), topology, e2eRequests, ...(hosts ? { hosts } : {}) }, deps);
    const result = await run.result;
    const log = run.log.text();
    if (result.outcome !== 'success') console.error(log);
    return { result, log };
  }

  /** A command as the design host (its namespace and private /etc, the scripts' lab environment). */
  async function inHost(host: string, command: string, timeoutMs?: number): Promise<string> {
    const r = await runInHost(lab(), hostId(host), command, labHostEnv(hostId(host)), timeoutMs);
    expect(r.code, `${host}: ${command}\n${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
  }

  async function kernelStates(t: Topology): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const h of t.hosts) out[h.id] = await inHost(h.id, KERNEL_STATE);
    return out;
  }

  /** n fetches of the VIP from the client: how many each real server answered. */
  async function fetches(t: Topology, n: number): Promise<Record<string, number>> {
    const s = t.services[0]!;
    const text = await inHost('client', `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); timeout 5 wget -qO- http://${s.vip}:${s.port}/ || echo FAILED; done`);
    const count: Record<string, number> = {};
    for (const l of text.trim().split('\n')) count[l] = (count[l] ?? 0) + 1;
    return count;
  }

  /** The director's real servers as `rip:port → weight` (`ipvsadm -Ln`). */
  async function table(director: string): Promise<Record<string, number>> {
    const text = await inHost(director, 'ipvsadm -Ln');
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^\s+->\s+(\d+\.\d+\.\d+\.\d+:\d+)\s+\S+\s+(\d+)/gm)) out[m[1]!] = Number(m[2]);
    return out;
  }

  /** pid and start time (clock ticks since boot) of the running keepalived parent, from its pid file. */
  async function keepalivedProcess(director: string): Promise<string> {
    return (await inHost(director, `p=$(head -n 1 /run/keepalived.pid) && kill -0 "$p" && echo "$p $(awk '{print $22}' /proc/$p/stat)"`)).trim();
  }

  /**
   * What systemd runs on `host` at boot: the installed lvs-designer-boot.service's ExecStart (under the
   * host's boot-unit root), then — when `keepalivedUnit` is given and the boot unit orders itself
   * before it — keepalived.service's ExecStart with its EnvironmentFile, in the background like the
   * daemon systemd supervises. Returns the boot script's output.
   */
  async function bootHost(host: string, keepalivedUnit?: string): Promise<string> {
    const root = labHostEnv(hostId(host))['LVSD_BOOT_ROOT']!;
    const unitText = await inHost(host, `cat ${root}${BOOT_UNIT_PATH}`);
    expect(unitText).toMatch(/^Type=oneshot$/m);
    expect(unitText).toMatch(/^WantedBy=multi-user\.target$/m);
    const unit = parseUnit(unitText);
    expect(unit.execStart).toMatch(/^\/[A-Za-z0-9/_.-]+$/);
    const out = await inHost(host, `${root}${unit.execStart}`);
    if (keepalivedUnit) {
      expect(unitText, 'the boot unit runs before keepalived.service').toMatch(/^Before=keepalived\.service$/m);
      const ka = parseUnit(keepalivedUnit);
      const env = ka.environmentFile ? `set -a; if [ -f ${ka.environmentFile} ]; then . ${ka.environmentFile}; fi; set +a; ` : '';
      const condition = ka.conditionFileNotEmpty ? `[ -s ${ka.conditionFileNotEmpty} ] || { echo 'ConditionFileNotEmpty failed' >&2; exit 1; }; ` : '';
      await inHost(host, `${condition}${env}setsid ${ka.execStart} </dev/null >>${labHostDir(hostId(host))}/keepalived-service.log 2>&1 &`);
    }
    return out;
  }

  /** Reboots every host of the design, checks the kernel state is gone, boots each host, checks it is back. */
  async function rebootAndBoot(t: Topology, deployed: Record<string, string>, keepalivedDirector?: string): Promise<void> {
    const hosts = t.hosts.map((h) => h.id);
    await rebootHosts(lab(), t, hosts);
    const rebooted = await kernelStates(t);
    const withBootUnit: string[] = [];
    for (const h of hosts) {
      const hasUnit = (await inHost(h, `[ -f ${labHostEnv(h)['LVSD_BOOT_ROOT']}${BOOT_UNIT_PATH} ] && echo yes || echo no`)).trim() === 'yes';
      if (hasUnit) {
        withBootUnit.push(h);
        // the reboot really lost what the deploy had set up
        expect(rebooted[h], `${h} after the reboot, before its boot unit`).not.toBe(deployed[h]);
      } else expect(rebooted[h], `${h} has no boot unit, so it must have nothing to lose`).toBe(deployed[h]);
    }
    const director = t.services[0]!.director;
    expect(withBootUnit).toEqual(expect.arrayContaining([director, ...t.services[0]!.realServers.map((r) => r.host)]));
    expect(rebooted[director]).toMatch(/# ipvs\n$/);
    // (no fetch here: a failed one would leave a FAILED neighbour entry on the client, docs/lab.md pitfall 5)

    const kaUnit = keepalivedDirector ? debianKeepalivedUnit(lab().labDir) : undefined;
    for (const h of withBootUnit) {
      const out = await bootHost(h, h === keepalivedDirector ? kaUnit : undefined);
      expect(out, h).toMatch(/lvs-designer-boot: done/);
    }
    if (keepalivedDirector) {
      const servers = t.services[0]!.realServers.length;
      await expect
        .poll(async () => Object.keys(await table(keepalivedDirector)).length, { timeout: 30_000, message: 'keepalived.service rebuilds the table' })
        .toBe(servers);
    }
    expect(await kernelStates(t), 'the kernel state after the boot units ran equals the deployed one').toEqual(deployed);
    for (const h of hosts) {
      const v = await runInHost(lab(), h, `cd ${labHostEnv(h)['LVSD_STATE_DIR']}/current && sh ./verify.sh </dev/null`, labHostEnv(h), 60_000);
      expect(v.code, `${h}: verify.sh of the current deploy after the reboot\n${v.stdout}${v.stderr}`).toBe(0);
    }
  }

  it.each([
    { method: 'NAT', file: 'nat-lab.lvs.json' },
    { method: 'DR', file: 'dr-lab.lvs.json' },
  ])(
    '$method ($file), ipvsadm-owned: deployed, every host rebooted, the boot units alone bring table, VIPs, sysctls, routes and balancing back',
    async ({ file }) => {
      const t = await up(loadFile(file));
      const { result } = await deploy('apply', t, 8);
      expect(result.outcome, JSON.stringify(result.hosts)).toBe('success');
      const servers = t.services[0]!.realServers.map((r) => r.host);
      expect(result.e2e?.checks[0]?.distribution).toEqual(Object.fromEntries(servers.map((s) => [s, 4])));
      const deployed = await kernelStates(t);
      expect(deployed[t.services[0]!.director]).toMatch(/^-A -t /m);

      await rebootAndBoot(t, deployed);
      expect(await fetches(t, 8)).toEqual(Object.fromEntries(servers.map((s) => [s, 4])));
    },
    300_000,
  );

  it('NAT, keepalived-owned: reboot → boot unit + keepalived.service rebuild it; change → reload (same pid) → new table; rollback → old config, same keepalived, old table', async () => {
    const file = keepalivedNatLab();
    const t1 = await up(file);
    const director = t1.services[0]!.director;
    const rip = (h: string): string =>
      `${
        t1.hosts
          .find((x) => x.id === h)!
          .interfaces.find((i) => i.kind === 'ethernet')!
          .addresses[0]!.split('/')[0]
      }:80`;

    // v1: keepalived is started by apply.sh (no systemd in the lab: `keepalived -f`), builds the table.
    const first = await deploy('apply', t1, 8);
    expect(first.result.outcome, JSON.stringify(first.result.hosts)).toBe('success');
    expect(first.log).toMatch(/keepalived started \(it was not running\)/);
    expect(first.result.e2e?.checks[0]?.distribution).toEqual({ rs1: 4, rs2: 4 });
    expect(await table(director)).toEqual({ [rip('rs1')]: 1, [rip('rs2')]: 1 });
    const deployed = await kernelStates(t1);

    // 1. Reboot every host; the boot units and the package's keepalived.service bring it all back.
    await rebootAndBoot(t1, deployed, director);
    expect(await fetches(t1, 8)).toEqual({ rs1: 4, rs2: 4 });
    const booted = await keepalivedProcess(director);
    const conf1 = await inHost(director, 'cat /etc/keepalived/keepalived.conf');
    const rendered1 = renderHost(t1, director);
    expect(rendered1.ok).toBe(true);
    expect(conf1).toBe(
      (rendered1 as { ok: true; value: readonly { path: string; content: string }[] }).value.find((f) => f.path === 'keepalived.conf')!.content,
    );

    // 2. v2: rs1 weight 3 and rs3 added. keepalived is reloaded, not restarted: same process.
    await inHost(
      'rs3',
      `mkdir -p ${labHostDir(hostId('rs3'))}/www && echo rs3 > ${labHostDir(hostId('rs3'))}/www/index.html && httpd -p 80 -h ${labHostDir(hostId('rs3'))}/www`,
    );
    const t2 = changed(t1);
    const second = await deploy('apply', t2, 10);
    expect(second.result.outcome, JSON.stringify(second.result.hosts)).toBe('success');
    const [pid] = booted.split(' ');
    expect(second.log).toContain(`keepalived reloaded (kill -HUP ${pid})`);
    expect(second.log).not.toMatch(/keepalived started/);
    expect(await keepalivedProcess(director), 'the same keepalived process (pid and start time)').toBe(booted);
    expect(await table(director)).toEqual({ [rip('rs1')]: 3, [rip('rs2')]: 1, [rip('rs3')]: 1 });
    expect(second.result.e2e?.checks[0]?.distribution).toEqual({ rs1: 6, rs2: 2, rs3: 2 });
    expect(await inHost(director, 'cat /etc/keepalived/keepalived.conf')).toMatch(/weight 3/);

    // 3. Rollback of the hosts v2 changed (an unchanged host's newest deploy is v1, which must stay):
    // the previous keepalived.conf back, the same keepalived reloaded, the old table.
    const touched = second.result.plan!.hosts.filter((h) => h.changes.length > 0).map((h) => h.hostId);
    expect(touched).toContain(director);
    const back = await deploy('rollback', t2, 0, touched);
    expect(back.result.outcome, JSON.stringify(back.result.hosts)).toBe('success');
    expect(back.log).toContain(`keepalived reloaded (kill -HUP ${pid})`);
    // keepalived owned the table before v2: the rollback leaves the table to it (no ipvsadm -C/-R behind its back).
    expect(back.log).toContain('keepalived keeps the IPVS table: it owned it before this deploy');
    expect(back.log).not.toContain('restored: IPVS table');
    expect(await inHost(director, 'cat /etc/keepalived/keepalived.conf')).toBe(conf1);
    expect(await keepalivedProcess(director)).toBe(booted);
    await expect.poll(() => table(director), { timeout: 20_000 }).toEqual({ [rip('rs1')]: 1, [rip('rs2')]: 1 });
    expect(await fetches(t1, 8)).toEqual({ rs1: 4, rs2: 4 });
  }, 400_000);
});

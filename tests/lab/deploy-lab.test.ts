/**
 * End to end: the three seed labs deployed into the built-in lab by the real SSH deploy engine.
 * One VM for the file (`labUp` reuses it); for each of NAT, DR and TUN: every design host gets its
 * own SSH server, the engine trusts the host keys on first use, plans, applies, verifies and fetches
 * the VIP from the client over SSH; a second deploy has nothing to do; `rollback` undoes it. The CLI
 * (`lvsd deploy --yes --json`) runs once, in-process. Skipped (with the reason) where the lab cannot run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../electron/cli/io.ts';
import { main } from '../../electron/cli/main.ts';
import type { DeployDeps, DeployMode } from '../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../electron/services/deploy/engine.ts';
import { KnownHosts, parseKnownHosts } from '../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../electron/services/secrets/store.ts';
import { labHostEnv } from '../../electron/services/lab/hosts.ts';
import type { LabEndpoint } from '../../electron/services/lab/up.ts';
import { labDown, labUp, sshToLabHost, withLabEndpoints } from '../../electron/services/lab/up.ts';
import type { LabVm } from '../../electron/services/lab/vm.ts';
import { isLabQemu, labUnavailableReason, runningPersistentLab } from '../../electron/services/lab/vm.ts';
import { renderHost } from '../../shared/generators/index.ts';
import type { DeployResult } from '../../shared/ipc/deploy.ts';
import { parseDesignFile, serializeDesignFile } from '../../shared/model/file.ts';
import type { DesignFile, Topology } from '../../shared/model/types.ts';

const reason =
  labUnavailableReason() ??
  (process.getuid?.() === 0 ? null : 'the lab test runs as root (it builds into /var/cache)') ??
  (runningPersistentLab() ? 'a lab started with `lvsd lab up` is running; not touching it' : null);
if (reason) console.warn(`tests/lab/deploy-lab: skipped: ${reason}`);

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), out: () => out, err: () => err };
}

interface Trusted {
  readonly hostId: string;
  readonly endpoint: string;
  readonly fingerprint: string;
}

describe.skipIf(reason !== null)('deploying the seed labs into the built-in lab over SSH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-deploy-lab-'));
  const knownHostsFile = join(dir, 'known_hosts');
  let vm: LabVm | undefined;

  afterAll(async () => {
    await labDown();
    if (vm) expect(isLabQemu(vm.pid, vm.runDir)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** Runs the engine the way the app does, answering host-key questions "trust" and recording them. */
  async function deploy(mode: DeployMode, topology: Topology, trusted: Trusted[], e2eRequests = 0): Promise<DeployResult> {
    const deps: DeployDeps = {
      render: renderHost,
      knownHosts: new KnownHosts(knownHostsFile, []),
      secrets: new MemorySecretStore(),
      confirmHostKey: async (host, fingerprint) => {
        trusted.push({ hostId: host.hostId, endpoint: host.endpoint, fingerprint });
        return true;
      },
      // the lab key has no passphrase and every host logs in as root: nothing may be asked
      askSecret: async (r) => {
        throw new Error(`unexpected secret prompt: ${r.kind} for ${r.hostId}`);
      },
      // TCG is slow and the machine is shared
      readyTimeoutMs: 60_000,
      // The lab's hosts share one file system outside /etc (docs/lab.md): each keeps its deploy
      // state and boot unit in its own directory, as separate machines would.
      remoteEnv: (host) => labHostEnv(host.id),
    };
    const run = startDeploy(mode, { deployId: newDeployId(), topology, e2eRequests }, deps);
    const result = await run.result;
    if (result.outcome === 'failed' || result.outcome === 'rolled-back') console.error(run.log.text());
    return result;
  }

  /** One fetch of the VIP from the client over its own SSH server: the answer, or FAILED. */
  async function fetchOnce(endpoints: readonly LabEndpoint[], vip: string, port: number): Promise<string> {
    const client = endpoints.find((e) => e.host === 'client')!;
    const r = await sshToLabHost(vm!, client, `timeout 5 wget -q -O - http://${vip}:${port}/ 2>/dev/null || echo FAILED`);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  }

  const cases = [
    { file: 'nat-lab.lvs.json', method: 'NAT', cli: true },
    { file: 'dr-lab.lvs.json', method: 'DR', cli: false },
    { file: 'tun-lab.lvs.json', method: 'TUN', cli: false },
  ] as const;

  for (const { file, method, cli } of cases) {
    it(`${method} (${file}): trust on first use, plan, apply, verify, balanced answers, no changes, rollback`, async () => {
      const text = readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8');
      const parsed = parseDesignFile(text);
      expect(parsed.ok).toBe(true);
      const original = (parsed as { ok: true; value: DesignFile }).value;
      const up = await labUp(original.topology);
      if (!vm) {
        // `labUp` boots a persistent VM (it outlives its process on purpose): should this test
        // process be killed before afterAll, a watchdog still stops that qemu.
        spawn(
          'sh',
          [
            '-c',
            `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; grep -q ${up.vm.runDir} /proc/${up.vm.pid}/cmdline 2>/dev/null && kill ${up.vm.pid}`,
          ],
          {
            detached: true,
            stdio: 'ignore',
          },
        ).unref();
      }
      vm = up.vm;
      const design = withLabEndpoints(original, up.vm, up.endpoints);
      const t = design.topology;
      const svc = t.services[0]!;
      const servers = svc.realServers.map((r) => r.host);
      expect(svc.realServers.map((r) => r.weight)).toEqual([1, 1]);

      // 1. First deploy: every host's key is new, trusted through the confirm callback.
      const trusted: Trusted[] = [];
      const first = await deploy('apply', t, trusted, 12);
      expect(first.outcome, JSON.stringify(first.hosts)).toBe('success');
      expect(trusted.map((x) => x.hostId).sort()).toEqual(t.hosts.map((h) => h.id).sort());
      for (const x of trusted) {
        const e = up.endpoints.find((p) => p.host === x.hostId)!;
        expect(x.endpoint).toBe(`[127.0.0.1]:${e.port}`);
        expect(x.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      }
      // The fingerprint shown is the one OpenSSH sees on that port.
      const director0 = up.endpoints.find((e) => e.host === svc.director)!;
      const scan = spawnSync('sh', ['-c', `ssh-keyscan -T 30 -t ed25519 -p ${director0.port} 127.0.0.1 2>/dev/null | ssh-keygen -lf -`], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(scan.stdout.split(/\s+/)[1], scan.stderr).toBe(trusted.find((x) => x.hostId === svc.director)!.fingerprint);
      const recorded = parseKnownHosts(readFileSync(knownHostsFile, 'utf8'), knownHostsFile);
      for (const e of up.endpoints)
        expect(
          recorded.some((r) => r.patterns === `[127.0.0.1]:${e.port}`),
          e.host,
        ).toBe(true);

      // The plan listed changes (the director at least gets its IPVS rules), all hosts were verified.
      const plan = first.plan!;
      expect(plan.noChanges).toBe(false);
      expect(
        plan.hosts.every((h) => h.status === 'ready'),
        JSON.stringify(plan.hosts.map((h) => [h.hostId, h.status, h.error])),
      ).toBe(true);
      const director = plan.hosts.find((h) => h.hostId === svc.director)!;
      expect(director.changes.some((c) => c.kind === 'ipvs')).toBe(true);
      expect(director.notes.join(' ')).toMatch(/commands run as root/);
      for (const h of first.hosts) expect(h.status, `${h.hostId}: ${h.message ?? ''}`).toBe('verified');

      // 2. The engine's own end-to-end check from the client: 1:1 weights give equal shares.
      const check = first.e2e?.checks[0];
      expect(first.e2e?.clientHostId).toBe('client');
      expect(check, JSON.stringify(first.e2e)).toBeDefined();
      expect(check!.service).toBe(`${svc.vip}:${svc.port}`);
      expect(check!.error, JSON.stringify(check)).toBeUndefined();
      expect(check!.succeeded).toBe(12);
      expect(check!.distribution).toEqual(Object.fromEntries(servers.map((s) => [s, 6])));

      // 3. Again, unchanged: every host already as designed; known keys are not asked about again.
      const again: Trusted[] = [];
      const second = await deploy('apply', t, again, 4);
      expect(second.outcome, JSON.stringify(second.hosts)).toBe('no-changes');
      expect(again).toEqual([]);
      expect(second.plan!.noChanges).toBe(true);
      for (const h of second.plan!.hosts) expect(h.changes, h.hostId).toEqual([]);
      expect(second.e2e?.checks[0]?.distribution).toEqual(Object.fromEntries(servers.map((s) => [s, 2])));

      // 4. Rollback: the VIP answered before and no longer does; a dry run shows the changes again.
      expect(servers).toContain(await fetchOnce(up.endpoints, svc.vip, svc.port));
      const back = await deploy('rollback', t, again);
      expect(back.outcome, JSON.stringify(back.hosts)).toBe('success');
      for (const h of back.hosts) expect(h.status, h.hostId).toBe('rolled-back');
      expect(await fetchOnce(up.endpoints, svc.vip, svc.port)).toBe('FAILED');
      if (method === 'TUN') {
        // apply.sh brought tunl0 up; the rollback puts it back down as it was before.
        for (const rs of t.hosts.filter((h) => h.role === 'real-server')) {
          const ep = up.endpoints.find((e) => e.host === rs.id)!;
          const link = await sshToLabHost(vm!, ep, 'ip -o link show tunl0 2>/dev/null || echo absent');
          expect(link.stdout, rs.id).not.toMatch(/[<,]UP[,>]/);
        }
      }
      const dry = await deploy('dry-run', t, again);
      expect(dry.outcome).toBe('success');
      expect(dry.plan!.noChanges).toBe(false);
      expect(dry.plan!.hosts.find((h) => h.hostId === svc.director)!.changes.some((c) => c.kind === 'ipvs')).toBe(true);
      expect(again).toEqual([]);

      if (cli) {
        // 5. The CLI, in-process, on the design file with the lab endpoints; its own known_hosts (TOFU by --yes).
        const designPath = join(dir, file);
        writeFileSync(designPath, serializeDesignFile(design));
        const io = capture();
        const code = await main(['deploy', designPath, '--yes', '--json', '--known-hosts', join(dir, 'cli_known_hosts'), '--e2e', '8'], io);
        expect(code, io.err()).toBe(0);
        const r = JSON.parse(io.out()) as DeployResult;
        expect(r.outcome).toBe('success');
        expect(r.hosts.every((h) => h.status === 'verified')).toBe(true);
        expect(r.e2e?.checks[0]?.distribution).toEqual(Object.fromEntries(servers.map((s) => [s, 4])));
        expect(io.err().match(/Trusting \[127\.0\.0\.1\]:\d+ \(\w+\) on first use: ssh-ed25519 SHA256:/g)).toHaveLength(t.hosts.length);
        const rb = capture();
        expect(await main(['rollback', designPath, '--yes', '--json', '--known-hosts', join(dir, 'cli_known_hosts')], rb), rb.err()).toBe(0);
        expect((JSON.parse(rb.out()) as DeployResult).outcome).toBe('success');
        expect(await fetchOnce(up.endpoints, svc.vip, svc.port)).toBe('FAILED');
      }
    }, 300_000);
  }
});

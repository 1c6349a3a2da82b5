/**
 * Deploy of a keepalived-owned director against real OpenSSH in network namespaces (netns.ts).
 * `keepalived -t` is the real Debian keepalived installed here; running keepalived needs IPVS, which
 * this kernel lacks, so `systemctl` is a stand-in (LVSD_SYSTEMCTL) that logs each call and, on
 * start/reload, builds the stand-in ipvsadm table from the installed keepalived.conf the way
 * keepalived would (virtual_server → -A, real_server + weight → -a). The boot unit is installed
 * under a private prefix (LVSD_BOOT_ROOT). Skipped when not root, without sshd or `ip netns`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import type { DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Host, Topology } from '../../../shared/model/types.ts';
import type { DeployDeps, DeployMode, RenderHost } from '../../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../../electron/services/deploy/engine.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import type { NsHost } from './netns.ts';
import { NetnsLab, netnsUnavailable, writeFakeIpvsadm, writeKeepalivedSystemctl } from './netns.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

const noKeepalived = spawnSync('keepalived', ['--version'], { stdio: 'ignore' }).error ? 'keepalived is not installed' : null;
const unavailable = netnsUnavailable() ?? noKeepalived;
let lab: NetnsLab;

function design(d: NsHost, weight: number): Topology {
  const net = `10.231.${lab.subnet}`;
  const director: Host = {
    id: hostId('lb'),
    name: 'lb-one',
    role: 'director',
    ipvsOwner: 'keepalived',
    interfaces: [{ id: interfaceId('lb-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${d.ip}/24`, `${net}.100/24`] }],
    ssh: { host: d.ip, port: 22, user: 'root', auth: 'key', keyPath: lab.clientKey },
  };
  const rs: Host = {
    id: hostId('rs'),
    name: 'rs',
    role: 'real-server',
    interfaces: [
      { id: interfaceId('rs-lo'), name: 'lo', kind: 'loopback', segment: null, addresses: [`${net}.100/32`], sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
      { id: interfaceId('rs-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${net}.20/24`] },
    ],
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
  };
  return {
    name: 'keepalived deploy',
    segments: [{ id: segmentId('lan'), name: 'lan', cidr: `${net}.0/24` }],
    hosts: [director, rs],
    services: [
      {
        id: serviceId('web'),
        director: directorRef('lb'),
        protocol: 'tcp',
        vip: `${net}.100`,
        port: 80,
        scheduler: 'rr',
        realServers: [{ id: realServerId('web-rs'), host: hostId('rs'), rip: `${net}.20`, port: 80, method: 'dr', weight }],
      },
    ],
  };
}

/** Paths of the stand-ins and the private keepalived config of the director namespace. */
function paths(d: NsHost) {
  return {
    ipvs: join(d.dir, 'ipvs'),
    ipvsadm: join(d.dir, 'ipvsadm'),
    systemctl: join(d.dir, 'systemctl'),
    calls: join(d.dir, 'systemctl.calls'),
    conf: join(d.dir, 'etc-keepalived', 'keepalived.conf'),
    bootRoot: join(d.dir, 'root'),
  };
}

/** systemctl stand-in: logs calls; start/reload rebuild the table from the installed keepalived.conf. */
function writeFakeSystemctl(d: NsHost): void {
  const p = paths(d);
  writeKeepalivedSystemctl(p.systemctl, { calls: p.calls, conf: p.conf, ipvsDir: p.ipvs });
}

function deps(d: NsHost, render: RenderHost = renderHost, extraEnv: Record<string, string> = {}): DeployDeps {
  const p = paths(d);
  return {
    render,
    knownHosts: new KnownHosts(join(lab.work, 'known_hosts'), []),
    confirmHostKey: async () => true,
    secrets: new MemorySecretStore(),
    askSecret: async () => null,
    remoteEnv: () => ({
      LVSD_STATE_DIR: d.stateDir,
      LVSD_IPVSADM: p.ipvsadm,
      LVSD_MODPROBE: '/bin/true',
      LVSD_SYSTEMCTL: p.systemctl,
      LVSD_KEEPALIVED_CONF: p.conf,
      LVSD_KEEPALIVED_WAIT: '0',
      LVSD_BOOT_ROOT: p.bootRoot,
      ...extraEnv,
    }),
    readyTimeoutMs: 8_000,
  };
}

async function run(mode: DeployMode, topology: Topology, dep: DeployDeps): Promise<{ result: DeployResult; log: string }> {
  const r = startDeploy(mode, { deployId: newDeployId(), topology, e2eRequests: 0, confirmSeconds: 0 }, dep);
  for await (const e of r.events()) void e;
  return { result: await r.result, log: r.log.text() };
}

/** What the systemctl stand-in was asked to do, without the is-active queries. */
const actions = (calls: string) =>
  readFileSync(calls, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('is-active'));

/** A keepalived.conf keepalived -t rejects (as an older keepalived would a newer keyword). */
const rejectedRender: RenderHost = (t, id) => {
  const r = renderHost(t, id);
  if (!r.ok) return r;
  return {
    ok: true,
    value: r.value.map((f) => (f.path === 'keepalived.conf' ? { ...f, content: f.content.replace(/lvs_sched \w+/, 'lvs_sched no-such-scheduler') } : f)),
  };
};

describe.skipIf(unavailable !== null)(`keepalived-owned director deploy${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let d: NsHost;
  const previous = "# the admin's own keepalived.conf before LVS Designer\nglobal_defs {\n  router_id before\n}\n";

  beforeAll(async () => {
    lab = new NetnsLab();
    [d] = (await lab.addHosts(1)) as [NsHost];
    const p = paths(d);
    writeFakeIpvsadm(p.ipvsadm, p.ipvs);
    writeFakeSystemctl(d);
    mkdirSync(join(d.dir, 'etc-keepalived'), { recursive: true });
    writeFileSync(p.conf, previous);
    // keepalived runs with the previous config and an (empty) table of its own.
    writeFileSync(join(p.ipvs, 'active'), '');
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it('refuses the host when keepalived is missing, naming it; nothing changed', async () => {
    const p = paths(d);
    const r = await run('apply', design(d, 1), deps(d, renderHost, { LVSD_KEEPALIVED: '/nonexistent/keepalived' }));
    expect(r.result.outcome, r.log).not.toBe('success');
    expect(r.result.plan!.hosts.find((h) => h.hostId === 'lb')!.error).toMatch(
      /keepalived owns the IPVS table of this director but is not installed on the host; nothing will be changed here \(allow the install: --install-keepalived\)/,
    );
    expect(r.log, 'refused in the plan: nothing uploaded').not.toMatch(/lb: uploading/);
    expect(readFileSync(p.conf, 'utf8')).toBe(previous);
    expect(existsSync(p.calls)).toBe(false);
    expect(existsSync(join(p.bootRoot, 'usr/local/sbin/lvs-designer-boot'))).toBe(false);
  }, 120_000);

  it('a keepalived.conf that keepalived -t rejects: host refused, running keepalived and table untouched', async () => {
    const p = paths(d);
    writeFileSync(join(p.ipvs, 'rules'), '-A -t 192.0.2.9:80 -s wlc\n');
    const r = await run('apply', design(d, 1), deps(d, rejectedRender));
    expect(r.result.outcome, r.log).not.toBe('success');
    expect(r.log).toMatch(/host lb-one: keepalived -t rejects the new keepalived.conf; nothing was changed/);
    expect(r.log).toMatch(/no-such-scheduler/);
    expect(readFileSync(p.conf, 'utf8')).toBe(previous);
    expect(existsSync(p.calls), 'no systemctl call at all').toBe(false);
    expect(readFileSync(join(p.ipvs, 'rules'), 'utf8')).toBe('-A -t 192.0.2.9:80 -s wlc\n');
    expect(existsSync(join(p.bootRoot, 'usr/local/sbin/lvs-designer-boot'))).toBe(false);
    writeFileSync(join(p.ipvs, 'rules'), '');
  }, 120_000);

  it('keepalived takes the config but does not build the table: verify fails naming the missing lines, rolled back', async () => {
    const p = paths(d);
    writeFileSync(join(p.ipvs, 'broken'), '');
    const r = await run('apply', design(d, 2), deps(d));
    rmSync(join(p.ipvs, 'broken'));
    expect(r.result.outcome, r.log).toBe('rolled-back');
    expect(r.log).toMatch(/IPVS missing: -a -t [0-9.]+:80 -r [0-9.]+:80 -g -w 2/);
    expect(r.log).toMatch(/the IPVS table keepalived built lacks services or real servers/);
    expect(readFileSync(p.conf, 'utf8')).toBe(previous);
    // One reload to take the new config, one on rollback to go back to the previous one; no restart.
    expect(actions(p.calls)).toEqual(['reload keepalived', 'reload keepalived']);
    expect(existsSync(join(p.bootRoot, 'usr/local/sbin/lvs-designer-boot')), 'boot unit removed again').toBe(false);
    rmSync(p.calls);
  }, 120_000);

  it('a good config: installed, keepalived reloaded (never restarted), verify reads the table back; rollback restores the previous config and the previous boot unit', async () => {
    const p = paths(d);
    // A boot unit from an earlier deploy is installed: rollback must put it back, not delete it.
    const oldScript = join(p.bootRoot, 'usr/local/sbin/lvs-designer-boot');
    const oldUnit = join(p.bootRoot, 'etc/systemd/system/lvs-designer-boot.service');
    mkdirSync(join(p.bootRoot, 'usr/local/sbin'), { recursive: true });
    mkdirSync(join(p.bootRoot, 'etc/systemd/system'), { recursive: true });
    writeFileSync(oldScript, '#!/bin/sh\n# the earlier boot script\n', { mode: 0o755 });
    writeFileSync(oldUnit, '# the earlier unit\n');
    const r = await run('apply', design(d, 3), deps(d));
    expect(r.result.outcome, r.log).toBe('success');
    const installed = readFileSync(p.conf, 'utf8');
    const generated = renderHost(design(d, 3), 'lb');
    expect(generated.ok).toBe(true);
    if (generated.ok) expect(installed).toBe(generated.value.find((f) => f.path === 'keepalived.conf')!.content);
    expect(r.log).toMatch(/keepalived reloaded \(systemctl reload keepalived\)/);
    expect(actions(p.calls)).toEqual(['reload keepalived']);
    expect(readFileSync(join(p.ipvs, 'rules'), 'utf8')).toMatch(/-a -t [0-9.]+:80 -r [0-9.]+:80 -g -w 3/);
    // The boot unit is installed and the plan of the same design finds nothing to do.
    expect(readFileSync(oldScript, 'utf8'), 'boot/install.sh replaced the earlier script').toMatch(/Generated by LVS Designer/);
    expect(existsSync(join(p.bootRoot, 'etc/systemd/system/lvs-designer-boot.service'))).toBe(true);
    expect(r.log).toMatch(/boot unit lvs-designer-boot.service installed/);
    // The plan said what apply would do about keepalived and the boot unit.
    const notes = r.result.plan!.hosts.find((h) => h.hostId === 'lb')!.notes.join('\n');
    expect(notes).toMatch(/keepalived: apply checks the new keepalived.conf with keepalived -t on the host before any change/);
    expect(notes).toMatch(/boot unit lvs-designer-boot.service: apply runs boot\/install.sh/);

    const back = await run('rollback', design(d, 3), deps(d));
    expect(back.result.outcome, back.log).toBe('success');
    expect(readFileSync(p.conf, 'utf8')).toBe(previous);
    expect(back.log).toMatch(/restored: .*keepalived\.conf/);
    expect(actions(p.calls)).toEqual(['reload keepalived', 'reload keepalived']);
    expect(back.log).toMatch(/restored: the previous boot unit/);
    expect(readFileSync(oldScript, 'utf8')).toBe('#!/bin/sh\n# the earlier boot script\n');
    expect(readFileSync(oldUnit, 'utf8')).toBe('# the earlier unit\n');
    rmSync(p.calls, { force: true });
  }, 120_000);

  it('keepalived owned the table before: rollback reloads it with the old config and leaves the table to it (no ipvsadm -C/-R behind its back)', async () => {
    const p = paths(d);
    // What keepalived had built before: a server its health check had taken out is missing. A restore of
    // this snapshot after the reload would pin that state while keepalived believes otherwise.
    writeFileSync(join(p.ipvs, 'rules'), '-A -t 192.0.2.7:80 -s rr\n');
    const r = await run('apply', design(d, 4), deps(d));
    expect(r.result.outcome, r.log).toBe('success');
    const back = await run('rollback', design(d, 4), deps(d));
    expect(back.result.outcome, back.log).toBe('success');
    expect(back.log).toMatch(/keepalived keeps the IPVS table: it owned it before this deploy and rebuilds it from the restored config/);
    expect(back.log).not.toMatch(/restored: IPVS table/);
    expect(readFileSync(p.conf, 'utf8')).toBe(previous);
    expect(actions(p.calls)).toEqual(['reload keepalived', 'reload keepalived']);
    // The table is what keepalived rebuilt from the restored config (the stand-in: nothing), not the snapshot.
    expect(readFileSync(join(p.ipvs, 'rules'), 'utf8')).toBe('');
    rmSync(p.calls, { force: true });
  }, 120_000);

  it('keepalived was not running and had no config before: rollback removes the config, stops the keepalived the deploy started and restores the hand-written table', async () => {
    const p = paths(d);
    rmSync(join(p.ipvs, 'active'));
    rmSync(p.conf);
    writeFileSync(join(p.ipvs, 'rules'), '-A -t 192.0.2.8:80 -s wlc\n');
    const r = await run('apply', design(d, 5), deps(d));
    expect(r.result.outcome, r.log).toBe('success');
    expect(readFileSync(join(p.ipvs, 'rules'), 'utf8')).toMatch(/-w 5/);
    const back = await run('rollback', design(d, 5), deps(d));
    expect(back.result.outcome, back.log).toBe('success');
    expect(back.log).toMatch(/removed: .*keepalived\.conf \(there was none before\)/);
    expect(back.log).toMatch(/keepalived stopped \(it was not running before this deploy\)/);
    expect(back.log).toMatch(/restored: IPVS table/);
    expect(existsSync(p.conf)).toBe(false);
    expect(existsSync(join(p.ipvs, 'active')), 'keepalived stopped').toBe(false);
    expect(actions(p.calls)).toEqual(['start keepalived', 'stop keepalived']);
    expect(readFileSync(join(p.ipvs, 'rules'), 'utf8').trim()).toBe('-A -t 192.0.2.8:80 -s wlc');
    // Leave the namespace as the earlier tests found it.
    writeFileSync(p.conf, previous);
    writeFileSync(join(p.ipvs, 'active'), '');
    writeFileSync(join(p.ipvs, 'rules'), '');
    rmSync(p.calls, { force: true });
  }, 120_000);
});

/**
 * Installing keepalived when the package mirror cannot be reached. The director is a network
 * namespace with real OpenSSH (netns.ts) and no route beyond its own subnet, so no mirror (and no
 * DNS server) is reachable; its apt is the real apt-get, with the host's own package lists but a
 * private dpkg status that lacks keepalived (so apt has to download it) and private cache, state and
 * log directories (so nothing of this machine's apt is touched), set through APT_CONFIG for the host's
 * SSH sessions. keepalived itself is "missing" for the scripts (LVSD_KEEPALIVED points nowhere).
 *
 * v1 (ipvsadm owns the table) is deployed; v2 moves the table to keepalived and allows the install:
 * apt-get fails, and the deploy must fail naming the host and apt's error, before anything else on
 * the host changed: no snapshot of v2, no keepalived.conf, no systemctl call, the v1 table, addresses,
 * boot unit and deploy record intact — and rolling back v1 afterwards still works.
 *
 * A second host has a mirror it can reach: a local `file:` repository holding Debian's keepalived
 * package, and a private dpkg root (`dpkg --root`, maintainer scripts run with DPKG_ROOT so they touch
 * only that root). The deploy really installs keepalived there with apt-get and dpkg, validates the new
 * config with the keepalived it just installed (`keepalived -t`), starts it, and keepalived owns the
 * table; a second deploy does not install again.
 * Skipped when not root, without sshd, `ip netns`, apt-get or package lists that know keepalived
 * (the second test also without a keepalived .deb in the lab or apt cache or from apt-get download).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import type { DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Host, Topology } from '../../../shared/model/types.ts';
import type { DeployDeps, DeployMode } from '../../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../../electron/services/deploy/engine.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import type { NsHost } from './netns.ts';
import { inNs, NetnsLab, netnsUnavailable, writeFakeIpvsadm, writeKeepalivedSystemctl } from './netns.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

function aptUnavailable(): string | null {
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error) return 'apt-get is not installed';
  const show = spawnSync('apt-cache', ['show', 'keepalived'], { encoding: 'utf8' });
  if (show.status !== 0 || !/^Filename: /m.test(show.stdout)) return 'the package lists do not know keepalived (run apt-get update)';
  return null;
}

const unavailable = netnsUnavailable() ?? aptUnavailable();
let lab: NetnsLab;

function design(d: NsHost, keepalivedOwned: boolean): Topology {
  const net = `10.231.${lab.subnet}`;
  const director: Host = {
    id: hostId('lb'),
    name: 'lb-one',
    role: 'director',
    ipvsOwner: keepalivedOwned ? 'keepalived' : 'ipvsadm',
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
    name: 'keepalived install, mirror unreachable',
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
        ...(keepalivedOwned ? { healthCheck: { kind: 'tcp' as const } } : {}),
        realServers: [{ id: realServerId('web-rs'), host: hostId('rs'), rip: `${net}.20`, port: 80, method: 'dr', weight: keepalivedOwned ? 2 : 1 }],
      },
    ],
  };
}

function paths(d: NsHost) {
  return {
    ipvs: join(d.dir, 'ipvs'),
    ipvsadm: join(d.dir, 'ipvsadm'),
    systemctl: join(d.dir, 'systemctl'),
    calls: join(d.dir, 'systemctl.calls'),
    conf: join(d.dir, 'etc-keepalived', 'keepalived.conf'),
    bootRoot: join(d.dir, 'root'),
    apt: join(d.dir, 'apt'),
  };
}

/**
 * The host's apt: this machine's package lists (read only), a dpkg status without keepalived, and
 * private cache/state/log directories. Returns the APT_CONFIG file.
 */
function writeHostApt(d: NsHost): string {
  const a = paths(d).apt;
  for (const sub of ['state', 'cache/archives/partial', 'dpkg/updates', 'log']) mkdirSync(join(a, sub), { recursive: true });
  const status = readFileSync('/var/lib/dpkg/status', 'utf8')
    .split(/\n\n+/)
    .filter((stanza) => !/^Package: keepalived$/m.test(stanza))
    .join('\n\n');
  writeFileSync(join(a, 'dpkg', 'status'), `${status.trimEnd()}\n`);
  const conf = join(a, 'apt.conf');
  writeFileSync(
    conf,
    [
      `Dir::State "${join(a, 'state')}";`,
      'Dir::State::Lists "/var/lib/apt/lists";',
      `Dir::State::status "${join(a, 'dpkg', 'status')}";`,
      `Dir::Cache "${join(a, 'cache')}";`,
      `Dir::Log "${join(a, 'log')}";`,
      '',
    ].join('\n'),
  );
  return conf;
}

function deps(d: NsHost): DeployDeps {
  const p = paths(d);
  return {
    render: renderHost,
    knownHosts: new KnownHosts(join(lab.work, 'known_hosts'), []),
    confirmHostKey: async () => true,
    secrets: new MemorySecretStore(),
    askSecret: async () => null,
    remoteEnv: () => ({
      LVSD_STATE_DIR: d.stateDir,
      LVSD_IPVSADM: p.ipvsadm,
      LVSD_MODPROBE: '/bin/true',
      LVSD_SYSTEMCTL: p.systemctl,
      // keepalived is not installed on this host
      LVSD_KEEPALIVED: join(d.dir, 'no-keepalived-here'),
      LVSD_KEEPALIVED_CONF: p.conf,
      LVSD_KEEPALIVED_WAIT: '0',
      LVSD_BOOT_ROOT: p.bootRoot,
    }),
    readyTimeoutMs: 8_000,
    // apt-get retries the mirror before it gives up
    commandTimeoutMs: 180_000,
  };
}

async function run(mode: DeployMode, topology: Topology, dep: DeployDeps, extra: { deployId?: string; installKeepalived?: boolean } = {}) {
  const r = startDeploy(
    mode,
    { deployId: extra.deployId ?? newDeployId(), topology, e2eRequests: 0, confirmSeconds: 0, ...(extra.installKeepalived ? { installKeepalived: true } : {}) },
    dep,
  );
  for await (const e of r.events()) void e;
  return { result: (await r.result) as DeployResult, log: r.log.text() };
}

/** What a change on the host would show: its addresses, the (stand-in) IPVS table, the deploy record, the boot unit, keepalived's config and systemctl calls. */
function hostState(d: NsHost): Record<string, string | null> {
  const p = paths(d);
  const read = (f: string): string | null => (existsSync(f) ? readFileSync(f, 'utf8') : null);
  return {
    addresses: inNs(d.ns, 'ip', '-o', '-4', 'addr', 'show'),
    ipvs: read(join(p.ipvs, 'rules')),
    history: read(join(d.stateDir, 'history')),
    lastDeploy: read(join(d.stateDir, 'last-deploy')),
    currentApply: read(join(d.stateDir, 'current', 'apply.sh')),
    bootScript: read(join(p.bootRoot, 'usr/local/sbin/lvs-designer-boot')),
    bootUnit: read(join(p.bootRoot, 'etc/systemd/system/lvs-designer-boot.service')),
    keepalivedConf: read(p.conf),
    systemctlCalls: read(p.calls),
    dpkgStatus: read(join(p.apt, 'dpkg', 'status')),
  };
}

describe.skipIf(unavailable !== null)(`installing keepalived with the package mirror unreachable${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let d: NsHost;

  beforeAll(async () => {
    lab = new NetnsLab();
    // index 0 is the next host: its SSH sessions get its own APT_CONFIG
    lab.sessionEnv.set(0, [`APT_CONFIG=${join(lab.work, 'h0', 'apt', 'apt.conf')}`]);
    mkdirSync(join(lab.work, 'h0'), { recursive: true });
    [d] = (await lab.addHosts(1)) as [NsHost];
    writeHostApt(d);
    const p = paths(d);
    writeFakeIpvsadm(p.ipvsadm, p.ipvs);
    writeFileSync(p.systemctl, `#!/bin/sh\necho "$*" >>${p.calls}\n[ "$1" != is-active ] || exit 3\n`, { mode: 0o755 });
  }, 60_000);
  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it('apt-get cannot reach a mirror: the host fails naming itself and apt’s error before any change; the previous deploy and its rollback stay intact', async () => {
    // The namespace has no route to any mirror.
    const route = spawnSync('ip', ['netns', 'exec', d.ns, 'ip', 'route', 'get', '151.101.2.132'], { encoding: 'utf8' });
    expect(route.status, route.stdout).not.toBe(0);
    expect(route.stderr).toMatch(/unreachable/i);

    // v1: ipvsadm owns the table; deployed and recorded.
    const v1 = await run('apply', design(d, false), deps(d));
    expect(v1.result.outcome, v1.log).toBe('success');
    const before = hostState(d);
    expect(before.ipvs).toMatch(/-a -t [0-9.]+:80 -r [0-9.]+:80 -g -w 1/);
    expect(before.addresses).toContain(`10.231.${lab.subnet}.100/24`);
    expect(before.keepalivedConf).toBeNull();

    // v2: keepalived owns the table, the install is allowed, the mirror is unreachable.
    const v2id = newDeployId();
    const v2 = await run('apply', design(d, true), deps(d), { deployId: v2id, installKeepalived: true });
    expect(v2.result.outcome, v2.log).not.toBe('success');
    const plan = v2.result.plan!.hosts.find((h) => h.hostId === 'lb')!;
    expect(plan.notes.join('\n')).toMatch(/keepalived is not installed on this host: apply installs it first/);
    const host = v2.result.hosts.find((h) => h.hostId === 'lb')!;
    const said = `${host.message ?? ''}\n${host.stderr ?? ''}`;
    expect(said, v2.log).toMatch(
      /host lb-one: installing keepalived failed: apt-get install -y keepalived exited 100 \(is the package mirror reachable from this host\?\); nothing was changed/,
    );
    // apt's own words: it could not fetch the package
    expect(said).toMatch(/Failed to fetch http\S+keepalived_\S+\.deb/);
    expect(said).toMatch(/Temporary failure resolving|Could not connect|Network is unreachable|No route to host|Unable to connect/);
    expect(v2.log).toMatch(/installing keepalived: apt-get install -y keepalived \(allowed by --install-keepalived\)/);

    // Nothing else happened on the host: no snapshot of v2, the v1 state and record as they were.
    expect(existsSync(join(d.stateDir, 'snapshots', v2id)), 'apply.sh stopped before its snapshot').toBe(false);
    expect(hostState(d)).toEqual(before);
    expect(v2.log).not.toMatch(/keepalived\.conf installed|boot unit .* installed|applied \d+ change/);

    // Rolling back still finds v1 (its snapshot chain untouched) and restores the state before it.
    const back = await run('rollback', design(d, true), deps(d));
    expect(back.result.outcome, back.log).toBe('success');
    expect(back.log).toMatch(new RegExp(`@rolled-back ${before.lastDeploy!.trim()}`));
    const after = hostState(d);
    expect(after.ipvs ?? '').not.toMatch(/-a -t/);
    expect(after.addresses).not.toContain(`10.231.${lab.subnet}.100/24`);
    expect(after.history ?? '').toBe('');
    expect(after.bootScript).toBeNull();
  }, 240_000);
});

/**
 * Debian's keepalived package from this machine: the lab image's package cache, apt's archive cache,
 * or `apt-get download` into a temp dir (the machine's mirror, as the install of the test tools uses).
 */
function findKeepalivedDeb(): string | null {
  for (const dir of ['/var/cache/lvs-designer-lab/build/debs', '/var/cache/apt/archives']) {
    const name = existsSync(dir) ? readdirSync(dir).find((f) => /^keepalived_.*\.deb$/.test(f)) : undefined;
    if (name) return join(dir, name);
  }
  const into = mkdtempSync(join(tmpdir(), 'lvsd-kadeb-'));
  spawnSync('apt-get', ['download', 'keepalived'], { cwd: into, stdio: 'ignore', timeout: 120_000 });
  const got = readdirSync(into).find((f) => /^keepalived_.*\.deb$/.test(f));
  return got ? join(into, got) : null;
}

/** The `Packages` index of a one-package repository: the .deb's control fields, then where it is and its checksum. */
function packagesIndex(deb: string, filename: string): string {
  const control = spawnSync('dpkg-deb', ['-f', deb], { encoding: 'utf8' });
  if (control.status !== 0) throw new Error(`dpkg-deb -f ${deb}: ${control.stderr}`);
  const bytes = readFileSync(deb);
  return `${control.stdout.trimEnd()}\nFilename: ./${filename}\nSize: ${bytes.length}\nSHA256: ${createHash('sha256').update(bytes).digest('hex')}\n\n`;
}

/**
 * apt for a host whose mirror is reachable: a local `file:` repository with keepalived only, private
 * lists/cache/log and apt.conf.d, and a private dpkg root whose status is this machine's without
 * keepalived (so its dependencies count as installed and apt has keepalived alone to fetch). dpkg
 * unpacks into that root and runs the maintainer scripts chrootless with DPKG_ROOT set: keepalived's
 * postinst then leaves init scripts and services of this machine alone. Returns the APT_CONFIG file
 * and the dpkg root.
 */
function writeReachableMirror(d: NsHost, deb: string): { aptConf: string; root: string } {
  const a = join(d.dir, 'apt');
  const repo = join(a, 'repo');
  const root = join(d.dir, 'dpkg-root');
  for (const sub of ['state/lists/partial', 'cache/archives/partial', 'log', 'parts', 'sourceparts', 'repo']) mkdirSync(join(a, sub), { recursive: true });
  for (const sub of ['info', 'updates', 'triggers']) mkdirSync(join(root, 'var/lib/dpkg', sub), { recursive: true });
  copyFileSync(deb, join(repo, 'keepalived.deb'));
  writeFileSync(join(repo, 'Packages'), packagesIndex(deb, 'keepalived.deb'));
  const status = readFileSync('/var/lib/dpkg/status', 'utf8')
    .split(/\n\n+/)
    .filter((stanza) => !/^Package: keepalived$/m.test(stanza))
    .join('\n\n');
  writeFileSync(join(root, 'var/lib/dpkg/status'), `${status.trimEnd()}\n`);
  writeFileSync(join(a, 'sources.list'), `deb [trusted=yes] file:${repo} ./\n`);
  const aptConf = join(a, 'apt.conf');
  writeFileSync(
    aptConf,
    [
      `Dir::State "${join(a, 'state')}";`,
      `Dir::State::status "${join(root, 'var/lib/dpkg/status')}";`,
      `Dir::Cache "${join(a, 'cache')}";`,
      `Dir::Log "${join(a, 'log')}";`,
      `Dir::Etc::sourcelist "${join(a, 'sources.list')}";`,
      `Dir::Etc::sourceparts "${join(a, 'sourceparts')}";`,
      `Dir::Etc::parts "${join(a, 'parts')}";`,
      `DPkg::Options { "--root=${root}"; "--force-script-chrootless"; };`,
      '',
    ].join('\n'),
  );
  const update = spawnSync('apt-get', ['update'], { env: { ...process.env, APT_CONFIG: aptConf }, encoding: 'utf8' });
  if (update.status !== 0) throw new Error(`apt-get update of the local repository failed: ${update.stderr}`);
  return { aptConf, root };
}

const keepalivedDebFile = unavailable === null ? findKeepalivedDeb() : null;
const noDeb = unavailable ?? (keepalivedDebFile ? null : 'no keepalived .deb in the lab or apt cache, and apt-get download failed');

describe.skipIf(noDeb !== null)(`installing keepalived from a reachable mirror${noDeb ? ` (skipped: ${noDeb})` : ''}`, () => {
  let d: NsHost;
  let mirror: { aptConf: string; root: string };
  let lab2: NetnsLab;

  beforeAll(async () => {
    lab2 = new NetnsLab('lvsdka');
    mkdirSync(join(lab2.work, 'h0'), { recursive: true });
    lab2.sessionEnv.set(0, [`APT_CONFIG=${join(lab2.work, 'h0', 'apt', 'apt.conf')}`]);
    [d] = (await lab2.addHosts(1)) as [NsHost];
    mirror = writeReachableMirror(d, keepalivedDebFile!);
  }, 180_000);
  afterAll(async () => {
    await lab2?.close();
  }, 60_000);

  it('apt-get installs keepalived on the host, the new config is checked by the installed keepalived, keepalived owns the table; the same deploy again installs nothing and changes nothing', async () => {
    const prev = lab;
    lab = lab2; // design() and deps() name the lab
    try {
      const ipvsDir = join(d.dir, 'ipvs');
      const calls = join(d.dir, 'systemctl.calls');
      const conf = join(d.dir, 'etc-keepalived', 'keepalived.conf');
      writeFakeIpvsadm(join(d.dir, 'ipvsadm'), ipvsDir);
      writeKeepalivedSystemctl(join(d.dir, 'systemctl'), { calls, conf, ipvsDir });
      const installed = join(mirror.root, 'usr/sbin/keepalived');
      const base = deps(d);
      // keepalived is "missing" until dpkg puts it into the host's dpkg root
      const dep: DeployDeps = { ...base, remoteEnv: (h) => ({ ...base.remoteEnv!(h), LVSD_KEEPALIVED: installed }) };
      expect(existsSync(installed)).toBe(false);

      const v1 = await run('apply', design(d, true), dep, { installKeepalived: true });
      expect(v1.result.outcome, v1.log).toBe('success');
      const plan = v1.result.plan!.hosts.find((h) => h.hostId === 'lb')!;
      expect(plan.notes.join('\n')).toMatch(/keepalived is not installed on this host: apply installs it first/);
      expect(v1.log).toMatch(/installing keepalived: apt-get install -y keepalived \(allowed by --install-keepalived\)/);
      // apt and dpkg really ran: the package is unpacked and configured in the host's dpkg root
      expect(v1.log).toMatch(/Setting up keepalived \(/);
      expect(existsSync(installed)).toBe(true);
      const dpkgStatus = readFileSync(join(mirror.root, 'var/lib/dpkg/status'), 'utf8');
      expect(dpkgStatus).toMatch(/Package: keepalived\nStatus: install ok installed\n/);
      // the postinst ran, inside the host's dpkg root (DPKG_ROOT), not against this machine
      expect(existsSync(join(mirror.root, 'var/lib/systemd/deb-systemd-helper-enabled/keepalived.service.dsh-also'))).toBe(true);
      // the installed keepalived accepted the config; the deploy started it and it built the table
      expect(readFileSync(conf, 'utf8')).toMatch(/virtual_server 10\.231\.\d+\.100 80/);
      expect(readFileSync(calls, 'utf8')).toMatch(/^(start|reload) keepalived/m);
      expect(readFileSync(join(ipvsDir, 'rules'), 'utf8')).toMatch(/-a -t 10\.231\.\d+\.100:80 -r 10\.231\.\d+\.20:80 -g -w 2/);

      const v2 = await run('apply', design(d, true), dep, { installKeepalived: true });
      // keepalived is there now: nothing to install, nothing to change
      expect(v2.result.outcome, v2.log).toBe('no-changes');
      expect(v2.result.plan!.hosts.find((h) => h.hostId === 'lb')!.notes.join('\n')).not.toMatch(/keepalived is not installed/);
      expect(v2.log).not.toMatch(/installing keepalived/);
    } finally {
      lab = prev;
    }
  }, 300_000);
});

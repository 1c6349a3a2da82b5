/**
 * The deploy engine against real OpenSSH: every host is a network namespace with its own sshd
 * (tests/integration/deploy/netns.ts). No SSH mocks: ssh2 in this process talks to sshd over a
 * bridge, the generated scripts run for real with real `ip` and `sysctl` inside the namespaces.
 *
 * This kernel has no IPVS, so the director's `ipvsadm` is a stand-in script (LVSD_IPVSADM) that
 * keeps the rule table in a file; the real IPVS path is proven by the qemu lab test (tests/lab).
 * The file system is shared by all namespaces, so each host gets its own LVSD_STATE_DIR.
 *
 * Skipped when not root, without sshd, or without `ip netns`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import type { DeployEvent, DeployRequest, DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Host, Topology } from '../../../shared/model/types.ts';
import type { DeployDeps, DeployMode } from '../../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../../electron/services/deploy/engine.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import type { NsHost } from './netns.ts';
import { NetnsLab, inNs, netnsUnavailable, writeFakeIpvsadm } from './netns.ts';
import { waitUntil } from '../../support/deadline.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

const unavailable = netnsUnavailable();
const PASSWORD = `Pw-${process.pid}-s3cr3t!`;
const USER = `lvsdt${process.pid % 100000}`;
const SUDOERS = `/etc/sudoers.d/lvsd-test-${process.pid}`;
const hasSudo = existsSync('/usr/bin/sudo');
/** Without sudo, rs2 logs in as root with the key and the sudo/password cases are skipped. */
const NO_SUDO = 'sudo is not installed (apt-get install sudo)';

let lab: NetnsLab;
let rs1: NsHost, rs2: NsHost, director: NsHost, client: NsHost, rs3: NsHost;
let userCreated = false;

interface Recorder {
  confirms: string[];
  asked: string[];
}

function sysctl(h: NsHost, key: string): string {
  return inNs(h.ns, 'sysctl', '-n', key).trim();
}
function addrs(h: NsHost, dev: string): string {
  return inNs(h.ns, 'ip', '-o', '-4', 'addr', 'show', 'dev', dev);
}

function design(): Topology {
  const x = lab.subnet;
  const vip = `10.231.${x}.100`;
  const ssh = (h: NsHost, over: Partial<Host['ssh'] & object> = {}) => ({
    host: h.ip,
    port: 22,
    user: 'root',
    auth: 'key' as const,
    keyPath: lab.clientKey,
    ...over,
  });
  const realServer = (id: string, h: NsHost, over: Partial<Host['ssh'] & object> = {}): Host => ({
    id: hostId(id),
    name: id,
    role: 'real-server',
    interfaces: [
      { id: interfaceId(`${id}-lo`), name: 'lo', kind: 'loopback', segment: null, addresses: [`${vip}/32`], sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
      {
        id: interfaceId(`${id}-eth0`),
        name: 'eth0',
        kind: 'ethernet',
        segment: segmentId('lan'),
        addresses: [`${h.ip}/24`],
        sysctl: { arpIgnore: 1, arpAnnounce: 2 },
      },
    ],
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
    ssh: ssh(h, over),
  });
  return {
    name: 'deploy integration',
    segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${x}.0/24` }],
    hosts: [
      realServer('rs1', rs1),
      hasSudo ? realServer('rs2', rs2, { user: USER, auth: 'password', keyPath: undefined }) : realServer('rs2', rs2),
      {
        id: hostId('director'),
        name: 'director',
        role: 'director',
        interfaces: [{ id: interfaceId('d-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${director.ip}/24`, `${vip}/24`] }],
        ssh: ssh(director),
      },
      {
        id: hostId('client'),
        name: 'client',
        role: 'client',
        interfaces: [{ id: interfaceId('c-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${client.ip}/24`] }],
        ssh: ssh(client),
      },
    ],
    services: [
      {
        id: serviceId('web'),
        director: directorRef('director'),
        protocol: 'tcp',
        vip,
        port: 80,
        scheduler: 'rr',
        realServers: [
          { id: realServerId('web-rs1'), host: hostId('rs1'), rip: rs1.ip, port: 80, method: 'dr', weight: 1 },
          { id: realServerId('web-rs2'), host: hostId('rs2'), rip: rs2.ip, port: 80, method: 'dr', weight: 1 },
        ],
      },
    ],
  };
}

const nsOf = (hostId: string): NsHost => ({ rs1, rs2, director, client, rs3 })[hostId as 'rs1']!;

function deps(over: Partial<DeployDeps> = {}, rec: Recorder = { confirms: [], asked: [] }): DeployDeps {
  return {
    render: renderHost,
    knownHosts: new KnownHosts(join(lab.work, 'known_hosts')),
    confirmHostKey: async (h, fp) => {
      rec.confirms.push(`${h.hostId} ${fp}`);
      return true;
    },
    secrets: new MemorySecretStore(),
    askSecret: async (r) => {
      rec.asked.push(`${r.kind} ${r.hostId}`);
      return PASSWORD;
    },
    remoteEnv: (host) => {
      const h = nsOf(host.id);
      const env: Record<string, string> = { LVSD_STATE_DIR: h.stateDir, LVSD_BOOT_ROOT: join(h.dir, 'root') };
      if (host.role === 'director') {
        env.LVSD_IPVSADM = join(h.dir, 'ipvsadm');
        env.LVSD_MODPROBE = '/bin/true';
      }
      return env;
    },
    readyTimeoutMs: 8_000,
    ...over,
  };
}

async function deploy(
  mode: DeployMode,
  topology: Topology,
  d: DeployDeps,
  extra: Partial<DeployRequest> = {},
): Promise<{ result: DeployResult; events: DeployEvent[]; log: string }> {
  const run = startDeploy(mode, { deployId: newDeployId(), topology, e2eRequests: 6, ...extra }, d);
  const events: DeployEvent[] = [];
  for await (const e of run.events()) events.push(e);
  return { result: await run.result, events, log: run.log.text() };
}

const statusOf = (r: DeployResult, id: string) => r.hosts.find((h) => h.hostId === id)?.status;
const messageOf = (r: DeployResult, id: string) => r.hosts.find((h) => h.hostId === id)?.message ?? '';

describe.skipIf(unavailable !== null)(`deploy over SSH to namespaces${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const shared: Recorder = { confirms: [], asked: [] };
  // What the dry run and the first apply saw, for the sudo-only test after them.
  let rs2DryRunNotes = '';
  let passwordsAskedDuringApply = 0;
  let sharedDeps: DeployDeps;

  beforeAll(async () => {
    lab = new NetnsLab();
    [rs1, rs2, director, client, rs3] = (await lab.addHosts(5)) as [NsHost, NsHost, NsHost, NsHost, NsHost];
    writeFakeIpvsadm(join(director.dir, 'ipvsadm'), join(director.dir, 'ipvs'));
    // The client's end-to-end check fetches the VIP; without IPVS the director's namespace answers
    // itself (busybox httpd on port 80), which is enough to see the check fetch and count answers.
    writeFileSync(join(director.dir, 'index.html'), 'answer-from-vip\n');
    spawnSync('ip', ['netns', 'exec', director.ns, 'busybox', 'httpd', '-p', '80', '-h', director.dir], { stdio: 'ignore' });
    if (hasSudo) {
      // A non-root login with a password and sudo rights, machine-wide but limited to this test.
      userCreated = spawnSync('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', USER]).status === 0;
      spawnSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
      writeFileSync(SUDOERS, `${USER} ALL=(root) ALL\nDefaults:${USER} !lecture\n`, { mode: 0o440 });
    }
    sharedDeps = deps({}, shared);
  }, 60_000);

  afterAll(async () => {
    if (director)
      spawnSync('ip', ['netns', 'pids', director.ns])
        .stdout?.toString()
        .split('\n')
        .filter(Boolean)
        .forEach((pid) => {
          try {
            process.kill(Number(pid));
          } catch {
            /* gone */
          }
        });
    await lab?.close();
    rmSync(SUDOERS, { force: true });
    if (userCreated) spawnSync('userdel', [USER]);
  }, 60_000);

  it('dry run: trusts host keys on first use, shows the diff, changes nothing', async () => {
    const { result, events } = await deploy('dry-run', design(), sharedDeps);
    expect(result.outcome, JSON.stringify(result.hosts)).toBe('success');
    expect(shared.confirms).toHaveLength(4);
    expect(readFileSync(join(lab.work, 'known_hosts'), 'utf8').trim().split('\n')).toHaveLength(4);
    for (const f of shared.confirms) expect(f).toMatch(/ SHA256:[A-Za-z0-9+/]{43}$/);
    const rs1Plan = result.plan!.hosts.find((h) => h.hostId === 'rs1')!;
    expect(rs1Plan.changes.map((c) => `${c.kind} ${c.subject}`)).toEqual(
      expect.arrayContaining([`address lo 10.231.${lab.subnet}.100/32`, 'sysctl net.ipv4.conf.all.arp_ignore', 'file apply.sh']),
    );
    expect(result.plan!.stages).toEqual([['rs1', 'rs2', 'client'], ['director']]);
    rs2DryRunNotes = result.plan!.hosts.find((h) => h.hostId === 'rs2')!.notes.join(' ');
    expect(events.some((e) => e.type === 'host-key' && e.status === 'new')).toBe(true);
    // Nothing changed on the host.
    expect(sysctl(rs1, 'net.ipv4.conf.all.arp_ignore')).toBe('0');
    expect(addrs(rs1, 'lo')).not.toContain('.100/32');
  });

  it('deploys in order, verifies, runs the end-to-end check; secrets stay out of events and log', async () => {
    shared.confirms.length = 0;
    const { result, events, log } = await deploy('apply', design(), sharedDeps);
    expect(result.outcome, log).toBe('success');
    expect(shared.confirms, 'keys were trusted by the dry run').toHaveLength(0);
    for (const id of ['rs1', 'rs2', 'director', 'client']) expect(statusOf(result, id), `${id}: ${messageOf(result, id)}`).toBe('verified');
    expect(sysctl(rs1, 'net.ipv4.conf.all.arp_ignore')).toBe('1');
    expect(sysctl(rs2, 'net.ipv4.conf.lo.arp_announce')).toBe('2');
    expect(addrs(rs1, 'lo')).toContain(`10.231.${lab.subnet}.100/32`);
    expect(addrs(rs2, 'lo')).toContain(`10.231.${lab.subnet}.100/32`);
    expect(readFileSync(join(director.dir, 'ipvs', 'rules'), 'utf8')).toContain(`-A -t 10.231.${lab.subnet}.100:80 -s rr`);
    // Order: every real server finished apply.sh before the director started.
    const idx = (host: string, phase: string) => events.findIndex((e) => e.type === 'host' && e.hostId === host && e.phase === phase);
    expect(idx('rs1', 'applied')).toBeGreaterThan(-1);
    expect(idx('director', 'uploading')).toBeGreaterThan(idx('rs1', 'applied'));
    expect(idx('director', 'uploading')).toBeGreaterThan(idx('rs2', 'applied'));
    // Step k/n progress.
    expect(events.some((e) => e.type === 'host' && e.hostId === 'rs1' && e.step?.index === 2 && e.step.total === 3)).toBe(true);
    // End-to-end: the client fetched the VIP 6 times.
    expect(result.e2e?.clientHostId).toBe('client');
    expect(result.e2e?.checks[0]).toMatchObject({ service: `10.231.${lab.subnet}.100:80`, requests: 6, succeeded: 6, distribution: { 'answer-from-vip': 6 } });
    // The password was used (sudo -S and password login of rs2) but appears nowhere.
    passwordsAskedDuringApply = shared.asked.length;
    const logFile = join(lab.work, 'deploy.log');
    const run = startDeploy('dry-run', { deployId: newDeployId(), topology: design(), e2eRequests: 0 }, sharedDeps);
    await run.result;
    await run.log.save(logFile);
    for (const text of [log, JSON.stringify(events), JSON.stringify(result), readFileSync(logFile, 'utf8')]) expect(text).not.toContain(PASSWORD);
  });

  it.skipIf(!hasSudo)(
    `rs2 (a password login with sudo rights) runs through sudo -S and its password was asked for${hasSudo ? '' : ` (skipped: ${NO_SUDO})`}`,
    () => {
      expect(rs2DryRunNotes).toContain('sudo -S');
      expect(passwordsAskedDuringApply).toBeGreaterThan(0);
    },
  );

  it('a second deploy of the same design changes nothing and says so', async () => {
    const { result, events } = await deploy('apply', design(), sharedDeps);
    expect(result.outcome).toBe('no-changes');
    expect(result.plan!.noChanges).toBe(true);
    for (const h of result.plan!.hosts) expect(h.changes, h.hostId).toEqual([]);
    expect(events.some((e) => e.type === 'host' && e.phase === 'applying')).toBe(false);
    expect(events.filter((e) => e.type === 'host' && e.phase === 'unchanged')).toHaveLength(4);
  });

  it.skipIf(!hasSudo)(`uses sudo -n when sudo needs no password, and never asks for one${hasSudo ? '' : ` (skipped: ${NO_SUDO})`}`, async () => {
    writeFileSync(SUDOERS, `${USER} ALL=(root) NOPASSWD: ALL\n`, { mode: 0o440 });
    try {
      const rec: Recorder = { confirms: [], asked: [] };
      const secrets = new MemorySecretStore();
      await secrets.set(`password:${USER}@${rs2.ip}:22`, PASSWORD);
      const { result } = await deploy('dry-run', design(), deps({ knownHosts: sharedDeps.knownHosts, secrets }, rec), { hosts: [hostId('rs2')] });
      expect(result.plan!.hosts.find((h) => h.hostId === 'rs2')?.status, JSON.stringify(result.hosts)).toBe('ready');
      expect(result.plan!.hosts.find((h) => h.hostId === 'rs2')!.notes).toContain('commands run as sudo -n');
      expect(rec.asked).toEqual([]);
    } finally {
      writeFileSync(SUDOERS, `${USER} ALL=(root) ALL\nDefaults:${USER} !lecture\n`, { mode: 0o440 });
    }
  });

  it.skipIf(!hasSudo)(
    `a wrong sudo password (key login) fails the host with the reason and is forgotten${hasSudo ? '' : ` (skipped: ${NO_SUDO})`}`,
    async () => {
      // sshd reads authorized_keys as the user: let the test user reach rs2's copy.
      chmodSync(lab.work, 0o711);
      chmodSync(rs2.dir, 0o711);
      chmodSync(join(rs2.dir, 'authorized_keys'), 0o644);
      const t = design();
      const keyLogin: Topology = {
        ...t,
        hosts: t.hosts.map((h) => (h.id === 'rs2' ? { ...h, ssh: { host: rs2.ip, port: 22, user: USER, auth: 'key' as const, keyPath: lab.clientKey } } : h)),
      };
      const rec: Recorder = { confirms: [], asked: [] };
      const secrets = new MemorySecretStore();
      const { result, log } = await deploy(
        'dry-run',
        keyLogin,
        deps({ knownHosts: sharedDeps.knownHosts, secrets, askSecret: async (r) => (rec.asked.push(`${r.kind} ${r.hostId}`), 'wrong-sudo-pw') }, rec),
        { hosts: [hostId('rs2')] },
      );
      expect(rec.asked, JSON.stringify(result.hosts)).toEqual(['sudo rs2']);
      expect(result.outcome).toBe('failed');
      expect(messageOf(result, 'rs2')).toMatch(/sudo refused/);
      expect(await secrets.get(`sudo:${USER}@${rs2.ip}:22`)).toBeUndefined();
      expect(log).not.toContain('wrong-sudo-pw');
    },
  );

  it('a command failing half-way rolls the host back to its snapshot', async () => {
    // rs3 gets a route whose `ip route replace` fails (a wrapper around ip): by then apply.sh has
    // already set the ARP sysctls and the VIP, which the rollback must undo.
    const wrapper = join(rs3.dir, 'ip-failing');
    writeFileSync(
      wrapper,
      '#!/bin/sh\ncase "$*" in *"route replace 10.99.0.0/16"*) echo "simulated failure: RTNETLINK answers: Network is down" >&2; exit 2 ;; esac\nexec ip "$@"\n',
      { mode: 0o755 },
    );
    const t = design();
    const rs3Host: Host = {
      ...t.hosts[0]!,
      id: hostId('rs3'),
      name: 'rs3',
      interfaces: t.hosts[0]!.interfaces.map((f) => ({
        ...f,
        id: interfaceId(f.id.replace('rs1', 'rs3')),
        addresses: f.name === 'eth0' ? [`${rs3.ip}/24`] : f.addresses,
      })),
      routes: [{ destination: '10.99.0.0/16', via: lab.rootIp }],
      ssh: { ...t.hosts[0]!.ssh!, host: rs3.ip },
    };
    const topology: Topology = { ...t, hosts: [...t.hosts, rs3Host] };
    const base = deps();
    const d = deps({ knownHosts: sharedDeps.knownHosts, remoteEnv: (h) => ({ ...base.remoteEnv!(h), ...(h.id === 'rs3' ? { LVSD_IP: wrapper } : {}) }) });
    const before = { ignore: sysctl(rs3, 'net.ipv4.conf.all.arp_ignore'), lo: addrs(rs3, 'lo') };
    const { result, events } = await deploy('apply', topology, d, { hosts: [hostId('rs3')], overrideErrors: true });
    expect(result.outcome).toBe('rolled-back');
    expect(statusOf(result, 'rs3')).toBe('rolled-back');
    const failed = events.find((e) => e.type === 'host' && e.hostId === 'rs3' && e.phase === 'failed');
    expect(failed && failed.type === 'host' ? failed.stderr : '').toContain('simulated failure');
    expect(sysctl(rs3, 'net.ipv4.conf.all.arp_ignore')).toBe(before.ignore);
    expect(addrs(rs3, 'lo')).toBe(before.lo);
    expect(addrs(rs3, 'lo')).not.toContain('.100/32');
    // The other hosts were not selected and not touched.
    expect(statusOf(result, 'rs1')).toBe('skipped');
  });

  it('cancel during apply.sh stops it and rolls the host back', async () => {
    // rs3's `ip route replace 10.98.0.0/16` hangs (then fails): cancel arrives while apply.sh waits on it.
    const wrapper = join(rs3.dir, 'ip-slow');
    writeFileSync(wrapper, '#!/bin/sh\ncase "$*" in *"route replace 10.98.0.0/16"*) sleep 8; exit 1 ;; esac\nexec ip "$@"\n', { mode: 0o755 });
    const t = design();
    const rs3Host: Host = {
      ...t.hosts[0]!,
      id: hostId('rs3'),
      name: 'rs3',
      interfaces: t.hosts[0]!.interfaces.map((f) => ({
        ...f,
        id: interfaceId(f.id.replace('rs1', 'rs3')),
        addresses: f.name === 'eth0' ? [`${rs3.ip}/24`] : f.addresses,
      })),
      routes: [{ destination: '10.98.0.0/16', via: lab.rootIp }],
      ssh: { ...t.hosts[0]!.ssh!, host: rs3.ip },
    };
    const base = deps();
    const d = deps({ knownHosts: sharedDeps.knownHosts, remoteEnv: (h) => ({ ...base.remoteEnv!(h), ...(h.id === 'rs3' ? { LVSD_IP: wrapper } : {}) }) });
    const before = { ignore: sysctl(rs3, 'net.ipv4.conf.all.arp_ignore'), lo: addrs(rs3, 'lo') };
    const run = startDeploy(
      'apply',
      { deployId: newDeployId(), topology: { ...t, hosts: [...t.hosts, rs3Host] }, hosts: [hostId('rs3')], overrideErrors: true },
      d,
    );
    const off = run.on((e) => {
      if (e.type === 'log' && e.hostId === 'rs3' && e.text.includes('address')) run.cancel();
    });
    const result = await run.result;
    off();
    expect(result.outcome, run.log.text()).toBe('cancelled');
    expect(statusOf(result, 'rs3')).toBe('rolled-back');
    expect(sysctl(rs3, 'net.ipv4.conf.all.arp_ignore')).toBe(before.ignore);
    expect(addrs(rs3, 'lo')).toBe(before.lo);
  });

  it('lvsd rollback mode restores the state before the last deploy', async () => {
    const { result } = await deploy('rollback', design(), sharedDeps, { hosts: [hostId('rs1')] });
    expect(result.outcome).toBe('success');
    expect(statusOf(result, 'rs1')).toBe('rolled-back');
    expect(sysctl(rs1, 'net.ipv4.conf.all.arp_ignore')).toBe('0');
    expect(addrs(rs1, 'lo')).not.toContain('.100/32');
    const again = await deploy('rollback', design(), sharedDeps, { hosts: [hostId('rs1')] });
    expect(again.result.outcome).toBe('no-changes');
    expect(messageOf(again.result, 'rs1')).toContain('nothing to roll back');
  });

  it('authenticates through an SSH agent', async () => {
    const sock = join(lab.work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      await waitUntil(() => existsSync(sock), `ssh-agent's socket ${sock}`);
      expect(spawnSync('ssh-add', ['-q', lab.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status).toBe(0);
      const t = design();
      const viaAgent: Topology = {
        ...t,
        hosts: t.hosts.map((h) => (h.id === 'rs1' ? { ...h, ssh: { host: rs1.ip, port: 22, user: 'root', auth: 'agent' as const } } : h)),
      };
      const { result } = await deploy('dry-run', viaAgent, deps({ knownHosts: sharedDeps.knownHosts, agentSocket: sock }), { hosts: [hostId('rs1')] });
      expect(result.plan?.hosts.find((h) => h.hostId === 'rs1')?.status, JSON.stringify(result.hosts)).toBe('ready');
    } finally {
      agent.kill();
    }
  });

  it('uses a key with a passphrase (asked, then kept in the store); a wrong passphrase is refused', async () => {
    const key = join(lab.work, 'pp_key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pp-Secret-1', '-f', key]);
    writeFileSync(join(rs1.dir, 'authorized_keys'), `${readFileSync(join(rs1.dir, 'authorized_keys'), 'utf8')}${readFileSync(`${key}.pub`, 'utf8')}`);
    const t = design();
    const withKey: Topology = {
      ...t,
      hosts: t.hosts.map((h) => (h.id === 'rs1' ? { ...h, ssh: { host: rs1.ip, port: 22, user: 'root', auth: 'key' as const, keyPath: key } } : h)),
    };
    const rec: Recorder = { confirms: [], asked: [] };
    const secrets = new MemorySecretStore();
    const ok = await deploy(
      'dry-run',
      withKey,
      deps({ knownHosts: sharedDeps.knownHosts, secrets, askSecret: async (r) => (rec.asked.push(r.kind), 'pp-Secret-1') }, rec),
      { hosts: [hostId('rs1')] },
    );
    expect(ok.result.plan?.hosts.find((h) => h.hostId === 'rs1')?.status, JSON.stringify(ok.result.hosts)).toBe('ready');
    expect(rec.asked).toEqual(['passphrase']);
    expect(await secrets.get(`passphrase:${key}`)).toBe('pp-Secret-1');
    expect(ok.log).not.toContain('pp-Secret-1');
    const bad = await deploy('dry-run', withKey, deps({ knownHosts: sharedDeps.knownHosts, askSecret: async () => 'nope' }), { hosts: [hostId('rs1')] });
    expect(messageOf(bad.result, 'rs1')).toContain('wrong passphrase');
  });

  it.skipIf(!hasSudo)(`a wrong password fails that host with a reason and forgets the password${hasSudo ? '' : ` (skipped: ${NO_SUDO})`}`, async () => {
    const secrets = new MemorySecretStore();
    const d = deps({ knownHosts: sharedDeps.knownHosts, secrets, askSecret: async () => 'not-the-password' });
    const { result } = await deploy('dry-run', design(), d, { hosts: [hostId('rs2')] });
    expect(result.outcome).toBe('failed');
    expect(messageOf(result, 'rs2')).toMatch(/authentication failed/);
    expect(await secrets.get(`password:${USER}@${rs2.ip}:22`)).toBeUndefined();
  });

  it('an unreachable host fails fast with the reason; a closed port says connection refused', async () => {
    const t = design();
    const dead: Topology = {
      ...t,
      hosts: t.hosts.map((h) =>
        h.id === 'rs1' ? { ...h, ssh: { ...h.ssh!, host: lab.deadIp } } : h.id === 'client' ? { ...h, ssh: { ...h.ssh!, port: 2222 } } : h,
      ),
    };
    const { result } = await deploy('apply', dead, deps({ knownHosts: sharedDeps.knownHosts }), { hosts: [hostId('rs1'), hostId('client')] });
    expect(result.outcome).toBe('failed');
    expect(messageOf(result, 'rs1')).toMatch(/unreachable|timed out|no SSH handshake/);
    expect(messageOf(result, 'client')).toContain('connection refused');
    // Nothing was applied anywhere: a host that cannot be planned stops the deploy.
    expect(result.hosts.every((h) => h.status !== 'applied' && h.status !== 'verified')).toBe(true);
  });

  it('a host known by another key type (user known_hosts, read-only) is not asked about again', async () => {
    const ecdsa = lab.addEcdsaHostKey(rs3);
    await lab.stopSshd(rs3);
    await lab.startSshd(rs3);
    const userFile = join(lab.work, 'user_known_hosts');
    const [type, b64] = ecdsa.split(' ');
    writeFileSync(userFile, `${rs3.ip} ${type} ${b64}\n`);
    const rec: Recorder = { confirms: [], asked: [] };
    const t = design();
    const only: Topology = { ...t, hosts: [{ ...t.hosts[0]!, id: hostId('rs3'), name: 'rs3', ssh: { ...t.hosts[0]!.ssh!, host: rs3.ip } }] };
    const kh = new KnownHosts(join(lab.work, 'known_hosts_fresh'), [userFile]);
    const { result } = await deploy('dry-run', only, deps({ knownHosts: kh }, rec), { overrideErrors: true });
    expect(result.plan?.hosts[0]?.status, JSON.stringify(result.hosts)).toBe('ready');
    // sshd offers Ed25519 first (ssh2's default choice), but the ECDSA key on record is negotiated instead.
    expect(rec.confirms).toEqual([]);
    expect(existsSync(join(lab.work, 'known_hosts_fresh'))).toBe(false);
    expect(readFileSync(userFile, 'utf8')).toBe(`${rs3.ip} ${type} ${b64}\n`);
  });

  it('a NEW key type for a host known by another type is not first contact: warned about, passed to the question', async () => {
    // rs1 offers only Ed25519; the user's file knows it by an ECDSA key (another type).
    const other = join(lab.work, 'other_ecdsa');
    spawnSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', other]);
    const [type, b64] = readFileSync(`${other}.pub`, 'utf8').trim().split(' ');
    const userFile = join(lab.work, 'user_known_hosts_other');
    writeFileSync(userFile, `${rs1.ip} ${type} ${b64}\n`);
    const asked: string[][] = [];
    const t = design();
    const only: Topology = { ...t, hosts: [t.hosts[0]!] };
    const kh = new KnownHosts(join(lab.work, 'known_hosts_other'), [userFile]);
    const { result, events } = await deploy(
      'dry-run',
      only,
      deps({ knownHosts: kh, confirmHostKey: async (_h, _fp, _t, known) => (asked.push([...known]), false) }),
      { overrideErrors: true },
    );
    expect(asked).toEqual([['ecdsa-sha2-nistp256']]);
    const warn = events.find((e) => e.type === 'host-key' && e.status === 'new');
    expect(warn && warn.type === 'host-key' ? warn.message : '').toMatch(/WARNING: .* known by its ecdsa-sha2-nistp256 key/);
    expect(result.outcome).toBe('failed');
    expect(existsSync(join(lab.work, 'known_hosts_other'))).toBe(false);
  });

  it('a CHANGED host key is refused with a clear warning and never offered for trust', async () => {
    await lab.stopSshd(client);
    lab.newHostKey(client);
    await lab.startSshd(client);
    const rec: Recorder = { confirms: [], asked: [] };
    const { result, events } = await deploy('dry-run', design(), deps({ knownHosts: sharedDeps.knownHosts }, rec), { hosts: [hostId('client')] });
    expect(result.outcome).toBe('failed');
    expect(messageOf(result, 'client')).toContain('HOST KEY CHANGED');
    expect(messageOf(result, 'client')).toContain('man-in-the-middle');
    expect(rec.confirms).toEqual([]);
    expect(events.some((e) => e.type === 'host-key' && e.status === 'changed')).toBe(true);
  });
});

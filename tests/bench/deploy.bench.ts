/**
 * Deploy speed: one design pushed to 1, 10 and 50 hosts (network namespaces, each with its own
 * real sshd), by the LVS Designer engine and — doing the same commands (upload the host's files,
 * run apply.sh, run verify.sh) — by `parallel-ssh` (Debian pssh) and `ansible-playbook` (forks =
 * host count). Targets: 50 hosts within 1.5x of one host; faster than both. Shown, not asserted.
 *
 * Needs root, sshd and `ip netns`; pssh and ansible are installed here with apt when missing
 * (the table says "not installed" when that fails). Each timed run starts from a clean host: the
 * previous run is rolled back first (not timed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchTable } from '../../scripts/bench.ts';
import { renderHost } from '../../shared/generators/index.ts';
import type { Host, Topology } from '../../shared/model/types.ts';
import type { DeployDeps } from '../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../electron/services/deploy/engine.ts';
import { runScript, uploadScript } from '../../electron/services/deploy/remote.ts';
import { KnownHosts } from '../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../electron/services/secrets/store.ts';
import type { NsHost } from '../integration/deploy/netns.ts';
import { NetnsLab, netnsUnavailable } from '../integration/deploy/netns.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../shared/model/ids.ts';

const SIZES = [1, 10, 50];

/**
 * root's login shell on this machine is bash with a ~/.bashrc that runs `pyenv init` (about 0.3 s
 * of CPU per SSH command): every tool would mostly measure that. The bench logs in as a temporary
 * uid-0 account whose shell is /bin/sh instead (same rights, removed afterwards); root when that
 * account cannot be made.
 */
let USER = 'root';
function makeBenchUser(home: string): string {
  const name = `lvsdb${process.pid % 100000}`;
  // '-p *': no password, but not locked ('!'), which sshd without PAM would refuse even for keys.
  const r = spawnSync('useradd', ['-o', '-u', '0', '-g', '0', '-M', '-d', home, '-s', '/bin/sh', '-p', '*', name], { stdio: 'ignore' });
  return r.status === 0 ? name : 'root';
}

function design(lab: NetnsLab, hosts: readonly NsHost[]): Topology {
  const x = lab.subnet;
  const vip = `10.231.${x}.250`;
  const rs: Host[] = hosts.map((h) => ({
    id: hostId(`rs${h.index}`),
    name: `rs${h.index}`,
    role: 'real-server',
    sysctl: { arpIgnore: 1, arpAnnounce: 2 },
    interfaces: [
      { id: interfaceId(`rs${h.index}-lo`), name: 'lo', kind: 'loopback', segment: null, addresses: [`${vip}/32`], sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
      {
        id: interfaceId(`rs${h.index}-eth0`),
        name: 'eth0',
        kind: 'ethernet',
        segment: segmentId('lan'),
        addresses: [`${h.ip}/24`],
        sysctl: { arpIgnore: 1, arpAnnounce: 2 },
      },
    ],
    ssh: { host: h.ip, port: 22, user: USER, auth: 'key', keyPath: lab.clientKey },
  }));
  return {
    name: 'deploy bench',
    segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${x}.0/24` }],
    hosts: [
      {
        id: hostId('director'),
        name: 'director',
        role: 'director',
        interfaces: [{ id: interfaceId('d-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`10.231.${x}.2/24`, `${vip}/24`] }],
      },
      ...rs,
    ],
    services: [
      {
        id: serviceId('web'),
        director: directorRef('director'),
        protocol: 'tcp',
        vip,
        port: 80,
        scheduler: 'rr',
        realServers: hosts.map((h) => ({
          id: realServerId(`web-rs${h.index}`),
          host: hostId(`rs${h.index}`),
          rip: h.ip,
          port: 80,
          method: 'dr' as const,
          weight: 1,
        })),
      },
    ],
  };
}

/**
 * CPU seconds spent on the hosts' side: each sshd listener's reaped children (cutime + cstime in
 * /proc/PID/stat: every connection, shell, apply.sh and verify.sh of that host). Other processes on
 * this shared machine do not count, so this shows the work itself, not the load around it.
 */
function hostCpuSeconds(hosts: readonly NsHost[]): number {
  let ticks = 0;
  for (const h of hosts) {
    const pid = h.sshd?.pid;
    if (!pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[13]) + Number(f[14]);
    } catch {
      /* sshd gone */
    }
  }
  return ticks / 100;
}

function deps(lab: NetnsLab): DeployDeps {
  const byIp = new Map(lab.hosts.map((h) => [h.ip, h]));
  return {
    render: renderHost,
    knownHosts: new KnownHosts(join(lab.work, 'known_hosts')),
    confirmHostKey: async () => true,
    secrets: new MemorySecretStore(),
    askSecret: async () => null,
    remoteEnv: (host) => ({ LVSD_STATE_DIR: byIp.get(host.ssh!.host)!.stateDir }),
  };
}

async function engine(mode: 'apply' | 'rollback', lab: NetnsLab, t: Topology): Promise<number> {
  const start = performance.now();
  const run = startDeploy(mode, { deployId: newDeployId(), topology: t, e2eRequests: 0 }, deps(lab));
  const r = await run.result;
  const ms = performance.now() - start;
  if (!(r.outcome === 'success' || (mode === 'rollback' && r.outcome === 'no-changes'))) {
    throw new Error(
      `${mode} ended ${r.outcome}: ${r.hosts
        .filter((h) => h.message)
        .map((h) => `${h.hostId}: ${h.message}`)
        .slice(0, 3)
        .join('; ')}`,
    );
  }
  return ms;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function ensureInstalled(): { pssh: boolean; ansible: boolean } {
  const missing = [have('parallel-ssh') ? '' : 'pssh', have('ansible-playbook') ? '' : 'ansible'].filter(Boolean);
  if (missing.length) {
    spawnSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return { pssh: have('parallel-ssh'), ansible: have('ansible-playbook') };
}

function runTimed(cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; out: string }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ ms: performance.now() - start, code: code ?? -1, out }));
    child.stdin.end(input ?? '');
  });
}

/**
 * parallel-ssh runs one command with one stdin on every host, so the stdin carries every host's
 * upload + apply + verify and each host picks its own part by its eth0 address.
 */
async function pssh(lab: NetnsLab, hosts: readonly NsHost[], t: Topology): Promise<number> {
  const id = newDeployId();
  const parts = hosts.map((h) => {
    const files = renderHost(t, `rs${h.index}`);
    if (!files.ok) throw new Error(files.error);
    const env = { LVSD_STATE_DIR: h.stateDir };
    const body = [uploadScript(env, id, files.value), runScript(env, { deployId: id }, 'apply.sh'), runScript(env, { deployId: id }, 'verify.sh')]
      .map((s) => `( ${s}\n) || exit 1`)
      .join('\n');
    return `  ${h.ip}/24)\n${body}\n  ;;`;
  });
  const script = `me=$(ip -o -4 addr show dev eth0 | awk '{print $4}')\ncase "$me" in\n${parts.join('\n')}\n  *) echo "unknown host $me" >&2; exit 1 ;;\nesac\n`;
  const hostsFile = join(lab.work, `pssh-hosts-${hosts.length}`);
  writeFileSync(hostsFile, hosts.map((h) => `${USER}@${h.ip}`).join('\n'));
  const o = (v: string) => ['-O', v];
  const args = [
    '-h',
    hostsFile,
    '-p',
    String(hosts.length),
    '-t',
    '120',
    '-I',
    ...o('StrictHostKeyChecking=no'),
    ...o(`UserKnownHostsFile=${join(lab.work, 'ssh_known_hosts')}`),
    ...o('BatchMode=yes'),
    ...o(`IdentityFile=${lab.clientKey}`),
    'sh -s',
  ];
  const r = await runTimed('parallel-ssh', args, script);
  if (r.code !== 0) throw new Error(`parallel-ssh failed: ${r.out.slice(-500)}`);
  return r.ms;
}

async function ansible(lab: NetnsLab, hosts: readonly NsHost[], t: Topology): Promise<number> {
  const dir = join(lab.work, `ansible-${hosts.length}`);
  mkdirSync(dir, { recursive: true });
  for (const h of hosts) {
    const files = renderHost(t, `rs${h.index}`);
    if (!files.ok) throw new Error(files.error);
    for (const f of files.value) {
      mkdirSync(join(dir, 'files', `rs${h.index}`, f.path, '..'), { recursive: true });
      writeFileSync(join(dir, 'files', `rs${h.index}`, f.path), f.content, { mode: f.mode });
    }
  }
  writeFileSync(
    join(dir, 'inventory.ini'),
    `[rs]\n${hosts.map((h) => `rs${h.index} ansible_host=${h.ip} state_dir=${h.stateDir}`).join('\n')}\n[rs:vars]\nansible_user=${USER}\nansible_python_interpreter=/usr/bin/python3\nansible_ssh_private_key_file=${lab.clientKey}\nansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=${join(lab.work, 'ssh_known_hosts')}'\n`,
  );
  writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\nhost_key_checking = False\nlocal_tmp = ${join(dir, 'tmp')}\n[ssh_connection]\npipelining = True\n`);
  writeFileSync(
    join(dir, 'deploy.yml'),
    `- hosts: rs
  gather_facts: false
  vars:
    d: "{{ state_dir }}/deploy/ansible"
  environment:
    LVSD_STATE_DIR: "{{ state_dir }}"
  tasks:
    - file: { path: "{{ d }}", state: directory, mode: "0700" }
    - copy: { src: "files/{{ inventory_hostname }}/", dest: "{{ d }}/", mode: preserve }
    - command: { cmd: sh ./apply.sh, chdir: "{{ d }}" }
    - command: { cmd: sh ./verify.sh, chdir: "{{ d }}" }
`,
  );
  const r = await runTimed('ansible-playbook', ['-i', join(dir, 'inventory.ini'), '-f', String(hosts.length), join(dir, 'deploy.yml')], undefined, {
    ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
  });
  if (r.code !== 0) throw new Error(`ansible-playbook failed: ${r.out.slice(-800)}`);
  return r.ms;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export default async function (): Promise<BenchTable> {
  const why = netnsUnavailable();
  if (why) return { title: 'Deploy over SSH (namespaces with sshd)', columns: ['note'], rows: [[`skipped: ${why}`]] };
  const tools = ensureInstalled();
  const lab = new NetnsLab('lvsdbench');
  USER = makeBenchUser(lab.work);
  try {
    await lab.addHosts(Math.max(...SIZES));
    const times: Record<string, Record<number, number | string>> = { engine: {}, pssh: {}, ansible: {} };
    const cpu: Record<number, { host: number; engine: number }> = {};
    for (const n of SIZES) {
      const hosts = lab.hosts.slice(0, n);
      const t = design(lab, hosts);
      // Warm-up (trusts the host keys, loads code paths), then back to the clean state.
      await engine('apply', lab, t);
      await engine('rollback', lab, t);
      const h0 = hostCpuSeconds(hosts);
      const e0 = process.cpuUsage();
      times.engine![n] = await engine('apply', lab, t);
      const e1 = process.cpuUsage(e0);
      // Connections end just after the result; let the listeners reap them before reading.
      await new Promise((r) => setTimeout(r, 500));
      cpu[n] = { host: hostCpuSeconds(hosts) - h0, engine: (e1.user + e1.system) / 1e6 };
      await engine('rollback', lab, t);
      if (tools.pssh) {
        try {
          times.pssh![n] = await pssh(lab, hosts, t);
        } catch (e) {
          times.pssh![n] = `error: ${(e as Error).message.slice(0, 60)}`;
        }
        await engine('rollback', lab, t).catch(() => 0);
      } else times.pssh![n] = 'not installed';
      if (tools.ansible) {
        try {
          times.ansible![n] = await ansible(lab, hosts, t);
        } catch (e) {
          times.ansible![n] = `error: ${(e as Error).message.slice(0, 60)}`;
        }
        await engine('rollback', lab, t).catch(() => 0);
      } else times.ansible![n] = 'not installed';
    }
    const cores = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || 1;
    const one = times.engine![1] as number;
    const fifty = times.engine![50] as number;
    const rows = (['engine', 'pssh', 'ansible'] as const).map((tool) => [
      tool === 'engine'
        ? 'LVS Designer engine (plan+apply+verify)'
        : tool === 'pssh'
          ? 'parallel-ssh (upload+apply+verify)'
          : 'ansible-playbook (same, forks=N)',
      ...SIZES.map((n) => {
        const v = times[tool]![n]!;
        return typeof v === 'number' ? fmt(v) : v;
      }),
      ...SIZES.map((n) => {
        const v = times[tool]![n]!;
        const e = times.engine![n] as number;
        return typeof v === 'number' ? `${(v / e).toFixed(2)}x` : '-';
      }),
    ]);
    const ratio = fifty / one;
    return {
      title: 'Deploy over SSH: 1, 10, 50 hosts (namespaces, real sshd each)',
      columns: ['tool', ...SIZES.map((n) => `${n} host${n === 1 ? '' : 's'}`), ...SIZES.map((n) => `vs engine @${n}`)],
      rows: [...rows, ['target: engine 50 hosts <= 1.5x of 1 host', `measured ${ratio.toFixed(2)}x`, ratio <= 1.5 ? 'met' : 'NOT met', '', '', '', '']],
      note: `${cores} CPU cores shared by the engine, every sshd and the tools. "vs engine" > 1 means slower than the engine. The engine also reads each host's state and records the deploy; parallel-ssh gets one stdin for all hosts (each picks its part). Login: ${USER === 'root' ? 'root (with its slow ~/.bashrc)' : 'a temporary uid-0 account with /bin/sh'}. CPU work of an engine deploy (hosts' sshd + scripts / engine process): ${SIZES.map((n) => `${n}: ${cpu[n]!.host.toFixed(1)} s / ${cpu[n]!.engine.toFixed(1)} s`).join(', ')}. Every "host" here runs on these ${cores} cores, so ${SIZES.at(-1)} hosts cannot finish faster than (host + engine CPU) / ${cores} = ${((cpu[SIZES.at(-1)!]!.host + cpu[SIZES.at(-1)!]!.engine) / cores).toFixed(1)} s even with perfect parallelism (and other work shares the machine); real hosts each bring their own CPU.`,
    };
  } finally {
    await lab.close();
    if (USER !== 'root') spawnSync('userdel', ['-f', USER], { stdio: 'ignore' });
  }
}

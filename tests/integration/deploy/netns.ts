/**
 * Test hosts for the deploy tests and benchmark: network namespaces on this machine, each with its
 * own real OpenSSH `sshd` (own host key, config, pid file and authorized_keys in a temp dir) on a
 * veth plugged into a bridge. The root namespace gets `.1` on the bridge so ssh2 in the test
 * process reaches every host. Addresses are 10.231.X.0/24, used only inside these namespaces.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

/** Why these tests cannot run here, or `null` when they can. */
export function netnsUnavailable(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (network namespaces)';
  if (!existsSync(SSHD)) return `no ${SSHD} (apt-get install openssh-server)`;
  if (spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error) return 'no ssh-keygen';
  const probe = `lvsdp${process.pid % 100000}`;
  if (spawnSync('ip', ['netns', 'add', probe], { stdio: 'ignore' }).status !== 0) return '`ip netns` does not work here';
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  return null;
}

export function run(cmd: string, ...args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command inside a namespace and returns stdout. */
export function inNs(ns: string, ...args: string[]): string {
  return run('ip', 'netns', 'exec', ns, ...args);
}

export interface NsHost {
  readonly index: number;
  readonly ns: string;
  readonly ip: string;
  readonly dir: string;
  readonly port: number;
  /** Private state dir for LVSD_STATE_DIR (the file system is shared by all namespaces). */
  readonly stateDir: string;
  sshd: ChildProcess | null;
}

function waitPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = netConnect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`sshd on ${host}:${port} did not come up`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Subnets this process handed out before: a later lab must not reuse one, because whatever trusted the earlier
 * lab's host keys (the app's known_hosts in an e2e run) would see the same addresses present new keys.
 */
const handedOut = new Set<number>();

function freeSubnet(): number {
  const used = run('ip', '-o', '-4', 'addr', 'show') + run('ip', '-4', 'route', 'show');
  const start = 20 + (process.pid % 200);
  for (let i = 0; i < 230; i++) {
    const x = ((start + i) % 230) + 20;
    if (used.includes(`10.231.${x}.`) || handedOut.has(x)) continue;
    handedOut.add(x);
    return x;
  }
  throw new Error('no free 10.231.X.0/24 subnet');
}

export class NetnsLab {
  readonly tag: string;
  readonly work: string;
  readonly subnet: number;
  readonly bridge: string;
  readonly hosts: NsHost[] = [];
  /** Client key (ed25519, no passphrase) every host accepts for root. */
  readonly clientKey: string;
  /** More `NAME=value` settings for every SSH session of a host (by index), e.g. the host's APT_CONFIG. */
  readonly sessionEnv = new Map<number, string[]>();
  #closed = false;

  constructor(prefix = 'lvsd') {
    this.tag = `${(process.pid % 10000).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    this.work = mkdtempSync(join(tmpdir(), `${prefix}-deploy-`));
    this.subnet = freeSubnet();
    this.bridge = `lvbr${this.tag}`.slice(0, 15);
    this.clientKey = join(this.work, 'client_ed25519');
    run('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'lvsd-test', '-f', this.clientKey);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    run('ip', 'link', 'add', this.bridge, 'type', 'bridge');
    run('ip', 'addr', 'add', `${this.rootIp}/24`, 'dev', this.bridge);
    run('ip', 'link', 'set', this.bridge, 'up');
  }

  get rootIp(): string {
    return `10.231.${this.subnet}.1`;
  }

  /** An address on the bridge subnet nobody owns (for "unreachable" tests). */
  get deadIp(): string {
    return `10.231.${this.subnet}.254`;
  }

  ipOf(index: number): string {
    return `10.231.${this.subnet}.${10 + index}`;
  }

  /** Creates `count` more hosts and starts their sshd. */
  async addHosts(count: number, opts: { hostKeyType?: 'ed25519' } = {}): Promise<NsHost[]> {
    const made: NsHost[] = [];
    for (let n = 0; n < count; n++) {
      const index = this.hosts.length;
      if (index > 200) throw new Error('at most 200 hosts per lab');
      const ns = `lv${this.tag}h${index}`;
      const ip = this.ipOf(index);
      const dir = join(this.work, `h${index}`);
      mkdirSync(join(dir, 'state'), { recursive: true });
      run('ip', 'netns', 'add', ns);
      const a = `lv${this.tag}a${index}`.slice(0, 15);
      const b = `lv${this.tag}b${index}`.slice(0, 15);
      run('ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b);
      run('ip', 'link', 'set', b, 'netns', ns);
      run('ip', '-n', ns, 'link', 'set', b, 'name', 'eth0');
      run('ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0');
      run('ip', '-n', ns, 'link', 'set', 'eth0', 'up');
      run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
      run('ip', 'link', 'set', a, 'master', this.bridge);
      run('ip', 'link', 'set', a, 'up');
      const host: NsHost = { index, ns, ip, dir, port: 22, stateDir: join(dir, 'state'), sshd: null };
      this.newHostKey(host, opts.hostKeyType ?? 'ed25519');
      writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${this.clientKey}.pub`, 'utf8'), { mode: 0o600 });
      this.hosts.push(host);
      made.push(host);
    }
    await Promise.all(made.map((h) => this.startSshd(h)));
    return made;
  }

  /** Writes a fresh host key (the next sshd start presents it). */
  newHostKey(host: NsHost, type: 'ed25519' = 'ed25519'): void {
    const key = join(host.dir, 'host_key');
    rmSync(key, { force: true });
    rmSync(`${key}.pub`, { force: true });
    run('ssh-keygen', '-q', '-t', type, '-N', '', '-f', key);
  }

  /** Adds an ECDSA host key next to the Ed25519 one (the next sshd start offers both). */
  addEcdsaHostKey(host: NsHost): string {
    const key = join(host.dir, 'host_key_ecdsa');
    if (!existsSync(key)) run('ssh-keygen', '-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', key);
    return readFileSync(`${key}.pub`, 'utf8').trim();
  }

  async startSshd(host: NsHost): Promise<void> {
    const cfg = join(host.dir, 'sshd_config');
    writeFileSync(
      cfg,
      [
        `ListenAddress ${host.ip}:${host.port}`,
        `HostKey ${join(host.dir, 'host_key')}`,
        ...(existsSync(join(host.dir, 'host_key_ecdsa')) ? [`HostKey ${join(host.dir, 'host_key_ecdsa')}`] : []),
        `PidFile ${join(host.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(host.dir, 'authorized_keys')}`,
        // The file system is shared: apply.sh installs the boot unit under this prefix, not in /etc.
        `SetEnv LVSD_BOOT_ROOT=${join(host.dir, 'root')} ${(this.sessionEnv.get(host.index) ?? []).join(' ')}`.trimEnd(),
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'MaxStartups 500',
        'MaxSessions 100',
        `LogLevel ${process.env.LVSD_SSHD_LOGLEVEL ?? 'ERROR'}`,
        '',
      ].join('\n'),
    );
    const child = spawn('ip', ['netns', 'exec', host.ns, SSHD, '-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (process.env.LVSD_SSHD_LOGLEVEL) process.stderr.write(d);
    });
    host.sshd = child;
    try {
      await waitPort(host.ip, host.port, 10_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}: ${stderr}`);
    }
  }

  async stopSshd(host: NsHost): Promise<void> {
    const child = host.sshd;
    host.sshd = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Stops every sshd, deletes namespaces, the bridge and the temp dir. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.hosts.map((h) => this.stopSshd(h).catch(() => undefined)));
    for (const h of this.hosts) spawnSync('ip', ['netns', 'del', h.ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', this.bridge], { stdio: 'ignore' });
    rmSync(this.work, { recursive: true, force: true });
  }
}

/**
 * A stand-in for ipvsadm (this kernel has no IPVS; the qemu lab test runs the real one), the same
 * behaviour as the generators' netns test: keeps the table in files under `dir`, `-S -n` prints it
 * sorted, `-C`/`-R` replace it, `-e` records thresholds, `-L -n --thresholds` prints ipvsadm's --thresholds layout.
 */
export function writeFakeIpvsadm(path: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path,
    `#!/bin/sh
set -eu
d=${dir}
touch "$d/rules" "$d/thr"
case "$1" in
  -S) LC_ALL=C sort "$d/rules" ;;
  -C) : >"$d/rules"; : >"$d/thr" ;;
  -R) grep -v '^[[:space:]]*$' >>"$d/rules" || true ;;
  -e) shift; svc="$1 $2"; rs=$4; x=0; y=0
      while [ $# -gt 0 ]; do case "$1" in -x) x=$2 ;; -y) y=$2 ;; esac; shift; done
      grep -v -F -e "$svc $rs " "$d/thr" >"$d/thr.new" || true
      printf '%s %s %s %s\\n' "$svc" "$rs" "$x" "$y" >>"$d/thr.new"; mv "$d/thr.new" "$d/thr" ;;
  -L) echo 'IP Virtual Server version 1.2.1 (size=4096)'
      echo 'Prot LocalAddress:Port Scheduler Flags'
      echo '  -> RemoteAddress:Port           Uthreshold Lthreshold ActiveConn InActConn'
      awk 'NR == FNR { t[$1 " " $2 " " $3] = $4 " " $5; next }
           $1 == "-A" { printf "%-4s %s %s\\n", ($2 == "-t" ? "TCP" : "UDP"), $3, $5 }
           $1 == "-a" { k = $2 " " $3 " " $5; split((k in t) ? t[k] : "0 0", v, " ")
                        printf "  -> %-28s %-10u %-10u %-10u %-10u\\n", $5, v[1], v[2], 0, 0 }' "$d/thr" "$d/rules" ;;
  *) echo "ipvsadm stand-in: unsupported $*" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
}

/**
 * A systemctl stand-in for a keepalived-owned director (running keepalived needs IPVS, which this
 * kernel lacks): logs each call to `calls`; start/reload build the stand-in ipvsadm table (see
 * writeFakeIpvsadm) from the installed keepalived.conf the way keepalived would (virtual_server → -A,
 * real_server + weight → -a); stop empties it, as keepalived removes the virtual servers it made.
 */
export function writeKeepalivedSystemctl(path: string, at: { calls: string; conf: string; ipvsDir: string }): void {
  mkdirSync(at.ipvsDir, { recursive: true });
  writeFileSync(
    path,
    `#!/bin/sh
set -eu
echo "$*" >>${at.calls}
build() {
  awk '$1 == "virtual_server" { svc = $2 ":" $3; print "-A -t " svc " -s rr" }
       $1 == "real_server" { rs = $2 ":" $3 }
       $1 == "weight" && rs != "" { print "-a -t " svc " -r " rs " -g -w " $2; rs = "" }' ${at.conf} >${at.ipvsDir}/rules
}
case "$1" in
  is-active) [ -f ${at.ipvsDir}/active ] ;;
  start | reload) touch ${at.ipvsDir}/active; [ -f ${at.ipvsDir}/broken ] || build ;;
  # keepalived removes the virtual servers it made when it stops
  stop) rm -f ${at.ipvsDir}/active; : >${at.ipvsDir}/rules ;;
  *) echo "systemctl stand-in: unsupported $*" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
}

/**
 * The lab VM: a stock Debian kernel with IPVS under qemu (TCG, no KVM needed), reached over SSH
 * through a slirp `hostfwd` on a free 127.0.0.1 port. The image comes from `scripts/lab/build.sh`
 * (cached in the lab directory, rebuilt when the recipe changes).
 *
 * Every VM this process boots without `persistent` is killed when the process exits (exit hook) and
 * also by a tiny watchdog shell that outlives a SIGKILLed parent, so tests never leave qemu behind.
 */
import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFromInitrd } from './initrd.ts';

/** Error raised by the lab harness, with a message meant for the user. */
export class LabError extends Error {
  override readonly name = 'LabError';
}

/** A running lab VM. */
export interface LabVm {
  /** qemu's process id. */
  readonly pid: number;
  /** 127.0.0.1 port forwarded to the VM's own SSH server (root namespace). */
  readonly sshPort: number;
  /** The lab directory (image cache, keys). */
  readonly labDir: string;
  /** Directory of this VM's logs, QMP socket and pid file. */
  readonly runDir: string;
  /** Private key accepted by every SSH server of the lab (VM and design hosts). */
  readonly keyPath: string;
  /** Unix socket of qemu's QMP monitor (used to add port forwards at run time). */
  readonly qmpPath: string;
  /** Survives this process (`lvsd lab up`); otherwise killed when the process exits. */
  readonly persistent: boolean;
  /** Milliseconds from qemu start to the first successful SSH command. */
  readonly bootMs: number;
}

export interface LabOptions {
  /** Cache and state directory; default `$LVSD_LAB_DIR` or `/var/cache/lvs-designer-lab`. */
  readonly labDir?: string;
  /** Guest RAM in MiB (96 is the minimum that boots); default 256. */
  readonly memoryMiB?: number;
  /** Give up booting after this long; default 90 s (TCG on a busy 2-core host is slow). */
  readonly bootTimeoutMs?: number;
  /** Keep the VM running after this process exits (state goes to `<labDir>/vm`). */
  readonly persistent?: boolean;
  /** Progress messages (build, boot). */
  readonly log?: (line: string) => void;
}

/** Result of a command run over SSH. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The image build script `scripts/lab/build.sh`, found upwards from this module: it sits three levels up
 * from the sources (tsx, the CLI) and one level up from the bundled Electron main (`dist-electron/main.cjs`).
 * Looked up when needed, never at load time, so a bundle that moved does not fail to start.
 */
function buildScript(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'scripts/lab/build.sh');
    if (existsSync(candidate)) return candidate;
  }
  return resolve(start, '../../../scripts/lab/build.sh');
}

/** The lab directory in use. */
export const defaultLabDir = (): string => process.env['LVSD_LAB_DIR'] || '/var/cache/lvs-designer-lab';

/** Full path of an executable on PATH, or null. */
export function findExecutable(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Why the lab cannot run on this machine (a sentence for the user), or null when it can: it needs
 * Linux, qemu-system-x86_64, the OpenSSH client, Debian's apt/dpkg (the image is built from Debian
 * packages) and a writable lab directory (root for the default `/var/cache/lvs-designer-lab`).
 */
export function labUnavailableReason(labDir = defaultLabDir()): string | null {
  if (process.platform !== 'linux') return `the qemu lab runs on Linux only (this is ${process.platform})`;
  if (!findExecutable('qemu-system-x86_64'))
    return 'qemu-system-x86_64 is not installed (apt-get install --no-install-recommends qemu-system-x86, or scripts/install-test-deps.sh)';
  if (!findExecutable('ssh') || !findExecutable('ssh-keygen')) return 'the OpenSSH client (ssh, ssh-keygen) is not installed';
  if (!findExecutable('apt-get') || !findExecutable('dpkg')) return 'the lab image is built from Debian packages: apt-get and dpkg are needed';
  try {
    mkdirSync(labDir, { recursive: true });
    accessSync(labDir, constants.W_OK);
  } catch {
    return `the lab directory ${labDir} is not writable (run as root or set LVSD_LAB_DIR)`;
  }
  return null;
}

/** Runs a local program; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(cmd: string, args: readonly string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => errOut.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new LabError(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(errOut).toString('utf8');
      if (timedOut) reject(new LabError(`${cmd} timed out after ${opts.timeoutMs} ms${stderr ? `: ${stderr.trim()}` : ''}`));
      else resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => {
      // the remote side may exit before reading all its input; the exit code tells what happened
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Paths of a built image. */
export interface LabImage {
  readonly buildDir: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly keyPath: string;
}

/** Builds the lab image when missing or stale (a few seconds after the first download) and returns it. */
export async function ensureLabImage(opts: LabOptions = {}): Promise<LabImage> {
  const labDir = opts.labDir ?? defaultLabDir();
  const reason = labUnavailableReason(labDir);
  if (reason) throw new LabError(reason);
  const r = await run('bash', [buildScript()], { env: { ...process.env, LVSD_LAB_DIR: labDir }, timeoutMs: 15 * 60_000 });
  if (r.code !== 0)
    throw new LabError(`building the lab image failed (scripts/lab/build.sh, exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
  for (const line of r.stderr.split('\n')) if (line.trim()) opts.log?.(line);
  let buildDir = r.stdout.trim().split('\n').pop() ?? join(labDir, 'build');
  // A cached image built for another lab key (the key was regenerated or replaced since) would
  // boot and then refuse every login: check the key it carries, and rebuild when it differs.
  const keyPath = join(labDir, 'id_ed25519');
  const carried = readFromInitrd(join(buildDir, 'initrd.img'), 'root/.ssh/authorized_keys');
  const pub = existsSync(`${keyPath}.pub`) ? readFileSync(`${keyPath}.pub`, 'utf8').trim() : null;
  // (An archive this reader cannot parse says nothing: the SSH check at boot then fails fast instead.)
  if (carried !== null && pub !== null && !keyMatches(carried, pub)) {
    opts.log?.('the cached lab image does not accept the lab key (id_ed25519 changed since the build): rebuilding it');
    const again = await run('bash', [buildScript(), '--force'], { env: { ...process.env, LVSD_LAB_DIR: labDir }, timeoutMs: 15 * 60_000 });
    if (again.code !== 0)
      throw new LabError(
        `rebuilding the lab image failed (scripts/lab/build.sh --force, exit ${again.code}):\n${again.stderr.trim().split('\n').slice(-15).join('\n')}`,
      );
    buildDir = again.stdout.trim().split('\n').pop() ?? buildDir;
    if (!keyMatches(readFromInitrd(join(buildDir, 'initrd.img'), 'root/.ssh/authorized_keys'), pub)) {
      throw new LabError(`the rebuilt lab image still does not carry ${keyPath}.pub; remove ${labDir} and try again`);
    }
  }
  const vmlinux = join(buildDir, 'vmlinux');
  return {
    buildDir,
    kernel: existsSync(vmlinux) ? vmlinux : join(buildDir, 'vmlinuz'),
    initrd: join(buildDir, 'initrd.img'),
    keyPath,
  };
}

/** The image's authorized_keys holds the lab's public key (same type and base64; comments may differ). */
export function keyMatches(authorizedKeys: string | null, publicKey: string | null): boolean {
  if (authorizedKeys === null || publicKey === null) return false;
  const [type, b64] = publicKey.split(/\s+/);
  return authorizedKeys.split('\n').some((l) => {
    const f = l.trim().split(/\s+/);
    return f[0] === type && f[1] === b64;
  });
}

/** A free TCP port on 127.0.0.1 (there is a small race until qemu binds it; callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when `pid` is alive and is the qemu of `runDir` (guards against a recycled pid). */
export function isLabQemu(pid: number, runDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('qemu-system') && cmdline.includes(runDir);
  } catch {
    return false;
  }
}

const owned = new Map<number, string>();
let hooksInstalled = false;
function installExitHook(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const [pid, runDir] of owned) {
      if (isLabQemu(pid, runDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

/** ssh options for the throw-away lab: its host keys change on every build, so no host key checking. */
export function labSshOptions(keyPath: string, port: number): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'ConnectTimeout=5',
    '-i',
    keyPath,
    '-p',
    String(port),
  ];
}

/**
 * One shared SSH connection per VM (OpenSSH ControlMaster): the key exchange costs ~0.3 s of
 * emulated CPU in the guest, a new session on the open connection almost nothing. The master exits
 * by itself when the VM goes away.
 */
function multiplex(vm: LabVm): string[] {
  return ['-o', 'ControlMaster=no', '-o', `ControlPath=${join(vm.runDir, 'ssh-%C')}`];
}

/**
 * Starts the shared connection. Its own process with no stdio: a master forked from a command whose
 * output we capture would keep the pipes open and make that command look unfinished.
 */
function startMaster(vm: LabVm): Promise<unknown> {
  return new Promise((resolvePromise) => {
    const c = spawn(
      'ssh',
      [
        ...labSshOptions(vm.keyPath, vm.sshPort),
        '-o',
        'ControlMaster=yes',
        '-o',
        `ControlPath=${join(vm.runDir, 'ssh-%C')}`,
        '-o',
        'ControlPersist=yes',
        '-f',
        '-N',
        'root@127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    c.on('exit', resolvePromise);
    c.on('error', resolvePromise);
  });
}

/** Boots a lab VM and waits until a real SSH command succeeds. */
export async function bootLab(opts: LabOptions = {}): Promise<LabVm> {
  const image = await ensureLabImage(opts);
  const labDir = opts.labDir ?? defaultLabDir();
  const persistent = opts.persistent === true;
  removeStaleRunDirs(labDir);
  const runDir = persistent ? join(labDir, 'vm') : mkdtempSync(join(labDir, 'run-'));
  if (persistent) {
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
  }
  const qmpPath = join(runDir, 'qmp.sock');
  const consolePath = join(runDir, 'console.log');
  const qemuLog = join(runDir, 'qemu.log');
  const timeoutMs = opts.bootTimeoutMs ?? 90_000;
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const sshPort = await freePort();
    rmSync(consolePath, { force: true });
    rmSync(qmpPath, { force: true });
    const args = [
      '-name',
      `lvs-designer-lab,process=lvsd-lab`,
      '-accel',
      'tcg,thread=multi,tb-size=128',
      '-cpu',
      'max',
      '-smp',
      '2',
      '-m',
      String(opts.memoryMiB ?? 256),
      '-kernel',
      image.kernel,
      '-initrd',
      image.initrd,
      '-append',
      'console=ttyS0 panic=-1 quiet loglevel=4 cryptomgr.notests=1 initcall_blacklist=crypto_kdf108_init',
      '-display',
      'none',
      '-monitor',
      'none',
      '-serial',
      `file:${consolePath}`,
      '-qmp',
      `unix:${qmpPath},server=on,wait=off`,
      '-no-reboot',
      // restrict=on: the guest reaches nothing outside; only the explicit forwards to 127.0.0.1 work
      '-netdev',
      `user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${sshPort}-:22`,
      '-device',
      'virtio-net-pci,netdev=n0,romfile=',
      '-device',
      'virtio-rng-pci',
      '-pidfile',
      join(runDir, 'qemu.pid'),
    ];
    const logFd = openSync(qemuLog, 'w');
    const t0 = Date.now();
    const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', logFd, logFd], detached: persistent });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) throw new LabError('qemu-system-x86_64 could not be started');
    let exited = false;
    child.on('exit', () => {
      exited = true;
      owned.delete(pid);
    });
    if (persistent) child.unref();
    else {
      owned.set(pid, runDir);
      installExitHook();
      // A watchdog that outlives a SIGKILLed parent: qemu goes when this process goes.
      spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill ${pid} 2>/dev/null`], {
        detached: true,
        stdio: 'ignore',
      }).unref();
    }
    const vm: LabVm = { pid, sshPort, labDir, runDir, keyPath: image.keyPath, qmpPath, persistent, bootMs: 0 };
    try {
      while (!readText(consolePath).includes('[init] READY')) {
        if (exited) throw new BootFailure(readText(qemuLog) || readText(consolePath));
        if (Date.now() - t0 > timeoutMs) throw new LabError(`the lab VM did not boot within ${timeoutMs / 1000} s; console:\n${tail(readText(consolePath))}`);
        await sleep(100);
      }
      // slirp accepts connections before the guest listens: only a real SSH login proves readiness
      for (;;) {
        const r = await run('ssh', [...labSshOptions(vm.keyPath, sshPort), 'root@127.0.0.1', 'true'], { timeoutMs: 10_000 }).catch(() => null);
        if (r && r.code === 0) break;
        // The server answered and refused the key: waiting longer cannot help.
        if (r && /Permission denied \(publickey/.test(r.stderr)) {
          throw new LabError(
            `the lab VM refuses the lab key (${vm.keyPath}): Permission denied (publickey). The image was built for another key; run scripts/lab/build.sh --force (lab up does it when it notices)`,
          );
        }
        if (exited) throw new BootFailure(readText(qemuLog));
        if (Date.now() - t0 > timeoutMs) throw new LabError(`SSH to the lab VM never worked within ${timeoutMs / 1000} s: ${r?.stderr.trim() ?? 'timeout'}`);
        await sleep(200);
      }
      const booted: LabVm = { ...vm, bootMs: Date.now() - t0 };
      await startMaster(booted);
      if (persistent) writeFileSync(join(runDir, 'vm.json'), JSON.stringify(booted, null, 2) + '\n');
      opts.log?.(`lab VM up (pid ${pid}, ssh 127.0.0.1:${sshPort}) after ${(booted.bootMs / 1000).toFixed(1)} s`);
      return booted;
    } catch (e) {
      await killVm(vm);
      if (e instanceof BootFailure && /hostfwd|forwarding rule|Address already in use/i.test(e.message)) {
        lastError = e.message;
        continue;
      }
      if (!persistent) rmSync(runDir, { recursive: true, force: true });
      if (e instanceof BootFailure) throw new LabError(`qemu exited during boot:\n${tail(e.message)}`);
      throw e;
    }
  }
  throw new LabError(`could not bind a free 127.0.0.1 port for the lab VM: ${lastError.trim()}`);
}

class BootFailure extends Error {}

/** Removes the run directories of test VMs whose qemu is gone (a killed test run leaves them). */
function removeStaleRunDirs(labDir: string): void {
  let names: string[];
  try {
    names = readdirSync(labDir).filter((n) => n.startsWith('run-'));
  } catch {
    return;
  }
  for (const n of names) {
    const dir = join(labDir, n);
    const pid = Number(readText(join(dir, 'qemu.pid')).trim());
    // a directory younger than a minute may belong to a VM that is still starting
    const young = Date.now() - statSync(dir).mtimeMs < 60_000;
    if ((pid > 0 && isLabQemu(pid, dir)) || (!pid && young)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const tail = (text: string, lines = 20): string => text.trim().split('\n').slice(-lines).join('\n');

async function killVm(vm: Pick<LabVm, 'pid' | 'runDir'>): Promise<void> {
  if (!isLabQemu(vm.pid, vm.runDir)) return;
  try {
    process.kill(vm.pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 50 && isLabQemu(vm.pid, vm.runDir); i++) await sleep(100);
  if (isLabQemu(vm.pid, vm.runDir)) {
    try {
      process.kill(vm.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  // reap: a zombie child still shows its cmdline until Node collects it
  for (let i = 0; i < 20 && isLabQemu(vm.pid, vm.runDir); i++) await sleep(50);
  owned.delete(vm.pid);
}

/** Runs a shell command in the VM's root namespace (busybox ash), optionally feeding it stdin. */
export function sshToLab(vm: LabVm, command: string, opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ExecResult> {
  return run('ssh', [...labSshOptions(vm.keyPath, vm.sshPort), ...multiplex(vm), 'root@127.0.0.1', command], {
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
}

/** Like {@link sshToLab} but throws a LabError (with stderr) on a non-zero exit; returns stdout. */
export async function labExec(vm: LabVm, command: string, opts: { input?: string | Buffer; timeoutMs?: number; what?: string } = {}): Promise<string> {
  const r = await sshToLab(vm, command, opts);
  if (r.code !== 0) throw new LabError(`${opts.what ?? command} failed in the lab VM (exit ${r.code}): ${tail(r.stderr || r.stdout) || 'no output'}`);
  return r.stdout;
}

/** Sends one command to qemu's human monitor through QMP; returns its text output. */
export function qmpHuman(vm: Pick<LabVm, 'qmpPath'>, commandLine: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const sock = connect(vm.qmpPath);
    let buf = '';
    let stage = 0;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new LabError('qemu monitor (QMP) did not answer'));
    }, 10_000);
    const finish = (fn: () => void): void => {
      clearTimeout(timer);
      sock.end();
      fn();
    };
    sock.on('error', (e) => finish(() => reject(new LabError(`cannot reach the qemu monitor: ${e.message}`))));
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc?: string }; event?: string };
        if (msg.event) continue;
        if (msg.error) return finish(() => reject(new LabError(`qemu monitor: ${msg.error?.desc ?? 'error'}`)));
        if (stage === 0 && msg.QMP) {
          stage = 1;
          sock.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
        } else if (stage === 1 && 'return' in msg) {
          stage = 2;
          sock.write(JSON.stringify({ execute: 'human-monitor-command', arguments: { 'command-line': commandLine } }) + '\n');
        } else if (stage === 2 && 'return' in msg) {
          return finish(() => resolvePromise(typeof msg.return === 'string' ? msg.return : ''));
        }
      }
    });
  });
}

/** Forwards a new free 127.0.0.1 port to `guestPort` in the VM's root namespace; returns the port. */
export async function addPortForward(vm: LabVm, guestPort: number): Promise<number> {
  let last = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const out = await qmpHuman(vm, `hostfwd_add n0 tcp:127.0.0.1:${port}-:${guestPort}`);
    if (!out.trim()) return port;
    last = out.trim();
  }
  throw new LabError(`qemu refused a port forward to guest port ${guestPort}: ${last}`);
}

/** Removes a forward added by {@link addPortForward} (no error when it is already gone). */
export async function removePortForward(vm: LabVm, hostPort: number): Promise<void> {
  await qmpHuman(vm, `hostfwd_remove n0 tcp:127.0.0.1:${hostPort}`);
}

/** Powers the VM off (`poweroff -f`: PID 1 is a shell) and makes sure qemu is gone. */
export async function shutdownLab(vm: LabVm): Promise<void> {
  if (isLabQemu(vm.pid, vm.runDir)) {
    await run('ssh', [...labSshOptions(vm.keyPath, vm.sshPort), ...multiplex(vm), '-o', 'ConnectTimeout=2', 'root@127.0.0.1', 'poweroff -f'], {
      timeoutMs: 5_000,
    }).catch(() => null);
    for (let i = 0; i < 30 && isLabQemu(vm.pid, vm.runDir); i++) await sleep(100);
  }
  await killVm(vm);
  owned.delete(vm.pid);
  await run('ssh', [...multiplex(vm), '-O', 'exit', 'lab'], { timeoutMs: 3_000 }).catch(() => null);
  if (!vm.persistent) rmSync(vm.runDir, { recursive: true, force: true });
  else rmSync(join(vm.runDir, 'vm.json'), { force: true });
}

/** The persistent VM left running by `lvsd lab up`, if it is still alive. */
export function runningPersistentLab(labDir = defaultLabDir()): LabVm | null {
  const state = readText(join(labDir, 'vm', 'vm.json'));
  if (!state) return null;
  try {
    const vm = JSON.parse(state) as LabVm;
    return isLabQemu(vm.pid, vm.runDir) ? vm : null;
  } catch {
    return null;
  }
}

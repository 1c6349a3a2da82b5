/**
 * Test hosts for the Deploy panel spec: network namespaces with real OpenSSH (the integration
 * tests' NetnsLab), whose sshd sets `LVSD_*` for every session with `SetEnv` — the app's backend
 * (`lvsd serve`) passes no remote environment, and the namespaces share one file system, so each
 * host needs its own state directory (and the director an ipvsadm stand-in: no IPVS in this kernel).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import type { NsHost } from '../integration/deploy/netns.ts';
import { NetnsLab, writeFakeIpvsadm } from '../integration/deploy/netns.ts';

export { netnsUnavailable, inNs, run } from '../integration/deploy/netns.ts';
export type { NsHost } from '../integration/deploy/netns.ts';

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

export class UiDeployLab extends NetnsLab {
  /** Host indexes that get the ipvsadm stand-in (directors). */
  readonly directors = new Set<number>();
  /** More `LVSD_*` settings per host index (e.g. a keepalived path that does not exist). */
  readonly extraEnv = new Map<number, string[]>();

  constructor() {
    super('lvsd-ui');
  }

  override async startSshd(host: NsHost): Promise<void> {
    // The file system is shared: apply.sh installs the boot unit under LVSD_BOOT_ROOT, not in /etc.
    const env = [`LVSD_STATE_DIR=${host.stateDir}`, `LVSD_BOOT_ROOT=${join(host.dir, 'root')}`];
    if (this.directors.has(host.index)) {
      const fake = join(host.dir, 'ipvsadm');
      if (!existsSync(fake)) writeFakeIpvsadm(fake, join(host.dir, 'ipvs'));
      env.push(`LVSD_IPVSADM=${fake}`, 'LVSD_MODPROBE=/bin/true');
    }
    env.push(...(this.extraEnv.get(host.index) ?? []));
    const cfg = join(host.dir, 'sshd_config');
    writeFileSync(
      cfg,
      [
        `ListenAddress ${host.ip}:${host.port}`,
        `HostKey ${join(host.dir, 'host_key')}`,
        `PidFile ${join(host.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(host.dir, 'authorized_keys')}`,
        `SetEnv ${env.join(' ')}`,
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    const child = spawn('ip', ['netns', 'exec', host.ns, '/usr/sbin/sshd', '-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    host.sshd = child;
    try {
      await waitPort(host.ip, host.port, 10_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}: ${stderr}`);
    }
  }
}

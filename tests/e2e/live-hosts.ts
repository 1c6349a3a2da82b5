/**
 * Hosts for the live-view spec: the DR seed lab shape of tests/integration/live/liveHosts.ts on
 * namespace sshd hosts, but with the ipvsadm stand-in put on PATH by sshd itself (`SetEnv`): the
 * app's backend (`lvsd serve`) passes no remote environment.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import type { NsHost } from '../integration/deploy/netns.ts';
import { NetnsLab } from '../integration/deploy/netns.ts';

export { netnsUnavailable, inNs } from '../integration/deploy/netns.ts';
export { startLiveHosts } from '../integration/live/liveHosts.ts';
export type { LiveHosts } from '../integration/live/liveHosts.ts';

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

export class UiLiveLab extends NetnsLab {
  constructor() {
    super('lvsd-uilive');
  }

  override async startSshd(host: NsHost): Promise<void> {
    const cfg = join(host.dir, 'sshd_config');
    writeFileSync(
      cfg,
      [
        `ListenAddress ${host.ip}:${host.port}`,
        `HostKey ${join(host.dir, 'host_key')}`,
        `PidFile ${join(host.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(host.dir, 'authorized_keys')}`,
        // liveHosts.ts writes the stand-in to <host dir>/standin/bin on directors
        `SetEnv PATH=${join(host.dir, 'standin', 'bin')}:/usr/sbin:/usr/bin:/sbin:/bin`,
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin yes',
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

/**
 * `lvsd deploy` and `lvsd rollback` in-process against one namespace host with a real sshd
 * (a DR real server; the director has no SSH endpoint and is skipped). Non-interactive: no
 * terminal, so trust on first use needs --yes. Skipped when not root / no sshd / no `ip netns`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDesignFile } from '../../../shared/model/file.ts';
import type { DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { runDeployCommand } from '../../../electron/cli/commands/deploy.ts';
import type { NsHost } from './netns.ts';
import { NetnsLab, inNs, netnsUnavailable } from './netns.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

const unavailable = netnsUnavailable();
let lab: NetnsLab;
let rs: NsHost;
let file = '';

async function lvsd(mode: 'deploy' | 'rollback', ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDeployCommand(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, mode, null);
  return { code, out, err };
}

describe.skipIf(unavailable !== null)(`lvsd deploy / rollback${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    lab = new NetnsLab();
    [rs] = (await lab.addHosts(1)) as [NsHost];
    const x = lab.subnet;
    const vip = `10.231.${x}.100`;
    const topology: Topology = {
      name: 'cli deploy',
      segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${x}.0/24` }],
      hosts: [
        {
          id: hostId('director'),
          name: 'director',
          role: 'director',
          interfaces: [{ id: interfaceId('d-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`10.231.${x}.2/24`, `${vip}/24`] }],
        },
        {
          id: hostId('rs1'),
          name: 'rs1',
          role: 'real-server',
          interfaces: [
            { id: interfaceId('rs1-lo'), name: 'lo', kind: 'loopback', segment: null, addresses: [`${vip}/32`], sysctl: { arpIgnore: 1, arpAnnounce: 2 } },
            {
              id: interfaceId('rs1-eth0'),
              name: 'eth0',
              kind: 'ethernet',
              segment: segmentId('lan'),
              addresses: [`${rs.ip}/24`],
              sysctl: { arpIgnore: 1, arpAnnounce: 2 },
            },
          ],
          sysctl: { arpIgnore: 1, arpAnnounce: 2 },
          ssh: { host: rs.ip, port: 22, user: 'root', auth: 'key' },
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
          realServers: [{ id: realServerId('r1'), host: hostId('rs1'), rip: rs.ip, port: 80, method: 'dr', weight: 1 }],
        },
      ],
    };
    file = join(lab.work, 'design.lvs.json');
    writeFileSync(file, JSON.stringify(makeDesignFile(topology)));
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  const common = () => [file, '--known-hosts', join(lab.work, 'kh'), '--identity', lab.clientKey, '--state-dir', rs.stateDir];

  it('refuses an unknown host key without a terminal unless --yes', async () => {
    const r = await lvsd('deploy', ...common(), '--dry-run');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown host key .* SHA256:/);
    expect(r.err).toContain('--yes');
  });

  it('dry run with --yes trusts on first use and prints the plan', async () => {
    const r = await lvsd('deploy', ...common(), '--dry-run', '--yes');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('rs1 (real-server');
    expect(r.out).toMatch(/\+ address lo 10\.231\.\d+\.100\/32/);
    expect(r.out).toContain('director (director): skipped - no SSH endpoint');
    expect(readFileSync(join(lab.work, 'kh'), 'utf8')).toContain(rs.ip);
    expect(inNs(rs.ns, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('0');
  });

  it('deploys (--json), then a second deploy reports no changes', async () => {
    const r = await lvsd('deploy', ...common(), '--json', '--log', join(lab.work, 'cli.log'));
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as DeployResult;
    expect(result.outcome).toBe('success');
    expect(result.hosts.find((h) => h.hostId === 'rs1')?.status).toBe('verified');
    expect(inNs(rs.ns, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('1');
    expect(readFileSync(join(lab.work, 'cli.log'), 'utf8')).toContain('rs1: verified');
    const again = await lvsd('deploy', ...common());
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('no changes: every host is already as designed');
  });

  it('lvsd rollback restores the host; --host with an unknown id is refused', async () => {
    const bad = await lvsd('rollback', ...common(), '--host', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('unknown host id: nope');
    const r = await lvsd('rollback', ...common(), '--host', 'rs1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('rolled back');
    expect(inNs(rs.ns, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('0');
    expect(inNs(rs.ns, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'lo')).not.toContain('.100/32');
  });

  it('bad usage exits 2 with the usage line', async () => {
    const r = await lvsd('deploy');
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: lvsd deploy FILE');
    const missing = await lvsd('deploy', join(lab.work, 'missing.lvs.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
  });
});

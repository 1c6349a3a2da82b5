/**
 * Reboot persistence without a reboot: a host is recreated from scratch (a new network namespace
 * with only what the distribution configures — the ethernet address) and only the generated boot
 * script runs. verify.sh must then find the host configured as designed. Real `ip` and `sysctl`;
 * the director's IPVS table goes through the ipvsadm stand-in (this kernel has no IPVS).
 * Skipped when not root or when `ip netns` is unavailable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHost } from '../../shared/generators/index.ts';
import type { Topology } from '../../shared/model/types.ts';
import { loadExample } from '../unit/generators/helpers.ts';
import { netnsUnavailable, writeFakeIpvsadm } from './deploy/netns.ts';

const skip = netnsUnavailable();
const tag = `b${process.pid % 100000}`;
let work = '';
const namespaces: string[] = [];

function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function writeHost(t: Topology, hostId: string, into: string): void {
  const r = renderHost(t, hostId);
  if (!r.ok) throw new Error(r.error);
  for (const f of r.value) {
    mkdirSync(join(into, f.path, '..'), { recursive: true });
    writeFileSync(join(into, f.path), f.content, { mode: f.mode });
  }
}

/** A fresh namespace with `eth*` interfaces carrying only the given addresses (what the distribution sets up). */
function freshHost(name: string, ifaces: readonly (readonly [string, string | null])[]): string {
  const ns = `${tag}${name}`;
  sh('ip', 'netns', 'add', ns);
  namespaces.push(ns);
  ifaces.forEach(([dev, cidr], i) => {
    sh('ip', '-n', ns, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `${ns}${i}`.slice(0, 15), 'netns', '1');
    sh('ip', 'link', 'set', `${ns}${i}`.slice(0, 15), 'up');
    if (cidr) sh('ip', '-n', ns, 'addr', 'add', cidr, 'dev', dev);
    sh('ip', '-n', ns, 'link', 'set', dev, 'up');
  });
  sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  return ns;
}

function runIn(ns: string, shell: string, script: string, env: Record<string, string> = {}): { code: number; out: string } {
  const [cmd, ...pre] = shell.split(' ');
  const r = spawnSync('ip', ['netns', 'exec', ns, cmd!, ...pre, script], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'lvsd-boot-'));
});

afterAll(() => {
  if (skip) return;
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns]);
  rmSync(work, { recursive: true, force: true });
});

const shells = ['sh', ...(spawnSync('busybox', ['true']).status === 0 ? ['busybox sh'] : [])];

describe.skipIf(skip !== null)('boot script on a host recreated from scratch', () => {
  for (const [i, shell] of shells.entries()) {
    it(`DR real server under ${shell}: only the boot script runs, verify.sh finds VIP, ARP settings and route`, () => {
      const dir = join(work, `rs1-${i}`);
      writeHost(loadExample('dr-lab'), 'rs1', dir);
      const ns = freshHost(`r${i}`, [['eth0', '192.168.163.102/24']]);
      expect(runIn(ns, shell, join(dir, 'verify.sh')).code).toBe(1);
      const boot = runIn(ns, shell, join(dir, 'boot/lvs-designer-boot.sh'));
      expect(boot.code, boot.out).toBe(0);
      expect(boot.out).toContain('lvs-designer-boot: 1 VIP address(es)');
      const ok = runIn(ns, shell, join(dir, 'verify.sh'));
      expect(ok.code, ok.out).toBe(0);
      // A second run (the unit restarted by hand) changes nothing and still passes.
      expect(runIn(ns, shell, join(dir, 'boot/lvs-designer-boot.sh')).code).toBe(0);
      expect(runIn(ns, shell, join(dir, 'verify.sh')).code).toBe(0);
    });
  }

  it('NAT director (ipvsadm-owned): the boot script loads the saved IPVS table and ip_forward', () => {
    const dir = join(work, 'director');
    writeHost(loadExample('nat-lab'), 'director', dir);
    const ns = freshHost('d', [
      ['eth0', null],
      ['eth1', '192.168.111.200/24'],
    ]);
    const fake = join(work, 'ipvsadm-fake');
    writeFakeIpvsadm(fake, join(work, 'ipvs-state'));
    sh('chmod', '755', fake);
    const env = { LVSD_IPVSADM: fake };
    expect(runIn(ns, 'sh', join(dir, 'verify.sh'), env).code).toBe(1);
    const boot = runIn(ns, 'sh', join(dir, 'boot/lvs-designer-boot.sh'), env);
    expect(boot.code, boot.out).toBe(0);
    expect(boot.out).toContain('IPVS table loaded (1 service(s))');
    const ok = runIn(ns, 'sh', join(dir, 'verify.sh'), env);
    expect(ok.code, ok.out).toBe(0);
    expect(sh('ip', 'netns', 'exec', ns, 'sysctl', '-n', 'net.ipv4.ip_forward').trim()).toBe('1');
    // Run again: the table is not empty, so it is left alone.
    expect(runIn(ns, 'sh', join(dir, 'boot/lvs-designer-boot.sh'), env).out).toContain('IPVS table not empty: left as it is');
  });
});

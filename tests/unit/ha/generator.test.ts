/**
 * keepalived.conf of HA group members: the vrrp_instance per member, the sync daemon, the DIP as a
 * VRRP-held address, and keepalived's own `keepalived -t` accepting every member's file. The check
 * runs in a user + network namespace with eth0/eth1 present, because keepalived -t refuses
 * interfaces the machine does not have.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHost, renderKeepalived } from '../../../shared/generators/index.ts';
import { plainSyncCommands, vrrpSectionOrThrow } from '../../../shared/generators/vrrp.ts';
import { generateHaTopology } from '../../../shared/ha/generate.ts';
import { change, drHa, natHa } from './designs.ts';
import { hostId } from '../../../shared/model/ids.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsd-vrrp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const canCheck =
  spawnSync('keepalived', ['--version'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('unshare', ['-rn', 'ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1'], { stdio: 'ignore' }).status === 0;

function keepalivedTest(name: string, conf: string): { code: number | null; out: string } {
  const f = join(dir, `${name}.conf`);
  writeFileSync(f, conf);
  const r = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link add eth0 type veth peer name eth1 && exec keepalived -t -f "$1"', 'sh', f], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('vrrp_instance per member', () => {
  it('the NAT pair: state, priority, unicast peers, auth, VIP and DIP held by VRRP, track weight, sync daemon', () => {
    const conf = renderKeepalived(natHa(), 'lvs2');
    expect(conf).toContain('    lvs_sync_daemon eth1 VI_NAT id 51');
    expect(conf).toContain('vrrp_instance VI_NAT {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority 100\n    advert_int 1');
    expect(conf).toContain('    unicast_src_ip 172.16.111.122\n    unicast_peer {\n        172.16.111.121\n    }');
    expect(conf).toContain('        172.16.111.123/24 dev eth0\n        192.168.111.200/24 dev eth1');
    expect(conf).toContain('        eth1 weight -60');
    expect(conf).toContain('virtual_server 172.16.111.123 80 {');
    expect(conf).not.toContain('no vrrp_instance');
  });
  it('the DR pair: nopreempt, multicast, the tracked script with script security', () => {
    const conf = renderKeepalived(drHa(), 'lvs1');
    expect(conf).toContain('    nopreempt');
    expect(conf).not.toContain('unicast_peer');
    expect(conf).toContain('vrrp_script chk_uplink {\n    script "/bin/busybox ping -c1 -W1 172.17.253.1"');
    expect(conf).toContain('    enable_script_security');
  });
  it('apply.sh does not add the VRRP-held VIP statically; both members get the IPVS rules', () => {
    for (const h of ['lvs1', 'lvs2']) {
      const files = renderHost(natHa(), h);
      if (!files.ok) throw new Error(files.error);
      const apply = files.value.find((f) => f.path === 'apply.sh')!.content;
      expect(apply).not.toContain("'172.16.111.123/24'");
      expect(files.value.find((f) => f.path === 'ipvsadm.rules')!.content).toContain('-A -t 172.16.111.123:80 -s wrr');
    }
  });
  it('plain mode: ipvsadm --start-daemon master and backup on every member (both directions, docs/ha.md)', () => {
    const t = change(natHa(), (d) => void (d.directorGroups![0]!.sync = { mode: 'ipvsadm', interface: 'eth1', syncId: 7 }));
    const both = ['ipvsadm --start-daemon master --mcast-interface eth1 --syncid 7', 'ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 7'];
    expect(plainSyncCommands(t, hostId('lvs1'))).toEqual(both);
    expect(plainSyncCommands(t, hostId('lvs2'))).toEqual(both);
    expect(renderKeepalived(t, 'lvs1')).not.toContain('lvs_sync_daemon');
  });
  it('refuses unsafe values with the field named', () => {
    const bad = change(drHa(), (d) => void (d.directorGroups![0]!.scripts![0]!.script = '/bin/sh -c "rm -rf /"'));
    expect(() => vrrpSectionOrThrow(bad, hostId('lvs1'))).toThrow(/directorGroups\[0\] \(pair\)\.scripts\[0\]\.script/);
    const pass = change(natHa(), (d) => void (d.directorGroups![0]!.authentication = { type: 'PASS', pass: 'a b' }));
    expect(() => vrrpSectionOrThrow(pass, hostId('lvs1'))).toThrow(/authentication\.pass/);
    const r = renderHost(pass, 'lvs1');
    expect(r.ok).toBe(false);
  });
});

describe.skipIf(!canCheck)('keepalived -t accepts every member of every HA example', () => {
  const designs = { 'nat-ha-lab': natHa(), 'dr-ha-lab': drHa(), generated: generateHaTopology(2, 3) };
  for (const [name, t] of Object.entries(designs)) {
    for (const g of t.directorGroups ?? []) {
      for (const m of g.members) {
        it(`${name}: ${m.host}`, () => {
          const r = keepalivedTest(`${name}-${m.host}`, renderKeepalived(t, m.host));
          expect(r.out).toBe('');
          expect(r.code).toBe(0);
        });
      }
    }
  }
  it('and rejects a broken instance (the check can fail)', () => {
    const conf = renderKeepalived(natHa(), 'lvs1').replace('virtual_router_id 51', 'virtual_router_id 300');
    expect(keepalivedTest('broken', conf).code).not.toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { RULES, validate } from '../../../shared/validation/index.ts';
import { analyseFailover } from '../../../shared/ha/analysis.ts';
import { HA_CASES, change, drHa, natHa, secondPair } from './designs.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { directorGroupId, directorRef, hostId, serviceId } from '../../../shared/model/ids.ts';

const haRules = RULES.filter((r) => r.id.startsWith('ha/'));

describe('HA rules', () => {
  it('every ha/ rule has a case, every case a rule, and both languages', () => {
    expect(Object.keys(HA_CASES).sort()).toEqual(haRules.map((r) => r.id).sort());
    for (const r of haRules) expect(r.titleZh, r.id).toBeTruthy();
  });
  it('the HA examples pass every rule', () => {
    expect(validate(natHa())).toEqual([]);
    expect(validate(drHa())).toEqual([]);
  });
  it.each(haRules.map((r) => r.id))('%s fires on its failing design (with zh-CN text) and not on the fixed one', (id) => {
    const bad = validate(HA_CASES[id]!.bad()).filter((p) => p.rule === id);
    expect(bad.length).toBeGreaterThan(0);
    for (const p of bad) {
      expect(p.zh?.message).toMatch(/[\u4e00-\u9fff]/);
      expect(p.zh?.fix).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(validate(HA_CASES[id]!.fixed()).filter((p) => p.rule === id)).toEqual([]);
  });
});

describe('what the HA rules say', () => {
  const messages = (id: string) => validate(HA_CASES[id]!.bad()).filter((p) => p.rule === id);
  it('priority gap shows the arithmetic and the weight that would work', () => {
    const [p] = messages('ha/priority-gap');
    expect(p!.message).toContain('150 − 20 track_script chk_web = 130 ≥ 100 (lvs2)');
    expect(p!.fix).toContain('−51');
  });
  it('priority gap: a tracked interface that carries a virtual address is no gap (keepalived FAULTs on it, as the lab measured)', () => {
    const t = change(natHa(), (d) =>
      d.directorGroups![0]!.members.forEach((m) => ((m as { trackInterfaces?: unknown }).trackInterfaces = [{ name: 'eth1', weight: -20 }])),
    );
    expect(validate(t).filter((p) => p.rule === 'ha/priority-gap')).toEqual([]);
    const [a] = analyseFailover(t);
    expect(
      a!.scenarios.find(
        (s) => s.failures.length === 1 && s.failures[0]!.kind === 'interface-down' && s.failures[0]!.host === 'lvs1' && s.failures[0]!.iface === 'eth1',
      )!.outcome,
    ).toBe('failover');
  });
  it('members-disagree names the vrid and the missing authentication', () => {
    const text = messages('ha/members-disagree')
      .map((p) => p.message)
      .join('\n');
    expect(text).toContain('lvs2 uses virtual_router_id 52');
    expect(text).toContain('lvs2 has no authentication');
  });
  it('unicast peers: the unknown peer and the member not listed', () => {
    const text = messages('ha/unicast-peers')
      .map((p) => p.message)
      .join('\n');
    expect(text).toContain('lvs1 does not list lvs2 (172.16.111.122)');
    expect(text).toContain('unicast_peer 172.16.111.99');
  });
  it('a NAT gateway at a member address proposes the held DIP', () => {
    const [p] = messages('ha/nat-gateway-member-address');
    expect(p!.fix).toBe("Set rs1's gateway to 192.168.111.200, the DIP the group holds.");
  });
  it('the existing forwarding rules still check the master: ip_forward off on lvs1 is an error', () => {
    const t = natHa();
    const off = { ...t, hosts: t.hosts.map((h) => (h.id === 'lvs1' ? { ...h, sysctl: {} } : h)) };
    expect(validate(off).some((p) => p.rule === 'nat/ip-forward-off')).toBe(true);
  });
});

describe('ha/sync-daemon: the groups of one director (one master and one backup daemon per host)', () => {
  const syncFindings = (t: Topology) => validate(t).filter((p) => p.rule === 'ha/sync-daemon');
  /** natHa plus a second group VI_WEB2 on the same two members, with its own VIP and service. */
  const twoGroups = (sync: { mode: 'keepalived' | 'ipvsadm'; syncId: number }) =>
    change(natHa(), (d) => {
      d.directorGroups!.push({
        id: directorGroupId('pair2'),
        name: 'VI_WEB2',
        vrid: 52,
        virtualAddresses: [{ address: '172.16.111.124/24', dev: 'eth0' }],
        sync: { mode: sync.mode, interface: 'eth1', syncId: sync.syncId },
        members: [
          { host: hostId('lvs2'), priority: 150, state: 'MASTER', interface: 'eth0' },
          { host: hostId('lvs1'), priority: 100, state: 'BACKUP', interface: 'eth0' },
        ],
      });
      d.services.push({ ...d.services[0]!, id: serviceId('web2'), name: 'web2', director: directorRef('pair2'), vip: '172.16.111.124' });
    });
  it('the same two members with another sync id: their daemons still exchange every connection, no finding', () => {
    expect(syncFindings(twoGroups({ mode: 'keepalived', syncId: 52 }))).toEqual([]);
  });
  it('plain mode in one group and keepalived in the other on the same host: an error naming both modes', () => {
    const f = syncFindings(twoGroups({ mode: 'ipvsadm', syncId: 51 }));
    expect(f.map((p) => p.message)).toContain(
      "lvs2 runs the sync daemons of group VI_NAT (lvs_sync_daemon on eth1, sync id 51), not those group VI_WEB2 (vrid 52) asks for (ipvsadm --start-daemon on eth1, sync id 51): the kernel runs one master and one backup sync daemon per host; keepalived and the generated scripts would both start and stop lvs2's daemons.",
    );
    expect(f.every((p) => p.severity === 'error')).toBe(true);
  });
  it('a director in a second pair whose other members sync with another id: that group is not synced with it', () => {
    const t = change(natHa(), (d) => {
      secondPair(d, 52, 52);
      d.directorGroups![1]!.members = [...d.directorGroups![1]!.members, { host: hostId('lvs1'), priority: 50, state: 'BACKUP', interface: 'eth0' }];
    });
    const f = syncFindings(t);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/^lvs1 runs the sync daemons of group VI_NAT .* the other members of VI_MAIL run other daemons/);
    expect(f[0]!.zh?.message).toMatch(/[\u4e00-\u9fff]/);
  });
});

import { describe, expect, it } from 'vitest';
import { RULES, validate } from '../../../shared/validation/index.ts';
import { analyseFailover } from '../../../shared/ha/analysis.ts';
import { HA_CASES, change, drHa, natHa } from './designs.ts';

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

import { describe, expect, it } from 'vitest';
import { haDeployPlan } from '../../../shared/ha/deploy.ts';
import { HA_CASES, change, natHa } from './designs.ts';
import { hostId } from '../../../shared/model/ids.ts';

const all = ['client', 'lvs1', 'lvs2', 'rs1', 'rs2'].map(hostId);

describe('HA deploy order and refusal', () => {
  it('backup first, master last, both reloaded', () => {
    expect(haDeployPlan(natHa(), all)).toEqual({ ok: true, order: ['client', 'rs1', 'rs2', 'lvs2', 'lvs1'], reload: ['lvs2', 'lvs1'] });
  });
  it('refuses a pair that would be MASTER twice (one-sided unicast peers) with the reason', () => {
    const t = change(natHa(), (d) => void (d.directorGroups![0]!.members[0]!.unicastPeers = []));
    const r = haDeployPlan(t, all);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.en).toContain('refused: In group VI_NAT (vrid 51), lvs1 does not list lvs2');
  });
  it('refuses a vrid mismatch (both would be MASTER)', () => {
    const r = haDeployPlan(HA_CASES['ha/members-disagree']!.bad(), all);
    expect(r.ok).toBe(false);
  });
  it('refuses a group whose VRRP interface exists on no member (keepalived would not start: no master)', () => {
    const down = change(natHa(), (d) => d.directorGroups![0]!.members.forEach((m) => (m.interface = 'eth9')));
    const r = haDeployPlan(down, all);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.en).toMatch(/^refused: .*eth9/);
  });
  it('a design without groups keeps the given order', () => {
    expect(haDeployPlan({ ...natHa(), directorGroups: [] }, [hostId('rs1'), hostId('lvs1')])).toEqual({ ok: true, order: ['rs1', 'lvs1'], reload: [] });
  });
});

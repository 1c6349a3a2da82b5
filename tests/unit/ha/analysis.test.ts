import { describe, expect, it } from 'vitest';
import { analyseFailover, electMasters } from '../../../shared/ha/analysis.ts';
import type { Failure, Scenario } from '../../../shared/ha/analysis.ts';
import { generateHaTopology } from '../../../shared/ha/generate.ts';
import { validate } from '../../../shared/validation/index.ts';
import { main } from '../../../electron/cli/main.ts';
import { HA_CASES, change, drHa, natHa } from './designs.ts';
import { hostId } from '../../../shared/model/ids.ts';

const row = (scenarios: readonly Scenario[], failures: readonly Failure[]) => scenarios.find((s) => JSON.stringify(s.failures) === JSON.stringify(failures))!;

describe('failover analysis of the NAT pair', () => {
  const [a] = analyseFailover(natHa());
  it('lvs1 is master when all is well, and 10 singles + doubles are enumerated', () => {
    expect(a!.steadyHolder).toBe('lvs1');
    expect(a!.scenarios[0]!.outcome).toBe('unchanged');
    expect(a!.scenarios.filter((s) => s.failures.length === 1)).toHaveLength(9);
  });
  it('master down: lvs2 takes over after the master-down interval 3 + (256−100)/256 s; connections kept by sync', () => {
    const s = row(a!.scenarios, [{ kind: 'host-down', host: hostId('lvs1') }]);
    expect(s.holders).toEqual(['lvs2']);
    expect(s.outcome).toBe('failover');
    expect(s.takeoverSeconds).toBe(3.609);
    expect(s.connectionsSurvive).toBe(true);
  });
  it('keepalived stopped: the priority-0 advert lets lvs2 take over after the skew time only', () => {
    expect(row(a!.scenarios, [{ kind: 'keepalived-stopped', host: hostId('lvs1') }]).takeoverSeconds).toBe(0.609);
  });
  it('the tracked eth1 (−60) brings lvs1 to 90 < 100: failover', () => {
    const s = row(a!.scenarios, [{ kind: 'interface-down', host: hostId('lvs1'), iface: 'eth1' }]);
    expect(s.holders).toEqual(['lvs2']);
  });
  it('link cut: split brain, both hold the VIP', () => {
    const s = row(a!.scenarios, [{ kind: 'link-cut', a: hostId('lvs1'), b: hostId('lvs2') }]);
    expect(s.outcome).toBe('split-brain');
    expect(s.holders).toEqual(['lvs1', 'lvs2']);
    expect(s.text.zh).toContain('脑裂');
  });
  it('both down: outage; the backup with its own LAN link (the DIP’s interface) down is in FAULT: outage too', () => {
    expect(
      row(a!.scenarios, [
        { kind: 'host-down', host: hostId('lvs1') },
        { kind: 'host-down', host: hostId('lvs2') },
      ]).outcome,
    ).toBe('outage');
    expect(
      row(a!.scenarios, [
        { kind: 'host-down', host: hostId('lvs1') },
        { kind: 'interface-down', host: hostId('lvs2'), iface: 'eth1' },
      ]).outcome,
    ).toBe('outage');
  });
  it('without sync the connections are lost', () => {
    const [b] = analyseFailover(HA_CASES['ha/sync-daemon']!.bad());
    const s = row(b!.scenarios, [{ kind: 'host-down', host: hostId('lvs1') }]);
    expect(s.connectionsSurvive).toBe(false);
    expect(s.text.en).toContain('empty connection table');
  });
});

describe('what the analysis finds in broken designs', () => {
  it('priority gap too large: the tracked failure does not move the VIP', () => {
    const [a] = analyseFailover(HA_CASES['ha/priority-gap']!.bad());
    expect(row(a!.scenarios, [{ kind: 'script-failing', host: hostId('lvs1'), script: 'chk_web' }]).outcome).toBe('no-failover');
  });
  it('nopreempt: a weighted script failing never moves the VIP; as FAULT (weight 0) it does after the skew', () => {
    const weighted = change(drHa(), (d) => void (d.directorGroups![0]!.scripts![0]!.weight = -60));
    const [w] = analyseFailover(weighted);
    expect(row(w!.scenarios, [{ kind: 'script-failing', host: hostId('lvs1'), script: 'chk_uplink' }]).outcome).toBe('no-failover');
    expect(validate(weighted).some((p) => p.rule === 'ha/priority-gap')).toBe(true);
    const [f] = analyseFailover(drHa());
    const s = row(f!.scenarios, [{ kind: 'script-failing', host: hostId('lvs1'), script: 'chk_uplink' }]);
    expect(s.holders).toEqual(['lvs2']);
    expect(s.takeoverSeconds).toBe(0.609);
  });
  it('one-sided unicast peers: split brain with nothing failing', () => {
    const t = change(natHa(), (d) => void (d.directorGroups![0]!.members[0]!.unicastPeers = []));
    const g = t.directorGroups![0]!;
    expect(electMasters(t, g, [], hostId('lvs1')).masters).toEqual(['lvs1', 'lvs2']);
  });
  it('a vrid mismatch imported from one member: split brain', () => {
    const [a] = analyseFailover(HA_CASES['ha/members-disagree']!.bad(), { doubles: false });
    expect(a!.scenarios[0]!.outcome).toBe('split-brain');
  });
  it('nopreempt: a returning higher-priority member stays backup; with preempt it takes over', () => {
    const t = drHa();
    const g = t.directorGroups![0]!;
    expect(electMasters(t, g, [], hostId('lvs2')).masters).toEqual(['lvs2']);
    const p = { ...g, nopreempt: false };
    expect(electMasters(t, p, [], hostId('lvs2')).masters).toEqual(['lvs1']);
  });
  it('4 members: the highest remaining priority wins', () => {
    const t = generateHaTopology(1, 4);
    const g = t.directorGroups![0]!;
    expect(
      electMasters(
        t,
        g,
        [
          { kind: 'host-down', host: hostId('g0d0') },
          { kind: 'host-down', host: hostId('g0d1') },
        ],
        hostId('g0d0'),
      ).masters,
    ).toEqual(['g0d2']);
    expect(validate(t)).toEqual([]);
  });
});

describe('lvsd validate --ha', () => {
  it("prints the failover table and the clients' view", async () => {
    let out = '';
    const code = await main(['validate', '--ha', 'examples/nat-ha-lab.lvs.json'], { stdout: (t) => void (out += t), stderr: () => undefined });
    expect(code).toBe(0);
    expect(out).toContain('HA group VI_NAT: master when all is well = lvs1');
    expect(out).toMatch(/lvs1 down\s+lvs2\s+FAILOVER\s+3\.609 s\s+kept/);
    expect(out).toMatch(/link lvs1 ↔ lvs2 cut\s+lvs1\+lvs2\s+SPLIT BRAIN/);
    expect(out).toContain('0 errors');
  });
  it('--json carries the analysis', async () => {
    let out = '';
    await main(['validate', '--ha', '--json', 'examples/dr-ha-lab.lvs.json'], { stdout: (t) => void (out += t), stderr: () => undefined });
    const doc = JSON.parse(out);
    expect(doc.ha[0].name).toBe('VI_DR');
    expect(doc.ha[0].scenarios.length).toBeGreaterThan(10);
  });
});

import { describe, expect, it } from 'vitest';
import { failoverTimeline } from '../../../shared/ha/timeline.ts';
import { masterDownMicros } from '../../../shared/model/ha.ts';
import { change, drHa, natHa } from './designs.ts';
import { hostId } from '../../../shared/model/ids.ts';

const at = (steps: ReturnType<typeof failoverTimeline>, kind: string) => steps!.filter((s) => s.kind === kind).map((s) => s.at);

describe('failover timeline', () => {
  it('crash: the backup takes over at 3 × advert_int + skew and the synced connection survives', () => {
    const steps = failoverTimeline(natHa(), 'pair', 'crash')!;
    expect(at(steps, 'become-master')).toEqual([3.609]);
    const last = steps.filter((s) => s.kind === 'packet').at(-1)!;
    expect(last.flowAlive).toBe(true);
    expect(last.tables[hostId('lvs2')]).toHaveLength(1);
    expect(last.routerArp).toBe('lvs2');
    expect(last.holders).toEqual(['lvs2']);
    expect(steps.every((s) => /[\u4e00-\u9fff]/.test(s.text.zh))).toBe(true);
  });
  it("crash without sync (NAT): the new master has no entry; a segment to the VIP gets a RST from its own stack, the real server's segments leave un-NATed and a waiting client hangs", () => {
    const steps = failoverTimeline(natHa(), 'pair', 'crash', { sync: false })!;
    const last = steps.filter((s) => s.kind === 'packet').at(-1)!;
    expect(last.flowAlive).toBe(false);
    expect(last.text.en).toContain('NF_ACCEPT');
    expect(last.text.en).toContain('gets a RST');
    expect(last.text.en).toContain('leave un-NATed, from 192.168.111.');
    expect(last.text.en).toContain('hangs until its own timeout');
    expect(last.text.zh).toContain('RST');
    expect(steps[0]!.tables[hostId('lvs2')]).toEqual([]);
  });
  it('crash without sync (DR): the replies still reach the client, its next ACK meets the RST', () => {
    const last = failoverTimeline(drHa(), drHa().directorGroups![0]!.id, 'crash', { sync: false })!
      .filter((s) => s.kind === 'packet')
      .at(-1)!;
    expect(last.flowAlive).toBe(false);
    expect(last.text.en).toContain('next ACK');
    expect(last.text.en).not.toContain('un-NATed');
  });
  it('clean stop: priority-0 advert, takeover after the skew time only', () => {
    const steps = failoverTimeline(natHa(), 'pair', 'stop')!;
    expect(at(steps, 'priority-0')).toEqual([0.001]);
    expect(at(steps, 'become-master')).toEqual([0.609]);
    // the stopping master removes its VIPs in that step: nobody holds them until the skew runs out
    expect(steps.find((s) => s.kind === 'priority-0')!.holders).toEqual([]);
  });
  it('the timer follows advert_int and the backup priority (VRRPv2 skew independent of advert_int)', () => {
    const t = change(natHa(), (d) => {
      d.directorGroups![0]!.advertInt = 2;
      d.directorGroups![0]!.members[1]!.priority = 120;
    });
    // v2: 3 × 2 s + (256 − 120) / 256 s = 6.53125 s
    expect(masterDownMicros(2, 2, 120)).toBe(6_531_250);
    expect(at(failoverTimeline(t, 'pair', 'crash')!, 'become-master')).toEqual([6.531]);
    // v3: 3 × 2 s + (256 − 120) × 2 s / 256 = 7.0625 s
    const v3 = change(t, (d) => void (d.directorGroups![0]!.version = 3));
    expect(masterDownMicros(3, 2, 120)).toBe(7_062_500);
    expect(at(failoverTimeline(v3, 'pair', 'crash')!, 'become-master')).toEqual([7.063]);
  });
  it('link cut: split brain, both hold the VIP', () => {
    const steps = failoverTimeline(natHa(), 'pair', 'link-cut')!;
    expect(steps.find((s) => s.kind === 'become-master')!.holders).toEqual(['lvs1', 'lvs2']);
    expect(steps.some((s) => s.text.en.startsWith('Split brain'))).toBe(true);
  });
  it('return with preemption: the old master takes the VIP back with an empty table and breaks the connection', () => {
    const steps = failoverTimeline(natHa(), 'pair', 'return')!;
    const last = steps[steps.length - 1]!;
    expect(last.holders).toEqual(['lvs1']);
    expect(last.flowAlive).toBe(false);
    expect(last.tables[hostId('lvs1')]).toEqual([]);
  });
  it('return with preempt: keepalived starts the old master (state MASTER, priority 150) in BACKUP and it takes over when its master-down timer (3.414 s) runs out, as measured on the lab', () => {
    const steps = failoverTimeline(natHa(), 'pair', 'return')!;
    const boot = steps.find((s) => s.kind === 'event' && s.text.en.includes('boots'))!;
    expect(boot.text.en).toContain('discards them');
    const back = steps.filter((s) => s.kind === 'become-master').at(-1)!;
    expect(back.holders).toEqual(['lvs1']);
    expect(Math.round((back.at - boot.at) * 1000) / 1000).toBe(3.414);
  });
  it('return with preempt_delay on a state BACKUP master: the delay comes first; keepalived ignores nopreempt and preempt_delay on a state MASTER member', () => {
    const delayed = change(natHa(), (d) => {
      d.directorGroups![0]!.preemptDelay = 30;
      d.directorGroups![0]!.members[0]!.state = 'BACKUP';
    });
    const steps = failoverTimeline(delayed, 'pair', 'return')!;
    const boot = steps.find((s) => s.kind === 'event' && s.text.en.includes('boots'))!;
    expect(steps.filter((s) => s.kind === 'become-master').at(-1)!.at - boot.at).toBeCloseTo(33.414, 3);
    const ignored = change(natHa(), (d) => {
      d.directorGroups![0]!.nopreempt = true;
      d.directorGroups![0]!.preemptDelay = 30;
    });
    const s2 = failoverTimeline(ignored, 'pair', 'return')!;
    const boot2 = s2.find((s) => s.kind === 'event' && s.text.en.includes('boots'))!;
    expect(s2.at(-1)!.holders).toEqual(['lvs1']);
    expect(s2.filter((s) => s.kind === 'become-master').at(-1)!.at - boot2.at).toBeCloseTo(3.414, 3);
  });
  it('return with preempt_delay and sync: the returning master receives the entry during the delay and the connection survives the fail-back', () => {
    const delayed = change(natHa(), (d) => {
      d.directorGroups![0]!.preemptDelay = 5;
      d.directorGroups![0]!.members[0]!.state = 'BACKUP';
    });
    const steps = failoverTimeline(delayed, 'pair', 'return')!;
    const back = steps.filter((s) => s.kind === 'become-master').at(-1)!;
    const sync = steps.filter((s) => s.kind === 'sync').at(-1)!;
    expect(sync.at).toBeLessThan(back.at);
    expect(sync.tables[hostId('lvs1')]).toHaveLength(1);
    expect(back.text.en).toContain('synchronised connection');
    expect(steps.at(-1)!.flowAlive).toBe(true);
    expect(steps.at(-1)!.holders).toEqual(['lvs1']);
    // without sync, or with a delay shorter than the sync needs, the fail-back still breaks it
    expect(failoverTimeline(delayed, 'pair', 'return', { sync: false })!.at(-1)!.flowAlive).toBe(false);
    const short = change(delayed, (d) => {
      d.directorGroups![0]!.preemptDelay = 1;
    });
    const race = failoverTimeline(short, 'pair', 'return')!;
    expect(race.at(-1)!.flowAlive).toBe(false);
    expect(race.some((s) => s.kind === 'sync' && s.text.en.includes('is a race'))).toBe(true);
  });
  it('return with nopreempt: the old master stays backup and resyncs', () => {
    const steps = failoverTimeline(drHa(), 'pair', 'return')!;
    const last = steps[steps.length - 1]!;
    expect(last.holders).toEqual(['lvs2']);
    expect(last.flowAlive).toBe(true);
    expect(last.tables[hostId('lvs1')]).toHaveLength(1);
  });
  it('member roles per step, for the marks on the canvas: crashed, stopped, split brain, returning', () => {
    const rolesAt = (event: 'crash' | 'stop' | 'link-cut' | 'return', kind: string, which: 'first' | 'last' = 'last') => {
      const steps = failoverTimeline(natHa(), 'pair', event)!.filter((s) => s.kind === kind);
      return (which === 'first' ? steps[0] : steps.at(-1))!.roles;
    };
    expect(failoverTimeline(natHa(), 'pair', 'crash')![0]!.roles).toEqual({ lvs1: 'master', lvs2: 'backup' });
    expect(rolesAt('crash', 'event')).toEqual({ lvs1: 'down', lvs2: 'backup' });
    expect(rolesAt('crash', 'become-master')).toEqual({ lvs1: 'down', lvs2: 'master' });
    expect(rolesAt('stop', 'priority-0')).toEqual({ lvs1: 'stopped', lvs2: 'backup' });
    expect(rolesAt('stop', 'become-master')).toEqual({ lvs1: 'stopped', lvs2: 'master' });
    expect(rolesAt('link-cut', 'become-master')).toEqual({ lvs1: 'master', lvs2: 'master' });
    expect(rolesAt('return', 'become-master', 'first')).toEqual({ lvs1: 'down', lvs2: 'master' });
    const boots = failoverTimeline(natHa(), 'pair', 'return')!.find((s) => s.text.en.includes('boots'))!;
    expect(boots.roles).toEqual({ lvs1: 'backup', lvs2: 'master' });
    expect(failoverTimeline(natHa(), 'pair', 'return')!.at(-1)!.roles).toEqual({ lvs1: 'master', lvs2: 'backup' });
  });
  it('steps are in time order for every event, with and without sync, preempt and nopreempt', () => {
    for (const design of [natHa(), drHa()])
      for (const event of ['crash', 'stop', 'link-cut', 'return'] as const)
        for (const sync of [true, false]) {
          const times = failoverTimeline(design, design.directorGroups![0]!.id, event, { sync })!.map((s) => s.at);
          expect(times, `${design.name} ${event} sync=${sync}`).toEqual([...times].sort((a, b) => a - b));
        }
  });
  it('the garp_master_delay repeat comes after the next packet, and the flow state it shows is the one after that packet', () => {
    const steps = failoverTimeline(natHa(), 'pair', 'crash', { sync: false })!;
    const kinds = steps.map((s) => s.kind);
    expect(kinds.lastIndexOf('garp')).toBeGreaterThan(kinds.indexOf('packet'));
    expect(steps.at(-1)!.flowAlive).toBe(false);
  });
  it('no timeline for an unknown group', () => {
    expect(failoverTimeline(natHa(), 'nope', 'crash')).toBeNull();
  });
});

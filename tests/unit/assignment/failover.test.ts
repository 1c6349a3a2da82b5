/**
 * The failover goal: statically (the VRRP analysis, crash and interface-down) on the HA assignment's
 * prepared submissions, and its kernel part with a scripted lab backend — what the measurement
 * script prints is read back and graded against the limit. The real kernel: tests/lab/grade-lab.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AssignmentFile } from '../../../shared/assignment/index.ts';
import { acceptSubmission, gradeAccepted, gradeSubmission, parseAssignment } from '../../../shared/assignment/index.ts';
import type { FailoverMeasure, FailoverSpec, LabBackend } from '../../../electron/services/assignment/labGrade.ts';
import { failoverScript, failoverSpecOf, gradeInLab, parseFailover } from '../../../electron/services/assignment/labGrade.ts';

const parsed = parseAssignment(readFileSync('examples/assignments/lvs-nat-ha.lvs-assignment.json', 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const a: AssignmentFile = parsed.value;
const sub = (f: string) => readFileSync(`examples/assignments/ha-submissions/${f}.lvs-submission.json`, 'utf8');

describe('failover goal (static)', () => {
  it('the correct pair passes both events; advert_int 4 fails the crash goal with the computed time', () => {
    const lin = gradeSubmission(a, sub('h01-lin'), 'h01');
    expect(lin).toMatchObject({ status: 'graded', points: lin.maxPoints });
    // eth1 carries the DIP: keepalived FAULTs lvs1 at once (0.61 s = the backup's skew).
    expect(lin.goals.find((g) => g.id === 'failover-link')!.message.en).toBe('lvs2 takes over 0.61 s after eth1 of lvs1 goes down (computed, ≤ 8 s)');
    const omar = gradeSubmission(a, sub('h02-omar'), 'h02');
    const crash = omar.goals.find((g) => g.id === 'failover-crash')!;
    expect(crash.passed).toBe(false);
    expect(crash.message.en).toBe('a backup takes over 12.61 s after lvs1 dies; at most 8 s is asked');
    expect(crash.message.zh).toBe('lvs1 宕机后 12.61 秒备用节点才接管，要求不超过 8 秒');
    expect(omar.goals.find((g) => g.id === 'failover-link')!.passed).toBe(true);
  });

  it('refuses an interface-down goal without the interface', () => {
    const broken = structuredClone(a) as AssignmentFile & { goals: Record<string, unknown>[] };
    delete broken.goals.find((g) => g.id === 'failover-link')!.iface;
    expect(parseAssignment(JSON.stringify(broken))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/iface is given exactly when event is interface-down/),
    });
  });
});

describe('failover goal (kernel part, scripted backend)', () => {
  it('reads the measurement script output', () => {
    expect(parseFailover('master lvs1\ntook lvs2 3.41\nserved 3.90\nend\n')).toEqual({
      settled: true,
      master: 'lvs1',
      newHolder: 'lvs2',
      takeoverSeconds: 3.41,
      servedSeconds: 3.9,
    });
    expect(parseFailover('master lvs1\nend\n')).toMatchObject({ settled: true, newHolder: null, servedSeconds: null });
    expect(parseFailover('unsettled lvs1 lvs2 \n')).toEqual({
      settled: false,
      detail: 'not the expected master alone holds the VIP within 40 s (held by lvs1 lvs2)',
    });
    expect(parseFailover('keepalived-failed lvs2 bad line\n')).toMatchObject({ settled: false, detail: 'keepalived does not start on lvs2: bad line' });
  });

  it('the spec names members, their cabled links, the VIP and the service; the script breaks only the master', () => {
    const s = acceptSubmission(a, sub('h01-lin'));
    if (!s.ok) throw new Error(s.error.reason.en);
    const spec = failoverSpecOf(s.value.design.topology, 'pair', { event: 'interface-down', iface: 'eth1', withinSeconds: 8 })!;
    expect(spec.members).toEqual([
      { host: 'lvs1', ifaces: ['eth0', 'eth1'] },
      { host: 'lvs2', ifaces: ['eth0', 'eth1'] },
    ]);
    expect(spec).toMatchObject({ client: 'client', master: 'lvs1', limitSeconds: 18, event: 'interface-down', iface: 'eth1' });
    expect(failoverScript(spec)).toContain('[ "$m" = lvs1 ]');
    expect(spec.url).toBe(`http://${spec.vip}:80/`);
    const script = failoverScript(spec);
    expect(script).toContain('/sbin/ip netns exec "lvsd-$m" /sbin/ip link set eth1 down');
    expect(script).toContain('-p $d/ka.pid');
    expect(failoverScript(spec, true)).not.toContain('link set eth1 down');
    expect(() => failoverScript({ ...spec, client: 'x; reboot' })).toThrow(/bad failover spec/);
  });

  it('grades the measured time against the limit: served in time passes, too late or never fails with the numbers', async () => {
    const s = acceptSubmission(a, sub('h01-lin'));
    if (!s.ok) throw new Error(s.error.reason.en);
    const run = async (m: (spec: FailoverSpec) => FailoverMeasure) => {
      const b: LabBackend = {
        build: async () => {},
        fetch: async (_h, _u, n) =>
          Array<string>(n)
            .fill('rs1')
            .map((x, i) => (i % 2 ? 'rs2' : x)),
        clear: async () => {},
        alive: async () => true,
        failover: async (spec) => m(spec),
      };
      const [g] = await gradeInLab(b, [{ grade: gradeAccepted('h01', s.value), accepted: s.value }]);
      return g!;
    };
    const ok = await run(() => ({ settled: true, master: 'lvs1', newHolder: 'lvs2', takeoverSeconds: 3.5, servedSeconds: 4 }));
    expect(ok.points).toBe(ok.maxPoints);
    expect(ok.goals.find((g) => g.id === 'failover-crash')!.lab).toMatchObject({
      status: 'pass',
      message: { en: expect.stringMatching(/^lvs2 held [\d.]+ 3\.50 s after lvs1 dies; client answered again after 4\.00 s \(measured, ≤ 8 s\)$/) },
    });
    const late = await run(() => ({ settled: true, master: 'lvs1', newHolder: 'lvs2', takeoverSeconds: 7.5, servedSeconds: 9.2 }));
    expect(late.goals.find((g) => g.id === 'failover-crash')).toMatchObject({
      passed: false,
      awarded: 0,
      lab: { status: 'fail', message: { en: expect.stringMatching(/only after 9\.20 s \(measured\), more than 8 s/) } },
    });
    const never = await run((spec) =>
      spec.event === 'interface-down'
        ? { settled: true, master: 'lvs1', newHolder: null, takeoverSeconds: null, servedSeconds: null }
        : { settled: true, master: 'lvs1', newHolder: 'lvs2', takeoverSeconds: 3, servedSeconds: 3.2 },
    );
    expect(never.goals.find((g) => g.id === 'failover-link')!.lab!.message.en).toMatch(
      /^eth1 of lvs1 goes down: no backup held [\d.]+ within 18 s on the real kernel \(lvs1 kept it/,
    );
    expect(never.points).toBe(never.maxPoints - 20);
    const unsettled = await run(() => ({ settled: false, detail: 'no member holds the VIP with the client answered within 40 s' }));
    expect(unsettled.goals.find((g) => g.id === 'failover-crash')!.lab!.message.en).toBe(
      'the pair did not settle on the kernel: no member holds the VIP with the client answered within 40 s',
    );
  });
});

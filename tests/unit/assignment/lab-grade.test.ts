/**
 * The lab grader's batch logic with a scripted backend (no qemu): kernel parts merged into the
 * goals, a design that does not apply, a submission that overruns its budget, a lab that dies —
 * and the hosts removed after every submission whatever happened. The real kernel: tests/lab/grade-lab.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AcceptedSubmission, Grade } from '../../../shared/assignment/index.ts';
import {
  acceptSubmission,
  fillAssignment,
  gradeAccepted,
  makeSubmission,
  parseAssignment,
  refusedGrade,
  serializeJson,
} from '../../../shared/assignment/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { LabBackend } from '../../../electron/services/assignment/labGrade.ts';
import { gradeInLab } from '../../../electron/services/assignment/labGrade.ts';
import { LabError } from '../../../electron/services/lab/vm.ts';

const parsed = parseAssignment(readFileSync('examples/assignments/lvs-dr.lvs-assignment.json', 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const a = parsed.value;

function item(seed: string): { grade: Grade; accepted: AcceptedSubmission } {
  const f = fillAssignment(a, seed);
  if (!f.ok) throw new Error(f.error);
  const s = acceptSubmission(a, serializeJson(makeSubmission(f.value, f.value.solution!)));
  if (!s.ok) throw new Error(s.error.reason.en);
  return { grade: gradeAccepted(`${seed}.json`, s.value), accepted: s.value };
}

/** A backend whose answers are chosen per design (by its VIP) and that records what it was asked. */
function scripted(answer: (t: Topology, n: number) => string[] | 'hang' | 'dead', build: (t: Topology) => void = () => {}) {
  const log: string[] = [];
  let current: Topology | null = null;
  let dead = false;
  const b: LabBackend = {
    async build(t) {
      log.push(`build ${t.services[0]!.vip}`);
      build(t);
      current = t;
    },
    async fetch(_host, url, n) {
      log.push(`fetch ${url} ${n}`);
      const r = answer(current!, n);
      if (r === 'hang') return new Promise<string[]>((resolve) => setTimeout(() => resolve(Array(n).fill('rs1')), 300));
      if (r === 'dead') {
        dead = true;
        throw new LabError('ssh: connection refused');
      }
      return r;
    },
    async clear() {
      log.push('clear');
      current = null;
    },
    async failover() {
      throw new Error('the DR assignment has no failover goal');
    },
    async alive() {
      return !dead;
    },
  };
  return { b, log };
}

const ratioOf = (t: Topology, n: number): string[] => {
  const rs = t.services[0]!.realServers;
  const w1 = rs.find((r) => r.host === 'rs1')!.weight;
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) out.push(i % (w1 + 1) < w1 ? 'rs1' : 'rs2');
  return out;
};

describe('gradeInLab (scripted backend)', () => {
  it('a kernel that shares as configured keeps full marks; a kernel that does not fails the weights goal only', async () => {
    const good = item('s1');
    const bad = item('s2');
    const badVip = bad.accepted.filled.goals.find((g) => g.kind === 'weights')!.service.split(':')[0];
    const { b, log } = scripted((t, n) => (t.services[0]!.vip === badVip ? Array(n).fill('rs2') : ratioOf(t, n)));
    const [g1, g2] = await gradeInLab(b, [good, bad]);
    expect(g1).toMatchObject({ status: 'graded', points: 100, lab: true });
    expect(g1!.goals.find((g) => g.id === 'weights')!.lab).toMatchObject({ status: 'pass' });
    expect(g1!.goals.find((g) => g.id === 'walk')!.lab).toMatchObject({ status: 'pass' });
    expect(g2!.points).toBe(85);
    const w = g2!.goals.find((g) => g.id === 'weights')!;
    expect(w.passed).toBe(false);
    expect(w.lab!.message.en).toMatch(/40 requests on the real kernel: rs2:40, not rs1:\d rs2:1 ±10 %/);
    expect(log.filter((l) => l === 'clear').length).toBeGreaterThanOrEqual(2);
    expect(log.at(-1)).toBe('clear');
  });

  it('unanswered requests fail walk and weights, with how many', async () => {
    const { b } = scripted((t, n) =>
      ratioOf(t, n)
        .map((x, i) => (i % 3 === 2 ? 'FAILED' : x))
        .slice(0, 9),
    );
    const [g] = await gradeInLab(b, [item('s8')]);
    expect(g!.goals.find((x) => x.id === 'walk')!.lab!.message.en).toMatch(/^1 of 4 requests from client to [\d.]+:80 got no answer$/);
    expect(g!.goals.find((x) => x.id === 'weights')!.lab!.message.en).toMatch(/^3 of 9 requests on the real kernel got no answer \(rs1:\d rs2:\d\)$/);
    expect(g!.points).toBe(65);
  });

  it('a design whose configuration does not apply fails every kernel part with the output; the batch goes on', async () => {
    const { b } = scripted(ratioOf, () => {
      throw new LabError('apply.sh failed on rs1 (exit 1): RTNETLINK answers: File exists');
    });
    const [g] = await gradeInLab(b, [item('s3')]);
    expect(g!.status).toBe('graded');
    expect(g!.goals.filter((x) => x.lab?.status === 'fail').map((x) => x.id)).toEqual(['walk', 'weights']);
    expect(g!.points).toBe(65);
    expect(g!.goals.find((x) => x.id === 'walk')!.lab!.message.en).toMatch(/could not be built in the lab: apply.sh failed on rs1/);
  });

  it('a submission that overruns its budget is marked timeout, waited for and cleared before the next starts', async () => {
    const slow = item('s4');
    const slowVip = slow.accepted.filled.goals[0]!.kind === 'balances' ? slow.accepted.filled.goals[0]!.service.split(':')[0] : '';
    const { b, log } = scripted((t, n) => (t.services[0]!.vip === slowVip ? 'hang' : ratioOf(t, n)));
    const grades = await gradeInLab(b, [slow, item('s5')], { timeoutMs: 100 });
    expect(grades[0]).toMatchObject({ status: 'timeout', points: 0 });
    expect(grades[0]!.reason!.en).toMatch(/stopped after 0.1 s in the lab/);
    expect(grades[1]).toMatchObject({ status: 'graded', points: 100 });
    // The hung design was cleared before the next one was built.
    const i = log.indexOf(`build ${item('s5').accepted.design.topology.services[0]!.vip}`);
    expect(log.slice(0, i)).toContain('clear');
  });

  it('a lab that dies marks that submission and the rest lab-error; refused submissions pass through', async () => {
    const { b, log } = scripted(() => 'dead');
    const refused = refusedGrade(a, 'bad.json', { status: 'malformed', reason: { en: 'x', zh: 'x' } });
    const grades = await gradeInLab(b, [item('s6'), { grade: refused, accepted: null }, item('s7')]);
    expect(grades.map((g) => g.status)).toEqual(['lab-error', 'malformed', 'lab-error']);
    expect(grades[0]!.reason!.en).toMatch(/the lab failed: ssh: connection refused/);
    expect(grades[2]!.reason!.en).toMatch(/not run: the lab VM stopped answering/);
    expect(log.filter((l) => l.startsWith('build'))).toHaveLength(1);
  });
});

/**
 * Challenge goals: questions fixed per student (seeded by assignment, goal and student id), the
 * grader rebuilding the quiz from the submitted design and scoring the stored answers — a copied
 * answer sheet or invented question ids earn nothing — and version 1 files read as version 2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChallengeGoal } from '../../../shared/assignment/index.ts';
import {
  SUBMISSION_FORMAT_VERSION,
  acceptSubmission,
  challengeQuiz,
  challengeSeed,
  fillAssignment,
  gradeSubmission,
  migrateSubmission,
  parseAssignment,
} from '../../../shared/assignment/index.ts';

const parsed = parseAssignment(readFileSync('examples/assignments/lvs-nat-ha.lvs-assignment.json', 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const a = parsed.value;
const sub = (f: string) => readFileSync(`examples/assignments/ha-submissions/${f}.lvs-submission.json`, 'utf8');
const challengeOf = (g: ReturnType<typeof gradeSubmission>) => g.goals.find((x) => x.id === 'challenge')!;

describe('challenge goal', () => {
  it('the seed is fixed per student and differs between students and goals', () => {
    expect(challengeSeed('lvs-nat-ha', 'challenge', 'h01')).toBe(challengeSeed('lvs-nat-ha', 'challenge', 'h01'));
    expect(challengeSeed('lvs-nat-ha', 'challenge', 'h01')).not.toBe(challengeSeed('lvs-nat-ha', 'challenge', 'h02'));
    expect(challengeSeed('lvs-nat-ha', 'challenge', 'h01')).not.toBe(challengeSeed('lvs-nat-ha', 'other', 'h01'));
    const seeds = new Set(Array.from({ length: 40 }, (_, i) => challengeSeed('lvs-nat-ha', 'challenge', `s${i}`)));
    expect(seeds.size).toBe(40);
    for (const s of seeds) expect(s).toBeGreaterThan(0);
  });

  it('rebuilds the quiz from the submitted design and scores the stored answers: 7/8 passes, 5/8 fails', () => {
    expect(challengeOf(gradeSubmission(a, sub('h01-lin')))).toMatchObject({
      passed: true,
      awarded: 15,
      message: { en: '7 of 8 packet-walk questions answered correctly (8 answered); at least 6 asked' },
    });
    const sara = challengeOf(gradeSubmission(a, sub('h03-sara')));
    expect(sara).toMatchObject({ passed: false, awarded: 0 });
    expect(sara.message.zh).toBe('8 道数据包走查题答对 5 道（已答 8 道），要求至少 6 道');
  });

  it('answers copied from another student, invented question ids or no answers earn nothing', () => {
    const lin = JSON.parse(sub('h01-lin')) as { challenges: Record<string, Record<string, string>> };
    const sara = JSON.parse(sub('h03-sara')) as Record<string, unknown>;
    const copied = challengeOf(gradeSubmission(a, JSON.stringify({ ...sara, challenges: lin.challenges })));
    expect(copied.passed).toBe(false);
    const invented = challengeOf(gradeSubmission(a, JSON.stringify({ ...sara, challenges: { challenge: { q999: 'x', 'q1-hook': 'LOCAL_IN' } } })));
    expect(invented).toMatchObject({ passed: false, message: { en: expect.stringMatching(/^0 of 8 .* \(0 answered\)/) } });
    const none = challengeOf(gradeSubmission(a, JSON.stringify({ ...sara, challenges: {} })));
    expect(none.message.en).toMatch(/^0 of 8 packet-walk questions answered correctly \(0 answered\)/);
    // A score field is not part of the format: the file is refused, never believed.
    expect(gradeSubmission(a, JSON.stringify({ ...sara, challengeScore: 8 })).status).toBe('malformed');
  });

  it('the quiz has the questions of the packet walk for that flow: the scheduler pick and the NAT rewrite are asked', () => {
    const f = fillAssignment(a, 'h01');
    if (!f.ok) throw new Error(f.error);
    const g = f.value.goals.find((x) => x.kind === 'challenge') as ChallengeGoal;
    const q = challengeQuiz(f.value.solution!.topology, g, challengeSeed(a.id, g.id, 'h01'));
    if (!q.ok) throw new Error(q.error.en);
    expect(q.quiz).toHaveLength(8);
    expect(q.quiz.map((x) => x.kind)).toContain('real-server');
    expect(q.flow).toMatchObject({ client: 'client', realServer: expect.any(String) });
    expect(challengeQuiz(f.value.start.topology, g, 1)).toMatchObject({ ok: false, error: { en: expect.stringMatching(/^there is no virtual service/) } });
  });

  it('reads version 1 submissions (no challenges) and assignments as version 2', () => {
    const dr = parseAssignment(readFileSync('examples/assignments/lvs-dr.lvs-assignment.json', 'utf8'));
    if (!dr.ok) throw new Error(dr.error);
    const v1 = parseAssignment(JSON.stringify({ ...dr.value, formatVersion: 1 }));
    expect(v1).toMatchObject({ ok: true, value: { formatVersion: 2 } });
    const alice = JSON.parse(readFileSync('examples/assignments/dr-submissions/s01-alice.lvs-submission.json', 'utf8')) as Record<string, unknown>;
    const { challenges: _c, ...rest } = alice;
    const old = { ...rest, formatVersion: 1 };
    expect(migrateSubmission(old)).toMatchObject({ formatVersion: SUBMISSION_FORMAT_VERSION, challenges: {} });
    expect(acceptSubmission(dr.value, JSON.stringify(old)).ok).toBe(true);
    expect(gradeSubmission(dr.value, JSON.stringify(old))).toMatchObject({ status: 'graded', points: 100 });
    // a version 2 file must carry its answers (an empty map when there is no challenge)
    expect(gradeSubmission(dr.value, JSON.stringify({ ...rest, formatVersion: 2 })).status).toBe('malformed');
    expect(parseAssignment(JSON.stringify({ ...dr.value, formatVersion: 3 }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/newer than this program reads \(2\)/),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { buildChallenge } from '../../../shared/classroom/challenge.ts';
import { natLab } from '../../../shared/model/labs.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import { pendingAt, questionAt, shownCursor } from '../../../renderer/classroom/challengeDerive.ts';
import { visibleSteps } from '../../../renderer/classroom/derive.ts';

const t = natLab();
const trace = simulate(t, { client: t.hosts.find((h) => h.role === 'client')!.id, service: t.services[0]!.id }, { seed: 2 });
const quiz = buildChallenge(t, trace, 2);
const visible = visibleSteps(trace, true);

describe('challenge mode in the walk', () => {
  it('holds the stage on the step before while the question at the cursor waits, and shows the step once answered', () => {
    const q = quiz[0]!;
    expect(questionAt(quiz, q.stepIndex)).toBe(q);
    expect(pendingAt(quiz, {}, q.stepIndex)).toBe(q);
    const before = visible.filter((i) => i < q.stepIndex).at(-1) ?? -1;
    expect(shownCursor(visible, q.stepIndex, q)).toBe(before);
    expect(pendingAt(quiz, { [q.id]: q.choices[0]!.value }, q.stepIndex)).toBeUndefined();
    expect(shownCursor(visible, q.stepIndex, undefined)).toBe(q.stepIndex);
  });

  it('asks nothing at a step without a question', () => {
    const free = visible.find((i) => !quiz.some((q) => q.stepIndex === i))!;
    expect(pendingAt(quiz, {}, free)).toBeUndefined();
    expect(shownCursor(visible, free, pendingAt(quiz, {}, free))).toBe(free);
  });
});

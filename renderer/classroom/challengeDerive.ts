/**
 * Derived data of the challenge mode: the memoised quiz of the trace being played, the question
 * waiting at the cursor, the step actually shown while it waits (the one before), the score and
 * the exportable result record. Nothing here is stored.
 */
import type { Question, Score } from '../../shared/classroom/challenge.ts';
import { buildChallenge, challengeResult, scoreOf, type ChallengeResult } from '../../shared/classroom/challenge.ts';
import type { Trace } from '../../shared/simulator/index.ts';
import type { AppState } from '../store/index.ts';
import { selectTrace } from './derive.ts';

const NONE: readonly Question[] = [];

/** The quiz of the played trace (empty when challenge mode is off); recomputed only when the trace or seed changes. */
export function makeQuizSelector(): (s: AppState) => readonly Question[] {
  let key: readonly unknown[] = [];
  let last: readonly Question[] = NONE;
  return (s) => {
    const result = selectTrace(s);
    const k = [s.simulation.challenge, result, s.simulation.seed, s.design.topology];
    if (k.every((x, i) => x === key[i])) return last;
    key = k;
    last = s.simulation.challenge && 'trace' in result ? buildChallenge(s.design.topology, result.trace, s.simulation.seed) : NONE;
    return last;
  };
}

export const selectQuiz = makeQuizSelector();

/** The question asked before step `cursor`, answered or not. */
export function questionAt(quiz: readonly Question[], cursor: number): Question | undefined {
  return quiz.find((q) => q.stepIndex === cursor);
}

/** The question at the cursor that still waits for an answer. */
export function pendingAt(quiz: readonly Question[], answers: Readonly<Record<string, string>>, cursor: number): Question | undefined {
  const q = questionAt(quiz, cursor);
  return q && answers[q.id] === undefined ? q : undefined;
}

/**
 * The step the stage and the packet panel show: the cursor's, or while its question waits the
 * visible step before it (-1 when the very first step is asked), so the answer is not on screen.
 */
export function shownCursor(visible: readonly number[], cursor: number, pending: Question | undefined): number {
  if (!pending) return cursor;
  let prev = -1;
  for (const i of visible) if (i < cursor) prev = i;
  return prev;
}

/** The running score of the current quiz (a fresh object: use it outside `useApp`, or memoise). */
export const scoreNow = (s: AppState): Score => scoreOf(selectQuiz(s), s.simulation.answers);

/** The result record the "Export result" button saves (schema in shared/classroom/challenge.ts). */
export function resultOf(s: AppState, trace: Trace, exportedAt: string): ChallengeResult {
  const sim = s.simulation;
  return challengeResult(
    {
      design: s.design.topology.name,
      seed: sim.seed,
      flow: { client: trace.flow.client, service: trace.service?.id ?? trace.flow.service, realServer: trace.realServer ?? null, method: trace.method ?? null },
      exportedAt,
    },
    selectQuiz(s),
    sim.answers,
  );
}

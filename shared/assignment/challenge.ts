/**
 * Challenge goals: the packet walk's challenge-mode quiz of one flow, drawn with a seed made from
 * the assignment, the goal and the student id — so every student gets fixed questions of their own,
 * in the app and at grading alike. The grader rebuilds the quiz from the submitted design and
 * scores the submission's stored answers; a score is never read from the file.
 */
import { strToU8 } from 'fflate';
import { buildChallenge, scoreOf } from '../classroom/challenge.ts';
import type { Choice, Question, Score } from '../classroom/challenge.ts';
import { withVrrpHolders } from '../model/ha.ts';
import type { RealServerId, Topology } from '../model/types.ts';
import { hostId, serviceId } from '../model/ids.ts';
import { sipHashBytes, sipKey } from '../simulator/siphash.ts';
import { simulate } from '../simulator/index.ts';
import type { Goal, Localized } from './schema.ts';
import { CHALLENGE_QUESTIONS } from './schema.ts';

export type ChallengeGoal = Extract<Goal, { kind: 'challenge' }>;

const KEY = sipKey(0x4c565343, 0x68616c6c);

/** The simulation seed of a student's challenge (1 … 2³¹−1): SipHash-2-4 of assignment id, goal id and student id. */
export function challengeSeed(assignmentId: string, goalId: string, studentSeed: string): number {
  const [hi, lo] = sipHashBytes(strToU8(`${assignmentId}\u0000${goalId}\u0000${studentSeed}`), KEY, 2, 4);
  return ((hi ^ lo) >>> 1) % 0x7ffffffe || 1;
}

/** The flow a challenge goal plays in the packet walk (ids as the classroom's simulation state holds them). */
export interface ChallengeFlow {
  readonly client: string;
  readonly service: string;
  readonly realServer: RealServerId | null;
  readonly seed: number;
}

/** The flow of goal `g` in design `t` for the given seed, or why there is none. */
export function challengeFlow(t: Topology, g: ChallengeGoal, seed: number): { ok: true; flow: ChallengeFlow } | { ok: false; error: Localized } {
  const i = g.service.lastIndexOf(':');
  const svc = t.services.find((s) => s.vip === g.service.slice(0, i) && s.port === Number(g.service.slice(i + 1)) && s.protocol !== 'fwmark');
  if (!svc) return { ok: false, error: { en: `there is no virtual service ${g.service}`, zh: `没有虚拟服务 ${g.service}` } };
  if (!t.hosts.some((h) => h.id === g.client)) return { ok: false, error: { en: `there is no client host "${g.client}"`, zh: `没有客户端主机“${g.client}”` } };
  let realServer: RealServerId | null = null;
  if (g.realServer !== undefined) {
    const rs = svc.realServers.find((r) => r.host === g.realServer);
    if (!rs) return { ok: false, error: { en: `${g.service} has no real server on ${g.realServer}`, zh: `${g.service} 在 ${g.realServer} 上没有真实服务器` } };
    realServer = rs.id;
  }
  return { ok: true, flow: { client: g.client, service: svc.id, realServer, seed } };
}

/**
 * The quiz of a challenge goal — the same questions the packet walk's challenge mode asks for that
 * flow and seed (the classroom simulates the steady state of HA groups and quizzes the trace).
 */
export function challengeQuiz(
  t: Topology,
  g: ChallengeGoal,
  seed: number,
): { ok: true; quiz: Question[]; flow: ChallengeFlow } | { ok: false; error: Localized } {
  const f = challengeFlow(t, g, seed);
  if (!f.ok) return f;
  const { client, service, realServer } = f.flow;
  const trace = simulate(withVrrpHolders(t), { client: hostId(client), service: serviceId(service), ...(realServer ? { realServer } : {}) }, { seed });
  return { ok: true, quiz: buildChallenge(t, trace, seed, { max: CHALLENGE_QUESTIONS }), flow: f.flow };
}

/** Scores stored answers against the rebuilt quiz. */
export function scoreChallenge(quiz: readonly Question[], answers: Readonly<Record<string, string>> | undefined): Score {
  return scoreOf(quiz, answers ?? {});
}

/** The quiz of one challenge goal as a student sees it: questions and choices, never the answers. */
export interface StudentQuiz {
  readonly goal: string;
  readonly minCorrect: number;
  /** Why the questions cannot be drawn (the flow does not play on this design); then `questions` is empty. */
  readonly error?: Localized;
  readonly questions: readonly { readonly id: string; readonly prompt: Localized; readonly choices: readonly Choice[] }[];
}

/** Letters of the choices in display order, as the packet walk shows them. */
export const CHOICE_LETTERS = ['A', 'B', 'C', 'D'] as const;

/**
 * The challenge goals of a filled assignment with the questions each asks the student `f.seed` on
 * design `t` — the ones the grader scores (same seed, same design) — without the answers.
 */
export function studentQuizzes(
  f: { readonly assignment: { readonly id: string }; readonly seed: string; readonly goals: readonly Goal[] },
  t: Topology,
): StudentQuiz[] {
  const out: StudentQuiz[] = [];
  for (const g of f.goals) {
    if (g.kind !== 'challenge') continue;
    const q = challengeQuiz(t, g, challengeSeed(f.assignment.id, g.id, f.seed));
    if (!q.ok) out.push({ goal: g.id, minCorrect: g.minCorrect, error: q.error, questions: [] });
    else out.push({ goal: g.id, minCorrect: g.minCorrect, questions: q.quiz.map((x) => ({ id: x.id, prompt: x.prompt, choices: x.choices })) });
  }
  return out;
}

/**
 * Checks a student's answers (goal id → question id → choice letter A–D or choice value) against
 * the quizzes and returns them as the submission stores them (choice values). Every problem is
 * named: a goal that is not a challenge goal, a question the quiz does not ask, a choice it does
 * not offer. Answers to a quiz that cannot be drawn are refused too (the grader could not score them).
 */
export function resolveChallengeAnswers(
  quizzes: readonly StudentQuiz[],
  given: Readonly<Record<string, Readonly<Record<string, string>>>>,
): { ok: true; value: Record<string, Record<string, string>> } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const value: Record<string, Record<string, string>> = {};
  const byGoal = new Map(quizzes.map((q) => [q.goal, q]));
  for (const [goal, answers] of Object.entries(given)) {
    const quiz = byGoal.get(goal);
    if (!quiz) {
      errors.push(`goal "${goal}" is not a challenge goal of this assignment (challenge goals: ${quizzes.map((q) => q.goal).join(', ') || 'none'})`);
      continue;
    }
    if (quiz.error) {
      errors.push(`goal "${goal}": the questions cannot be drawn on this design (${quiz.error.en})`);
      continue;
    }
    const out: Record<string, string> = {};
    for (const [qid, raw] of Object.entries(answers)) {
      const q = quiz.questions.find((x) => x.id === qid);
      if (!q) {
        errors.push(`goal "${goal}": no question "${qid}" (questions: ${quiz.questions.map((x) => x.id).join(', ')})`);
        continue;
      }
      const letter = CHOICE_LETTERS.indexOf(raw.trim().toUpperCase() as (typeof CHOICE_LETTERS)[number]);
      const choice = letter >= 0 && letter < q.choices.length ? q.choices[letter] : q.choices.find((c) => c.value === raw);
      if (!choice) {
        errors.push(
          `goal "${goal}", question "${qid}": "${raw}" is not one of its choices (${q.choices.map((c, i) => `${CHOICE_LETTERS[i]} = ${c.value}`).join(', ')})`,
        );
        continue;
      }
      out[qid] = choice.value;
    }
    value[goal] = out;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

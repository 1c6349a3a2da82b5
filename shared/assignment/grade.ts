/**
 * Grading: one submission ({@link gradeSubmission}, never throws) and a class summary
 * ({@link classSummary}: which goals most students failed).
 */
import type { AssignmentFile, Localized } from './schema.ts';
import type { AcceptedSubmission, Refusal } from './assignment.ts';
import { acceptSubmission } from './assignment.ts';
import type { GoalResult } from './goals.ts';
import { evaluateGoals, lockedViolations } from './goals.ts';

/** How a submission ended up. `timeout`/`lab-error`: the lab grader stopped it (see its reason). */
export type GradeStatus = 'graded' | 'malformed' | 'wrong-assignment' | 'wrong-seed' | 'timeout' | 'lab-error';

/** The grade of one submission. */
export interface Grade {
  /** The file it came from (as given to the grader). */
  readonly file: string;
  readonly seed: string | null;
  readonly student: string | null;
  readonly status: GradeStatus;
  /** Why it was not graded normally (null when `graded`). */
  readonly reason: Localized | null;
  readonly points: number;
  readonly maxPoints: number;
  readonly goals: readonly GoalResult[];
  /** Locked elements the student changed (then `points` is 0). */
  readonly locked: readonly string[];
  /** Whether the real-kernel parts were run. */
  readonly lab: boolean;
}

/** Maximum points of the assignment (same for every seed). */
export function maxPointsOf(a: AssignmentFile): number {
  return a.goals.reduce((s, g) => s + g.points, 0);
}

/** Grades goals of an accepted submission (static and simulated). */
export function gradeAccepted(file: string, s: AcceptedSubmission): Grade {
  const goals = evaluateGoals(s.filled, s.design.topology, s.submission.challenges);
  return totalled({
    file,
    seed: s.submission.seed,
    student: s.submission.student ?? null,
    status: 'graded',
    reason: null,
    points: 0,
    maxPoints: maxPointsOf(s.filled.assignment),
    goals,
    locked: lockedViolations(s.filled, s.design.topology),
    lab: false,
  });
}

/** Recomputes `points` from the goals (and the locked rule): after the lab changed some goals. */
export function totalled(g: Grade): Grade {
  const sum = g.goals.reduce((s, x) => s + x.awarded, 0);
  const reason =
    g.status === 'graded' && g.locked.length > 0
      ? { en: `locked element(s) changed: ${g.locked.join(', ')}; no points`, zh: `修改了锁定的元素：${g.locked.join('、')}；不得分` }
      : g.reason;
  return { ...g, reason, points: g.status === 'graded' && g.locked.length === 0 ? sum : 0 };
}

/** A refused submission as a grade with 0 points and the reason. */
export function refusedGrade(
  a: AssignmentFile,
  file: string,
  r: Refusal | { status: 'timeout' | 'lab-error'; reason: Localized; seed?: string; student?: string },
): Grade {
  return {
    file,
    seed: r.seed ?? null,
    student: r.student ?? null,
    status: r.status,
    reason: r.reason,
    points: 0,
    maxPoints: maxPointsOf(a),
    goals: [],
    locked: [],
    lab: false,
  };
}

/**
 * Grades one submission's text against assignment `a`, statically and in simulation. Never
 * throws: an unreadable, malformed or mismatched submission comes back graded as such, with 0
 * points and the reason.
 * @example gradeSubmission(assignment, fs.readFileSync('alice.lvs-submission.json', 'utf8'), 'alice.lvs-submission.json')
 */
export function gradeSubmission(a: AssignmentFile, text: string, file = ''): Grade {
  try {
    const s = acceptSubmission(a, text);
    return s.ok ? gradeAccepted(file, s.value) : refusedGrade(a, file, s.error);
  } catch (e) {
    return refusedGrade(a, file, {
      status: 'malformed',
      reason: { en: `could not be graded: ${(e as Error).message}`, zh: `无法评分：${(e as Error).message}` },
    });
  }
}

/** One goal across the class. */
export interface GoalSummary {
  readonly id: string;
  readonly title: Localized;
  readonly points: number;
  /** Submissions that were graded (status `graded`). */
  readonly graded: number;
  readonly failed: number;
  /** The most common failure message among them (English and Chinese). */
  readonly commonFailure: Localized | null;
}

/** The class summary: per goal how many failed, most failed first; counts per status; average. */
export interface ClassSummary {
  readonly submissions: number;
  readonly byStatus: Readonly<Record<GradeStatus, number>>;
  readonly averagePoints: number;
  readonly maxPoints: number;
  readonly goals: readonly GoalSummary[];
}

export function classSummary(a: AssignmentFile, grades: readonly Grade[]): ClassSummary {
  const byStatus: Record<GradeStatus, number> = { graded: 0, malformed: 0, 'wrong-assignment': 0, 'wrong-seed': 0, timeout: 0, 'lab-error': 0 };
  for (const g of grades) byStatus[g.status]++;
  const graded = grades.filter((g) => g.status === 'graded');
  // The template's goals: their titles keep the placeholders ({{VIP}}), which read right for a class.
  const goals = a.goals.map((def): GoalSummary => {
    const results = graded.map((g) => g.goals.find((x) => x.id === def.id)).filter((x): x is GoalResult => x !== undefined);
    const failures = results.filter((r) => !r.passed);
    // Messages carry per-student addresses; group by their first clause.
    const counts = new Map<string, { n: number; msg: Localized }>();
    for (const f of failures) {
      const key = f.message.en.replace(/\d+\.\d+\.\d+\.\d+(:\d+)?(\/\d+)?/g, '…');
      const c = counts.get(key) ?? { n: 0, msg: f.message };
      c.n++;
      counts.set(key, c);
    }
    const common = [...counts.values()].sort((x, y) => y.n - x.n)[0];
    return { id: def.id, title: def.title, points: def.points, graded: results.length, failed: failures.length, commonFailure: common?.msg ?? null };
  });
  goals.sort((x, y) => y.failed - x.failed);
  const total = grades.reduce((s, g) => s + g.points, 0);
  return { submissions: grades.length, byStatus, averagePoints: grades.length ? total / grades.length : 0, maxPoints: maxPointsOf(a), goals };
}

/**
 * Reading assignments and submissions, filling an assignment for one student, the student's copy
 * (no solution) and building a submission. Expected failures are values ({@link Result}).
 */
import type { z } from 'zod';
import { formatPath, parseDesignFile, firstTooDeep } from '../model/file.ts';
import type { DesignFile } from '../model/types.ts';
import { ruleById } from '../validation/index.ts';
import type { Result } from '../util/result.ts';
import { err, ok } from '../util/result.ts';
import type { AssignmentFile, Goal, Localized, SubmissionFile } from './schema.ts';
import { ASSIGNMENT_FORMAT_VERSION, SUBMISSION_FORMAT_VERSION, assignmentSchema, goalSchema, submissionSchema } from './schema.ts';
import type { Plan } from './plan.ts';
import { PlanError, fillPlan, fillTemplate, placeholdersOf, planDigest } from './plan.ts';

/** Assignment and submission files larger than this are refused before parsing. */
export const MAX_ASSIGNMENT_BYTES = 8 * 1024 * 1024;

/** The seed `parseAssignment` fills the plan with to prove the templates parse. */
export const PROBE_SEED = 'probe';

/** An assignment filled for one student: plan, designs and goals with real addresses. */
export interface FilledAssignment {
  readonly assignment: AssignmentFile;
  readonly seed: string;
  readonly plan: Plan;
  readonly digest: string;
  readonly start: DesignFile;
  readonly solution: DesignFile | null;
  readonly goals: readonly Goal[];
  /** Instructions with the student's addresses filled in (Markdown). */
  readonly instructions: Localized;
}

function parseJson(text: string, what: string): Result<unknown, string> {
  if (text.length > MAX_ASSIGNMENT_BYTES) return err(`the ${what} is larger than ${MAX_ASSIGNMENT_BYTES / 1024 / 1024} MiB`);
  if (firstTooDeep(text) >= 0) return err(`the ${what} is nested too deeply`);
  if (text.includes('"__proto__"')) return err(`the ${what} contains the key "__proto__"`);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(`the ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function zodReason(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return 'invalid';
  const more = e.issues.length > 1 ? ` (and ${e.issues.length - 1} more)` : '';
  return `${i.path.length ? `${formatPath(i.path)}: ` : ''}${i.message}${more}`;
}

/**
 * Fills `a` for the student `seed`: plan, starting design, solution and goals. Errors name the
 * template that does not fill or parse.
 */
export function fillAssignment(a: AssignmentFile, seed: string): Result<FilledAssignment, string> {
  const reserved = placeholdersOf([a.start, a.solution ?? null, a.goals, a.instructions]);
  const plan = fillPlan(a.plan.variables, a.id, seed, reserved);
  if (!plan.ok) return plan;
  try {
    const design = (what: string, tpl: unknown): DesignFile => {
      const r = parseDesignFile(JSON.stringify(fillTemplate(tpl, plan.value)));
      if (!r.ok) throw new PlanError(`${what}: ${r.error.message}`);
      return r.value;
    };
    const start = design('start', a.start);
    const solution = a.solution ? design('solution', a.solution) : null;
    const goals: Goal[] = [];
    const ids = new Set<string>();
    for (const [i, g] of fillTemplate(a.goals, plan.value).entries()) {
      const r = goalSchema.safeParse(g);
      if (!r.success) return err(`goals[${i}]: ${zodReason(r.error)}`);
      if (r.data.kind === 'rule-clear') {
        const unknown = r.data.rules.find((id) => !ruleById(id));
        if (unknown) return err(`goals[${i}]: there is no checker rule "${unknown}"`);
      }
      if (ids.has(r.data.id)) return err(`goals[${i}]: the id "${r.data.id}" is used twice`);
      ids.add(r.data.id);
      goals.push(r.data);
    }
    return ok({
      assignment: a,
      seed,
      plan: plan.value,
      digest: planDigest(plan.value),
      start,
      solution,
      goals,
      instructions: fillTemplate(a.instructions, plan.value),
    });
  } catch (e) {
    if (e instanceof PlanError) return err(e.message);
    throw e;
  }
}

/** Parses an assignment file and proves that its templates fill and parse (with {@link PROBE_SEED}). */
export function parseAssignment(text: string): Result<AssignmentFile, string> {
  const raw = parseJson(text, 'assignment');
  if (!raw.ok) return raw;
  const doc = raw.value as { format?: unknown; formatVersion?: unknown };
  if (!doc || typeof doc !== 'object' || doc.format !== 'lvs-assignment') return err('not an assignment file (expected "format": "lvs-assignment")');
  if (typeof doc.formatVersion === 'number' && doc.formatVersion > ASSIGNMENT_FORMAT_VERSION)
    return err(`assignment format version ${doc.formatVersion} is newer than this program reads (${ASSIGNMENT_FORMAT_VERSION})`);
  const r = assignmentSchema.safeParse(migrateAssignment(raw.value));
  if (!r.success) return err(zodReason(r.error));
  const probe = fillAssignment(r.data, PROBE_SEED);
  if (!probe.ok) return err(probe.error);
  return ok(r.data);
}

/**
 * Reads an older assignment file as the current version: version 1 differs only in lacking the
 * `challenge` goal kind, so its content is kept and the version raised. Anything else is returned
 * as it is (the schema then says what is wrong).
 */
export function migrateAssignment(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && (doc as { formatVersion?: unknown }).formatVersion === 1) return { ...doc, formatVersion: ASSIGNMENT_FORMAT_VERSION };
  return doc;
}

/** Reads a version 1 submission as version 2: no challenge answers. */
export function migrateSubmission(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && (doc as { formatVersion?: unknown }).formatVersion === 1)
    return { ...doc, formatVersion: SUBMISSION_FORMAT_VERSION, challenges: {} };
  return doc;
}

/** Serialises an assignment or submission (2-space JSON, trailing newline). */
export const serializeJson = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** The copy handed to students: the same file without the teacher's solution. */
export function studentCopy(a: AssignmentFile): AssignmentFile {
  const { solution: _solution, ...rest } = a;
  return rest;
}

/** Builds a student's submission of `design` for the filled assignment. */
export function makeSubmission(
  f: FilledAssignment,
  design: DesignFile,
  extra: { student?: string; submittedAt?: string; challenges?: SubmissionFile['challenges'] } = {},
): SubmissionFile {
  return {
    format: 'lvs-submission',
    formatVersion: SUBMISSION_FORMAT_VERSION,
    assignmentId: f.assignment.id,
    seed: f.seed,
    planDigest: f.digest,
    ...(extra.student !== undefined ? { student: extra.student } : {}),
    ...(extra.submittedAt !== undefined ? { submittedAt: extra.submittedAt } : {}),
    design: design as unknown as SubmissionFile['design'],
    challenges: extra.challenges ?? {},
  };
}

/** Why a submission cannot be graded, in English and Chinese. */
export interface Refusal {
  readonly status: 'malformed' | 'wrong-assignment' | 'wrong-seed';
  readonly reason: Localized;
  /** What the file said, when it got that far. */
  readonly seed?: string;
  readonly student?: string;
}

/** A submission read and matched against the assignment, ready for goal evaluation. */
export interface AcceptedSubmission {
  readonly submission: SubmissionFile;
  readonly filled: FilledAssignment;
  readonly design: DesignFile;
}

/**
 * Reads a submission's text and matches it with assignment `a`: the JSON and schema, the
 * assignment id, the plan digest of the claimed seed, and the design file inside.
 */
export function acceptSubmission(a: AssignmentFile, text: string): Result<AcceptedSubmission, Refusal> {
  const raw = parseJson(text, 'submission');
  const malformed = (en: string, zh: string, extra: Partial<Refusal> = {}): Result<never, Refusal> =>
    err({ status: 'malformed', reason: { en, zh }, ...extra });
  if (!raw.ok) return malformed(raw.error, `提交文件无法读取：${raw.error}`);
  const s = submissionSchema.safeParse(migrateSubmission(raw.value));
  if (!s.success) {
    const why = zodReason(s.error);
    return malformed(`not a valid submission file: ${why}`, `不是有效的提交文件：${why}`);
  }
  const sub = s.data;
  const who = { seed: sub.seed, ...(sub.student !== undefined ? { student: sub.student } : {}) };
  if (sub.assignmentId !== a.id)
    return err({
      status: 'wrong-assignment',
      reason: { en: `made for assignment "${sub.assignmentId}", not "${a.id}"`, zh: `这是作业“${sub.assignmentId}”的提交，不是“${a.id}”` },
      ...who,
    });
  const filled = fillAssignment(a, sub.seed);
  if (!filled.ok)
    return malformed(`the plan for seed "${sub.seed}" cannot be made: ${filled.error}`, `无法为种子“${sub.seed}”生成地址规划：${filled.error}`, who);
  if (filled.value.digest !== sub.planDigest)
    return err({
      status: 'wrong-seed',
      reason: {
        en: `the submission was made with another address plan than the one of seed "${sub.seed}" (plan digest ${sub.planDigest}, expected ${filled.value.digest}): a copied file or an edited seed`,
        zh: `提交所用的地址规划与种子“${sub.seed}”的规划不一致（规划摘要 ${sub.planDigest}，应为 ${filled.value.digest}）：可能是抄来的文件或改过的种子`,
      },
      ...who,
    });
  const d = parseDesignFile(JSON.stringify(sub.design));
  if (!d.ok) return malformed(`the design inside is not valid: ${d.error.message}`, `其中的设计无效：${d.error.message}`, who);
  return ok({ submission: sub, filled: filled.value, design: d.value });
}

/**
 * `lvsd assignment new|preview|export|submit` — the teacher's and the student's side of an
 * assignment file (`*.lvs-assignment.json`, see docs/instructor.md).
 *
 *   new DESIGN --id ID --title T [--title-zh T] [--goals a,b] [--start no-services|empty|solution] [--fixed] [--exam MIN] --out FILE
 *   preview FILE --seed S [--lang en|zh] [--json]
 *   export FILE --out FILE          (the students' copy: without the solution)
 *   quiz FILE --seed S --design DESIGN [--lang en|zh] [--json]   (the challenge questions, no answers)
 *   submit FILE --seed S --design DESIGN [--student NAME] [--answers FILE] [--answer GOAL/QUESTION=CHOICE…] --out FILE
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand, CliIO } from '../io.ts';
import { EXIT } from '../io.ts';
import { intOption, parseCommandLine } from '../options.ts';
import { loadDesign } from '../loadDesign.ts';
import { writeFileAtomic } from '../../services/files/atomic.ts';
import type { AssignmentFile, FilledAssignment } from '../../../shared/assignment/index.ts';
import type { DesignFile } from '../../../shared/model/types.ts';
import {
  MAX_ASSIGNMENT_BYTES,
  authorAssignment,
  evaluateGoals,
  fillAssignment,
  lockedViolations,
  CHOICE_LETTERS,
  challengeAnswersSchema,
  makeSubmission,
  parseAssignment,
  resolveChallengeAnswers,
  studentQuizzes,
  planTable,
  serializeJson,
  studentCopy,
} from '../../../shared/assignment/index.ts';

const USAGE = `usage: lvsd assignment new DESIGN --id ID --title TEXT [--title-zh TEXT] [--goals ID,ID] [--start no-services|empty|solution] [--fixed] [--exam MINUTES] --out FILE
       lvsd assignment preview FILE --seed STUDENT [--lang en|zh] [--json]
       lvsd assignment export FILE --out FILE
       lvsd assignment quiz FILE --seed STUDENT --design DESIGN [--lang en|zh] [--json]
       lvsd assignment submit FILE --seed STUDENT --design DESIGN [--student NAME]
                              [--answers FILE] [--answer GOAL/QUESTION=CHOICE ...] --out FILE

  new      an assignment whose solution is DESIGN: goals suggested from it (--goals keeps some),
           every segment's subnet drawn per student (--fixed: the design's own addresses)
  preview  the assignment as the student STUDENT sees it: plan, instructions, goals; and how the
           teacher's solution and the starting design score with that plan
  export   the students' copy, without the solution
  quiz     the packet-walk questions of the assignment's challenge goals for student STUDENT on
           DESIGN (the ones the grader scores), each with its choices A-D; never the answers
  submit   a submission of DESIGN for student STUDENT; --answers FILE (JSON: {"GOAL": {"QUESTION":
           "CHOICE"}}) and --answer GOAL/QUESTION=CHOICE carry the answers to challenge goals,
           CHOICE being a letter A-D or the choice's value; every answer is checked against the quiz
`;

/** Largest --answers file read (a full quiz of every goal is a few kB). */
const MAX_ANSWERS_BYTES = 64 * 1024;

/** Reads and parses an assignment; prints the reason and returns null when it cannot. */
export async function loadAssignment(cmd: string, file: string, io: CliIO): Promise<AssignmentFile | null> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new Error('is a directory');
    if (info.size > MAX_ASSIGNMENT_BYTES) throw new Error('file too large');
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`lvsd ${cmd}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return null;
  }
  const a = parseAssignment(text);
  if (!a.ok) {
    io.stderr(`lvsd ${cmd}: ${file} is not a valid assignment: ${a.error}\n`);
    return null;
  }
  return a.value;
}

async function write(cmd: string, out: string, text: string, io: CliIO, inputs: readonly string[]): Promise<number> {
  if (inputs.some((i) => resolve(i) === resolve(out))) {
    io.stderr(`lvsd ${cmd}: --out would overwrite the input ${out}\n`);
    return EXIT.unusable;
  }
  try {
    await writeFileAtomic(out, text);
  } catch (e) {
    io.stderr(`lvsd ${cmd}: cannot write ${out}: ${(e as Error).message}\n`);
    return EXIT.unusable;
  }
  io.stdout(`wrote ${out}\n`);
  return EXIT.ok;
}

/**
 * The answers given with --answers FILE and --answer GOAL/QUESTION=CHOICE (the latter win), or null
 * after printing why they cannot be read. Shape and sizes are the submission's own schema.
 */
async function readAnswers(cmd: string, file: string | undefined, pairs: readonly string[], io: CliIO): Promise<Record<string, Record<string, string>> | null> {
  const out: Record<string, Record<string, string>> = {};
  if (file !== undefined) {
    let text: string;
    try {
      const info = await stat(file);
      if (info.isDirectory()) throw new Error('is a directory');
      if (info.size > MAX_ANSWERS_BYTES) throw new Error(`larger than ${MAX_ANSWERS_BYTES / 1024} KiB`);
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.stderr(`lvsd ${cmd}: cannot read --answers ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      io.stderr(`lvsd ${cmd}: --answers ${file} is not JSON: ${(e as Error).message}\n`);
      return null;
    }
    const parsed = challengeAnswersSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      io.stderr(
        `lvsd ${cmd}: --answers ${file}: ${first.path.map(String).join('.') || '(top level)'}: ${first.message} (expected {"GOAL": {"QUESTION": "CHOICE"}})\n`,
      );
      return null;
    }
    for (const [g, a] of Object.entries(parsed.data)) out[g] = { ...a };
  }
  for (const pair of pairs) {
    const m = /^([a-z0-9][a-z0-9-]{0,47})\/([^=\s]{1,64})=(.{1,200})$/.exec(pair);
    if (!m) {
      io.stderr(`lvsd ${cmd}: --answer "${pair}": expected GOAL/QUESTION=CHOICE (e.g. walk/q3-mac=B)\n`);
      return null;
    }
    (out[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  return out;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    {
      command: 'assignment',
      usage: USAGE,
      options: {
        id: { type: 'string' },
        title: { type: 'string' },
        'title-zh': { type: 'string' },
        goals: { type: 'string' },
        start: { type: 'string' },
        fixed: { type: 'boolean', default: false },
        exam: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        design: { type: 'string' },
        student: { type: 'string' },
        answers: { type: 'string' },
        answer: { type: 'string', multiple: true, default: [] },
        lang: { type: 'string', default: 'en' },
        json: { type: 'boolean', default: false },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const [sub, file, ...extra] = parsed.positionals;
  const usageError = parsed.usageError;
  if (sub === undefined) return usageError('missing new|preview|export|quiz|submit');
  if (file === undefined) return usageError('missing FILE');
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0]}"`);
  const cmd = `assignment ${sub}`;

  if (sub === 'new') {
    if (!v.id || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(v.id)) return usageError('--id is required: lower case letters, digits, . _ - (e.g. lvs-dr-2026)');
    if (!v.title) return usageError('--title is required');
    if (!v.out) return usageError('--out FILE is required');
    const start = v.start ?? 'no-services';
    if (start !== 'no-services' && start !== 'empty' && start !== 'solution') return usageError('--start must be no-services, empty or solution');
    const exam = intOption(v.exam, 1, 600);
    if (Number.isNaN(exam)) return usageError('--exam must be minutes 1..600');
    const design = await loadDesign(cmd, file, io);
    if (!design) return EXIT.unusable;
    const a = authorAssignment(design, {
      id: v.id,
      title: { en: v.title, zh: v['title-zh'] ?? v.title },
      ...(v.goals ? { goals: v.goals.split(',').map((g) => g.trim()) } : {}),
      randomise: !v.fixed,
      start,
      ...(exam ? { examMinutes: exam } : {}),
    });
    const check = parseAssignment(serializeJson(a));
    if (!check.ok) {
      io.stderr(`lvsd ${cmd}: the assignment made from ${file} does not check: ${check.error}\n`);
      return EXIT.problems;
    }
    io.stdout(`${a.goals.length} goals: ${a.goals.map((g) => g.id).join(', ')}; plan variables: ${a.plan.variables.map((x) => x.name).join(', ') || 'none'}\n`);
    return write(cmd, v.out, serializeJson(a), io, [file]);
  }

  const a = await loadAssignment(cmd, file, io);
  if (!a) return EXIT.unusable;

  if (sub === 'export') {
    if (!v.out) return usageError('--out FILE is required');
    return write(cmd, v.out, serializeJson(studentCopy(a)), io, [file]);
  }

  if (sub === 'preview') {
    if (!v.seed) return usageError('--seed STUDENT is required');
    if (v.lang !== 'en' && v.lang !== 'zh') return usageError('--lang must be en or zh');
    const lang = v.lang;
    const f = fillAssignment(a, v.seed);
    if (!f.ok) {
      io.stderr(`lvsd ${cmd}: ${f.error}\n`);
      return EXIT.problems;
    }
    const solution = f.value.solution ? evaluateGoals(f.value, f.value.solution.topology) : null;
    const startGoals = evaluateGoals(f.value, f.value.start.topology);
    if (v.json) {
      io.stdout(
        serializeJson({
          seed: v.seed,
          plan: planTable(f.value.plan),
          planDigest: f.value.digest,
          title: a.title,
          instructions: f.value.instructions,
          exam: a.exam ?? null,
          goals: f.value.goals,
          solution: solution?.map((r) => ({ id: r.id, passed: r.passed, message: r.message })) ?? null,
          start: startGoals.map((r) => ({ id: r.id, passed: r.passed })),
        }),
      );
    } else {
      const out: string[] = [`${a.title[lang]}  (${a.id}, ${lang === 'zh' ? '学生' : 'student'} ${v.seed}${a.exam ? `, exam ${a.exam.minutes} min` : ''})`, ''];
      for (const [k, x] of Object.entries(planTable(f.value.plan))) out.push(`  ${k.padEnd(10)} ${x}`);
      out.push('', f.value.instructions[lang].trim(), '');
      for (const g of f.value.goals)
        out.push(`[${String(g.points).padStart(3)}] ${g.id}: ${g.title[lang]}${a.exam ? '' : `\n        ${lang === 'zh' ? '提示' : 'hint'}: ${g.hint[lang]}`}`);
      out.push('');
      if (solution) {
        const pts = solution.reduce((s, r) => s + r.awarded, 0);
        out.push(`solution: ${pts}/${solution.reduce((s, r) => s + r.points, 0)} points`);
        for (const r of solution.filter((x) => !x.passed)) out.push(`  ✗ ${r.id}: ${r.message[lang]}`);
      }
      out.push(`start: ${startGoals.filter((r) => r.passed).length}/${startGoals.length} goals already met`);
      io.stdout(`${out.join('\n')}\n`);
    }
    return solution && solution.some((r) => !r.passed) ? EXIT.problems : EXIT.ok;
  }

  /** The assignment filled for --seed and the student's --design, or the exit code after saying why not. */
  const studentWork = async (): Promise<{ filled: FilledAssignment; design: DesignFile } | number> => {
    if (!v.seed) return usageError('--seed STUDENT is required');
    if (!v.design) return usageError('--design DESIGN is required');
    const f = fillAssignment(a, v.seed);
    if (!f.ok) {
      io.stderr(`lvsd ${cmd}: ${f.error}\n`);
      return EXIT.problems;
    }
    const design = await loadDesign(cmd, v.design, io);
    return design ? { filled: f.value, design } : EXIT.unusable;
  };

  if (sub === 'quiz') {
    const work = await studentWork();
    if (typeof work === 'number') return work;
    const lang = v.lang === 'zh' ? 'zh' : 'en';
    const quizzes = studentQuizzes(work.filled, work.design.topology);
    if (v.json) {
      io.stdout(`${JSON.stringify(quizzes, null, 2)}\n`);
    } else {
      const out: string[] = [];
      if (quizzes.length === 0) out.push(lang === 'zh' ? '这份作业没有挑战目标。' : 'This assignment has no challenge goal.');
      for (const q of quizzes) {
        out.push(lang === 'zh' ? `目标 ${q.goal}（至少答对 ${q.minCorrect} 道）` : `goal ${q.goal} (at least ${q.minCorrect} correct)`);
        if (q.error) out.push(`  ${lang === 'zh' ? '无法出题' : 'no questions'}: ${q.error[lang]}`);
        for (const x of q.questions) {
          out.push(`  ${x.id}: ${x.prompt[lang]}`);
          x.choices.forEach((c, i) => out.push(`    ${CHOICE_LETTERS[i]}) ${c.label}`));
        }
      }
      out.push(
        lang === 'zh'
          ? '作答：lvsd assignment submit … --answer 目标/题号=字母（例如 --answer walk/q3-mac=B）'
          : 'Answer with: lvsd assignment submit … --answer GOAL/QUESTION=LETTER (e.g. --answer walk/q3-mac=B)',
      );
      io.stdout(`${out.join('\n')}\n`);
    }
    return quizzes.some((q) => q.error) ? EXIT.problems : EXIT.ok;
  }

  if (sub === 'submit') {
    if (!v.out) return usageError('--out FILE is required');
    const work = await studentWork();
    if (typeof work === 'number') return work;
    const { filled, design } = work;
    const locked = lockedViolations(filled, design.topology);
    if (locked.length > 0) io.stderr(`lvsd ${cmd}: warning: locked element(s) changed: ${locked.join(', ')} (graded with no points)\n`);
    const given = await readAnswers(cmd, v.answers, v.answer, io);
    if (given === null) return EXIT.unusable;
    let challenges: Record<string, Record<string, string>> | undefined;
    if (Object.keys(given).length > 0) {
      const resolved = resolveChallengeAnswers(studentQuizzes(filled, design.topology), given);
      if (!resolved.ok) {
        io.stderr(`lvsd ${cmd}: the answers do not fit the quiz (nothing written):\n${resolved.errors.map((e) => `  ${e}\n`).join('')}`);
        return EXIT.unusable;
      }
      challenges = resolved.value;
      for (const [goal, answers] of Object.entries(challenges)) io.stdout(`answers for ${goal}: ${Object.keys(answers).length}\n`);
    }
    const sub2 = makeSubmission(filled, design, {
      ...(v.student ? { student: v.student } : {}),
      submittedAt: new Date().toISOString(),
      ...(challenges ? { challenges } : {}),
    });
    return write(cmd, v.out, serializeJson(sub2), io, [file, ...(v.design ? [v.design] : [])]);
  }
  return usageError(`unknown subcommand "${sub}"`);
};

/**
 * `lvsd assignment new|preview|export|submit` — the teacher's and the student's side of an
 * assignment file (`*.lvs-assignment.json`, see docs/instructor.md).
 *
 *   new DESIGN --id ID --title T [--title-zh T] [--goals a,b] [--start no-services|empty|solution] [--fixed] [--exam MIN] --out FILE
 *   preview FILE --seed S [--lang en|zh] [--json]
 *   export FILE --out FILE          (the students' copy: without the solution)
 *   submit FILE --seed S --design DESIGN [--student NAME] --out FILE
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand, CliIO } from '../io.ts';
import { EXIT } from '../io.ts';
import { intOption, parseCommandLine } from '../options.ts';
import { loadDesign } from '../loadDesign.ts';
import { writeFileAtomic } from '../../services/files/atomic.ts';
import type { AssignmentFile } from '../../../shared/assignment/index.ts';
import {
  MAX_ASSIGNMENT_BYTES,
  authorAssignment,
  evaluateGoals,
  fillAssignment,
  lockedViolations,
  makeSubmission,
  parseAssignment,
  planTable,
  serializeJson,
  studentCopy,
} from '../../../shared/assignment/index.ts';

const USAGE = `usage: lvsd assignment new DESIGN --id ID --title TEXT [--title-zh TEXT] [--goals ID,ID] [--start no-services|empty|solution] [--fixed] [--exam MINUTES] --out FILE
       lvsd assignment preview FILE --seed STUDENT [--lang en|zh] [--json]
       lvsd assignment export FILE --out FILE
       lvsd assignment submit FILE --seed STUDENT --design DESIGN [--student NAME] --out FILE

  new      an assignment whose solution is DESIGN: goals suggested from it (--goals keeps some),
           every segment's subnet drawn per student (--fixed: the design's own addresses)
  preview  the assignment as the student STUDENT sees it: plan, instructions, goals; and how the
           teacher's solution and the starting design score with that plan
  export   the students' copy, without the solution
  submit   a submission of DESIGN for student STUDENT
`;

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
  if (sub === undefined) return usageError('missing new|preview|export|submit');
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

  if (sub === 'submit') {
    if (!v.seed) return usageError('--seed STUDENT is required');
    if (!v.design) return usageError('--design DESIGN is required');
    if (!v.out) return usageError('--out FILE is required');
    const f = fillAssignment(a, v.seed);
    if (!f.ok) {
      io.stderr(`lvsd ${cmd}: ${f.error}\n`);
      return EXIT.problems;
    }
    const design = await loadDesign(cmd, v.design, io);
    if (!design) return EXIT.unusable;
    const locked = lockedViolations(f.value, design.topology);
    if (locked.length > 0) io.stderr(`lvsd ${cmd}: warning: locked element(s) changed: ${locked.join(', ')} (graded with no points)\n`);
    const sub2 = makeSubmission(f.value, design, { ...(v.student ? { student: v.student } : {}), submittedAt: new Date().toISOString() });
    return write(cmd, v.out, serializeJson(sub2), io, [file, v.design]);
  }
  return usageError(`unknown subcommand "${sub}"`);
};

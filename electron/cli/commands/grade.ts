/**
 * `lvsd grade ASSIGNMENT SUBMISSIONS/ [--lab] [--out report.xlsx|csv|html] [--lang en|zh] [--timeout S] [--json]`
 * grades every `*.lvs-submission.json` (or `*.json`) in the folder: statically and in simulation,
 * and with `--lab` the goals with a kernel part in a throw-away qemu lab VM, one submission after
 * another. Progress goes to stderr, the class summary to stdout, the report to --out.
 * Exit 0: graded (whatever the marks); 2: bad usage or unreadable assignment/folder; 1: the lab failed.
 */
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { intOption, parseCommandLine } from '../options.ts';
import { loadAssignment } from './assignment.ts';
import type { AcceptedSubmission, Grade } from '../../../shared/assignment/index.ts';
import {
  MAX_ASSIGNMENT_BYTES,
  acceptSubmission,
  classSummary,
  gradeAccepted,
  refusedGrade,
  reportCsv,
  reportHtml,
  reportXlsx,
  serializeJson,
} from '../../../shared/assignment/index.ts';

const USAGE = `usage: lvsd grade ASSIGNMENT SUBMISSIONS/ [--lab] [--out report.xlsx|report.csv|report.html] [--lang en|zh] [--timeout SECONDS] [--json]

  Grades every *.json file in SUBMISSIONS/ against ASSIGNMENT: statically and in simulation; with
  --lab also the goals the real kernel decides, in a throw-away qemu lab VM, one submission after
  another (--timeout: seconds per submission, default 300). A malformed, mismatched or hanging
  submission is graded as such with its reason; the batch goes on.
`;

/** Grades of a folder, statically; `accepted` keeps what the lab needs. */
export async function gradeFolder(
  a: Parameters<typeof gradeAccepted>[1]['filled']['assignment'],
  dir: string,
  onFile?: (i: number, total: number, g: Grade) => void,
): Promise<{ grade: Grade; accepted: AcceptedSubmission | null }[]> {
  const names = (await readdir(dir)).filter((n) => extname(n) === '.json').sort();
  const out: { grade: Grade; accepted: AcceptedSubmission | null }[] = [];
  for (const [i, name] of names.entries()) {
    let item: { grade: Grade; accepted: AcceptedSubmission | null };
    try {
      const path = join(dir, name);
      const info = await stat(path);
      if (!info.isFile()) continue;
      if (info.size > MAX_ASSIGNMENT_BYTES) throw new Error(`larger than ${MAX_ASSIGNMENT_BYTES / 1024 / 1024} MiB`);
      const s = acceptSubmission(a, await readFile(path, 'utf8'));
      item = s.ok ? { grade: gradeAccepted(name, s.value), accepted: s.value } : { grade: refusedGrade(a, name, s.error), accepted: null };
    } catch (e) {
      item = {
        grade: refusedGrade(a, name, {
          status: 'malformed',
          reason: { en: `cannot be read: ${(e as Error).message}`, zh: `无法读取：${(e as Error).message}` },
        }),
        accepted: null,
      };
    }
    out.push(item);
    onFile?.(i, names.length, item.grade);
  }
  return out;
}

const line = (g: Grade): string => `${g.points}/${g.maxPoints} ${g.status}${g.reason ? ` — ${g.reason.en}` : ''}`;

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    {
      command: 'grade',
      usage: USAGE,
      options: {
        lab: { type: 'boolean', default: false },
        out: { type: 'string' },
        lang: { type: 'string', default: 'en' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const [file, dir, ...extra] = parsed.positionals;
  if (file === undefined) return parsed.usageError('missing ASSIGNMENT');
  if (dir === undefined) return parsed.usageError('missing SUBMISSIONS/ folder');
  if (extra.length > 0) return parsed.usageError(`unexpected argument "${extra[0]}"`);
  if (v.lang !== 'en' && v.lang !== 'zh') return parsed.usageError('--lang must be en or zh');
  const lang = v.lang;
  const timeout = intOption(v.timeout, 5, 3600);
  if (Number.isNaN(timeout)) return parsed.usageError('--timeout must be seconds 5..3600');
  const format = v.out === undefined ? null : extname(v.out).slice(1).toLowerCase();
  if (format !== null && format !== 'xlsx' && format !== 'csv' && format !== 'html') return parsed.usageError('--out must end in .xlsx, .csv or .html');
  const a = await loadAssignment('grade', file, io);
  if (!a) return EXIT.unusable;
  let items: Awaited<ReturnType<typeof gradeFolder>>;
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
    items = await gradeFolder(a, dir, (i, total, g) => io.stderr(`[${i + 1}/${total}] ${g.file}: ${line(g)}\n`));
  } catch (e) {
    io.stderr(`lvsd grade: cannot read ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}\n`);
    return EXIT.unusable;
  }
  let grades = items.map((x) => x.grade);
  let code: number = EXIT.ok;
  const needsLab = items.some((x) => x.accepted && x.grade.status === 'graded' && x.grade.goals.some((g) => g.lab));
  if (v.lab && !needsLab) io.stderr('lab: no submission has a goal for the real kernel; no VM booted\n');
  if (v.lab && needsLab) {
    const { labUnavailableReason, bootLab, shutdownLab } = await import('../../services/lab/vm.ts');
    const { gradeInLab, vmBackend } = await import('../../services/assignment/labGrade.ts');
    const reason = labUnavailableReason();
    if (reason) {
      io.stderr(`lvsd grade: --lab: the lab cannot run here: ${reason}\n`);
      return EXIT.unusable;
    }
    io.stderr('lab: booting a throw-away VM …\n');
    let vm: Awaited<ReturnType<typeof bootLab>> | undefined;
    try {
      vm = await bootLab({ log: (l) => io.stderr(`lab: ${l}\n`) });
      io.stderr(`lab: booted in ${(vm.bootMs / 1000).toFixed(1)} s\n`);
      const times: number[] = [];
      grades = await gradeInLab(vmBackend(vm), items, {
        ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
        onProgress: (e) => {
          if (e.phase === 'start') io.stderr(`[lab ${e.index + 1}/${e.total}] ${e.file} …\n`);
          else {
            times.push(e.ms!);
            io.stderr(`[lab ${e.index + 1}/${e.total}] ${e.file}: ${line(e.grade!)} (${(e.ms! / 1000).toFixed(1)} s)\n`);
          }
        },
      });
      if (times.length > 0)
        io.stderr(`lab: ${times.length} submission(s), ${(times.reduce((x, y) => x + y, 0) / times.length / 1000).toFixed(1)} s each on average\n`);
    } catch (e) {
      io.stderr(`lvsd grade: the lab failed: ${(e as Error).message}\n`);
      code = EXIT.problems;
    } finally {
      if (vm) await shutdownLab(vm);
    }
  }
  if (v.out) {
    const data = format === 'xlsx' ? reportXlsx(a, grades, lang) : format === 'csv' ? reportCsv(a, grades, lang) : reportHtml(a, grades, lang);
    const tmp = join(v.out, '..', `.${basename(v.out)}.${process.pid}.tmp`);
    try {
      await writeFile(tmp, data);
      await rename(tmp, v.out);
    } catch (e) {
      io.stderr(`lvsd grade: cannot write ${v.out}: ${(e as Error).message}\n`);
      return EXIT.unusable;
    }
  }
  const s = classSummary(a, grades);
  if (v.json) io.stdout(serializeJson({ summary: s, grades }));
  else {
    const out = [
      `${a.title[lang]}: ${s.submissions} submission(s), average ${s.averagePoints.toFixed(1)}/${s.maxPoints}`,
      `  ${Object.entries(s.byStatus)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      lang === 'zh' ? '未通过最多的目标：' : 'goals most failed:',
      ...s.goals.map((g) => `  ${String(g.failed).padStart(3)}/${g.graded}  ${g.id}: ${g.title[lang]}`),
    ];
    if (v.out) out.push(`report: ${v.out}`);
    io.stdout(`${out.join('\n')}\n`);
  }
  return code;
};

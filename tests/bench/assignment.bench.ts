/**
 * Instructor mode: static + simulated grading of a class of 40 DR submissions (each its own
 * address plan; a mix of correct ones, the three typical mistakes, copied and broken files), the
 * reports, and — with `LVSD_BENCH_GRADE_LAB=1` where the qemu lab runs — the lab time per
 * submission of `lvsd grade --lab` (two submissions, one VM boot).
 */
import { readFileSync } from 'node:fs';
import type { BenchTable } from '../../scripts/bench.ts';
import type { AssignmentFile, Grade } from '../../shared/assignment/index.ts';
import {
  acceptSubmission,
  classSummary,
  fillAssignment,
  gradeAccepted,
  gradeSubmission,
  makeSubmission,
  parseAssignment,
  reportCsv,
  reportHtml,
  reportXlsx,
  serializeJson,
} from '../../shared/assignment/index.ts';
import type { Host, Topology } from '../../shared/model/types.ts';

const ms = (x: number): string => `${x.toFixed(0)} ms`;

function classOf(a: AssignmentFile, n: number): string[] {
  const out: string[] = [];
  const rs = (t: Topology, f: (h: Host) => Host): Topology => ({ ...t, hosts: t.hosts.map((h) => (h.role === 'real-server' ? f(h) : h)) });
  for (let i = 0; i < n; i++) {
    const f = fillAssignment(a, `student-${i + 1}`);
    if (!f.ok) throw new Error(f.error);
    const sol = f.value.solution!;
    let t = sol.topology;
    if (i % 5 === 1) t = rs(t, (h) => ({ ...h, sysctl: {}, interfaces: h.interfaces.map((x) => ({ ...x, sysctl: {} })) }));
    if (i % 5 === 2) t = rs(t, (h) => ({ ...h, interfaces: h.interfaces.map((x) => (x.kind === 'loopback' ? { ...x, addresses: [] } : x)) }));
    if (i % 5 === 3) t = { ...t, services: t.services.map((s) => ({ ...s, scheduler: 'rr' as const })) };
    const text = serializeJson(makeSubmission(f.value, { ...sol, topology: t }, { student: `Student ${i + 1}` }));
    out.push(i === 38 ? text.replace(`"seed": "student-${i + 1}"`, '"seed": "student-1"') : i === 39 ? text.slice(0, 1000) : text);
  }
  return out;
}

async function labRows(a: AssignmentFile, texts: readonly string[]): Promise<(string | number)[][]> {
  const { bootLab, labUnavailableReason, shutdownLab } = await import('../../electron/services/lab/vm.ts');
  const { gradeInLab, vmBackend } = await import('../../electron/services/assignment/labGrade.ts');
  const reason = labUnavailableReason();
  if (reason) return [['lab: grade --lab per submission', '—', `skipped: ${reason}`]];
  const items = texts.map((t, i) => {
    const s = acceptSubmission(a, t);
    if (!s.ok) throw new Error(s.error.reason.en);
    return { grade: gradeAccepted(`s${i}`, s.value), accepted: s.value };
  });
  const t0 = Date.now();
  const vm = await bootLab();
  const rows: (string | number)[][] = [['lab: boot a throw-away VM', '—', `${((Date.now() - t0) / 1000).toFixed(1)} s`]];
  try {
    const times: number[] = [];
    await gradeInLab(vmBackend(vm), items, { onProgress: (e) => void (e.phase === 'done' && times.push(e.ms!)) });
    times.forEach((t, i) => rows.push([`lab: submission ${i + 1} (build, apply, 44 requests)`, '≤ 60 s', `${(t / 1000).toFixed(1)} s`]));
  } finally {
    await shutdownLab(vm);
  }
  return rows;
}

export default async function (): Promise<BenchTable> {
  const a = parseAssignment(readFileSync('examples/assignments/lvs-dr.lvs-assignment.json', 'utf8'));
  if (!a.ok) throw new Error(a.error);
  const texts = classOf(a.value, 40);
  // Warm-up (module init, JIT), not counted.
  gradeSubmission(a.value, texts[0]!);
  let t = performance.now();
  const grades: Grade[] = texts.map((x, i) => gradeSubmission(a.value, x, `s${i}.json`));
  const gradeMs = performance.now() - t;
  t = performance.now();
  classSummary(a.value, grades);
  reportCsv(a.value, grades);
  reportHtml(a.value, grades);
  const xlsx = reportXlsx(a.value, grades);
  const reportMs = performance.now() - t;
  const statuses = grades.reduce<Record<string, number>>((m, g) => ((m[g.status] = (m[g.status] ?? 0) + 1), m), {});
  const rows: (string | number)[][] = [
    ['grade 40 submissions (static + simulated)', '< 5 s', ms(gradeMs)],
    ['per submission', '—', `${(gradeMs / 40).toFixed(1)} ms`],
    ['class summary + CSV + HTML + xlsx', '< 1 s', `${ms(reportMs)} (xlsx ${(xlsx.length / 1024).toFixed(1)} kB)`],
  ];
  if (process.env['LVSD_BENCH_GRADE_LAB'] === '1') rows.push(...(await labRows(a.value, texts.slice(0, 2))));
  return {
    title: 'Instructor mode: grading a class',
    columns: ['step', 'target', 'measured'],
    rows,
    note: `statuses: ${Object.entries(statuses)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}${process.env['LVSD_BENCH_GRADE_LAB'] === '1' ? '' : '; lab rows: LVSD_BENCH_GRADE_LAB=1 npm run bench -- assignment'}`,
  };
}

/**
 * `lvsd grade` over the six prepared DR submissions (examples/assignments/dr-submissions, made by
 * scripts/make-assignments.ts): the correct one, three typical mistakes, a copied file with another
 * seed and a truncated file — statically, with the three report formats; and the teacher's and
 * student's round trip `assignment new → export → preview → submit → grade`.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { rmSync } from 'node:fs';
import { main } from '../../electron/cli/main.ts';

const tmp = mkdtempSync(join(tmpdir(), 'lvsd-grade-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function lvsd(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const ASSIGNMENT = 'examples/assignments/lvs-dr.lvs-assignment.json';
const SUBMISSIONS = 'examples/assignments/dr-submissions';

interface JsonGrade {
  file: string;
  status: string;
  points: number;
  reason: { en: string } | null;
  goals: { id: string; passed: boolean }[];
}

describe('lvsd grade (static and simulated)', () => {
  it('grades the six prepared submissions: each mistake loses exactly its goals; wrong seed and malformed are named', async () => {
    const r = await lvsd('grade', ASSIGNMENT, SUBMISSIONS, '--json');
    expect(r.code).toBe(0);
    // Progress: one line per file on stderr.
    expect(r.err.trim().split('\n')).toHaveLength(6);
    expect(r.err).toMatch(/^\[1\/6\] s01-alice\.lvs-submission\.json: 100\/100 graded$/m);
    const { grades, summary } = JSON.parse(r.out) as {
      grades: JsonGrade[];
      summary: { byStatus: Record<string, number>; goals: { id: string; failed: number }[] };
    };
    const failed = (g: JsonGrade) => g.goals.filter((x) => !x.passed).map((x) => x.id);
    const by = Object.fromEntries(grades.map((g) => [g.file.slice(0, 3), g]));
    expect(by.s01).toMatchObject({ status: 'graded', points: 100 });
    expect(failed(by.s01!)).toEqual([]);
    expect(failed(by.s02!)).toEqual(['arp']); // no ARP settings
    expect(by.s02!.points).toBe(80);
    expect(failed(by.s03!)).toEqual(['walk', 'no-errors', 'arp', 'direct-reply']); // VIP missing on rs2's lo
    expect(failed(by.s04!)).toEqual(['balances', 'weights']); // rr, 1:1
    expect(by.s05).toMatchObject({ status: 'wrong-seed', points: 0 });
    expect(by.s05!.reason!.en).toMatch(/another address plan than the one of seed "s05"/);
    expect(by.s06).toMatchObject({ status: 'malformed', points: 0 });
    expect(by.s06!.reason!.en).toMatch(/not valid JSON/);
    expect(summary.byStatus).toMatchObject({ graded: 4, 'wrong-seed': 1, malformed: 1 });
    expect(summary.goals[0]).toMatchObject({ id: 'arp', failed: 2 });
  });

  it('writes the report as xlsx, csv and html (English and Chinese)', async () => {
    for (const ext of ['xlsx', 'csv', 'html']) {
      const out = join(tmp, `report.${ext}`);
      const r = await lvsd('grade', ASSIGNMENT, SUBMISSIONS, '--out', out, ...(ext === 'html' ? ['--lang', 'zh'] : []));
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`report: ${out}`);
    }
    const xlsx = unzipSync(readFileSync(join(tmp, 'report.xlsx')));
    const sheet = strFromU8(xlsx['xl/worksheets/sheet1.xml']!);
    expect(sheet).toContain('s05-eve.lvs-submission.json');
    expect(sheet).toContain('wrong seed');
    const csv = readFileSync(join(tmp, 'report.csv'), 'utf8');
    expect(csv.split('\r\n')[1]).toMatch(/^s01-alice\.lvs-submission\.json,Alice,s01,graded,100,100,pass,pass,pass,pass,pass,pass,$/);
    const html = readFileSync(join(tmp, 'report.html'), 'utf8');
    expect(html).toContain('全班汇总');
    expect(html).toContain('种子不符');
  });

  it('refuses bad usage and unreadable input with exit 2, and a missing folder by name', async () => {
    expect((await lvsd('grade', ASSIGNMENT)).code).toBe(2);
    expect((await lvsd('grade', ASSIGNMENT, SUBMISSIONS, '--out', 'r.pdf')).err).toMatch(/--out must end in \.xlsx, \.csv or \.html/);
    const nf = await lvsd('grade', ASSIGNMENT, join(tmp, 'nope'));
    expect(nf.code).toBe(2);
    expect(nf.err).toMatch(/no such folder/);
    const bad = await lvsd('grade', 'examples/dr-lab.lvs.json', SUBMISSIONS);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/not a valid assignment: not an assignment file/);
  });
});

describe('lvsd assignment: author, export, preview, submit, grade', () => {
  it('round trip from a design', async () => {
    const a = join(tmp, 'class.lvs-assignment.json');
    const n = await lvsd('assignment', 'new', 'examples/tun-lab.lvs.json', '--id', 'tun-2026', '--title', 'TUN', '--title-zh', '隧道', '--out', a);
    expect(n.code, n.err).toBe(0);
    expect(n.out).toMatch(/4 goals: balances, walk, arp, no-errors; plan variables: FRONT, DC2/);
    const student = join(tmp, 'student.lvs-assignment.json');
    expect((await lvsd('assignment', 'export', a, '--out', student)).code).toBe(0);
    expect(readFileSync(student, 'utf8')).not.toContain('"solution"');
    expect(readFileSync(a, 'utf8')).toContain('"solution"');

    const p = await lvsd('assignment', 'preview', a, '--seed', 'wang');
    expect(p.code, p.out).toBe(0);
    expect(p.out).toMatch(/solution: 40\/40 points/);
    expect(p.out).toMatch(/start: 0\/4 goals already met/);
    const pz = await lvsd('assignment', 'preview', student, '--seed', 'wang', '--lang', 'zh', '--json');
    const j = JSON.parse(pz.out) as { plan: Record<string, string>; solution: unknown; title: { zh: string } };
    expect(j.solution).toBeNull();
    expect(j.title.zh).toBe('隧道');

    // The student builds the design with their plan: here, the teacher's solution filled for "wang".
    const { fillAssignment, parseAssignment } = await import('../../shared/assignment/index.ts');
    const parsed = parseAssignment(readFileSync(a, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const f = fillAssignment(parsed.value, 'wang');
    if (!f.ok) throw new Error(f.error);
    const design = join(tmp, 'wang.lvs.json');
    writeFileSync(design, JSON.stringify(f.value.solution));
    const dir = join(tmp, 'subs');
    mkdirSync(dir);
    const s = await lvsd(
      'assignment',
      'submit',
      student,
      '--seed',
      'wang',
      '--design',
      design,
      '--student',
      'Wang Fang',
      '--out',
      join(dir, 'wang.lvs-submission.json'),
    );
    expect(s.code, s.err).toBe(0);
    copyFileSync('examples/assignments/dr-submissions/s01-alice.lvs-submission.json', join(dir, 'alice.lvs-submission.json'));
    const g = await lvsd('grade', student, dir, '--json');
    const grades = (JSON.parse(g.out) as { grades: JsonGrade[] }).grades;
    expect(grades.map((x) => [x.file, x.status, x.points])).toEqual([
      ['alice.lvs-submission.json', 'wrong-assignment', 0],
      ['wang.lvs-submission.json', 'graded', 40],
    ]);
    expect((await lvsd('assignment', 'export', a, '--out', a)).err).toMatch(/would overwrite the input/);
  });
});

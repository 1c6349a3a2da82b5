/**
 * `lvsd grade` over the six prepared DR submissions (examples/assignments/dr-submissions, made by
 * scripts/make-assignments.ts): the correct one, three typical mistakes, a copied file with another
 * seed and a truncated file — statically, with the three report formats; and the teacher's and
 * student's round trip `assignment new → export → preview → submit → grade`.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('lvsd assignment quiz / submit --answer: challenge answers from the command line', () => {
  const HA = 'examples/assignments/lvs-nat-ha.lvs-assignment.json';
  const setup = async (seed: string) => {
    const { challengeQuiz, challengeSeed, fillAssignment, parseAssignment } = await import('../../shared/assignment/index.ts');
    const parsed = parseAssignment(readFileSync(HA, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const f = fillAssignment(parsed.value, seed);
    if (!f.ok) throw new Error(f.error);
    const dir = mkdtempSync(join(tmp, 'quiz-'));
    const design = join(dir, `${seed}.lvs.json`);
    writeFileSync(design, JSON.stringify(f.value.solution));
    const goal = f.value.goals.find((g) => g.kind === 'challenge')!;
    if (goal.kind !== 'challenge') throw new Error('no challenge goal');
    // The answer key, as the grader rebuilds it (the student's quiz never shows it).
    const q = challengeQuiz(f.value.solution!.topology, goal, challengeSeed(parsed.value.id, goal.id, seed));
    if (!q.ok) throw new Error(q.error.en);
    return { dir, design, quiz: q.quiz };
  };
  const submit = (seed: string, design: string, out: string, ...answers: string[]) =>
    lvsd('assignment', 'submit', HA, '--seed', seed, '--design', design, ...answers, '--out', out);
  const grade = async (dir: string) => {
    const g = await lvsd('grade', HA, dir, '--json');
    return (JSON.parse(g.out) as { grades: JsonGrade[] }).grades;
  };

  it('quiz shows the questions with lettered choices and no answers; right letters pass the challenge goal, wrong values fail it', async () => {
    const { dir, design, quiz } = await setup('ivy');
    expect(quiz.length, 'the goal asks 8 questions').toBe(8);
    const text = await lvsd('assignment', 'quiz', HA, '--seed', 'ivy', '--design', design);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('goal challenge (at least 6 correct)');
    for (const q of quiz) expect(text.out).toContain(`  ${q.id}: ${q.prompt.en}`);
    expect(text.out).toMatch(/^ {4}A\) /m);
    const zh = await lvsd('assignment', 'quiz', HA, '--seed', 'ivy', '--design', design, '--lang', 'zh');
    expect(zh.out).toContain('目标 challenge（至少答对 6 道）');
    const json = JSON.parse((await lvsd('assignment', 'quiz', HA, '--seed', 'ivy', '--design', design, '--json')).out) as {
      goal: string;
      questions: { id: string; choices: { value: string }[] }[];
    }[];
    expect(json.map((g) => g.goal)).toEqual(['challenge']);
    expect(json[0]!.questions.map((q) => q.id)).toEqual(quiz.map((q) => q.id));
    expect(JSON.stringify(json)).not.toContain('"answer"');

    const right = mkdtempSync(join(tmp, 'right-'));
    const letters = quiz.map((q) => `challenge/${q.id}=${'ABCD'[q.choices.findIndex((c) => c.value === q.answer)]}`);
    const s = await submit('ivy', design, join(right, 'ivy.lvs-submission.json'), ...letters.flatMap((a) => ['--answer', a]));
    expect(s.code, s.err).toBe(0);
    expect(s.out).toContain(`answers for challenge: ${quiz.length}`);
    const stored = JSON.parse(readFileSync(join(right, 'ivy.lvs-submission.json'), 'utf8')) as { challenges: Record<string, Record<string, string>> };
    expect(stored.challenges.challenge).toEqual(Object.fromEntries(quiz.map((q) => [q.id, q.answer])));
    const passed = (await grade(right))[0]!;
    expect(passed.status).toBe('graded');
    expect(passed.goals.find((x) => x.id === 'challenge')!.passed).toBe(true);

    // Wrong values (another of the offered choices) through --answers FILE: the goal fails.
    const wrong = mkdtempSync(join(tmp, 'wrong-'));
    const answersFile = join(dir, 'answers.json');
    writeFileSync(answersFile, JSON.stringify({ challenge: Object.fromEntries(quiz.map((q) => [q.id, q.choices.find((c) => c.value !== q.answer)!.value])) }));
    const w = await submit('ivy', design, join(wrong, 'ivy.lvs-submission.json'), '--answers', answersFile);
    expect(w.code, w.err).toBe(0);
    const failed = (await grade(wrong))[0]!;
    expect(failed.goals.find((x) => x.id === 'challenge')!.passed).toBe(false);
    expect(failed.points).toBeLessThan(passed.points);
  });

  it('answers that do not fit are refused with the reason and nothing is written', async () => {
    const { dir, design, quiz } = await setup('joe');
    const out = join(dir, 'joe.lvs-submission.json');
    const q0 = quiz[0]!;
    const cases: [string[], RegExp][] = [
      [['--answer', `walk/${q0.id}=A`], /goal "walk" is not a challenge goal of this assignment \(challenge goals: challenge\)/],
      [['--answer', 'challenge/q999-nope=A'], /goal "challenge": no question "q999-nope" \(questions: q/],
      [['--answer', `challenge/${q0.id}=Z`], new RegExp(`question "${q0.id}": "Z" is not one of its choices \\(A = `)],
      [['--answer', 'challenge-q1=A'], /--answer "challenge-q1=A": expected GOAL\/QUESTION=CHOICE/],
      [['--answers', join(dir, 'missing.json')], /cannot read --answers .*missing\.json: no such file/],
    ];
    writeFileSync(join(dir, 'bad.json'), '{"challenge": ["A"]}');
    cases.push([['--answers', join(dir, 'bad.json')], /--answers .*bad\.json: challenge: .*expected \{"GOAL": \{"QUESTION": "CHOICE"\}\}/]);
    writeFileSync(join(dir, 'notjson.json'), '{challenge');
    cases.push([['--answers', join(dir, 'notjson.json')], /--answers .*notjson\.json is not JSON/]);
    for (const [args, why] of cases) {
      const r = await submit('joe', design, out, ...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err, args.join(' ')).toMatch(why);
      expect(existsSync(out), `${args.join(' ')}: nothing written`).toBe(false);
    }
  });
});

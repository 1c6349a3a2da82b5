import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import type { AssignmentFile, FilledAssignment, Goal } from '../../../shared/assignment/index.ts';
import {
  authorAssignment,
  classSummary,
  evaluateGoal,
  evaluateGoals,
  fillAssignment,
  gradeSubmission,
  lockedViolations,
  makeSubmission,
  parseAssignment,
  reportCsv,
  reportHtml,
  reportXlsx,
  serializeJson,
  studentCopy,
  withinRatio,
} from '../../../shared/assignment/index.ts';
import type { DesignFile, Host, Topology } from '../../../shared/model/types.ts';
import { makeDesignFile } from '../../../shared/model/file.ts';
import { drLab, natLab } from '../../../shared/model/labs.ts';

const load = (name: string): AssignmentFile => {
  const a = parseAssignment(readFileSync(`examples/assignments/${name}.lvs-assignment.json`, 'utf8'));
  if (!a.ok) throw new Error(a.error);
  return a.value;
};
const fill = (a: AssignmentFile, seed: string): FilledAssignment => {
  const f = fillAssignment(a, seed);
  if (!f.ok) throw new Error(f.error);
  return f.value;
};
const edit = (t: Topology, f: (h: Host) => Host): Topology => ({ ...t, hosts: t.hosts.map(f) });
const verdicts = (f: FilledAssignment, t: Topology): Record<string, boolean> => Object.fromEntries(evaluateGoals(f, t).map((r) => [r.id, r.passed]));

describe('goal evaluation', () => {
  const dr = fill(load('lvs-dr'), 'alice');
  const sol = dr.solution!.topology;

  it('the teacher solution meets every goal of the three assignments; the starting designs meet none', () => {
    for (const name of ['lvs-nat', 'lvs-dr', 'lvs-tun']) {
      const f = fill(load(name), 'bob');
      expect(Object.values(verdicts(f, f.solution!.topology)).every(Boolean), name).toBe(true);
      expect(Object.values(verdicts(f, f.start.topology)).some(Boolean), name).toBe(false);
      expect(f.goals.length).toBeGreaterThanOrEqual(6);
    }
  });

  it('DR without the ARP settings fails only the arp goal, and says which values it found', () => {
    const t = edit(sol, (h) => (h.role === 'real-server' ? { ...h, sysctl: {}, interfaces: h.interfaces.map((f) => ({ ...f, sysctl: {} })) } : h));
    expect(verdicts(dr, t)).toEqual({ balances: true, walk: true, weights: true, 'no-errors': true, arp: false, 'direct-reply': true });
    const arp = evaluateGoals(dr, t).find((r) => r.id === 'arp')!;
    expect(arp.message.en).toMatch(/rs1: eth0 has arp_ignore=0, arp_announce=0/);
    expect(arp.message.zh).toMatch(/arp_ignore=0/);
    expect(arp.awarded).toBe(0);
  });

  it('arp takes the larger of conf.all and the interface: per-interface settings alone pass', () => {
    const t = edit(sol, (h) => (h.role === 'real-server' ? { ...h, sysctl: {} } : h));
    expect(verdicts(dr, t).arp).toBe(true);
  });

  it('DR with the VIP missing on rs2 breaks the walk through rs2 (the simulator says why) and the checker goals', () => {
    const t = edit(sol, (h) => (h.id === 'rs2' ? { ...h, interfaces: h.interfaces.map((f) => (f.kind === 'loopback' ? { ...f, addresses: [] } : f)) } : h));
    const r = Object.fromEntries(evaluateGoals(dr, t).map((x) => [x.id, x]));
    expect(r.walk!.passed).toBe(false);
    expect(r.walk!.message.en).toMatch(/through rs2 breaks \[missing-vip-on-rs\]/);
    expect(r['no-errors']!.passed).toBe(false);
    expect(r['direct-reply']!.message.en).toMatch(/\[dr\/vip-missing-on-rs\]/);
    expect(r.balances!.passed).toBe(true);
  });

  it('weights: equal weights fail the ratio; rr with the right weights fails in simulation (rr ignores weights)', () => {
    const w = dr.goals.find((g) => g.kind === 'weights')!;
    const svc = (t: Topology, f: (s: Topology['services'][number]) => Topology['services'][number]): Topology => ({ ...t, services: t.services.map(f) });
    const equal = evaluateGoal(
      svc(sol, (s) => ({ ...s, realServers: s.realServers.map((r) => ({ ...r, weight: 1 })) })),
      w,
    );
    expect(equal.passed).toBe(false);
    expect(equal.message.en).toMatch(/weights of .* are rs1:1 rs2:1/);
    const rr = evaluateGoal(
      svc(sol, (s) => ({ ...s, scheduler: 'rr' })),
      w,
    );
    expect(rr.passed).toBe(false);
    expect(rr.message.en).toMatch(/the rr scheduler spreads 40 simulated connections as rs1:20 rs2:20/);
    expect(rr.lab?.status).toBe('not-run');
  });

  it('withinRatio: ±tolerance on every share, extra servers fail', () => {
    expect(withinRatio({ a: 3, b: 1 }, { a: 30, b: 10 }, 0)).toBe(true);
    expect(withinRatio({ a: 3, b: 1 }, { a: 28, b: 12 }, 10)).toBe(false); // b: 0.30 vs 0.25 = +20 %
    expect(withinRatio({ a: 3, b: 1 }, { a: 29, b: 11 }, 10)).toBe(true); // b: +10 %, a: −3.3 %
    expect(withinRatio({ a: 1 }, { a: 9, c: 1 }, 50)).toBe(false);
    expect(withinRatio({ a: 1 }, {}, 50)).toBe(false);
  });

  it('balances: a missing service, too few servers, the wrong method or scheduler fail with the numbers', () => {
    const g = dr.goals.find((x) => x.kind === 'balances')!;
    expect(evaluateGoal({ ...sol, services: [] }, g).message.en).toMatch(/there is no virtual service/);
    const one = { ...sol, services: sol.services.map((s) => ({ ...s, realServers: s.realServers.slice(0, 1) })) };
    expect(evaluateGoal(one, g).message.en).toMatch(/has 1 real server\(s\) of weight > 0 by DR; at least 2/);
    const nat = { ...sol, services: sol.services.map((s) => ({ ...s, realServers: s.realServers.map((r) => ({ ...r, method: 'nat' as const })) })) };
    expect(evaluateGoal(nat, g).passed).toBe(false);
    const lc = { ...sol, services: sol.services.map((s) => ({ ...s, scheduler: 'lc' as const })) };
    expect(evaluateGoal(lc, g).message.en).toMatch(/uses the scheduler lc, not wrr/);
  });

  it('failover: the computed takeover of the HA example against a limit', () => {
    const ha = JSON.parse(readFileSync('examples/dr-ha-lab.lvs.json', 'utf8')) as DesignFile;
    const group = ha.topology.directorGroups![0]!.id;
    const goal = (withinSeconds: number): Goal => ({
      id: 'f',
      kind: 'failover',
      group,
      withinSeconds,
      points: 5,
      title: { en: '', zh: '' },
      hint: { en: '', zh: '' },
    });
    const ok = evaluateGoal(ha.topology, goal(10));
    expect(ok.passed).toBe(true);
    expect(ok.message.en).toMatch(/takes over \d+\.\d\d s after/);
    const tight = evaluateGoal(ha.topology, goal(0.5));
    expect(tight.passed).toBe(false);
    expect(tight.message.en).toMatch(/at most 0.5 s is asked/);
    expect(evaluateGoal(ha.topology, { ...goal(10), group: 'nope' } as Goal).message.en).toMatch(/no director group "nope"/);
  });

  it('locked elements: a changed client or a removed segment is listed', () => {
    expect(lockedViolations(dr, sol)).toEqual([]);
    const moved = edit(sol, (h) => (h.id === 'client' ? { ...h, gateway: '10.9.9.9' } : h));
    expect(lockedViolations(dr, moved)).toEqual(['client']);
    expect(lockedViolations(dr, { ...sol, segments: sol.segments.filter((s) => s.id !== 'lan') })).toEqual(['lan']);
  });
});

describe('grading never throws', () => {
  const a = load('lvs-dr');
  const alice = fill(a, 'alice');
  const good = serializeJson(makeSubmission(alice, alice.solution!, { student: 'Alice' }));

  it('a correct submission gets full marks; the same file with another seed is a wrong seed', () => {
    const g = gradeSubmission(a, good, 'alice.json');
    expect(g).toMatchObject({ status: 'graded', points: 100, maxPoints: 100, student: 'Alice', seed: 'alice', reason: null });
    const copied = gradeSubmission(a, good.replace('"seed": "alice"', '"seed": "eve"'), 'eve.json');
    expect(copied).toMatchObject({ status: 'wrong-seed', points: 0, seed: 'eve' });
    expect(copied.reason!.en).toMatch(/another address plan/);
    expect(copied.reason!.zh).toMatch(/地址规划/);
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'garbage'],
    ['an array', '[]'],
    ['a design file', readFileSync('examples/dr-lab.lvs.json', 'utf8')],
    ['deeply nested', '['.repeat(100_000)],
    ['__proto__', good.replace('"student"', '"__proto__"')],
    ['a broken design inside', good.replace('"formatVersion": 4', '"formatVersion": "x"')],
    ['null', 'null'],
  ])('%s → malformed with a reason', (_what, text) => {
    const g = gradeSubmission(a, text, 'x.json');
    expect(g.status).toBe('malformed');
    expect(g.points).toBe(0);
    expect(g.reason!.en.length).toBeGreaterThan(5);
    expect(g.reason!.zh.length).toBeGreaterThan(2);
  });

  it('another assignment → wrong assignment; a changed locked element → graded with no points and the reason', () => {
    expect(gradeSubmission(load('lvs-nat'), good, 'x.json')).toMatchObject({ status: 'wrong-assignment', points: 0 });
    const moved: DesignFile = { ...alice.solution!, topology: edit(alice.solution!.topology, (h) => (h.id === 'router' ? { ...h, name: 'gw' } : h)) };
    const g = gradeSubmission(a, serializeJson(makeSubmission(alice, moved)), 'x.json');
    expect(g).toMatchObject({ status: 'graded', points: 0, locked: ['router'] });
    expect(g.reason!.en).toMatch(/locked element\(s\) changed: router/);
  });

  it('the students’ copy has no solution and still grades', () => {
    const copy = studentCopy(a);
    expect('solution' in copy).toBe(false);
    expect(serializeJson(copy)).not.toContain('"solution"');
    expect(gradeSubmission(copy, good).points).toBe(100);
  });
});

describe('reports', () => {
  const a = load('lvs-dr');
  const grades = ['s1', 's2', 's3'].map((seed, i) => {
    const f = fill(a, seed);
    const t =
      i === 0
        ? f.solution!.topology
        : edit(f.solution!.topology, (h) => (h.role === 'real-server' ? { ...h, sysctl: {}, interfaces: h.interfaces.map((x) => ({ ...x, sysctl: {} })) } : h));
    return gradeSubmission(
      a,
      serializeJson(makeSubmission(f, { ...f.solution!, topology: t }, { student: i === 2 ? '=HYPERLINK("x")' : `Student <${i}>` })),
      `${seed}.json`,
    );
  });

  it('class summary: most failed goal first, with its common failure', () => {
    const s = classSummary(a, [...grades, gradeSubmission(a, 'x', 'bad.json')]);
    expect(s.byStatus).toMatchObject({ graded: 3, malformed: 1 });
    expect(s.goals[0]).toMatchObject({ id: 'arp', failed: 2, graded: 3 });
    expect(s.goals[0]!.commonFailure!.en).toMatch(/arp_ignore=0/);
    expect(s.goals[0]!.title.en).toContain('lo'); // the template title, the same for the whole class
  });

  it('CSV quotes, defuses formulas and ends with the summary', () => {
    const csv = reportCsv(a, grades);
    expect(csv.startsWith('\ufefffile,student,seed,status,points,max,balances,walk,weights,no-errors,arp,direct-reply,reason')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toMatch(/\r\n\r\ngoal,title,points,graded,failed,most common failure\r\narp,/);
    expect(reportCsv(a, grades, 'zh')).toContain('文件,学生,种子,状态,得分');
  });

  it('HTML escapes names and shows hints of failed goals only', () => {
    const html = reportHtml(a, grades);
    expect(html).toContain('Student &lt;1&gt;');
    expect(html).not.toContain('Student <1>');
    expect((html.match(/class="hint"/g) ?? []).length).toBe(2);
    expect(reportHtml(a, grades, 'zh')).toContain('<html lang="zh-CN">');
  });

  it('xlsx: a zip with the workbook, three sheets and the values', () => {
    const files = unzipSync(reportXlsx(a, grades));
    expect(Object.keys(files).sort()).toEqual(
      [
        '[Content_Types].xml',
        '_rels/.rels',
        'xl/_rels/workbook.xml.rels',
        'xl/styles.xml',
        'xl/workbook.xml',
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet2.xml',
        'xl/worksheets/sheet3.xml',
      ].sort(),
    );
    expect(strFromU8(files['xl/workbook.xml']!)).toMatch(/<sheet name="Students".*<sheet name="Class summary".*<sheet name="Details"/);
    const s1 = strFromU8(files['xl/worksheets/sheet1.xml']!);
    expect(s1).toContain('<c r="E2"><v>100</v></c>');
    expect(s1).toContain('Student &lt;1&gt;');
    expect(strFromU8(files['xl/worksheets/sheet2.xml']!)).toContain('<t xml:space="preserve">arp</t>');
    // Reproducible: the same grades give the same bytes.
    expect(Buffer.from(reportXlsx(a, grades)).equals(Buffer.from(reportXlsx(a, grades)))).toBe(true);
  });
});

describe('authoring from a design', () => {
  it('suggests the goals a design meets, randomises its segments, and the result grades its own solution fully', () => {
    const a = authorAssignment(makeDesignFile(drLab('example')), { id: 'dr-class', title: { en: 'DR', zh: 'DR' } });
    expect(a.goals.map((g) => g.id)).toEqual(['balances', 'walk', 'arp', 'no-errors']);
    expect(a.plan.variables.map((v) => v.name)).toEqual(['PUBLIC', 'LAN']);
    expect(JSON.stringify(a.solution)).not.toMatch(/172\.17\.253\.|192\.168\.163\./);
    const parsed = parseAssignment(serializeJson(a));
    if (!parsed.ok) throw new Error(parsed.error);
    for (const seed of ['x', 'y']) {
      const f = fill(parsed.value, seed);
      expect(evaluateGoals(f, f.solution!.topology).every((r) => r.passed)).toBe(true);
    }
    const kept = authorAssignment(makeDesignFile(natLab('example')), {
      id: 'n',
      title: { en: 'N', zh: 'N' },
      goals: ['walk'],
      randomise: false,
      examMinutes: 45,
    });
    expect(kept.goals.map((g) => g.id)).toEqual(['walk']);
    expect(kept.plan.variables).toEqual([]);
    expect(kept.exam).toEqual({ minutes: 45 });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../../shared/addressing/ipv4.ts';
import type { AssignmentFile } from '../../../shared/assignment/index.ts';
import { fillAssignment, fillPlan, fillTemplate, parseAssignment, planDigest, planTable, placeholdersOf, PlanError } from '../../../shared/assignment/index.ts';
import { validate } from '../../../shared/validation/index.ts';

const load = (name: string): AssignmentFile => {
  const a = parseAssignment(readFileSync(`examples/assignments/${name}.lvs-assignment.json`, 'utf8'));
  if (!a.ok) throw new Error(a.error);
  return a.value;
};

describe('seeded address plans', () => {
  it.each(['lvs-nat', 'lvs-dr', 'lvs-tun'])('%s: the same seed gives the same plan; two seeds give different plans, both valid', (name) => {
    const a = load(name);
    const one = fillAssignment(a, 'student-17');
    const again = fillAssignment(a, 'student-17');
    const other = fillAssignment(a, 'student-18');
    if (!one.ok || !again.ok || !other.ok) throw new Error('plan failed');
    expect(planTable(again.value.plan)).toEqual(planTable(one.value.plan));
    expect(again.value.digest).toBe(one.value.digest);
    expect(JSON.stringify(again.value.solution)).toBe(JSON.stringify(one.value.solution));
    expect(planTable(other.value.plan)).not.toEqual(planTable(one.value.plan));
    expect(other.value.digest).not.toBe(one.value.digest);
    for (const f of [one.value, other.value]) {
      const plan = planTable(f.plan);
      // Subnets do not overlap; the VIP lies in its subnet and is not one of the template's fixed hosts.
      const subnets = f.assignment.plan.variables.filter((v) => v.kind === 'subnet').map((v) => parseCidr(plan[v.name]!)!);
      expect(subnets.length).toBe(2);
      expect(subnets[0]!.network === subnets[1]!.network).toBe(false);
      const vip = f.assignment.plan.variables.find((v) => v.name === 'VIP')!;
      expect(vip.kind).toBe('address');
      const off = parseCidr(`${plan.VIP}/32`)!.value - parseCidr(plan[(vip as { in: string }).in]!)!.network;
      expect(off).toBeGreaterThanOrEqual(100);
      expect(off).toBeLessThanOrEqual(199);
      // The filled solution is a working design: no checker error.
      expect(validate(f.solution!.topology).filter((p) => p.severity === 'error')).toEqual([]);
      expect(Number(plan.W1)).toBeGreaterThanOrEqual(2);
      expect(Number(plan.W1)).toBeLessThanOrEqual(4);
    }
  });

  it('40 students of one class get 40 different plans', () => {
    const a = load('lvs-dr');
    const digests = new Set(Array.from({ length: 40 }, (_, i) => fillAssignment(a, `s${i + 1}`)).map((f) => (f.ok ? f.value.digest : 'bad')));
    expect(digests.size).toBe(40);
  });

  it('an address never takes an offset the templates use, and subnets never overlap even in a tight pool', () => {
    const reserved = new Map([['NET', new Set([1, 2, 3])]]);
    for (let s = 0; s < 200; s++) {
      const p = fillPlan(
        [
          { name: 'NET', kind: 'subnet', pool: '10.0.0.0/29', prefix: 30 },
          { name: 'OTHER', kind: 'subnet', pool: '10.0.0.0/29', prefix: 30 },
          { name: 'VIP', kind: 'address', in: 'NET', min: 1, max: 2 },
        ],
        'x',
        String(s),
        new Map([['NET', new Set([1])]]),
      );
      if (!p.ok) throw new Error(p.error);
      const t = planTable(p.value);
      expect(t.NET).not.toBe(t.OTHER);
      expect(t.VIP!.endsWith('.2') || t.VIP!.endsWith('.6')).toBe(true);
    }
    const full = fillPlan([{ name: 'VIP', kind: 'address', in: '10.0.0.0/30', min: 1, max: 3 }], 'x', 'y', reserved);
    expect(full.ok).toBe(true); // a CIDR pool is not a subnet variable: nothing reserved
    const tight = fillPlan(
      [
        { name: 'A', kind: 'subnet', pool: '10.0.0.0/30', prefix: 30 },
        { name: 'B', kind: 'subnet', pool: '10.0.0.0/30', prefix: 30 },
      ],
      'x',
      'y',
    );
    expect(tight.ok ? 'ok' : tight.error).toMatch(/no free \/30 left/);
  });

  it('fills placeholders: subnet, host offsets, prefix, numbers as JSON numbers; unknown names throw', () => {
    const p = fillPlan(
      [
        { name: 'LAN', kind: 'subnet', pool: '192.168.0.0/16', prefix: 24 },
        { name: 'W', kind: 'number', min: 3, max: 3 },
      ],
      'a',
      'b',
    );
    if (!p.ok) throw new Error(p.error);
    const net = planTable(p.value).LAN!.replace(/\.0\/24$/, '');
    expect(fillTemplate({ c: '{{LAN}}', a: '{{LAN.7}}/{{LAN.prefix}}', w: '{{W}}', s: 'w={{W}}' }, p.value)).toEqual({
      c: `${net}.0/24`,
      a: `${net}.7/24`,
      w: 3,
      s: 'w=3',
    });
    expect(() => fillTemplate('{{NOPE}}', p.value)).toThrow(PlanError);
    expect(() => fillTemplate('{{LAN.300}}', p.value)).toThrow(/offset outside/);
    expect([...placeholdersOf(['{{LAN.7}}', { x: '{{LAN.9}} {{W}}' }]).entries()].map(([k, v]) => [k, [...v]])).toEqual([
      ['LAN', [7, 9]],
      ['W', []],
    ]);
    expect(planDigest(p.value)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('parseAssignment refuses a template that does not fill or parse, with the reason', () => {
    const a = load('lvs-nat');
    const bad = (x: unknown) => parseAssignment(JSON.stringify(x));
    expect(bad({ ...a, goals: [...a.goals, { ...a.goals[0], id: 'x', service: '{{NOPE}}:80' }] })).toEqual({
      ok: false,
      error: 'unknown plan variable {{NOPE}}',
    });
    expect(
      bad({ ...a, goals: [{ id: 'r', kind: 'rule-clear', points: 1, title: a.goals[0]!.title, hint: a.goals[0]!.hint, rules: ['nat/no-such-rule'] }] }),
    ).toMatchObject({ ok: false, error: expect.stringMatching(/no checker rule "nat\/no-such-rule"/) });
    expect(bad({ ...a, goals: [a.goals[0], a.goals[0]] })).toMatchObject({ ok: false, error: expect.stringMatching(/used twice/) });
    expect(bad({ ...a, formatVersion: 9 })).toMatchObject({ ok: false, error: expect.stringMatching(/newer/) });
    expect(bad({ ...a, plan: { variables: [] } })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown plan variable/) });
    expect(parseAssignment('{"format":')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
  });
});

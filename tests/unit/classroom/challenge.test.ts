import { describe, expect, it } from 'vitest';
import { buildChallenge, challengeResult, challengeResultSchema, scoreOf, answerOf } from '../../../shared/classroom/challenge.ts';
import { drLab, natLab, tunLab } from '../../../shared/model/labs.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import { realServerId } from '../../../shared/model/ids.ts';

const walk = (t: Topology, seed = 1) => simulate(t, { client: t.hosts.find((h) => h.role === 'client')!.id, service: t.services[0]!.id }, { seed });

const designAddresses = (t: Topology): Set<string> =>
  new Set(t.hosts.flatMap((h) => h.interfaces.flatMap((f) => f.addresses.map((a) => a.split('/')[0]!))).concat(t.services.map((v) => v.vip)));

const traceMacs = (tr: ReturnType<typeof walk>): Set<string> =>
  new Set(tr.steps.flatMap((s) => [s.packet?.eth?.src, s.packet?.eth?.dst, s.packet?.arp?.senderMac].filter((x): x is string => !!x)));

describe.each([
  ['NAT', natLab],
  ['DR', drLab],
  ['TUN', tunLab],
])('challenge quiz of the %s seed lab', (_name, lab) => {
  const t = lab();
  const trace = walk(t);
  const quiz = buildChallenge(t, trace, 7);

  it('asks questions and each has its correct answer exactly once among 2–4 distinct choices', () => {
    expect(trace.outcome.status).toBe('ok');
    expect(quiz.length).toBeGreaterThanOrEqual(4);
    for (const q of quiz) {
      const values = q.choices.map((c) => c.value);
      expect(values.filter((v) => v === q.answer)).toHaveLength(1);
      expect(new Set(values).size).toBe(values.length);
      expect(values.length).toBeGreaterThanOrEqual(2);
      expect(values.length).toBeLessThanOrEqual(4);
      expect(q.prompt.en).toMatch(/\?$/);
      expect(q.prompt.zh).toMatch(/？$/);
    }
  });

  it('derives the correct answer from the trace step it is asked before', () => {
    for (const q of quiz) expect(answerOf(trace, trace.steps[q.stepIndex]!, q.kind)).toBe(q.answer);
    const ids = quiz.map((q) => q.stepIndex);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('builds distractors from the design itself (its addresses, its MACs, real hooks and real servers)', () => {
    const addrs = designAddresses(t);
    const macs = traceMacs(trace);
    const rsIds = new Set(t.services[0]!.realServers.map((r) => r.id));
    for (const q of quiz)
      for (const c of q.choices) {
        if (q.kind === 'eth.dst') expect(macs.has(c.value) || c.value === 'ff:ff:ff:ff:ff:ff').toBe(true);
        else if (q.kind === 'hook') expect(['PREROUTING', 'LOCAL_IN', 'FORWARD', 'LOCAL_OUT', 'POSTROUTING']).toContain(c.value);
        else if (q.kind === 'real-server') expect(rsIds.has(realServerId(c.value))).toBe(true);
        else expect(addrs.has(c.value)).toBe(true);
      }
  });

  it('always asks which real server the scheduler picks, with the other real servers as choices', () => {
    const q = quiz.find((x) => x.kind === 'real-server');
    expect(q?.answer).toBe(trace.realServer);
    expect(q!.choices.length).toBe(Math.min(4, t.services[0]!.realServers.length));
    expect(q!.choices.find((c) => c.value === q!.answer)!.label).toMatch(/\(\d+\.\d+\.\d+\.\d+\)$/);
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(buildChallenge(t, trace, 7)).toEqual(quiz);
    const others = [8, 9, 10, 11].map((s) => JSON.stringify(buildChallenge(t, trace, s)));
    expect(others.some((o) => o !== JSON.stringify(quiz))).toBe(true);
  });

  it('respects the question limit', () => {
    expect(buildChallenge(t, trace, 7, { max: 3 }).length).toBeLessThanOrEqual(3);
    expect(quiz.length).toBeLessThanOrEqual(8);
  });
});

describe('challenge specifics per method', () => {
  it('NAT: asks the rewritten destination (the RIP) with the VIP, the pre-step value, as a distractor', () => {
    const t = natLab();
    const trace = walk(t);
    const qs = buildChallenge(t, trace, 3, { max: 30 });
    const rewrite = qs.find((q) => trace.steps[q.stepIndex]!.kind === 'rewrite' && q.kind === 'ip.dst');
    expect(rewrite).toBeDefined();
    const rs = t.services[0]!.realServers.find((r) => r.id === trace.realServer)!;
    expect(rewrite!.answer).toBe(rs.rip);
    expect(rewrite!.choices.map((c) => c.value)).toContain(t.services[0]!.vip);
  });

  it('TUN: asks the outer IPIP header at the encapsulation, the client packet keeps the VIP', () => {
    const t = tunLab();
    const trace = walk(t);
    const qs = buildChallenge(t, trace, 3);
    const enc = qs.find((q) => trace.steps[q.stepIndex]!.kind === 'encapsulate');
    expect(enc?.kind).toBe('outer.dst');
    const rs = t.services[0]!.realServers.find((r) => r.id === trace.realServer)!;
    expect(enc!.answer).toBe(rs.rip);
    expect(enc!.choices.map((c) => c.value)).toContain(t.services[0]!.vip);
  });

  it('DR: a frame question on the director→real server wire has the real server MAC as answer and the director MAC as a choice', () => {
    const t = drLab();
    const trace = walk(t);
    const qs = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => buildChallenge(t, trace, seed, { max: 60 }));
    const sched = trace.steps.findIndex((s) => s.kind === 'schedule');
    const q = qs.find((x) => x.kind === 'eth.dst' && x.stepIndex > sched && trace.steps[x.stepIndex]!.phase === 'request');
    expect(q).toBeDefined();
    const step = trace.steps[q!.stepIndex]!;
    expect(q!.answer).toBe(step.packet!.eth!.dst);
    expect(q!.choices.map((c) => c.value)).toContain(step.packet!.eth!.src);
  });
});

describe('challenge result record', () => {
  it('scores answers and validates against its zod schema', () => {
    const t = drLab();
    const trace = walk(t);
    const qs = buildChallenge(t, trace, 5);
    const wrong = qs[1]!.choices.find((c) => c.value !== qs[1]!.answer)!.value;
    const answers = { [qs[0]!.id]: qs[0]!.answer, [qs[1]!.id]: wrong };
    expect(scoreOf(qs, answers)).toEqual({ answered: 2, correct: 1, total: qs.length });
    const r = challengeResult(
      { design: 'dr', seed: 5, flow: { client: 'c', service: 's', realServer: null, method: 'dr' }, exportedAt: '2026-01-01T00:00:00Z' },
      qs,
      answers,
    );
    expect(challengeResultSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(r.questions[0]!.correct).toBe(true);
    expect(r.questions[1]!.correct).toBe(false);
    expect(r.questions[2]!.chosen).toBeNull();
    expect(() => challengeResultSchema.parse({ ...r, version: 2 })).toThrow();
  });
});

/**
 * Random damage to valid designs: the checker must never throw, and every problem it reports must
 * be complete (known rule, message, fix) and point at ids that exist.
 */
import { describe, expect, it } from 'vitest';
import type { Topology } from '../../../shared/model/types.ts';
import { generateTopology } from '../../../shared/model/generate.ts';
import { RULES, validate } from '../../../shared/validation/index.ts';
import { damage as mutate, drLab, edit, iface, natLab, problemsOf, realServer, service, tunLab } from './builders.ts';
import { directorRef, hostId, segmentId } from '../../../shared/model/ids.ts';

function checkComplete(t: Topology) {
  const ids = new Set<string>([...t.segments.map((s) => s.id), ...t.hosts.flatMap((h) => [h.id, ...h.interfaces.map((f) => f.id)])]);
  for (const s of t.services) {
    ids.add(s.id);
    for (const r of s.realServers) ids.add(r.id);
  }
  const ruleIds = new Set(RULES.map((r) => r.id));
  const problems = validate(t);
  for (const p of problems) {
    expect(ruleIds.has(p.rule), p.rule).toBe(true);
    expect(['error', 'warning', 'info']).toContain(p.severity);
    expect(p.message.length, p.rule).toBeGreaterThan(20);
    expect(p.fix.length, p.rule).toBeGreaterThan(10);
    expect(p.message, p.rule).not.toMatch(/undefined|NaN|\[object/);
    expect(p.fix, p.rule).not.toMatch(/undefined|NaN|\[object/);
    expect(p.refs.length, p.rule).toBeGreaterThan(0);
    for (const ref of p.refs) expect(ids.has(ref), `${p.rule} ref ${ref}`).toBe(true);
  }
  expect(validate(t)).toEqual(problems);
  return problems;
}

describe('validate on damaged designs', () => {
  it('never throws and reports complete problems (400 random designs)', () => {
    const bases = [natLab(), drLab(), tunLab(), generateTopology(60)];
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      for (const p of checkComplete(mutate(bases[i % bases.length]!, i + 1))) seen.add(p.rule);
    }
    // The damage is varied enough to exercise most of the rules.
    // HA groups and health checks have demos and tests of their own; this damage touches neither.
    expect(seen.size).toBeGreaterThan(RULES.filter((r) => !r.id.startsWith('ha/') && !r.id.startsWith('health/')).length * 0.6);
  });

  it('copes with an empty design and with hosts that have no interfaces', () => {
    expect(validate({ name: 'empty', segments: [], hosts: [], services: [] })).toEqual([]);
    const bare = { name: 'bare', segments: [], hosts: [{ id: hostId('h'), name: 'h', role: 'director' as const, interfaces: [] }], services: [] };
    expect(checkComplete(bare).map((p) => p.rule)).toEqual(['general/unattached-host']);
  });
});

describe('general/unknown-reference', () => {
  it('reports dangling director, real server host and segment references instead of throwing', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').director = directorRef('ghost');
      realServer(d, 'web', 'rs2').host = hostId('nobody');
      iface(d, 'rs1', 'eth0').segment = segmentId('nowhere');
    });
    const ps = problemsOf(t, 'general/unknown-reference');
    expect(ps.map((p) => p.refs)).toEqual([['rs1', 'rs1-eth0'], ['web'], ['web-rs2', 'web']]);
    expect(ps.every((p) => p.severity === 'error')).toBe(true);
  });
  it('is silent for consistent designs', () => {
    for (const t of [natLab(), drLab(), tunLab()]) expect(problemsOf(t, 'general/unknown-reference')).toEqual([]);
  });
});

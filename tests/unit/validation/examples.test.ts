import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { RULES, validate } from '../../../shared/validation/index.ts';
import { hostId } from '../../../shared/model/ids.ts';

const load = (name: string) => {
  const r = parseDesignFile(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
};

describe('the shipped examples', () => {
  it.each(['nat-lab.lvs.json', 'dr-lab.lvs.json'])('%s has no problem at all', (name) => {
    expect(validate(load(name))).toEqual([]);
  });
  it.each(['tun-lab.lvs.json', 'large-cluster.lvs.json'])('%s has no error, only the true TUN MTU warning', (name) => {
    const ps = validate(load(name));
    expect(ps.filter((p) => p.severity === 'error')).toEqual([]);
    expect(ps.map((p) => p.rule)).toEqual(['tun/mtu']);
  });
});

describe('the rule set', () => {
  it('has unique, well-formed ids and complete catalogue texts', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.description.length).toBeGreaterThan(40);
      expect(r.example.bad.length).toBeGreaterThan(5);
      expect(r.example.fix.length).toBeGreaterThan(5);
    }
  });
  it('sorts errors before warnings before info, keeping rule order inside a severity', () => {
    const t = load('nat-lab.lvs.json');
    const broken = {
      ...t,
      hosts: [
        ...t.hosts.map((h) => (h.id === 'rs1' ? { ...h, gateway: '192.168.111.2000' } : h)),
        { id: hostId('spare'), name: 'spare', role: 'router' as const, interfaces: [] },
      ],
      services: t.services.map((s) => ({ ...s, scheduler: 'sh' as const, persistence: { timeout: 300 } })),
    };
    const ps = validate(broken);
    const rank = { error: 0, warning: 1, info: 2 };
    expect(ps.map((p) => rank[p.severity])).toEqual([...ps.map((p) => rank[p.severity])].sort());
    expect(ps[0]!.rule).toBe('addr/malformed');
    expect(ps.at(-1)!.rule).toBe('general/unattached-host');
    expect(validate(broken)).toEqual(ps);
  });
});

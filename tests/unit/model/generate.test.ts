import { describe, expect, it } from 'vitest';
import { generateLayout, generateTopology, MIN_GENERATED_HOSTS } from '../../../shared/model/generate.ts';
import { makeDesignFile, parseDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import { validate } from '../../../shared/validation/index.ts';
import { simulate } from '../../../shared/simulator/trace.ts';

describe('generateTopology', () => {
  it.each([4, 5, 10, 37, 100, 1000, 5000])('builds exactly %i hosts, schema-valid, with no problem at all', (n) => {
    const t = generateTopology(n);
    expect(t.hosts).toHaveLength(n);
    const file = parseDesignFile(serializeDesignFile(makeDesignFile(t, generateLayout(t))));
    expect(file.ok ? 'ok' : file.error.message).toBe('ok');
    expect(validate(t)).toEqual([]);
  });

  it('mixes roles and forwarding methods', () => {
    const t = generateTopology(1000);
    const roles = new Set(t.hosts.map((h) => h.role));
    expect([...roles].sort()).toEqual(['client', 'director', 'real-server', 'router']);
    const methods = new Set(t.services.flatMap((s) => s.realServers.map((r) => r.method)));
    expect([...methods].sort()).toEqual(['dr', 'nat', 'tun']);
    expect(t.services.length).toBeGreaterThan(25);
  });

  it('is deterministic, and the seed changes only the random choices', () => {
    expect(generateTopology(300)).toEqual(generateTopology(300));
    const other = generateTopology(300, { seed: 7 });
    expect(other.hosts.map((h) => h.id)).toEqual(generateTopology(300).hosts.map((h) => h.id));
    expect(other).not.toEqual(generateTopology(300));
  });

  it('really works: the simulator delivers every service to clients on different edge segments', () => {
    const t = generateTopology(1000);
    const clients = t.hosts.filter((h) => h.role === 'client').slice(0, 2);
    expect(new Set(clients.map((c) => c.interfaces[1]!.segment)).size).toBe(2);
    for (const c of clients) {
      for (const s of t.services) {
        const trace = simulate(t, { client: c.id, service: s.id });
        expect(trace.outcome.status, `${c.id} → ${s.id}`).toBe('ok');
      }
    }
  });

  it('refuses impossible sizes', () => {
    expect(() => generateTopology(MIN_GENERATED_HOSTS - 1)).toThrow(RangeError);
    expect(() => generateTopology(10.5)).toThrow(RangeError);
  });

  it('lays out every host and segment at a finite position', () => {
    const t = generateTopology(200);
    const { positions } = generateLayout(t);
    for (const h of t.hosts) expect(Number.isFinite(positions[h.id]?.x)).toBe(true);
  });
});

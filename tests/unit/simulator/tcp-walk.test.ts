import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import { hostId, serviceId } from '../../../shared/model/ids.ts';

function lab(name: 'nat' | 'dr' | 'tun'): Topology {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
}

describe('the TCP connection behind a walked exchange (trace.tcp)', () => {
  it('NAT on 1500-byte links: MSS 1460, 10 KB in 8 segments, IPVS entry ends in TIME_WAIT (120 s)', () => {
    const t = simulate(lab('nat'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.outcome.status).toBe('ok');
    const tcp = t.tcp!;
    expect(tcp.links.every((l) => l.mtu === 1500)).toBe(true);
    expect(tcp.pathMss).toBe(1460);
    expect(tcp.fragmentation).toEqual([]);
    expect(
      tcp.segments
        .filter((s) => s.kind === 'data')
        .map((s) => s.payload)
        .reduce((a, b) => a + b, 0),
    ).toBe(10240);
    expect(tcp.segments.filter((s) => s.kind === 'data')).toHaveLength(8);
    expect(tcp.segments.slice(0, 3).map((s) => s.kind)).toEqual(['syn', 'syn-ack', 'ack']);
    expect(tcp.finalState).toBe('TIME_WAIT');
    expect(tcp.expiresIn).toBe(120);
  });

  it('DR: the director sees only client packets and keeps the entry in FIN_WAIT', () => {
    const t = simulate(lab('dr'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.outcome.status).toBe('ok');
    expect(t.tcp!.segments.filter((s) => !s.fromClient).some((s) => s.directorSees)).toBe(false);
    expect(t.tcp!.finalState).toBe('FIN_WAIT');
  });

  it('TUN: the IPIP leg costs 20 bytes, so a full 1500-byte segment needs "fragmentation needed" there', () => {
    const t = simulate(lab('tun'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.outcome.status).toBe('ok');
    const tcp = t.tcp!;
    expect(tcp.announcedMss).toBe(1460);
    expect(tcp.pathMss).toBe(1440);
    expect(tcp.fragmentation.length).toBeGreaterThan(0);
    expect(tcp.fragmentation[0]).toMatchObject({ needed: 1520, mtu: 1500, link: { overhead: 20, phase: 'request' } });
    expect(tcp.finalState).toBe('FIN_WAIT');
  });

  it('a smaller MTU on one segment lowers the MSS', () => {
    const t0 = lab('nat');
    const t1: Topology = { ...t0, segments: t0.segments.map((s, i) => (i === 0 ? { ...s, mtu: 1400 } : s)) };
    const t = simulate(t1, { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.tcp!.pathMss).toBe(1360);
  });

  it('broken walks and UDP carry no TCP view', () => {
    const t0 = lab('nat');
    const t1: Topology = { ...t0, services: t0.services.map((s) => ({ ...s, protocol: 'udp' as const })) };
    expect(simulate(t1, { client: hostId('client'), service: serviceId('web') }, { seed: 1 }).tcp).toBeUndefined();
  });
});

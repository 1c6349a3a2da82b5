import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import type { Trace, TraceStep } from '../../../shared/simulator/types.ts';
import { hostId, serviceId } from '../../../shared/model/ids.ts';

function lab(name: 'nat' | 'dr' | 'tun'): Topology {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
}
const segs = (t: Trace): TraceStep[] => t.steps.filter((s) => s.kind === 'segment');
const states = (t: Trace): string[] => t.steps.filter((s) => s.kind === 'conn-state').map((s) => s.conn!.state);
const flags = (s: TraceStep): string => s.tcp!.flags.join(',');

describe('the TCP connection as steps of the walk', () => {
  it('NAT: SYN, SYN-ACK, ACK, request, 8 data segments at MSS 1460 with delayed ACKs, FIN/ACK both ways', () => {
    const t = simulate(lab('nat'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    const s = segs(t);
    expect(s.slice(0, 4).map(flags)).toEqual(['SYN', 'SYN,ACK', 'ACK', 'PSH,ACK']);
    expect(s.slice(-3).map(flags)).toEqual(['FIN,ACK', 'FIN,ACK', 'ACK']);
    const data = s.filter((x) => x.tcp!.kind === 'data');
    expect(data.map((x) => x.tcp!.payload)).toEqual([1460, 1460, 1460, 1460, 1460, 1460, 1460, 20]);
    expect(data.every((x) => x.tcp!.group === 'data' && !x.tcp!.fromClient && x.tcp!.directorSees)).toBe(true);
    // Delayed ACK: one ACK per two data segments, and one for the last.
    expect(s.filter((x) => x.tcp!.kind === 'data-ack')).toHaveLength(4);
    expect(s).toHaveLength(3 + 1 + 8 + 4 + 3);
    expect(s.every((x, i) => x.tcp!.n === i + 1 && x.tcp!.of === s.length)).toBe(true);
    // Steps follow the hop-by-hop walk and stay numbered in order.
    expect(t.steps.every((x, i) => x.index === i)).toBe(true);
    expect(t.steps.findIndex((x) => x.kind === 'segment')).toBeGreaterThan(t.steps.findIndex((x) => x.kind === 'deliver' && x.phase === 'reply'));
    // The IPVS entry: the normal table (INPUT for the client, OUTPUT for the server's replies).
    expect(states(t)).toEqual(['SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'TIME_WAIT']);
    const fin = t.steps.filter((x) => x.kind === 'conn-state').at(-1)!;
    expect(fin.conn).toMatchObject({ state: 'TIME_WAIT', expiresIn: 120 });
    expect(fin.conn!.ipvsadm).toMatch(/^TCP 02:00 {2}TIME_WAIT /);
    // The client's FIN moves FIN_WAIT to TIME_WAIT (INPUT row "fin", column FW).
    expect(fin.tcp).toMatchObject({ direction: 'input', fromClient: true, kind: 'fin' });
    expect(fin.narration.en).toContain('FIN_WAIT to TIME_WAIT');
    expect(fin.narration.zh).toContain('FIN_WAIT 改为 TIME_WAIT');
  });

  it('seq/ack arithmetic: SYN and FIN use one number each, data advances by its payload', () => {
    const t = simulate(lab('nat'), { client: hostId('client'), service: serviceId('web') }, { seed: 7 });
    const s = segs(t).map((x) => x.tcp!);
    expect(s[0]).toMatchObject({ relSeq: 0, relAck: 0, ack: 0 });
    expect(s[1]).toMatchObject({ relSeq: 0, relAck: 1 });
    expect(s[2]).toMatchObject({ relSeq: 1, relAck: 1 });
    expect(s[3]).toMatchObject({ relSeq: 1, relAck: 1, payload: 100 });
    const data = s.filter((x) => x.kind === 'data');
    data.forEach((d, i) => expect(d.relSeq).toBe(1 + i * 1460));
    expect(data.every((d) => d.relAck === 101)).toBe(true);
    const lastAck = s.filter((x) => x.kind === 'data-ack').at(-1)!;
    expect(lastAck.relAck).toBe(1 + 10240);
    expect(s.at(-3)).toMatchObject({ fromClient: false, relSeq: 10241, relAck: 101 });
    expect(s.at(-2)).toMatchObject({ fromClient: true, relSeq: 101, relAck: 10242 });
    expect(s.at(-1)).toMatchObject({ fromClient: false, relSeq: 10242, relAck: 102 });
    // Absolute numbers are the relative ones plus each side's ISN (mod 2^32).
    expect((s[1]!.ack - s[0]!.seq + 2 ** 32) % 2 ** 32).toBe(1);
    // Seeded: same seed, same numbers; another seed, other ISNs.
    expect(segs(simulate(lab('nat'), { client: hostId('client'), service: serviceId('web') }, { seed: 7 })).map((x) => x.tcp!.seq)).toEqual(
      s.map((x) => x.seq),
    );
    expect(segs(simulate(lab('nat'), { client: hostId('client'), service: serviceId('web') }, { seed: 8 }))[0]!.tcp!.seq).not.toBe(s[0]!.seq);
  });

  it('DR: the director sees only the client side (INPUT_ONLY) and leaves the entry in FIN_WAIT', () => {
    const t = simulate(lab('dr'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.outcome.status).toBe('ok');
    const s = segs(t);
    expect(s.filter((x) => !x.tcp!.fromClient).every((x) => !x.tcp!.directorSees && x.tcp!.direction === undefined)).toBe(true);
    expect(s.filter((x) => x.tcp!.fromClient).every((x) => x.tcp!.direction === 'input-only')).toBe(true);
    expect(states(t)).toEqual(['SYN_RECV', 'ESTABLISHED', 'FIN_WAIT']);
    const synAck = s[1]!;
    expect(synAck.narration.en).toContain('the director never sees it');
    expect(t.steps.filter((x) => x.kind === 'conn-state').at(-1)!.narration.en).toContain('INPUT_ONLY');
    // The server's segments leave the real server, not the director.
    expect(synAck.place.kind === 'link' && synAck.place.from.host).not.toBe('director');
  });

  it('TUN: the IPIP leg lowers the MSS to 1440, so 10240 bytes take 8 segments (7 × 1440 + 160)', () => {
    const t = simulate(lab('tun'), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(t.outcome.status).toBe('ok');
    const data = segs(t).filter((x) => x.tcp!.kind === 'data');
    expect(data.map((x) => x.tcp!.payload)).toEqual([1440, 1440, 1440, 1440, 1440, 1440, 1440, 160]);
    expect(data[0]!.packet!.size).toBe(1440 + 40 + 14);
    expect(states(t)).toEqual(['SYN_RECV', 'ESTABLISHED', 'FIN_WAIT']);
  });

  it('segment count follows the response size and the MSS', () => {
    const t0 = lab('nat');
    const t1: Topology = { ...t0, segments: t0.segments.map((s) => ({ ...s, mtu: 1000 })) };
    const t = simulate(t1, { client: hostId('client'), service: serviceId('web'), replyBytes: 5000 }, { seed: 1 });
    expect(
      segs(t)
        .filter((x) => x.tcp!.kind === 'data')
        .map((x) => x.tcp!.payload),
    ).toEqual([960, 960, 960, 960, 960, 200]);
    const one = simulate(lab('nat'), { client: hostId('client'), service: serviceId('web'), replyBytes: 500 }, { seed: 1 });
    expect(segs(one).filter((x) => x.tcp!.kind === 'data')).toHaveLength(1);
  });

  it('UDP and broken walks carry no TCP steps', () => {
    const t0 = lab('nat');
    const udp: Topology = { ...t0, services: t0.services.map((s) => ({ ...s, protocol: 'udp' as const })) };
    const u = simulate(udp, { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(u.steps.some((x) => x.kind === 'segment' || x.kind === 'conn-state')).toBe(false);
    const broken: Topology = { ...t0, hosts: t0.hosts.map((h) => (h.role === 'director' ? { ...h, sysctl: { ...h.sysctl, ipForward: false } } : h)) };
    const b = simulate(broken, { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(b.outcome.status).toBe('broken');
    expect(b.steps.some((x) => x.kind === 'segment')).toBe(false);
  });
});

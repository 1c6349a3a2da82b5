import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import type { Trace, TraceStep } from '../../../shared/simulator/types.ts';
import { hostId, serviceId } from '../../../shared/model/ids.ts';
import type { IpvsTcpState } from '../../../shared/simulator/tcp.ts';
import { ipvsDirection, nextIpvsTcpState } from '../../../shared/simulator/tcp.ts';

function lab(name: 'nat' | 'dr' | 'tun'): Topology {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
}
/** The first wire of every segment: one step per segment of the connection. */
const segs = (t: Trace): TraceStep[] => t.steps.filter((s) => s.kind === 'segment' && s.tcp!.hop!.n === 1);
/** Every wire of segment `n` (1-based), in order, with the IPVS state step where it moves the entry. */
const hopsOf = (t: Trace, n: number): TraceStep[] => t.steps.filter((s) => (s.kind === 'segment' || s.kind === 'conn-state') && s.tcp!.n === n);
const wire = (s: TraceStep): string => (s.place.kind === 'link' ? `${s.place.from.host}>${s.place.to?.host}` : 'host');
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
    expect(synAck.narration.en).toContain('Wire 1/2');
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
    expect(data[0]!.tcp!.hop).toMatchObject({ n: 1, overhead: 0, ipBytes: 1480 });
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

describe('every segment walks the wires of the first exchange, hop by hop', () => {
  const run = (name: 'nat' | 'dr' | 'tun') => simulate(lab(name), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
  /** The walk's transmit steps of one phase (the one-request walk the capture comparison checks). */
  const walkWires = (t: Trace, phase: 'request' | 'reply') =>
    t.steps.filter((s) => s.kind === 'transmit' && s.phase === phase && s.place.kind === 'link' && s.packet?.ip);

  it('NAT: a data segment and the FIN cross the same wires as the reply, with its MACs and the rewritten source', () => {
    const t = run('nat');
    const data = segs(t).find((x) => x.tcp!.kind === 'data')!;
    const hops = hopsOf(t, data.tcp!.n);
    expect(hops.map(wire)).toEqual(['rs2>director', 'director>client']);
    expect(hops.map(wire)).toEqual(walkWires(t, 'reply').map(wire));
    // rs2 → director on the inside: RIP source; director → client: the VIP is the source again (ip_vs_out).
    expect(hops.map((h) => `${h.packet!.ip!.src}>${h.packet!.ip!.dst}`)).toEqual(['192.168.111.102>172.16.111.13', '172.16.111.123>172.16.111.13']);
    hops.forEach((h, k) => {
      const w = walkWires(t, 'reply')[k]!;
      expect(h.packet!.eth).toEqual(w.packet!.eth);
      expect(h.tcp!.hop).toMatchObject({ n: k + 1, of: 2, mtu: 1500, overhead: 0, ipBytes: 1500 });
      expect(h.packet!.size).toBe(1500 + 14);
    });
    // The server's FIN: the same two wires; the IPVS entry moves after the wire into the director.
    const fin = segs(t).find((x) => x.tcp!.kind === 'fin' && !x.tcp!.fromClient)!;
    const finHops = hopsOf(t, fin.tcp!.n);
    expect(finHops.map(wire)).toEqual(['rs2>director', 'host', 'director>client']);
    expect(finHops.map((h) => h.kind)).toEqual(['segment', 'conn-state', 'segment']);
    expect(finHops[1]!.conn).toMatchObject({ state: 'FIN_WAIT', expiresIn: 120 });
    expect(finHops[1]!.tcp!.direction).toBe('output');
    // The client's request side: client → director (VIP), director → rs2 (RIP), as the walk.
    const syn = hopsOf(t, 1);
    expect(syn.map((h) => h.kind)).toEqual(['segment', 'conn-state', 'segment']);
    expect(syn.filter((h) => h.kind === 'segment').map((h) => h.packet!.ip!.dst)).toEqual(['172.16.111.123', '192.168.111.102']);
    // Between the wires the director rewrote the destination (IPVS) and the MACs; TTL −1 on the way through.
    expect(syn.filter((h) => h.kind === 'segment').map((h) => h.changed)).toEqual([[], ['eth.src', 'eth.dst', 'ip.dst', 'ip.ttl']]);
    expect(hops[1]!.changed).toEqual(expect.arrayContaining(['ip.src', 'eth.src', 'eth.dst']));
  });

  it('DR: client segments reach the real server with only the MAC rewritten; the FIN goes back via the router', () => {
    const t = run('dr');
    const req = hopsOf(t, 4).filter((h) => h.kind === 'segment');
    expect(req.map(wire)).toEqual(walkWires(t, 'request').map(wire));
    expect(req.map(wire)).toEqual(['client>director', 'director>rs2']);
    expect(req.every((h) => h.packet!.ip!.dst === '172.17.253.100')).toBe(true);
    expect(req[0]!.packet!.eth!.dst).not.toBe(req[1]!.packet!.eth!.dst);
    expect(req[1]!.packet!.eth).toEqual(walkWires(t, 'request')[1]!.packet!.eth);
    const fin = segs(t).find((x) => x.tcp!.kind === 'fin' && !x.tcp!.fromClient)!;
    const finHops = hopsOf(t, fin.tcp!.n);
    expect(finHops.map(wire)).toEqual(['rs2>router', 'router>client']);
    expect(finHops.every((h) => h.kind === 'segment' && !h.tcp!.directorSees && h.packet!.ip!.src === '172.17.253.100')).toBe(true);
    expect(finHops[1]!.packet!.eth).toEqual(walkWires(t, 'reply')[1]!.packet!.eth);
  });

  it('TUN: the request side carries the IPIP outer header from the director on; the tunnel leg is where a full-sized segment gets "fragmentation needed"', () => {
    const t = run('tun');
    const syn = hopsOf(t, 1).filter((h) => h.kind === 'segment');
    expect(syn.map(wire)).toEqual(['client>director', 'director>router', 'router>rs2']);
    expect(syn.map((h) => h.packet!.outer?.dst ?? null)).toEqual([null, '10.20.0.12', '10.20.0.12']);
    expect(syn.map((h) => h.tcp!.hop!.ipBytes)).toEqual([40, 60, 60]);
    expect(syn[1]!.changed).toContain('outer');
    // Only the first wire a 1520-byte DF packet does not fit drops it: the director's, ICMP MTU 1480 (dst_mtu − 20).
    expect(syn.map((h) => h.tcp!.hop!.fullSize ?? null)).toEqual([null, { needed: 1520, mtu: 1500, icmpMtu: 1480, by: 'director' }, null]);
    expect(syn[1]!.narration.en).toContain('ICMP "fragmentation needed" (MTU 1480)');
    expect(syn[1]!.narration.zh).toContain('ICMP“需要分片”（MTU 1480）');
    // The client's FIN: IPIP again on the tunnel leg; the director files it in INPUT_ONLY → FIN_WAIT.
    const fin = segs(t).find((x) => x.tcp!.kind === 'fin' && x.tcp!.fromClient)!;
    const finHops = hopsOf(t, fin.tcp!.n);
    expect(finHops.map((h) => h.kind)).toEqual(['segment', 'conn-state', 'segment', 'segment']);
    expect(finHops[1]!.conn).toMatchObject({ state: 'FIN_WAIT' });
    expect(finHops[1]!.tcp!.direction).toBe('input-only');
    expect(finHops[2]!.packet!.outer).toMatchObject({ dst: '10.20.0.12', protocol: 'ipip' });
    // The reply side goes straight to the client: no outer header, nothing too big.
    const data = segs(t).find((x) => x.tcp!.kind === 'data')!;
    expect(hopsOf(t, data.tcp!.n).every((h) => !h.packet!.outer && !h.tcp!.hop!.fullSize && h.tcp!.hop!.ipBytes <= h.tcp!.hop!.mtu)).toBe(true);
  });

  it('the IPVS states follow the kernel table segment by segment, and trace.conn ends where the FIN exchange leaves it', () => {
    for (const name of ['nat', 'dr', 'tun'] as const) {
      const t = run(name);
      const method = t.method!;
      let state: IpvsTcpState = 'NONE';
      for (const s of segs(t)) {
        const info = s.tcp!;
        const flags = { syn: info.flags.includes('SYN'), ack: info.flags.includes('ACK'), fin: info.flags.includes('FIN') };
        if (info.directorSees) state = nextIpvsTcpState(state, ipvsDirection(method, info.fromClient), flags);
        expect(info.ipvsState, `${name} segment ${info.n}`).toBe(state);
      }
      expect(t.conn!.state).toBe(state);
      expect(t.conn!.expiresIn).toBe(120);
      expect(t.conn!.state).toBe(name === 'nat' ? 'TIME_WAIT' : 'FIN_WAIT');
      expect(t.conn!.ipvsadm).toMatch(new RegExp(`^TCP 02:00 {2}${t.conn!.state} `));
      // A conn-state step always follows the wire into the director.
      for (const c of t.steps.filter((x) => x.kind === 'conn-state')) {
        const before = t.steps[c.index - 1]!;
        expect(before.place.kind === 'link' && before.place.to?.host).toBe('director');
      }
    }
  });

  it('the one-request walk stays in front, untouched: the TCP steps only add segment and conn-state steps', () => {
    const t = run('tun');
    const first = t.steps.findIndex((x) => x.kind === 'segment');
    expect(t.steps.slice(first).every((x) => x.kind === 'segment' || x.kind === 'conn-state')).toBe(true);
    expect(t.steps.slice(0, first).some((x) => x.kind === 'segment' || x.kind === 'conn-state')).toBe(false);
  });
});

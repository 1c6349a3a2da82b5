import { describe, expect, it } from 'vitest';
import { buildCapturedWalk } from '../../../shared/capture/walk.ts';
import { compareWalks, differenceText, wireSteps } from '../../../shared/capture/compare.ts';
import { natLab, drLab, tunLab } from '../../../shared/model/labs.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { Trace } from '../../../shared/simulator/types.ts';
import { flowOf, idealCaptures } from './ideal.ts';
import { hostId, interfaceId, serviceId } from '../../../shared/model/ids.ts';

const labs: [string, () => Topology][] = [
  ['nat', natLab],
  ['dr', drLab],
  ['tun', tunLab],
];

describe('captured walk and compare', () => {
  for (const [name, lab] of labs) {
    it(`${name}: a capture of exactly the simulated frames gives the same walk, with no difference`, () => {
      const t = lab();
      const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 3 });
      expect(trace.outcome.status).toBe('ok');
      const walk = buildCapturedWalk(t, idealCaptures(t, trace), flowOf(trace));
      expect(walk.problems).toEqual([]);
      expect(walk.steps.length).toBe(wireSteps(trace).length);
      expect(walk.clientPort).toBe(trace.steps.find((s) => s.packet?.l4)!.packet!.l4!.sport);
      const cmp = compareWalks(trace, walk.steps);
      expect(cmp.differences.map((d) => differenceText(d))).toEqual([]);
      expect(cmp.pairs).toHaveLength(walk.steps.length);
      // each frame was recorded at both ends (or by every host of a broadcast) and merged into one step
      for (const s of walk.steps) expect(s.seenOn.length).toBeGreaterThanOrEqual(2);
      expect(walk.steps.some((s) => s.packet?.outer)).toBe(name === 'tun');
    });
  }

  it('lists a TTL, a MAC and an IPIP outer-header difference on the step where they happen', () => {
    const t = tunLab();
    const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 3 });
    const wires = wireSteps(trace);
    const enc = wires.findIndex((s) => s.packet?.outer);
    const walk = buildCapturedWalk(
      t,
      idealCaptures(t, trace, (i, h) => (i === enc ? { ...h, outer: { ...h.outer!, ttl: h.outer!.ttl - 1, src: '10.9.9.9' }, ip: { ...h.ip!, ttl: 1 } } : h)),
      flowOf(trace),
    );
    const d = compareWalks(trace, walk.steps).differences;
    expect(d).toEqual([
      expect.objectContaining({ kind: 'field', simulated: wires[enc]!.index, field: 'outer.src', actual: '10.9.9.9' }),
      expect.objectContaining({
        kind: 'field',
        field: 'outer.ttl',
        expected: String(wires[enc]!.packet!.outer!.ttl),
        actual: String(wires[enc]!.packet!.outer!.ttl - 1),
      }),
      expect.objectContaining({ kind: 'field', field: 'ip.ttl', actual: '1' }),
    ]);
  });

  it('compares frame growth per hop (TUN: +20 for the IPIP header) and flags a renumbered TCP segment', () => {
    const t = tunLab();
    const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 3 });
    const walk = buildCapturedWalk(t, idealCaptures(t, trace), flowOf(trace));
    expect(walk.steps.every((s) => s.kind !== 'transmit' || s.wireTcp !== undefined)).toBe(true);
    expect(compareWalks(trace, walk.steps).differences).toEqual([]);
    // the IPIP hops are 20 bytes bigger than the client's SYN, in the capture as in the simulation
    const ipip = walk.steps.filter((s) => s.packet?.outer);
    const syn = walk.steps.find((s) => s.kind === 'transmit')!;
    expect(ipip.map((s) => s.packet!.size - syn.packet!.size)).toEqual([20, 20]);
    // a kernel that grew the tunnelled frame by 4 more bytes and renumbered its seq and ack
    const bad = walk.steps.map((s) =>
      s === ipip[0] ? { ...s, packet: { ...s.packet!, size: s.packet!.size + 4 }, wireTcp: { seq: s.wireTcp!.seq + 1000, ack: s.wireTcp!.ack - 1 } } : s,
    );
    const d = compareWalks(trace, bad).differences;
    expect(d).toEqual([
      expect.objectContaining({ kind: 'field', captured: ipip[0]!.index, field: 'size.growth', expected: '+20', actual: '+24' }),
      expect.objectContaining({ kind: 'field', captured: ipip[0]!.index, field: 'tcp.seq.drift', expected: '+0', actual: '+1000' }),
      expect.objectContaining({ kind: 'field', captured: ipip[0]!.index, field: 'tcp.ack.drift', expected: '+0', actual: '−1' }),
    ]);
    expect(differenceText(d[1]!, 'zh')).toMatch(/^模拟第 \d+ 步 ↔ 抓到的第 \d+ 步：tcp\.seq\.drift 模拟为 \+0，抓到的是 \+1000$/);
  });

  it('seq/ack drift wraps around 2^32', () => {
    const t = natLab();
    const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 3 });
    const walk = buildCapturedWalk(t, idealCaptures(t, trace), flowOf(trace));
    const [a, b] = walk.steps.filter((s) => s.kind === 'transmit' && s.phase === 'request');
    const steps = walk.steps.map((s) => (s === a ? { ...s, wireTcp: { seq: 2 ** 32 - 1, ack: 0 } } : s === b ? { ...s, wireTcp: { seq: 1, ack: 0 } } : s));
    expect(compareWalks(trace, steps).differences).toEqual([expect.objectContaining({ field: 'tcp.seq.drift', actual: '+2' })]);
  });

  it('lists a step missing from the capture and an extra one', () => {
    const t = drLab();
    const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 3 });
    const wires = wireSteps(trace);
    const arpIdx = wires.findIndex((s) => s.kind === 'arp-reply');
    expect(arpIdx).toBeGreaterThanOrEqual(0);
    const walk = buildCapturedWalk(
      t,
      idealCaptures(t, trace, (i, h) => (i === arpIdx ? null : h)),
      flowOf(trace),
    );
    const d = compareWalks(trace, walk.steps).differences;
    expect(d).toEqual([expect.objectContaining({ kind: 'missing', simulated: wires[arpIdx]!.index })]);
    expect(differenceText(d[0]!)).toMatch(/^missing in the capture: simulated step \d+ \(request ARP reply \S+ → \S+ on \S+\)$/);
    // the same line in Simplified Chinese: no English word left in it (host and segment ids aside)
    const zh = differenceText(d[0]!, 'zh');
    expect(zh).toMatch(/^抓包中缺少：模拟第 \d+ 步（链路 \S+ 上 \S+ → \S+ 的请求 ARP 应答）$/);
    const m = d[0]!.kind === 'missing' ? d[0]!.what : null;
    expect(m?.zh).not.toMatch(/\b(request|reply|frame|on)\b/);
    // the same walk compared against a trace without that step: the captured one is extra
    const fewer: Trace = { ...trace, steps: trace.steps.filter((s) => s.index !== wires[arpIdx]!.index) };
    const full = buildCapturedWalk(t, idealCaptures(t, trace), flowOf(trace));
    const extra = compareWalks(fewer, full.steps).differences;
    expect(extra).toEqual([expect.objectContaining({ kind: 'extra', captured: arpIdx })]);
    expect(differenceText(extra[0]!)).toMatch(/^extra in the capture: captured step \d+ \(request ARP reply /);
    expect(differenceText(extra[0]!, 'zh')).toMatch(/^抓包中多出：抓到的第 \d+ 步（链路 \S+ 上 .* 的请求 ARP 应答）$/);
  });

  it('leaves out other traffic and says when the connection was not captured', () => {
    const t = natLab();
    const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 3 });
    const caps = idealCaptures(t, trace);
    const other = buildCapturedWalk(t, caps, { ...flowOf(trace), vport: 443 });
    expect(other.steps).toEqual([]);
    expect(other.clientPort).toBeNull();
    expect(other.problems).toEqual([expect.stringMatching(/no TCP SYN from .* to .*:443 was captured/)]);
    const bad = buildCapturedWalk(t, [{ host: hostId('client'), iface: interfaceId('nope'), frames: [] }, ...caps], flowOf(trace));
    expect(bad.problems).toEqual(['capture of client/nope is not of an ethernet interface plugged into a segment; ignored']);
  });
});

/** The step list folds each TCP segment over its wires, and a run of data segments and ACKs into one row. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import type { StepRow } from '../../../renderer/classroom/derive.ts';
import { eventLabel, openKeysAt, segmentEnds, stepRows, visibleSteps } from '../../../renderer/classroom/derive.ts';
import { hostId, serviceId } from '../../../shared/model/ids.ts';

function lab(name: 'nat' | 'tun') {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return { topology: r.value.topology, trace: simulate(r.value.topology, { client: hostId('client'), service: serviceId('web') }, { seed: 1 }) };
}
const natTrace = () => lab('nat').trace;
const tcpRows = (rows: readonly StepRow[]) => rows.filter((r) => r.kind !== 'step');

describe('stepRows', () => {
  it('NAT lab: the connection reads in 8 rows — SYN, SYN-ACK, ACK, request, one data group, FIN, FIN, ACK', () => {
    const t = natTrace();
    const visible = visibleSteps(t, true);
    const rows = stepRows(t, visible, new Set());
    const firstTcp = t.steps.findIndex((s) => s.kind === 'segment');
    // The one-request walk stays one row per step.
    expect(rows.filter((r) => r.kind === 'step')).toHaveLength(visible.filter((i) => i < firstTcp).length);
    const tcp = tcpRows(rows);
    expect(tcp.map((r) => r.kind)).toEqual(['segment', 'segment', 'segment', 'segment', 'group', 'segment', 'segment', 'segment']);
    expect(tcp.map((r) => (r.kind === 'segment' ? `${eventLabel(t.steps[r.members[0]!]!)}/${r.hops}/${r.state ?? '-'}` : 'group'))).toEqual([
      'TCP SYN/2/SYN_RECV',
      'TCP SYN,ACK/2/-',
      'TCP ACK/2/ESTABLISHED',
      'TCP PSH,ACK/2/-',
      'group',
      'TCP FIN,ACK/2/FIN_WAIT',
      'TCP FIN,ACK/2/TIME_WAIT',
      'TCP ACK/2/-',
    ]);
    const g = tcp.find((r) => r.kind === 'group')!;
    expect(g).toMatchObject({ data: 8, acks: 4, bytes: 10240 });
    // 12 segments over 2 wires each.
    expect(g.members).toHaveLength(24);
    // Every visible step is in exactly one row, and rows are numbered like the steps.
    const covered = rows.flatMap((r) => (r.kind === 'step' ? [r.index] : r.members));
    expect(covered).toEqual(visible);
    const after = rows[rows.indexOf(g) + 1]!;
    expect(after.shown).toBe(g.shown + 24);
  });

  it('an open group shows one row per segment; an open segment shows each wire and its IPVS step', () => {
    const t = natTrace();
    const visible = visibleSteps(t, false);
    const g = stepRows(t, visible, new Set()).find((r) => r.kind === 'group')!;
    const opened = stepRows(t, visible, new Set([g.key]));
    expect(opened.find((r) => r.kind === 'group')).toBeUndefined();
    expect(tcpRows(opened)).toHaveLength(4 + 12 + 3);
    // The group's first segment row carries the group's close button.
    const firstData = opened.find((r) => r.kind === 'segment' && r.members[0] === g.members[0])!;
    expect(openKeysAt(t, visible, new Set([g.key]), firstData.kind === 'segment' ? firstData.members[0]! : -1)).toEqual({ group: g.key });
    // Open the SYN: its wire into the director, the IPVS step (NONE → SYN_RECV), its wire to rs2.
    const syn = opened.find((r) => r.kind === 'segment')!;
    if (syn.kind !== 'segment') throw new Error('no SYN row');
    const withSyn = stepRows(t, visible, new Set([g.key, syn.key]));
    const synSteps = withSyn.filter((r) => r.kind === 'step' && syn.members.includes(r.index));
    expect(synSteps.map((r) => (r.kind === 'step' ? t.steps[r.index]!.kind : ''))).toEqual(['segment', 'conn-state', 'segment']);
    expect(withSyn).toHaveLength(opened.length + 2);
    expect(openKeysAt(t, visible, new Set([syn.key]), syn.members[0]!)).toEqual({ segment: syn.key });
    expect(openKeysAt(t, visible, new Set([syn.key]), syn.members[1]!)).toEqual({});
  });

  it('TUN: a client segment crosses three wires, named end to end', () => {
    const { topology, trace } = lab('tun');
    const visible = visibleSteps(trace, false);
    const syn = stepRows(trace, visible, new Set()).find((r) => r.kind === 'segment')!;
    if (syn.kind !== 'segment') throw new Error('no SYN row');
    expect(syn.hops).toBe(3);
    expect(segmentEnds(topology, trace, syn.members)).toBe('client → director → router → rs2');
  });

  it('labels TCP steps by their flags and IPVS state steps by the new state, in both languages', () => {
    const t = natTrace();
    const syn = t.steps.find((s) => s.kind === 'segment')!;
    expect(eventLabel(syn, 'en')).toBe('TCP SYN');
    const st = t.steps.find((s) => s.kind === 'conn-state')!;
    expect(eventLabel(st, 'zh')).toBe('IPVS → SYN_RECV');
  });
});

// Auto-layout keeps segments as columns and never overlaps two cards, on every example.
import { describe, expect, it } from 'vitest';
import { autoLayout, estimateHostSize, HOST_CARD_WIDTH, SEGMENT_BAR_WIDTH } from '../../../renderer/canvas/autoLayout.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { WIZARD_DEFAULTS, wizardDesign } from '../../../shared/model/wizard.ts';
import { generateTopology } from '../../../shared/model/generate.ts';
import { loadExamples } from '../generators/helpers.ts';

interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The boxes the canvas draws: host cards, and segment bars as tall as their members need. */
function boxes(t: Topology): Box[] {
  const { positions } = autoLayout(t);
  const hosts = t.hosts.map((h) => ({ id: h.id, ...positions[h.id]!, w: HOST_CARD_WIDTH, h: estimateHostSize(t, h).height }));
  const centre = new Map(hosts.map((b) => [b.id, b.y + b.h / 2]));
  const segs = t.segments.map((s) => {
    const p = positions[s.id]!;
    const members = t.hosts.filter((h) => h.interfaces.some((f) => f.segment === s.id)).map((h) => centre.get(h.id)!);
    const h = Math.max(160, ...members.map((c) => c - p.y + 40));
    return { id: s.id, x: p.x, y: p.y, w: SEGMENT_BAR_WIDTH, h };
  });
  return [...hosts, ...segs];
}

function overlaps(list: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push(`${a.id} × ${b.id}`);
    }
  }
  return out;
}

const designs: [string, Topology][] = [
  ...loadExamples().map((e) => [e.name, e.topology] as [string, Topology]),
  ...(['nat', 'dr', 'tun'] as const).map(
    (m) => [`wizard ${m} ×16`, wizardDesign({ ...WIZARD_DEFAULTS[m], realServers: 16 }, 'x').topology] as [string, Topology],
  ),
  ['generated 300 hosts', generateTopology(300, { seed: 3 })],
];

describe('autoLayout', () => {
  it.each(designs)('%s: no two cards or segment bars overlap; every node placed', (_name, t) => {
    const list = boxes(t);
    for (const b of list) expect(Number.isFinite(b.x) && Number.isFinite(b.y), b.id).toBe(true);
    expect(overlaps(list)).toEqual([]);
  });

  it('segments are columns between the host columns: client | segment | director | segment | real servers', () => {
    const dr = loadExamples().find((e) => e.name === 'dr-lab')!.topology;
    const { positions: p } = autoLayout(dr);
    expect(p.client!.x).toBeLessThan(p.public!.x);
    expect(p.public!.x).toBeLessThan(p.director!.x);
    expect(p.director!.x).toBe(p.router!.x);
    expect(p.director!.x).toBeLessThan(p.lan!.x);
    expect(p.lan!.x).toBeLessThan(p.rs1!.x);
    expect(p.rs1!.x).toBe(p.rs2!.x);
  });

  it('the large cluster: web1–web9 in one column, in name order, none overlapping', () => {
    const t = loadExamples().find((e) => e.name === 'large-cluster')!.topology;
    const { positions: p } = autoLayout(t);
    const web = t.hosts.filter((h) => /^web\d$/.test(h.name)).map((h) => h.id);
    expect(web.length).toBe(9);
    expect(new Set(web.map((id) => p[id]!.x)).size).toBe(1);
    const ys = web.map((id) => p[id]!.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
  });
});

/**
 * Auto-layout with dagre, left to right: clients, then their segment, the director, the inner
 * segment, the real servers — the way the lab diagrams of the seed article are drawn. Links have no
 * direction in the model, so they are oriented along a breadth-first walk starting at the clients.
 */
import dagre from '@dagrejs/dagre';
import type { Id, Layout, Position, Topology } from '../../shared/model/types.ts';
import type { Size } from '../store/canvas.ts';

const HOST_W = 200;
const HOST_H = 100;
const SEG_W = 36;

/** A new layout for every host and segment of `t`. */
export function autoLayout(t: Topology, measured: Readonly<Record<Id, Size>>): Layout {
  const adj = new Map<Id, Set<Id>>();
  const link = (a: Id, b: Id) => {
    if (!adj.has(a)) adj.set(a, new Set());
    if (!adj.has(b)) adj.set(b, new Set());
    adj.get(a)!.add(b);
    adj.get(b)!.add(a);
  };
  const segIds = new Set(t.segments.map((s) => s.id));
  for (const h of t.hosts) for (const f of h.interfaces) if (f.segment !== null && segIds.has(f.segment)) link(h.id, f.segment);
  const roleRank: Record<string, number> = { client: 0, router: 1, director: 2, 'real-server': 3 };
  const starts = [...t.hosts].sort((a, b) => (roleRank[a.role] ?? 9) - (roleRank[b.role] ?? 9)).map((h) => h.id);
  const depth = new Map<Id, number>();
  for (const start of [...starts, ...t.segments.map((s) => s.id)]) {
    if (depth.has(start)) continue;
    depth.set(start, 0);
    const queue = [start];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const n of adj.get(cur) ?? []) {
        if (!depth.has(n)) {
          depth.set(n, depth.get(cur)! + 1);
          queue.push(n);
        }
      }
    }
  }
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of t.segments) g.setNode(s.id, { width: SEG_W, height: Math.max(160, (adj.get(s.id)?.size ?? 1) * 60) });
  for (const h of t.hosts) g.setNode(h.id, { width: measured[h.id]?.width ?? HOST_W, height: measured[h.id]?.height ?? HOST_H });
  for (const [a, ns] of adj) {
    for (const b of ns) {
      const da = depth.get(a) ?? 0;
      const db = depth.get(b) ?? 0;
      if (da < db || (da === db && a < b)) g.setEdge(a, b);
    }
  }
  dagre.layout(g);
  const positions: Record<Id, Position> = {};
  for (const id of g.nodes()) {
    const n = g.node(id) as { x: number; y: number; width: number; height: number } | undefined;
    if (n) positions[id] = { x: Math.round(n.x - n.width / 2), y: Math.round(n.y - n.height / 2) };
  }
  return { positions };
}

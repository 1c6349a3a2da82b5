/**
 * Auto-layout in columns, left to right, the way the seed article draws its labs: clients, their
 * segment, the director (and routers), the inner segment, the real servers. Columns come from a
 * breadth-first walk over the host–segment graph starting at the clients, so hosts and segments
 * alternate and every segment is a column of its own. Within a column nodes are ordered by their
 * neighbours in the previous column (fewer crossing links) and stacked with a gap, so no two
 * cards overlap; segments whose spans would overlap in one column get lanes side by side.
 * Pure: card sizes come from the canvas' measurements, else an estimate from the card's content.
 */
import type { Host, Id, Layout, Position, Topology } from '../../shared/model/types.ts';
import { segmentId } from '../../shared/model/ids.ts';

/** A node's size in canvas pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

export const HOST_CARD_WIDTH = 210;
export const SEGMENT_BAR_WIDTH = 36;
/** Vertical gap between cards of one column. */
export const CARD_GAP = 28;
/** Horizontal gap between columns (room for a segment's name above its bar). */
const COLUMN_GAP = 110;
/** Horizontal gap between lanes of one segment column. */
const LANE_GAP = 70;
const SEGMENT_MIN_HEIGHT = 160;

/** The height a host card will have (header, one line per address up to 6, "more", the VIP line). */
export function estimateHostSize(t: Topology, h: Host): Size {
  const lines = h.interfaces.reduce((n, f) => n + Math.max(f.addresses.length, f.kind === 'ethernet' ? 1 : 0), 0);
  const directs = t.services.some((v) => v.director === h.id);
  return { width: HOST_CARD_WIDTH, height: 40 + 18 * Math.min(lines, 6) + (lines > 6 ? 18 : 0) + (directs ? 22 : 0) };
}

/** Natural order for names: web2 before web10. */
const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** A new layout for every host and segment of `t`. */
export function autoLayout(t: Topology, measured: Readonly<Record<Id, Size>> = {}): Layout {
  const segIds = new Set(t.segments.map((s) => s.id));
  const adj = new Map<Id, Set<Id>>();
  const link = (a: Id, b: Id) => {
    if (!adj.has(a)) adj.set(a, new Set());
    if (!adj.has(b)) adj.set(b, new Set());
    adj.get(a)!.add(b);
    adj.get(b)!.add(a);
  };
  for (const h of t.hosts) for (const f of h.interfaces) if (f.segment !== null && segIds.has(f.segment)) link(h.id, f.segment);
  const nameOf = new Map<Id, string>([...t.hosts.map((h) => [h.id, h.name] as const), ...t.segments.map((s) => [s.id, s.name] as const)]);
  const size = (id: Id): Size => {
    if (segIds.has(segmentId(id))) return { width: SEGMENT_BAR_WIDTH, height: SEGMENT_MIN_HEIGHT };
    const m = measured[id];
    return m && m.height > 0
      ? { width: Math.max(m.width, HOST_CARD_WIDTH), height: m.height }
      : estimateHostSize(
          t,
          t.hosts.find((h) => h.id === id)!,
        );
  };

  // Columns: hosts on even depths, segments on odd ones, starting at the clients.
  const roleRank: Record<string, number> = { client: 0, router: 1, director: 2, 'real-server': 3 };
  const roots = [...t.hosts].sort((a, b) => (roleRank[a.role] ?? 9) - (roleRank[b.role] ?? 9) || byName(a.name, b.name)).map((h) => h.id);
  const depth = new Map<Id, number>();
  const walk = (starts: Id[]) => {
    const queue = [...starts];
    for (let qi = 0; qi < queue.length; qi++) {
      const cur = queue[qi]!;
      for (const n of [...(adj.get(cur) ?? [])].sort((a, b) => byName(nameOf.get(a) ?? a, nameOf.get(b) ?? b))) {
        if (!depth.has(n)) {
          depth.set(n, depth.get(cur)! + 1);
          queue.push(n);
        }
      }
    }
  };
  // Every client starts in the first column together (two clients on one segment stay side by side).
  const clients = roots.filter((id) => t.hosts.find((h) => h.id === id)?.role === 'client');
  for (const id of clients) depth.set(id, 0);
  walk(clients);
  for (const start of [...roots, ...t.segments.map((s) => s.id)]) {
    if (depth.has(start)) continue;
    // A component without a client starts at its director or router, one host column in.
    const host = t.hosts.find((h) => h.id === start);
    const first = segIds.has(segmentId(start))
      ? 1
      : host && host.role !== 'client' && host.role !== 'real-server' && adj.has(start)
        ? 2
        : host?.role === 'real-server' && adj.has(start)
          ? 4
          : 0;
    depth.set(start, first);
    walk([start]);
  }
  const columns = new Map<number, Id[]>();
  for (const [id, d] of depth) columns.set(d, [...(columns.get(d) ?? []), id]);
  const order = [...columns.keys()].sort((a, b) => a - b);

  // Order each column by the mean index of its neighbours in the previous column.
  const index = new Map<Id, number>();
  for (const d of order) {
    const ids = columns.get(d)!;
    const prev = (id: Id) => [...(adj.get(id) ?? [])].filter((n) => (depth.get(n) ?? -1) < d).map((n) => index.get(n) ?? 0);
    const bary = (id: Id) => {
      const p = prev(id);
      return p.length === 0 ? Infinity : p.reduce((a, b) => a + b, 0) / p.length;
    };
    ids.sort((a, b) => bary(a) - bary(b) || byName(nameOf.get(a) ?? a, nameOf.get(b) ?? b));
    ids.forEach((id, i) => index.set(id, i));
  }

  // Hosts: stacked per column, every column centred on the tallest.
  const positions: Record<Id, Position> = {};
  const hostColumns = order.filter((d) => columns.get(d)!.some((id) => !segIds.has(segmentId(id))));
  const heightOf = (d: number) =>
    columns
      .get(d)!
      .filter((id) => !segIds.has(segmentId(id)))
      .reduce((h, id, i) => h + (i > 0 ? CARD_GAP : 0) + size(id).height, 0);
  const tallest = Math.max(0, ...hostColumns.map(heightOf));
  const x = new Map<number, number>();
  let cursor = 0;
  const segmentLanes = new Map<number, number>();
  // Segment spans need host positions; place hosts first with provisional x, then fix x per column.
  for (const d of order) {
    const ids = columns.get(d)!.filter((id) => !segIds.has(segmentId(id)));
    let y = (tallest - heightOf(d)) / 2;
    for (const id of ids) {
      positions[id] = { x: 0, y: Math.round(y) };
      y += size(id).height + CARD_GAP;
    }
  }
  // Segments: from just above their first member's link to below their last; overlapping spans get lanes.
  const laneOf = new Map<Id, number>();
  const span = new Map<Id, { top: number; bottom: number }>();
  for (const d of order) {
    const segs = columns.get(d)!.filter((id) => segIds.has(segmentId(id)));
    const ends: number[] = [];
    for (const id of segs) {
      const centres = [...(adj.get(id) ?? [])].filter((n) => positions[n]).map((n) => positions[n]!.y + size(n).height / 2);
      const top = centres.length ? Math.min(...centres) - 40 : 0;
      const bottom = Math.max(top + SEGMENT_MIN_HEIGHT, (centres.length ? Math.max(...centres) : 0) + 40);
      span.set(id, { top: Math.round(top), bottom: Math.round(bottom) });
    }
    for (const id of [...segs].sort((a, b) => span.get(a)!.top - span.get(b)!.top)) {
      const { top, bottom } = span.get(id)!;
      let lane = ends.findIndex((end) => end + 20 <= top);
      if (lane < 0) lane = ends.push(bottom) - 1;
      else ends[lane] = bottom;
      laneOf.set(id, lane);
    }
    segmentLanes.set(d, Math.max(1, ends.length));
  }
  for (const d of order) {
    x.set(d, cursor);
    const hasHosts = columns.get(d)!.some((id) => !segIds.has(segmentId(id)));
    const width = hasHosts
      ? Math.max(
          ...columns
            .get(d)!
            .filter((id) => !segIds.has(segmentId(id)))
            .map((id) => size(id).width),
        )
      : segmentLanes.get(d)! * SEGMENT_BAR_WIDTH + (segmentLanes.get(d)! - 1) * LANE_GAP;
    cursor += width + COLUMN_GAP;
  }
  for (const d of order) {
    for (const id of columns.get(d)!) {
      if (segIds.has(segmentId(id))) positions[id] = { x: x.get(d)! + laneOf.get(id)! * (SEGMENT_BAR_WIDTH + LANE_GAP), y: span.get(id)!.top };
      else positions[id] = { x: x.get(d)!, y: positions[id]!.y };
    }
  }
  return { positions };
}

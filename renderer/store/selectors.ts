/**
 * Memoised selectors deriving the React Flow nodes and edges from the store. Each node/edge object
 * is cached by id and rebuilt only when one of its own inputs changed, so React Flow and the
 * memo'd node components skip everything a drag or an edit did not touch. The returned arrays
 * are stable while their inputs are, as zustand 5 requires.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Host, Id, Position, Segment, Topology } from '../../shared/model/types.ts';
import type { Diagnostics } from './diagnostics.ts';
import { diagnose } from './diagnostics.ts';
import type { Size } from './canvas.ts';
import type { AppState } from './index.ts';
import { serviceAddress } from '../../shared/model/topology.ts';

/** Colours of the L2 segments, in order; chosen to stay apart on a projector. */
export const SEGMENT_COLORS = ['#2f6fde', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4', '#5c940d', '#862e9c'];

export const segmentColor = (index: number): string => SEGMENT_COLORS[index % SEGMENT_COLORS.length]!;

export const HOST_WIDTH = 210;
const HOST_DEFAULT_HEIGHT = 96;
export const SEGMENT_WIDTH = 36;
const SEGMENT_MIN_HEIGHT = 160;

export interface HostNodeData extends Record<string, unknown> {
  host: Host;
  /** `VIP:port` of the services this host directs, joined with a space. */
  vips: string;
  /** Colour of each interface's segment, by interface id, joined as `id=color;...`. */
  colors: string;
  severity: 'error' | 'warning' | null;
  highlighted: boolean;
}

export interface SegmentNodeData extends Record<string, unknown> {
  segment: Segment;
  color: string;
  height: number;
  severity: 'error' | 'warning' | null;
  highlighted: boolean;
}

export interface LinkEdgeData extends Record<string, unknown> {
  color: string;
  /** Vertical span of the segment bar, in flow coordinates. */
  top: number;
  bottom: number;
  severity: 'error' | 'warning' | null;
}

export type HostNode = Node<HostNodeData, 'host'>;
export type SegmentNode = Node<SegmentNodeData, 'segment'>;
export type FlowNode = HostNode | SegmentNode;
export type LinkEdge = Edge<LinkEdgeData, 'link'>;

const ORIGIN: Position = { x: 0, y: 0 };

/** Diagnostics of the current topology (memoised on the topology object). */
export const selectDiagnostics = (s: AppState): Diagnostics => diagnose(s.design.topology);

function vipsOf(t: Topology): Map<Id, string> {
  const out = new Map<Id, string[]>();
  for (const v of t.services) {
    const list = out.get(v.director) ?? [];
    list.push(serviceAddress(v));
    out.set(v.director, list);
  }
  return new Map([...out].map(([k, l]) => [k, l.join(' ')]));
}

interface NodeCacheEntry {
  node: FlowNode;
  key: readonly unknown[];
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Segment bar height covering the hosts plugged into it (so links end on the bar). */
function segmentHeights(t: Topology, positions: Readonly<Record<Id, Position>>, measured: Readonly<Record<Id, Size>>): Map<Id, number> {
  const heights = new Map<Id, number>();
  for (const s of t.segments) heights.set(s.id, SEGMENT_MIN_HEIGHT);
  for (const h of t.hosts) {
    const hp = positions[h.id] ?? ORIGIN;
    const hh = measured[h.id]?.height ?? HOST_DEFAULT_HEIGHT;
    for (const f of h.interfaces) {
      if (f.segment === null) continue;
      const sp = positions[f.segment];
      const cur = heights.get(f.segment);
      if (!sp || cur === undefined) continue;
      const need = hp.y + hh / 2 - sp.y + 40;
      if (need > cur) heights.set(f.segment, Math.ceil(need / 10) * 10);
    }
  }
  return heights;
}

/**
 * Builds the selector of React Flow nodes. One instance per canvas; it caches node objects by id.
 */
export function makeNodesSelector(): (s: AppState) => FlowNode[] {
  const cache = new Map<Id, NodeCacheEntry>();
  let lastInputs: readonly unknown[] = [];
  let lastResult: FlowNode[] = [];
  return (s) => {
    const t = s.design.topology;
    const positions = s.design.layout.positions;
    const diag = diagnose(t);
    const inputs = [t, positions, s.measured, s.selectedNodes, s.highlighted, diag];
    if (sameKey(inputs, lastInputs)) return lastResult;
    lastInputs = inputs;
    const selected = new Set(s.selectedNodes);
    const highlighted = new Set(s.highlighted);
    const vips = vipsOf(t);
    const segIndex = new Map(t.segments.map((seg, i) => [seg.id, i]));
    const heights = segmentHeights(t, positions, s.measured);
    const out: FlowNode[] = [];
    const seen = new Set<Id>();
    for (const seg of t.segments) {
      const color = segmentColor(segIndex.get(seg.id)!);
      const height = heights.get(seg.id)!;
      const pos = positions[seg.id] ?? ORIGIN;
      const sev = diag.severity.get(seg.id) ?? null;
      const hl = highlighted.has(seg.id);
      const sel = selected.has(seg.id);
      const key = [seg, pos, color, height, sev, hl, sel, s.measured[seg.id]];
      const prev = cache.get(seg.id);
      seen.add(seg.id);
      if (prev && sameKey(prev.key, key)) {
        out.push(prev.node);
        continue;
      }
      const m = s.measured[seg.id];
      const node: SegmentNode = {
        id: seg.id,
        type: 'segment',
        position: pos,
        selected: sel,
        data: { segment: seg, color, height, severity: sev, highlighted: hl },
        ...(m ? { measured: m } : {}),
      };
      cache.set(seg.id, { node, key });
      out.push(node);
    }
    for (const h of t.hosts) {
      const pos = positions[h.id] ?? ORIGIN;
      const sev = diag.severity.get(h.id) ?? null;
      const hl = highlighted.has(h.id) || h.interfaces.some((f) => highlighted.has(f.id));
      const sel = selected.has(h.id);
      const v = vips.get(h.id) ?? '';
      const colors = h.interfaces
        .map((f) => (f.segment !== null && segIndex.has(f.segment) ? `${f.id}=${segmentColor(segIndex.get(f.segment)!)}` : ''))
        .join(';');
      const key = [h, pos, sev, hl, sel, v, colors, s.measured[h.id]];
      const prev = cache.get(h.id);
      seen.add(h.id);
      if (prev && sameKey(prev.key, key)) {
        out.push(prev.node);
        continue;
      }
      const m = s.measured[h.id];
      const node: HostNode = {
        id: h.id,
        type: 'host',
        position: pos,
        selected: sel,
        data: { host: h, vips: v, colors, severity: sev, highlighted: hl },
        ...(m ? { measured: m } : {}),
      };
      cache.set(h.id, { node, key });
      out.push(node);
    }
    for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
    lastResult = out;
    return out;
  };
}

interface EdgeCacheEntry {
  edge: LinkEdge;
  key: readonly unknown[];
}

/** Builds the selector of React Flow edges: one per plugged ethernet interface. */
export function makeEdgesSelector(): (s: AppState) => LinkEdge[] {
  const cache = new Map<Id, EdgeCacheEntry>();
  let lastInputs: readonly unknown[] = [];
  let lastResult: LinkEdge[] = [];
  return (s) => {
    const t = s.design.topology;
    const positions = s.design.layout.positions;
    const diag = diagnose(t);
    const inputs = [t, positions, s.measured, s.selectedEdges, diag];
    if (sameKey(inputs, lastInputs)) return lastResult;
    lastInputs = inputs;
    const selected = new Set(s.selectedEdges);
    const segIndex = new Map(t.segments.map((seg, i) => [seg.id, i]));
    const heights = segmentHeights(t, positions, s.measured);
    const out: LinkEdge[] = [];
    const seen = new Set<Id>();
    for (const h of t.hosts) {
      const hp = positions[h.id] ?? ORIGIN;
      const hw = s.measured[h.id]?.width ?? HOST_WIDTH;
      for (const f of h.interfaces) {
        if (f.segment === null || !segIndex.has(f.segment)) continue;
        const sp = positions[f.segment] ?? ORIGIN;
        const right = hp.x + hw / 2 < sp.x + SEGMENT_WIDTH / 2;
        const color = segmentColor(segIndex.get(f.segment)!);
        const top = sp.y;
        const bottom = sp.y + heights.get(f.segment)!;
        const sev = diag.severity.get(f.id) ?? null;
        const sel = selected.has(f.id);
        // Named by the design's own names (no English words for screen readers in the Chinese UI).
        const label = `${h.name} ${f.name} → ${t.segments[segIndex.get(f.segment)!]!.name}`;
        const key = [h.id, f.segment, right, color, top, bottom, sev, sel, label];
        const prev = cache.get(f.id);
        seen.add(f.id);
        if (prev && sameKey(prev.key, key)) {
          out.push(prev.edge);
          continue;
        }
        const edge: LinkEdge = {
          id: f.id,
          type: 'link',
          source: h.id,
          target: f.segment,
          sourceHandle: right ? 'r' : 'l',
          targetHandle: right ? 'l' : 'r',
          selected: sel,
          ariaLabel: label,
          data: { color, top, bottom, severity: sev },
        };
        cache.set(f.id, { edge, key });
        out.push(edge);
      }
    }
    for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
    // Dragging a host moves no link most of the time: keep the old array so React Flow skips
    // rebuilding its edge and connection lookups.
    if (out.length === lastResult.length && out.every((e, i) => e === lastResult[i])) return lastResult;
    lastResult = out;
    return out;
  };
}

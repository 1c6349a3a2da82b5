/**
 * The classroom canvas: the design drawn by the designer's node components (read-only), the hosts
 * acting at the current step lit up, the links in use emphasised, and a packet token travelling
 * along the link of a wire step (animated with requestAnimationFrame while playing).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeChange } from '@xyflow/react';
import { Background, BackgroundVariant, Controls, ReactFlow, ViewportPortal, useReactFlow } from '@xyflow/react';
import type { Topology } from '../../shared/model/types.ts';
import type { TraceStep } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import type { FlowNode, LinkEdge } from '../store/selectors.ts';
import { HOST_WIDTH, SEGMENT_WIDTH, makeEdgesSelector, makeNodesSelector } from '../store/selectors.ts';
import { edgeTypes, nodeTypes } from '../canvas/nodes.tsx';
import { flowAriaLabels } from '../canvas/aria.ts';
import { useTranslation } from 'react-i18next';
import { actingHosts, changedSummary, isArp } from './derive.ts';
import { interfaceId } from '../../shared/model/ids.ts';

type Pt = readonly [number, number];

// Little padding: on a projector every pixel goes to the design (the cards' text must stay ≥ 14 px).
const FIT = { padding: 0.04, maxZoom: 1.8 };
const PRO = { hideAttribution: true };

interface Geometry {
  host(id: string): { x: number; y: number; w: number; h: number } | undefined;
  seg(id: string): { x: number; y: number; h: number } | undefined;
}

function geometry(nodes: readonly FlowNode[]): Geometry {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return {
    host(id) {
      const n = byId.get(id);
      if (!n || n.type !== 'host') return undefined;
      return { x: n.position.x, y: n.position.y, w: n.measured?.width ?? HOST_WIDTH, h: n.measured?.height ?? 96 };
    },
    seg(id) {
      const n = byId.get(id);
      if (!n || n.type !== 'segment') return undefined;
      return { x: n.position.x, y: n.position.y, h: n.data.height };
    },
  };
}

/** Points from a host's handle to its attachment on a segment bar (as the link edge draws it). */
function attach(g: Geometry, host: string, seg: string): Pt[] {
  const h = g.host(host);
  const s = g.seg(seg);
  if (!h || !s) return [];
  const segX = s.x + SEGMENT_WIDTH / 2;
  const right = h.x + h.w / 2 < segX;
  const hx = right ? h.x + h.w : h.x;
  const y = h.y + h.h / 2;
  const ey = Math.min(Math.max(y, s.y + 28), Math.max(s.y + 28, s.y + s.h - 8));
  const mid = (hx + segX) / 2;
  return [
    [hx, y],
    [mid, y],
    [mid, ey],
    [segX, ey],
  ];
}

function along(points: readonly Pt[], p: number): Pt {
  if (points.length === 0) return [0, 0];
  if (points.length === 1) return points[0]!;
  const lens: number[] = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const l = Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]);
    lens.push(l);
    total += l;
  }
  let d = Math.min(Math.max(p, 0), 1) * total;
  for (let i = 0; i < lens.length; i++) {
    if (d <= lens[i]! || i === lens.length - 1) {
      const f = lens[i]! === 0 ? 0 : d / lens[i]!;
      const a = points[i]!;
      const b = points[i + 1]!;
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
    }
    d -= lens[i]!;
  }
  return points[points.length - 1]!;
}

/** Where the token is drawn for a step: the path it travels (wire) or the spot it sits on (host). */
function tokenPath(g: Geometry, t: Topology, step: TraceStep): Pt[] {
  const p = step.place;
  if (p.kind === 'link') {
    const a = attach(g, p.from.host, p.segment);
    if (!p.to) return a;
    return [...a, ...attach(g, p.to.host, p.segment).reverse()];
  }
  const h = g.host(p.host);
  if (!h) return [];
  const iface = p.iface ? t.hosts.find((x) => x.id === p.host)?.interfaces.find((f) => f.id === p.iface) : undefined;
  if (iface?.segment) {
    const a = attach(g, p.host, iface.segment);
    if (a.length) return [[a[0]![0], a[0]![1]]];
  }
  // On the node's top border, so the addresses stay readable.
  return [[h.x + h.w / 2, h.y]];
}

export interface StageProps {
  readonly step: TraceStep | undefined;
  readonly playing: boolean;
  /** How long the current step is shown while playing, in ms. */
  readonly durationMs: number;
  readonly clientId: string | undefined;
  /** Changes when the stage is resized by the app (presenter view): the design is framed again. */
  readonly fitKey: string;
  /** Hosts of real servers marked down in the walk: drawn greyed with a "down" badge. */
  readonly downHosts?: ReadonlySet<string>;
}

const NO_HOSTS: ReadonlySet<string> = new Set();

export function Stage({ step, playing, durationMs, clientId, fitKey, downHosts = NO_HOSTS }: StageProps) {
  const { t, i18n } = useTranslation();
  const ariaLabels = useMemo(() => flowAriaLabels(t), [t, i18n.language]);
  const flow = useReactFlow<FlowNode, LinkEdge>();
  useEffect(() => {
    // Two frames: the layout change lands first, then React Flow has the new size.
    let raf = requestAnimationFrame(() => {
      raf = requestAnimationFrame(() => void flow.fitView(FIT));
    });
    return () => cancelAnimationFrame(raf);
  }, [fitKey, flow]);
  const selectNodes = useMemo(makeNodesSelector, []);
  const selectEdges = useMemo(makeEdgesSelector, []);
  const nodes = useApp(selectNodes);
  const edges = useApp(selectEdges);
  const topology = useApp((s) => s.design.topology);
  const [progress, setProgress] = useState(0.5);

  const isWire = step?.place.kind === 'link';
  useEffect(() => {
    if (!playing) {
      setProgress(isWire ? 0.5 : 1);
      return;
    }
    let raf = 0;
    const start = performance.now();
    // A wire step travels most of its time; a move inside or between hosts is quick.
    const travel = Math.max(150, durationMs * (isWire ? 0.85 : 0.3));
    const tick = (now: number) => {
      const p = Math.min(1, (now - start) / travel);
      setProgress(p);
      if (p < 1) raf = requestAnimationFrame(tick);
    };
    setProgress(0);
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [step?.index, playing, isWire, durationMs]);

  const acting = useMemo(() => new Set(step ? actingHosts(step.place) : []), [step]);
  const litNodes = useMemo(() => {
    const cls = step?.severity === 'error' ? 'cls-lit cls-drop' : step?.severity === 'warning' ? 'cls-lit cls-warn' : 'cls-lit';
    return nodes.map((n) => {
      const classes = [acting.has(n.id) ? cls : '', n.id === clientId ? 'cls-client' : '', downHosts.has(n.id) ? 'cls-down' : ''].filter(Boolean).join(' ');
      return classes ? { ...n, className: classes } : n;
    });
  }, [nodes, acting, step?.severity, clientId, downHosts]);
  const litEdges = useMemo(() => {
    const p = step?.place;
    if (!p || p.kind !== 'link') return edges.map((e) => (e.selected ? { ...e, selected: false } : e));
    const active = new Set([p.from.iface, ...(p.to ? [p.to.iface] : [])]);
    return edges.map((e) => {
      if (active.has(interfaceId(e.id))) return { ...e, selected: false, className: `cls-edge-active${step?.phase === 'reply' ? ' is-reply' : ''}`, zIndex: 2 };
      if (!p.to && e.target === p.segment) return { ...e, selected: false, className: 'cls-edge-bcast' };
      return e.selected ? { ...e, selected: false } : e;
    });
  }, [edges, step]);

  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    // Keep the measured sizes current so segment bars and the token line up with the nodes.
    const s = useApp.getState();
    const sizes: Record<string, { width: number; height: number }> = {};
    let any = false;
    for (const c of changes) {
      if (c.type === 'dimensions' && c.dimensions) {
        const prev = s.measured[c.id];
        if (!prev || prev.width !== c.dimensions.width || prev.height !== c.dimensions.height) {
          sizes[c.id] = c.dimensions;
          any = true;
        }
      }
    }
    if (any) s.setMeasured(sizes);
  };

  const g = useMemo(() => geometry(litNodes), [litNodes]);
  const own = step ? tokenPath(g, topology, step) : [];
  // While playing, the token glides from where the previous step left it: the end point of the
  // last shown step, captured once per step change.
  const lastEnd = useRef<Pt | null>(null);
  const start = useRef<{ index: number; from: Pt | null }>({ index: -1, from: null });
  if (step && start.current.index !== step.index) start.current = { index: step.index, from: lastEnd.current };
  const from = start.current.from;
  const path = playing && from && own.length > 0 && (own[0]![0] !== from[0] || own[0]![1] !== from[1]) ? [from, ...own] : own;
  const [x, y] = along(path, progress);
  const end = own.length > 0 ? along(own, 1) : null;
  useEffect(() => {
    lastEnd.current = end;
  });
  const arp = step ? isArp(step) : false;
  const drop = step?.severity === 'error';
  const change = step ? changedSummary(step) : '';
  // Keep the changed-field label inside the stage: flip it left near the right edge, below near the top.
  const frame = useRef<HTMLDivElement>(null);
  const vp = flow.getViewport();
  const sx = x * vp.zoom + vp.x;
  const sy = y * vp.zoom + vp.y;
  const width = frame.current?.clientWidth ?? Infinity;
  const flip = `${sx + 18 + change.length * 7.5 > width ? ' flip-x' : ''}${sy < 64 ? ' flip-y' : ''}`;
  const tokenClass = `packet-token${flip}${drop ? ' is-drop' : ''}${arp ? ' is-arp' : step?.phase === 'reply' ? ' is-reply' : ''}${step?.place.kind === 'link' && !step.place.to ? ' is-broadcast' : ''}`;

  return (
    <div className="cls-stage-canvas" data-testid="cls-stage" ref={frame}>
      <ReactFlow<FlowNode, LinkEdge>
        ariaLabelConfig={ariaLabels}
        nodes={litNodes}
        edges={litEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        onNodeClick={(_, n) => {
          // A click opens the host or segment in the Inspector tab (to break or fix it live).
          const st = useApp.getState();
          st.select([n.id], []);
          st.setRightTab('inspector');
        }}
        deleteKeyCode={null}
        fitView
        fitViewOptions={FIT}
        minZoom={0.05}
        maxZoom={2.5}
        proOptions={PRO}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c9ced6" />
        <Controls showInteractive={false} />
        {downHosts.size > 0 && (
          <ViewportPortal>
            {[...downHosts].map((id) => {
              const h = g.host(id);
              if (!h) return null;
              return (
                <div
                  key={id}
                  className="cls-down-badge"
                  style={{ transform: `translate(${h.x + h.w - 8}px, ${h.y - 10}px) translate(-100%, 0)` }}
                  data-testid={`cls-down-badge-${id}`}
                >
                  {t('classroom.failure.downBadge')}
                </div>
              );
            })}
          </ViewportPortal>
        )}
        {step && path.length > 0 && (
          <ViewportPortal>
            <div className={tokenClass} style={{ transform: `translate(${x}px, ${y}px)` }} data-testid="packet-token" data-step={step.index}>
              <span className="packet-dot">{drop ? '✕' : arp ? 'ARP' : step.articleStep ? step.articleStep : ''}</span>
              {change && !drop && (
                <span className="packet-change" data-testid="packet-token-change">
                  {change}
                </span>
              )}
            </div>
          </ViewportPortal>
        )}
      </ReactFlow>
    </div>
  );
}

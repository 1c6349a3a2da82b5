/**
 * The diagram: React Flow in controlled mode, fed by the memoised selectors. Changes coming back
 * from React Flow are translated into store actions: position changes into a drag (one undo step),
 * selection into the selection slice, measured sizes into the canvas slice, new connections into
 * the `connect` command.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Connection, EdgeChange, IsValidConnection, NodeChange } from '@xyflow/react';
import { Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import type { Id, Position } from '../../shared/model/types.ts';
import { connect } from '../../shared/model/commands.ts';
import { useApp } from '../store/index.ts';
import type { FlowNode, LinkEdge } from '../store/selectors.ts';
import { makeEdgesSelector, makeNodesSelector } from '../store/selectors.ts';
import { edgeTypes, nodeTypes } from './nodes.tsx';
import { flowAriaLabels } from './aria.ts';
import { PALETTE_MIME, draggedPaletteItem } from './Palette.tsx';
import { placeItem, runAutoLayout } from '../app/actions.ts';
import { useCanvasLayers } from '../app/extensions.ts';
import { hostId as toHostId, segmentId } from '../../shared/model/ids.ts';

const PRO_OPTIONS = { hideAttribution: true };
const MULTI_KEYS = ['Shift', 'Meta', 'Control'];
/** The smallest canvas (px) that shows the minimap. */
const MINIMAP_MIN_CANVAS = { width: 620, height: 480 } as const;
/** Above this many nodes only the visible ones are rendered (culling costs more than it saves below). */
const LARGE_DESIGN = 200;

const minimapColor = (n: FlowNode): string => (n.type === 'segment' ? n.data.color : n.data.severity === 'error' ? '#d92d20' : '#9aa4b2');

export function Canvas() {
  const { t, i18n } = useTranslation();
  const ariaLabels = useMemo(() => flowAriaLabels(t), [t, i18n.language]);
  const selectNodes = useMemo(makeNodesSelector, []);
  const selectEdges = useMemo(makeEdgesSelector, []);
  const nodes = useApp(selectNodes);
  const edges = useApp(selectEdges);
  const flow = useReactFlow<FlowNode, LinkEdge>();
  const layers = useCanvasLayers();
  const focusRequest = useApp((s) => s.focusRequest);
  const wrapper = useRef<HTMLDivElement>(null);

  const initialized = useNodesInitialized();
  const handled = useRef(0);
  useEffect(() => {
    if (!focusRequest || handled.current === focusRequest.seq) return;
    // Freshly loaded nodes must be measured before they can be framed.
    if (!initialized) return;
    handled.current = focusRequest.seq;
    if (focusRequest.ids.length === 0) return;
    const raf = requestAnimationFrame(() => {
      void flow.fitView({
        nodes: focusRequest.ids.map((id) => ({ id })),
        padding: focusRequest.whole ? 0.12 : 0.5,
        maxZoom: focusRequest.whole ? 1.2 : 1,
        minZoom: 0.05,
        duration: focusRequest.whole ? 0 : 250,
      });
    });
    return () => cancelAnimationFrame(raf);
  }, [focusRequest, flow, initialized]);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const s = useApp.getState();
    const moves: Record<Id, Position> = {};
    let moved = false;
    let dragEnded = false;
    const sizes: Record<Id, { width: number; height: number }> = {};
    let sized = false;
    const selectChanges: { id: string; selected: boolean }[] = [];
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        moves[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
        moved = true;
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'position' && c.dragging === false) {
        dragEnded = true;
      } else if (c.type === 'select') {
        selectChanges.push(c);
      } else if (c.type === 'dimensions' && c.dimensions) {
        const prev = s.measured[c.id];
        if (!prev || prev.width !== c.dimensions.width || prev.height !== c.dimensions.height) {
          sizes[c.id] = c.dimensions;
          sized = true;
        }
      }
    }
    if (sized) s.setMeasured(sizes);
    if (moved) s.dragMove(moves);
    if (dragEnded) s.dragEnd();
    if (selectChanges.length) applySelection(selectChanges, []);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<LinkEdge>[]) => {
    // Removal goes through the Delete shortcut (deleteKeyCode is off); only selection comes here.
    const sel: { id: string; selected: boolean }[] = [];
    for (const c of changes) if (c.type === 'select') sel.push(c);
    if (sel.length) applySelection([], sel);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const s = useApp.getState();
    const t0 = s.design.topology;
    const hostId = t0.hosts.some((h) => h.id === c.source) ? c.source : c.target;
    const segId = hostId === c.source ? c.target : c.source;
    s.applyTopologyCommand((topo) => connect(topo, toHostId(hostId), segmentId(segId)));
  }, []);

  const isValidConnection = useCallback<IsValidConnection<LinkEdge>>((c) => {
    const t0 = useApp.getState().design.topology;
    const isHost = (id: string) => t0.hosts.some((h) => h.id === id);
    const isSeg = (id: string) => t0.segments.some((s) => s.id === id);
    return (isHost(c.source) && isSeg(c.target)) || (isSeg(c.source) && isHost(c.target));
  }, []);

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (!draggedPaletteItem() && !e.dataTransfer.types.includes(PALETTE_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const kind = draggedPaletteItem() ?? e.dataTransfer.getData(PALETTE_MIME);
      if (!kind) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const pos = { x: Math.round(p.x - (kind === 'segment' ? 18 : 100)), y: Math.round(p.y - (kind === 'segment' ? 20 : 40)) };
      placeItem(kind, pos);
    },
    [flow],
  );

  // The minimap only shows while the canvas has room for it: when the Problems panel or the
  // window shrinks the canvas, it would cover the cards the user wants to click.
  const [roomy, setRoomy] = useState(true);
  useEffect(() => {
    const el = wrapper.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setRoomy(el.clientHeight >= MINIMAP_MIN_CANVAS.height && el.clientWidth >= MINIMAP_MIN_CANVAS.width));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  return (
    <div className="canvas" ref={wrapper} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowNode, LinkEdge>
        ariaLabelConfig={ariaLabels}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        multiSelectionKeyCode={MULTI_KEYS}
        selectionKeyCode="Shift"
        // No fitView prop: it would re-frame the view when the first dropped node is measured,
        // moving the canvas under the user's next drop. Loads ask for a fit via focusOn.
        minZoom={0.05}
        maxZoom={2.5}
        proOptions={PRO_OPTIONS}
        connectionRadius={30}
        elevateNodesOnSelect={false}
        elevateEdgesOnSelect={false}
        onlyRenderVisibleElements={nodes.length > LARGE_DESIGN}
      >
        {layers.map(({ id, component: Layer }) => (
          <Layer key={id} />
        ))}
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#c9ced6" />
        {nodes.length > 0 && roomy && (
          <MiniMap
            position="top-right"
            style={{ width: 160, height: 110 }}
            pannable
            zoomable
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            maskColor="rgba(240,242,245,0.7)"
            ariaLabel={t('canvas.minimap')}
          />
        )}
        <Controls showInteractive={false} aria-label={t('canvas.controls')}>
          <ControlButton onClick={() => runAutoLayout()} title={t('toolbar.autoLayout')} aria-label={t('toolbar.autoLayout')} data-testid="canvas-autolayout">
            <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2">
              <rect x="3" y="3" width="7" height="7" />
              <rect x="14" y="14" width="7" height="7" />
              <path d="M10 6.5h4v7.5" />
            </svg>
          </ControlButton>
        </Controls>
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty" data-testid="canvas-empty">
          <h2>{t('canvas.emptyTitle')}</h2>
          <p>{t('canvas.emptyHint')}</p>
        </div>
      )}
    </div>
  );
}

/** Applies React Flow's selection changes to the selection slice. */
function applySelection(nodeChanges: readonly { id: string; selected: boolean }[], edgeChanges: readonly { id: string; selected: boolean }[]): void {
  const s = useApp.getState();
  const nodes = new Set(s.selectedNodes);
  const edges = new Set(s.selectedEdges);
  for (const c of nodeChanges)
    if (c.selected) nodes.add(c.id);
    else nodes.delete(c.id);
  for (const c of edgeChanges)
    if (c.selected) edges.add(c.id);
    else edges.delete(c.id);
  if (nodes.size === 0 && edges.size === 0 && s.selectedService) return;
  s.select([...nodes], [...edges]);
}

/**
 * Custom React Flow node and edge components. All are memo'd and read only their own `data`, so a
 * drag re-renders the dragged node and its links, nothing else.
 */
import { memo } from 'react';
import type { EdgeProps, NodeProps } from '@xyflow/react';
import { BaseEdge, EdgeLabelRenderer, Handle, Position } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import type { HostNode as HostNodeT, LinkEdge as LinkEdgeT, SegmentNode as SegmentNodeT } from '../store/selectors.ts';
import { RoleIcon } from './icons.tsx';
import { useApp } from '../store/index.ts';
import { useEdgeDecorations, useNodeDecorations } from '../app/extensions.ts';

function sevClass(severity: 'error' | 'warning' | null): string {
  return severity === 'error' ? ' has-error' : severity === 'warning' ? ' has-warning' : '';
}

/** A small padlock (SVG: the emoji has no glyph in every font). */
export function LockIcon() {
  return (
    <svg width="10" height="11" viewBox="0 0 10 11" aria-hidden="true" className="lock-icon">
      <path d="M2.5 5V3.5a2.5 2.5 0 0 1 5 0V5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <rect x="1" y="5" width="8" height="6" rx="1" fill="currentColor" />
    </svg>
  );
}

/** The lock an open assignment puts on an element the student may not change. */
function LockBadge({ id }: { id: string }) {
  const { t } = useTranslation();
  return (
    <span className="lock-badge" data-testid={`lock-${id}`} title={t('canvas.locked')} aria-label={t('canvas.locked')}>
      <LockIcon />
    </span>
  );
}

function HostNodeView({ data, selected }: NodeProps<HostNodeT>) {
  const { t } = useTranslation();
  const { host, vips, colors, severity, highlighted } = data;
  const locked = useApp((s) => s.locks.includes(host.id));
  const decorations = useNodeDecorations();
  const colorOf = new Map(
    colors
      .split(';')
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
  const lines: { key: string; name: string; addr: string; color: string | undefined }[] = [];
  for (const f of host.interfaces) {
    if (f.addresses.length === 0 && f.kind !== 'ethernet') continue;
    const addrs = f.addresses.length ? f.addresses : ['—'];
    addrs.forEach((a, i) => lines.push({ key: `${f.id}:${i}`, name: i === 0 ? f.name : '', addr: a, color: colorOf.get(f.id) }));
  }
  const shown = lines.slice(0, 6);
  return (
    <div
      className={`host-node role-${host.role}${sevClass(severity)}${highlighted ? ' is-highlighted' : ''}${selected ? ' is-selected' : ''}`}
      data-testid={`node-${host.id}`}
      data-severity={severity ?? 'none'}
    >
      <Handle type="source" position={Position.Left} id="l" className="host-handle" data-testid={`handle-${host.id}-l`} />
      <Handle type="source" position={Position.Right} id="r" className="host-handle" data-testid={`handle-${host.id}-r`} />
      <div className="host-head">
        <span className="host-icon">
          <RoleIcon role={host.role} />
        </span>
        <span className="host-name" title={host.name}>
          {host.name}
        </span>
        <span className="host-role">{t(`role.${host.role}`)}</span>
        {locked && <LockBadge id={host.id} />}
        {severity && (
          <span className={`badge badge-${severity}`} data-testid={`badge-${host.id}`} title={t(`severity.${severity}`)}>
            {severity === 'error' ? '!' : '▲'}
          </span>
        )}
        {decorations.map(({ id, component: Decoration }) => (
          <Decoration key={id} hostId={host.id} />
        ))}
      </div>
      <div className="host-body">
        {shown.map((l) => (
          <div className="host-addr" key={l.key}>
            <span className="dot" style={l.color ? { background: l.color } : undefined} />
            <span className="if-name">{l.name}</span>
            <span className="if-addr">{l.addr}</span>
          </div>
        ))}
        {lines.length > shown.length && <div className="host-more">{t('canvas.moreAddresses', { count: lines.length - shown.length })}</div>}
        {vips && (
          <div className="host-vips" title={vips}>
            <span className="vip-tag">VIP</span> {vips}
          </div>
        )}
      </div>
    </div>
  );
}

function SegmentNodeView({ data, selected }: NodeProps<SegmentNodeT>) {
  const { segment, color, height, severity, highlighted } = data;
  const locked = useApp((s) => s.locks.includes(segment.id));
  return (
    <div
      className={`segment-node${sevClass(severity)}${highlighted ? ' is-highlighted' : ''}${selected ? ' is-selected' : ''}`}
      data-testid={`node-${segment.id}`}
      data-severity={severity ?? 'none'}
      style={{ height, ['--seg-color' as string]: color }}
    >
      <div className="segment-label">
        <span className="segment-name" title={segment.name}>
          {segment.name}
        </span>
        <span className="segment-cidr">{segment.cidr}</span>
        {locked && <LockBadge id={segment.id} />}
      </div>
      <div className="segment-bar" />
      <Handle type="target" position={Position.Left} id="l" className="segment-handle" data-testid={`handle-${segment.id}-l`} />
      <Handle type="target" position={Position.Right} id="r" className="segment-handle" data-testid={`handle-${segment.id}-r`} />
    </div>
  );
}

function LinkEdgeView({ id, source, sourceX, sourceY, targetX, data, selected }: EdgeProps<LinkEdgeT>) {
  const decorations = useEdgeDecorations();
  const color = data?.color ?? '#888';
  const top = (data?.top ?? sourceY) + 28;
  const bottom = (data?.bottom ?? sourceY) - 8;
  const y = Math.min(Math.max(sourceY, top), Math.max(top, bottom));
  const midX = (sourceX + targetX) / 2;
  const path = y === sourceY ? `M ${sourceX},${sourceY} L ${targetX},${y}` : `M ${sourceX},${sourceY} L ${midX},${sourceY} L ${midX},${y} L ${targetX},${y}`;
  const sev = data?.severity;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        interactionWidth={14}
        style={{ stroke: sev === 'error' ? 'var(--error)' : color, strokeWidth: selected ? 4 : 2.5, strokeDasharray: sev === 'error' ? '6 4' : undefined }}
      />
      <circle cx={targetX} cy={y} r={4} fill={color} />
      {decorations.length > 0 && (
        <EdgeLabelRenderer>
          <div className="edge-decorations nodrag nopan" style={{ transform: `translate(-50%, -100%) translate(${midX}px, ${sourceY - 3}px)` }}>
            {decorations.map(({ id: key, component: Decoration }) => (
              <Decoration key={key} hostId={source} interfaceId={id} />
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const HostNode = memo(HostNodeView);
export const SegmentNode = memo(SegmentNodeView);
export const LinkEdge = memo(LinkEdgeView);

/** Defined once at module level: React Flow re-mounts everything if these objects change. */
export const nodeTypes = { host: HostNode, segment: SegmentNode };
export const edgeTypes = { link: LinkEdge };

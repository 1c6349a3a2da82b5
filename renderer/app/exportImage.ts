/**
 * Exports the diagram as PNG or SVG with html-to-image 1.11.11 (the version React Flow's own
 * example pins), framing all nodes like the "download image" example. In the browser the file is
 * downloaded; Electron shows its save dialog for downloads. html-to-image loads on the first
 * export, not with the app (it is not needed for the first paint).
 */
import { getNodesBounds, getViewportForBounds } from '@xyflow/react';
import type { Node } from '@xyflow/react';

const PADDING = 40;

export async function exportDiagram(kind: 'png' | 'svg', nodes: readonly Node[], baseName: string): Promise<void> {
  const viewportEl = document.querySelector<HTMLElement>('.react-flow__viewport');
  if (!viewportEl || nodes.length === 0) throw new Error('nothing to export');
  const bounds = getNodesBounds([...nodes]);
  const width = Math.min(8000, Math.ceil(bounds.width + PADDING * 2));
  const height = Math.min(8000, Math.ceil(bounds.height + PADDING * 2));
  const vp = getViewportForBounds(bounds, width, height, 0.1, 2, 0.05);
  const options = {
    backgroundColor: '#ffffff',
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${vp.x}px, ${vp.y}px) scale(${vp.zoom})` },
    filter: (el: HTMLElement) => !(el.classList?.contains('react-flow__handle') ?? false),
  };
  const { toPng, toSvg } = await import('html-to-image');
  const url = kind === 'png' ? await toPng(viewportEl, { ...options, pixelRatio: 2 }) : await toSvg(viewportEl, options);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${baseName.replace(/[^A-Za-z0-9 _.()-]+/g, '-') || 'design'}.${kind}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * User actions shared by the toolbar, the keyboard shortcuts, the context of the canvas and the
 * tests: each turns into one pure command applied to the store (one undo step).
 */
import type { Fragment } from '../../shared/model/commands.ts';
import { addHost, addSegment, copyFragment, pasteFragment, removeItems } from '../../shared/model/commands.ts';
import type { HostRole, Id, Position } from '../../shared/model/types.ts';
import { useApp } from '../store/index.ts';
import { autoLayout } from '../canvas/autoLayout.ts';

const ROLES: readonly HostRole[] = ['client', 'director', 'real-server', 'router'];

/** Adds a palette item at a flow position and selects it. */
export function placeItem(kind: string, pos: Position): void {
  const s = useApp.getState();
  let newId: Id | null = null;
  s.apply((d) => {
    if (kind === 'segment') {
      const r = addSegment(d, pos);
      newId = r.id;
      return r.design;
    }
    if (!ROLES.includes(kind as HostRole)) return d;
    const r = addHost(d, kind as HostRole, pos);
    newId = r.id;
    return r.design;
  });
  if (newId) useApp.getState().select([newId]);
}

/** Re-arranges the whole design with dagre (one undo step) and fits it in view. */
export function runAutoLayout(): void {
  const s = useApp.getState();
  s.apply((d) => ({ ...d, layout: autoLayout(d.topology, s.measured) }));
  const t = useApp.getState().design.topology;
  s.focusOn([...t.hosts.map((h) => h.id), ...t.segments.map((x) => x.id)], true);
}

/** Deletes the selected nodes and links, or the selected real server / service. */
export function deleteSelection(): void {
  const s = useApp.getState();
  const ids: Id[] = [...s.selectedNodes, ...s.selectedEdges];
  if (ids.length === 0 && s.selectedService) ids.push(s.selectedService.realServer ?? s.selectedService.service);
  if (ids.length === 0) return;
  s.apply((d) => removeItems(d, ids));
  useApp.getState().clearSelection();
}

let clipboard: Fragment | null = null;
let pasteCount = 0;

/** Copies the selected hosts and segments to the app clipboard. */
export function copySelection(): boolean {
  const s = useApp.getState();
  if (s.selectedNodes.length === 0) return false;
  clipboard = copyFragment(s.design, s.selectedNodes);
  pasteCount = 0;
  return clipboard.hosts.length + clipboard.segments.length > 0;
}

/** Pastes the clipboard with fresh ids and addresses, offset a little more on each paste. */
export function paste(): void {
  if (!clipboard) return;
  pasteCount++;
  const frag = clipboard;
  const offset = { x: 40 * pasteCount, y: 40 * pasteCount };
  let ids: Id[] = [];
  const s = useApp.getState();
  s.apply((d) => {
    const r = pasteFragment(d, frag, offset);
    ids = r.ids;
    return r.design;
  });
  useApp.getState().select(ids);
}

/** Duplicates the selection (copy + paste without touching the clipboard). */
export function duplicateSelection(): void {
  const s = useApp.getState();
  if (s.selectedNodes.length === 0) return;
  const frag = copyFragment(s.design, s.selectedNodes);
  let ids: Id[] = [];
  s.apply((d) => {
    const r = pasteFragment(d, frag, { x: 40, y: 40 });
    ids = r.ids;
    return r.design;
  });
  useApp.getState().select(ids);
}

/** Selects every host and segment. */
export function selectAll(): void {
  const t = useApp.getState().design.topology;
  useApp.getState().select([...t.segments.map((s) => s.id), ...t.hosts.map((h) => h.id)]);
}

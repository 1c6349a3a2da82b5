/**
 * Selection slice: selected canvas items (hosts, segments, links) plus the service / real server
 * the inspector shows, and the ids a clicked problem highlights.
 */
import type { StateCreator } from 'zustand';
import type { Id } from '../../shared/model/types.ts';
import type { AppState } from './index.ts';

export interface SelectionSlice {
  /** Selected nodes (host and segment ids). */
  selectedNodes: readonly Id[];
  /** Selected links (interface ids). */
  selectedEdges: readonly Id[];
  /** The service (and optionally one of its real servers) shown in the inspector. */
  selectedService: { readonly service: Id; readonly realServer: Id | null } | null;
  /** Ids highlighted because a problem refers to them. */
  highlighted: readonly Id[];
  select: (nodes: readonly Id[], edges?: readonly Id[]) => void;
  selectService: (service: Id | null, realServer?: Id | null) => void;
  highlight: (ids: readonly Id[]) => void;
  clearSelection: () => void;
}

const same = (a: readonly Id[], b: readonly Id[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set, get) => ({
  selectedNodes: [],
  selectedEdges: [],
  selectedService: null,
  highlighted: [],
  select: (nodes, edges = []) => {
    const s = get();
    if (same(s.selectedNodes, nodes) && same(s.selectedEdges, edges) && s.selectedService === null) return;
    set({ selectedNodes: nodes, selectedEdges: edges, selectedService: null, highlighted: [] });
    // The right panel follows the selection: the Services list says nothing about a node.
    if (nodes.length > 0 && s.rightTab === 'services') s.setRightTab('inspector');
  },
  selectService: (service, realServer = null) =>
    set({ selectedService: service === null ? null : { service, realServer }, selectedNodes: [], selectedEdges: [] }),
  highlight: (ids) => set({ highlighted: ids }),
  clearSelection: () => set({ selectedNodes: [], selectedEdges: [], selectedService: null, highlighted: [] }),
});

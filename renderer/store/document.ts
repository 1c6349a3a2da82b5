/**
 * Document slice: the design (topology + layout), undo/redo history, file handle and dirty state.
 * Every edit is a pure command from shared/model/commands.ts: a design command passed to `apply`,
 * or a topology command passed to `applyTopology` (or `applyTopologyCommand` when the caller needs
 * what the command made, e.g. a new id). Each call is one undo step; a command that changes nothing
 * records none. A drag records one step at its start and then moves positions without history.
 */
import type { StateCreator } from 'zustand';
import type { Design, DesignCommand, TopologyCommand } from '../../shared/model/commands.ts';
import { emptyDesign, onTopology } from '../../shared/model/commands.ts';
import type { Id, Position, Topology } from '../../shared/model/types.ts';
import type { AppState } from './index.ts';
import { changedElements } from '../../shared/assignment/locks.ts';

/** Set while a drag of a locked node is being refused (one notice per drag). */
let refusingDrag = false;

/** Undo depth; older steps are dropped. */
const HISTORY_LIMIT = 200;

export interface DocumentSlice {
  design: Design;
  past: readonly Design[];
  future: readonly Design[];
  /** Increments on every change of the design (edit, undo, redo, load). */
  revision: number;
  /** Revision last written to a file. */
  savedRevision: number;
  /** Opaque file handle from the bridge, null for a never-saved design. */
  handle: string | null;
  displayName: string | null;
  dragging: boolean;
  /** Increments when another design is loaded (template, open, recovery): views re-frame it. */
  loads: number;
  /** Applies one edit as one undo step; a no-op edit (same object back) records nothing. */
  apply: (edit: DesignCommand) => void;
  /** Applies a topology command (layout unchanged) as one undo step. */
  applyTopology: (edit: TopologyCommand) => void;
  /**
   * Applies a topology command that also reports what it made (`{ topology, id }`) and returns that
   * report; a command answering null (nothing to do) changes nothing and returns null.
   */
  applyTopologyCommand: <R extends { readonly topology: Topology }>(command: (t: Topology) => R | null) => R | null;
  undo: () => void;
  redo: () => void;
  /** Replaces the design (new, open, template, recovery) and clears the history. */
  load: (design: Design, handle: string | null, displayName: string | null, dirty?: boolean) => void;
  /** Moves nodes during a drag: the first move of a drag records the undo step. */
  dragMove: (moves: Readonly<Record<Id, Position>>) => void;
  dragEnd: () => void;
  markSaved: (revision: number, handle: string, displayName: string) => void;
  /**
   * Elements an open assignment locks on the student side (docs/instructor.md): an edit that
   * changes or removes one, or a drag that moves one, is refused with `refusal(ids)` as an error notice.
   */
  locks: readonly string[];
  lockRefusal: ((ids: readonly string[]) => string) | null;
  setLocks: (ids: readonly string[], refusal: ((ids: readonly string[]) => string) | null) => void;
}

export const createDocumentSlice: StateCreator<AppState, [], [], DocumentSlice> = (set, get) => ({
  design: emptyDesign(),
  past: [],
  future: [],
  revision: 0,
  savedRevision: 0,
  handle: null,
  displayName: null,
  dragging: false,
  loads: 0,
  locks: [],
  lockRefusal: null,
  setLocks: (locks, lockRefusal) => set({ locks, lockRefusal }),
  apply: (edit) => {
    const { design, past, revision, locks, lockRefusal } = get();
    const next = edit(design);
    if (next === design) return;
    if (locks.length > 0) {
      const before = design.layout.positions;
      const after = next.layout.positions;
      const moved = locks.filter((id) => before[id] !== after[id] && (before[id]?.x !== after[id]?.x || before[id]?.y !== after[id]?.y));
      const hit = [...new Set([...(next.topology !== design.topology ? changedElements(locks, design.topology, next.topology) : []), ...moved])];
      if (hit.length > 0) {
        get().notify('error', lockRefusal ? lockRefusal(hit) : `locked: ${hit.join(', ')}`);
        return;
      }
    }
    set({ design: next, past: [...past.slice(-HISTORY_LIMIT + 1), design], future: [], revision: revision + 1 });
  },
  applyTopology: (edit) => get().apply(onTopology(edit)),
  applyTopologyCommand: (command) => {
    let result: ReturnType<typeof command> = null;
    get().apply(
      onTopology((t) => {
        result = command(t);
        return result ? result.topology : t;
      }),
    );
    return result;
  },
  undo: () => {
    const { design, past, future, revision } = get();
    const prev = past[past.length - 1];
    if (!prev) return;
    set({ design: prev, past: past.slice(0, -1), future: [design, ...future], revision: revision + 1, dragging: false });
  },
  redo: () => {
    const { design, past, future, revision } = get();
    const next = future[0];
    if (!next) return;
    set({ design: next, past: [...past, design], future: future.slice(1), revision: revision + 1 });
  },
  load: (design, handle, displayName, dirty = false) => {
    const revision = get().revision + 1;
    // Another design: the classroom starts its walk over (its first client and service, step 1).
    const simulation = { ...get().simulation, client: null, service: null, realServer: null, cursor: 0, playing: false };
    set({
      design,
      past: [],
      future: [],
      revision,
      savedRevision: dirty ? -1 : revision,
      handle,
      displayName,
      dragging: false,
      loads: get().loads + 1,
      simulation,
    });
  },
  dragMove: (moves) => {
    const { design, past, revision, dragging, locks, lockRefusal } = get();
    const hit = locks.filter((id) => id in moves);
    if (hit.length > 0) {
      if (!refusingDrag) get().notify('error', lockRefusal ? lockRefusal(hit) : `locked: ${hit.join(', ')}`);
      refusingDrag = true;
      return;
    }
    const positions = { ...design.layout.positions, ...moves };
    const next: Design = { topology: design.topology, layout: { positions } };
    if (dragging) set({ design: next, revision: revision + 1 });
    else set({ design: next, past: [...past.slice(-HISTORY_LIMIT + 1), design], future: [], revision: revision + 1, dragging: true });
  },
  dragEnd: () => {
    refusingDrag = false;
    set({ dragging: false });
  },
  markSaved: (revision, handle, displayName) => set({ savedRevision: revision, handle, displayName }),
});

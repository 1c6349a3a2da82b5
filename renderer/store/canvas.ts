/**
 * Canvas slice: what React Flow measured (node sizes) and requests to move the viewport. Positions
 * themselves live in the design's layout (they are saved and undone with it).
 */
import type { StateCreator } from 'zustand';
import type { Id } from '../../shared/model/types.ts';
import type { AppState } from './index.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface CanvasSlice {
  measured: Readonly<Record<Id, Size>>;
  /** Items the canvas should bring into view; `seq` changes on every request. */
  focusRequest: { readonly ids: readonly Id[]; readonly seq: number; readonly whole: boolean } | null;
  setMeasured: (sizes: Readonly<Record<Id, Size>>) => void;
  /** Brings `ids` into view; `whole` frames a whole design (less padding, no close-up). */
  focusOn: (ids: readonly Id[], whole?: boolean) => void;
}

export const createCanvasSlice: StateCreator<AppState, [], [], CanvasSlice> = (set, get) => ({
  measured: {},
  focusRequest: null,
  setMeasured: (sizes) => set({ measured: { ...get().measured, ...sizes } }),
  focusOn: (ids, whole = false) => set({ focusRequest: { ids, whole, seq: (get().focusRequest?.seq ?? 0) + 1 } }),
});

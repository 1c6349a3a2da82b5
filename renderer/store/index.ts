/**
 * The app store: one zustand store combined from slices (document, canvas, selection, ui).
 * Derived data (React Flow nodes/edges, diagnostics, generated files) is never stored; it comes
 * from the memoised selectors in ./selectors.ts.
 */
import { create } from 'zustand';
import type { CanvasSlice } from './canvas.ts';
import { createCanvasSlice } from './canvas.ts';
import type { DocumentSlice } from './document.ts';
import { createDocumentSlice } from './document.ts';
import type { SelectionSlice } from './selection.ts';
import { createSelectionSlice } from './selection.ts';
import type { UiSlice } from './ui.ts';
import { createUiSlice } from './ui.ts';
import type { SimulationSlice } from '../classroom/simulationSlice.ts';
import { createSimulationSlice } from '../classroom/simulationSlice.ts';
import type { DeploySlice } from '../deploy/deploySlice.ts';
import { createDeploySlice } from '../deploy/deploySlice.ts';
import type { LiveSlice } from '../live/liveSlice.ts';
import { createLiveSlice } from '../live/liveSlice.ts';
import type { LabSlice } from '../lab/labSlice.ts';
import { createLabSlice } from '../lab/labSlice.ts';
import type { HaSlice } from '../ha/haSlice.ts';
import { createHaSlice } from '../ha/haSlice.ts';

export type AppState = DocumentSlice & CanvasSlice & SelectionSlice & UiSlice & SimulationSlice & DeploySlice & LiveSlice & LabSlice & HaSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createDocumentSlice(...a),
  ...createCanvasSlice(...a),
  ...createSelectionSlice(...a),
  ...createUiSlice(...a),
  ...createSimulationSlice(...a),
  ...createDeploySlice(...a),
  ...createLiveSlice(...a),
  ...createLabSlice(...a),
  ...createHaSlice(...a),
}));

/** True when the design changed since it was last saved. */
export const selectDirty = (s: AppState): boolean => s.revision !== s.savedRevision;

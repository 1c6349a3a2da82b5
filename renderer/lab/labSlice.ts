/**
 * Lab slice: what the "Built-in lab" section shows — whether this backend can run the qemu lab,
 * whether a lab VM runs, the phase of a "Run in the built-in lab" (start VM → deploy → live view),
 * and the last progress lines.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../store/index.ts';
import type { LabAvailability, LabHostEndpoint } from '../../shared/ipc/lab.ts';

/** Where a lab run is: `starting` (VM and hosts), `deploying`, `live` (deployed, live view on), `stopping`. */
export type LabPhase = 'idle' | 'starting' | 'deploying' | 'live' | 'stopping' | 'failed';

/** Progress lines kept for the section (the newest last). */
export const LAB_LINES_KEPT = 40;

export interface LabState {
  readonly availability: LabAvailability | null;
  /** A lab VM is running (started here or by `lvsd lab up`). */
  readonly running: boolean;
  /** Design whose hosts run in the VM. */
  readonly design: string | null;
  readonly endpoints: readonly LabHostEndpoint[];
  readonly phase: LabPhase;
  /** Why the last run or stop failed: a message from the Node side, or `deploy-failed`. */
  readonly error: string | null;
  readonly lines: readonly string[];
  /** Seconds the last start took. */
  readonly readySeconds: number | null;
}

export interface LabSlice {
  lab: LabState;
  labPatch: (patch: Partial<LabState>) => void;
  labLine: (line: string) => void;
}

export const initialLabState: LabState = {
  availability: null,
  running: false,
  design: null,
  endpoints: [],
  phase: 'idle',
  error: null,
  lines: [],
  readySeconds: null,
};

export const createLabSlice: StateCreator<AppState, [], [], LabSlice> = (set) => ({
  lab: initialLabState,
  labPatch: (patch) => set((s) => ({ lab: { ...s.lab, ...patch } })),
  labLine: (line) => set((s) => ({ lab: { ...s.lab, lines: [...s.lab.lines, line].slice(-LAB_LINES_KEPT) } })),
});

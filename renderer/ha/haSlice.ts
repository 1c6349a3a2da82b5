/**
 * HA slice: which failover-timeline step the canvas shows (the members' marks turn into the roles
 * at that step and the step's narration is captioned on the canvas), or none.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../store/index.ts';
import type { FailoverEvent } from '../../shared/ha/timeline.ts';

/** A step of one group's failover timeline, shown on the canvas. */
export interface HaPlayback {
  readonly group: string;
  readonly event: FailoverEvent;
  readonly step: number;
}

export interface HaSlice {
  haPlayback: HaPlayback | null;
  setHaPlayback: (playback: HaPlayback | null) => void;
}

export const createHaSlice: StateCreator<AppState, [], [], HaSlice> = (set) => ({
  haPlayback: null,
  setHaPlayback: (haPlayback) => set({ haPlayback }),
});

/**
 * Live slice: the latest live view of the open design (pushed by the Node side as `live:update`),
 * a short history for the chart, and the session state. The view itself is computed on the Node
 * side from the hosts' answers; nothing here is derived and stored twice.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../store/index.ts';
import type { LiveHostDetail, LiveUpdate } from '../../shared/ipc/live.ts';
import type { LiveView } from '../../shared/live/view.ts';

/** One point of the chart: connections/s and bytes/s in per service at a time. */
export interface LiveSample {
  readonly at: number;
  readonly cps: Readonly<Record<string, number>>;
  readonly inBps: Readonly<Record<string, number>>;
}

/** How many minutes of history the chart keeps. */
export const LIVE_HISTORY_MINUTES = 10;

export interface LiveState {
  /** The running session (null when stopped). */
  readonly sessionId: string | null;
  readonly intervalMs: number;
  readonly paused: boolean;
  readonly view: LiveView | null;
  readonly hosts: readonly LiveHostDetail[];
  readonly history: readonly LiveSample[];
  readonly error: string | null;
}

export interface LiveSlice {
  live: LiveState;
  liveStarted: (sessionId: string, intervalMs: number) => void;
  liveUpdate: (u: LiveUpdate) => void;
  liveStopped: (error?: string) => void;
  livePaused: (paused: boolean) => void;
}

const initial: LiveState = { sessionId: null, intervalMs: 2000, paused: false, view: null, hosts: [], history: [], error: null };

export const createLiveSlice: StateCreator<AppState, [], [], LiveSlice> = (set) => ({
  live: initial,
  liveStarted: (sessionId, intervalMs) => set((s) => ({ live: { ...initial, sessionId, intervalMs, history: s.live.history } })),
  liveUpdate: (u) =>
    set((s) => {
      if (u.sessionId !== s.live.sessionId) return {};
      const sample: LiveSample = {
        at: u.view.at,
        cps: Object.fromEntries(u.view.services.map((x) => [x.serviceId, x.rate?.conns ?? 0])),
        inBps: Object.fromEntries(u.view.services.map((x) => [x.serviceId, x.rate?.inBytes ?? 0])),
      };
      const since = u.view.at - LIVE_HISTORY_MINUTES * 60_000;
      const history = [...s.live.history.filter((h) => h.at >= since && h.at < u.view.at), sample];
      return { live: { ...s.live, view: u.view, hosts: u.hosts, history, error: null } };
    }),
  liveStopped: (error) => set((s) => ({ live: { ...s.live, sessionId: null, paused: false, error: error ?? null } })),
  livePaused: (paused) => set((s) => ({ live: { ...s.live, paused } })),
});

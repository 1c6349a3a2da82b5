/**
 * Simulation slice: what the classroom plays (client, service, forced real server, seed) and where
 * the playback is (cursor, playing, speed, ARP filter, sub-view, presenter). The trace itself is
 * never stored: it is derived from the topology and these choices by `selectTrace` (./derive.ts).
 * Playback timers live in the components, never in the store.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../store/index.ts';

export type ClassroomView = 'trace' | 'compare' | 'scheduler' | 'real';

/** Playback speeds offered (1 = one step every 1.6 s, slow enough to talk over). */
export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export interface SimulationState {
  /** Client host id; the first client of the design when null or gone. */
  readonly client: string | null;
  /** Virtual service id; the first service when null or gone. */
  readonly service: string | null;
  /** Force this real server ("what if rs1 answers?"); the scheduler decides when null. */
  readonly realServer: string | null;
  readonly seed: number;
  /** Index into the trace's steps. Clamped by readers when the trace got shorter. */
  readonly cursor: number;
  readonly playing: boolean;
  readonly speed: number;
  /** Show ARP steps in the list and while stepping. */
  readonly showArp: boolean;
  readonly view: ClassroomView;
  readonly presenter: boolean;
  /** Challenge mode: a multiple-choice question before each quizzed step (shared/classroom/challenge.ts). */
  readonly challenge: boolean;
  /** The class-quiz presentation of the challenge (large A–D choices for the projector). */
  readonly quiz: boolean;
  /** Answers given, question id → chosen value; the questions themselves are derived (selectQuiz). */
  readonly answers: Readonly<Record<string, string>>;
  /** The choice highlighted with the keyboard, not yet revealed (Enter reveals). */
  readonly pick: string | null;
  /** Failure mode of the walk: real servers (ids of the played service) that are down; none = no failure. */
  readonly down: readonly string[];
  /** How they died: the host is gone (silent) or the service stopped (RST). */
  readonly failMode: 'silent' | 'refused';
  /** Seconds since they died, on keepalived's clock. */
  readonly failSince: number;
  /** The director's net.ipv4.vs.expire_nodest_conn. */
  readonly expireNodestConn: boolean;
}

/** The failure part of the simulation state. */
export type FailureChoice = Pick<SimulationState, 'down' | 'failMode' | 'failSince' | 'expireNodestConn'>;

export interface SimulationSlice {
  simulation: SimulationState;
  /** Chooses what to simulate; the playback restarts at step 0. */
  setSimFlow: (flow: Partial<Pick<SimulationState, 'client' | 'service' | 'realServer' | 'seed'>>) => void;
  setSimCursor: (cursor: number) => void;
  setSimPlaying: (playing: boolean) => void;
  setSimSpeed: (speed: number) => void;
  setSimShowArp: (show: boolean) => void;
  setSimView: (view: ClassroomView) => void;
  setSimPresenter: (on: boolean) => void;
  /** Turns challenge mode on or off; either way the answers start afresh. */
  setSimChallenge: (on: boolean) => void;
  setSimQuiz: (on: boolean) => void;
  setSimPick: (value: string | null) => void;
  /** Records the answer to a question (first answer counts) and clears the pick. */
  answerSim: (questionId: string, value: string) => void;
  /** Changes the failure scenario; the walk re-runs from step 0. */
  setSimFailure: (failure: Partial<FailureChoice>) => void;
}

export const initialSimulation: SimulationState = {
  client: null,
  service: null,
  realServer: null,
  seed: 1,
  cursor: 0,
  playing: false,
  speed: 1,
  showArp: true,
  view: 'trace',
  presenter: false,
  challenge: false,
  quiz: false,
  answers: {},
  pick: null,
  down: [],
  failMode: 'silent',
  failSince: 0,
  expireNodestConn: false,
};

export const createSimulationSlice: StateCreator<AppState, [], [], SimulationSlice> = (set, get) => {
  const patch = (p: Partial<SimulationState>) => set({ simulation: { ...get().simulation, ...p } });
  return {
    simulation: initialSimulation,
    // Another flow is another quiz: its answers start afresh.
    setSimFlow: (flow) => patch({ ...flow, cursor: 0, playing: false, answers: {}, pick: null }),
    setSimCursor: (cursor) => patch({ cursor: Math.max(0, Math.trunc(cursor)) }),
    setSimPlaying: (playing) => patch({ playing }),
    setSimSpeed: (speed) => patch({ speed: SPEEDS.includes(speed as (typeof SPEEDS)[number]) ? speed : 1 }),
    setSimShowArp: (showArp) => patch({ showArp }),
    setSimView: (view) => patch({ view, playing: false }),
    setSimPresenter: (presenter) => patch({ presenter }),
    setSimChallenge: (challenge) => patch({ challenge, quiz: challenge && get().simulation.quiz, answers: {}, pick: null, playing: false }),
    setSimQuiz: (quiz) => patch({ quiz }),
    setSimPick: (pick) => patch({ pick }),
    setSimFailure: (f) =>
      patch({
        ...f,
        ...(f.failSince !== undefined ? { failSince: Math.max(0, Math.min(3600, Math.round(Number(f.failSince) || 0))) } : {}),
        cursor: 0,
        playing: false,
        answers: {},
        pick: null,
      }),
    answerSim: (id, value) => {
      const answers = get().simulation.answers;
      if (answers[id] !== undefined) return;
      patch({ answers: { ...answers, [id]: value }, pick: null });
    },
  };
};

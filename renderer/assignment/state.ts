/**
 * The Assignment tab's own state (kept outside the component so switching tabs keeps it): the
 * open assignment, the student id, attempts and when the exam timer started.
 */
import { create } from 'zustand';
import type { AssignmentFile } from '../../shared/assignment/index.ts';

export interface AssignmentState {
  role: 'student' | 'teacher';
  assignment: AssignmentFile | null;
  /** Name of the file it came from (or "preview"). */
  source: string | null;
  seed: string;
  /** Student id the plan was made for (null until confirmed). */
  activeSeed: string | null;
  attempts: number;
  /** ms since epoch when the exam timer started. */
  startedAt: number | null;
  /** Challenge answers given in the packet walk: goal id → question id → value (the first answer counts). */
  challenges: Readonly<Record<string, Readonly<Record<string, string>>>>;
  recordChallenge(goalId: string, answers: Readonly<Record<string, string>>): void;
  setRole(role: 'student' | 'teacher'): void;
  open(a: AssignmentFile, source: string, seed?: string): void;
  close(): void;
  setSeed(seed: string): void;
  confirmSeed(now: number): void;
  attempt(): void;
}

export const useAssignment = create<AssignmentState>()((set, get) => ({
  role: 'student',
  assignment: null,
  source: null,
  seed: '',
  activeSeed: null,
  attempts: 0,
  startedAt: null,
  challenges: {},
  recordChallenge: (goalId, answers) => {
    const prev = get().challenges[goalId] ?? {};
    const merged = { ...answers, ...prev };
    if (Object.keys(merged).length === Object.keys(prev).length) return;
    set({ challenges: { ...get().challenges, [goalId]: merged } });
  },
  setRole: (role) => set({ role }),
  open: (assignment, source, seed) =>
    set({ assignment, source, seed: seed ?? '', activeSeed: seed ?? null, attempts: 0, startedAt: seed ? Date.now() : null, role: 'student', challenges: {} }),
  close: () => set({ assignment: null, source: null, activeSeed: null, attempts: 0, startedAt: null, challenges: {} }),
  setSeed: (seed) => set({ seed }),
  confirmSeed: (now) => {
    const seed = get().seed.trim();
    if (seed) set({ activeSeed: seed, attempts: 0, startedAt: now, ...(seed !== get().activeSeed ? { challenges: {} } : {}) });
  },
  attempt: () => set({ attempts: get().attempts + 1 }),
}));

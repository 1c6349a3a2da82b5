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
  setRole: (role) => set({ role }),
  open: (assignment, source, seed) =>
    set({ assignment, source, seed: seed ?? '', activeSeed: seed ?? null, attempts: 0, startedAt: seed ? Date.now() : null, role: 'student' }),
  close: () => set({ assignment: null, source: null, activeSeed: null, attempts: 0, startedAt: null }),
  setSeed: (seed) => set({ seed }),
  confirmSeed: (now) => {
    const seed = get().seed.trim();
    if (seed) set({ activeSeed: seed, attempts: 0, startedAt: now });
  },
  attempt: () => set({ attempts: get().attempts + 1 }),
}));

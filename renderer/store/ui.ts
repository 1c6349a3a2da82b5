/**
 * UI slice: the open right-panel tab, the app mode, open dialogs, notices and the autosave status.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index.ts';
import type { ImportKind, ImportProblem } from '../../shared/importers/index.ts';

/** What an import read: one of the pasted kinds, or the keepalived.conf files of an HA pair. */
export type ImportReportKind = ImportKind | 'keepalived-pair';

/** The last import's remarks and the text they are about, listed in the Problems panel. */
export interface ImportReport {
  readonly kind: ImportReportKind;
  readonly text: string;
  /** Each file's text by its name, when the import read several files (a remark's `source` picks one). */
  readonly sources?: Readonly<Record<string, string>>;
  /** Remarks with refs already mapped to ids of the open design. */
  readonly problems: readonly ImportProblem[];
}

export type DialogKind = 'open' | 'import' | 'templates' | 'recover' | 'shortcuts' | 'wizard' | null;

export interface Notice {
  readonly id: number;
  readonly kind: 'info' | 'error';
  readonly text: string;
}

export interface UiSlice {
  rightTab: string;
  mode: string;
  dialog: DialogKind;
  notices: readonly Notice[];
  autosavedAt: string | null;
  /** Why the last autosave failed (the previous recovery copy is kept), or null. */
  autosaveError: string | null;
  problemsOpen: boolean;
  /** The rule checker's module: loading after the first paint, ready, or failed to load (see diagnostics.ts). */
  checker: 'loading' | 'ready' | 'failed';
  setChecker: (checker: UiSlice['checker']) => void;
  importReport: ImportReport | null;
  setImportReport: (r: ImportReport | null) => void;
  /** Side panels folded to a thin strip (more room for the canvas or the classroom stage). */
  paletteCollapsed: boolean;
  rightCollapsed: boolean;
  setRightTab: (tab: string) => void;
  setMode: (mode: string) => void;
  openDialog: (d: DialogKind) => void;
  notify: (kind: Notice['kind'], text: string) => void;
  dismiss: (id: number) => void;
  setAutosavedAt: (at: string | null) => void;
  setAutosaveError: (reason: string | null) => void;
  toggleProblems: (open?: boolean) => void;
  setPaletteCollapsed: (collapsed: boolean) => void;
  setRightCollapsed: (collapsed: boolean) => void;
}

let noticeSeq = 0;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  rightTab: 'inspector',
  mode: 'design',
  dialog: null,
  notices: [],
  autosavedAt: null,
  autosaveError: null,
  problemsOpen: true,
  checker: 'loading',
  setChecker: (checker) => set({ checker }),
  importReport: null,
  setImportReport: (importReport) => set({ importReport }),
  paletteCollapsed: false,
  rightCollapsed: false,
  setRightTab: (rightTab) => set({ rightTab }),
  setMode: (mode) => set({ mode }),
  openDialog: (dialog) => set({ dialog }),
  notify: (kind, text) => set({ notices: [...get().notices.slice(-3), { id: ++noticeSeq, kind, text }] }),
  dismiss: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
  setAutosavedAt: (autosavedAt) => set({ autosavedAt }),
  setAutosaveError: (autosaveError) => set({ autosaveError }),
  toggleProblems: (open) => set({ problemsOpen: open ?? !get().problemsOpen }),
  setPaletteCollapsed: (paletteCollapsed) => set({ paletteCollapsed }),
  setRightCollapsed: (rightCollapsed) => set({ rightCollapsed }),
});

/**
 * Keyboard shortcuts of the designer, one table used both by the handler and the help dialog.
 * Shortcuts are ignored while typing in a field (the field keeps its own undo and copy/paste),
 * except the file ones (save, open, new).
 */
import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useApp } from '../store/index.ts';
import { copySelection, deleteSelection, duplicateSelection, paste, runAutoLayout, selectAll } from './actions.ts';
import { confirmDiscard, openDesign, save, saveAs } from './files.ts';

export interface Shortcut {
  readonly id: string;
  readonly keys: readonly string[];
}

/** Shown in the help dialog (labels are i18n keys `shortcuts.<id>`). */
export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'undo', keys: ['Ctrl', 'Z'] },
  { id: 'redo', keys: ['Ctrl', 'Shift', 'Z'] },
  { id: 'redoAlt', keys: ['Ctrl', 'Y'] },
  { id: 'delete', keys: ['Delete'] },
  { id: 'duplicate', keys: ['Ctrl', 'D'] },
  { id: 'copy', keys: ['Ctrl', 'C'] },
  { id: 'paste', keys: ['Ctrl', 'V'] },
  { id: 'selectAll', keys: ['Ctrl', 'A'] },
  { id: 'multiSelect', keys: ['Shift', 'Click'] },
  { id: 'boxSelect', keys: ['Shift', 'Drag'] },
  { id: 'escape', keys: ['Esc'] },
  { id: 'new', keys: ['Ctrl', 'N'] },
  { id: 'open', keys: ['Ctrl', 'O'] },
  { id: 'save', keys: ['Ctrl', 'S'] },
  { id: 'saveAs', keys: ['Ctrl', 'Shift', 'S'] },
  { id: 'layout', keys: ['Ctrl', 'L'] },
  { id: 'fit', keys: ['Shift', '1'] },
  { id: 'zoomSelection', keys: ['Shift', '2'] },
  { id: 'zoomIn', keys: ['+'] },
  { id: 'zoomOut', keys: ['-'] },
  { id: 'help', keys: ['?'] },
];

const typing = (el: EventTarget | null): boolean => {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
};

/** Installs the global shortcut handler. */
export function useShortcuts(): void {
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useApp.getState();
      if (s.dialog !== null) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        void (e.shiftKey ? saveAs() : save());
        return;
      }
      if (mod && key === 'o') {
        e.preventDefault();
        void openDesign();
        return;
      }
      if (mod && key === 'n') {
        e.preventDefault();
        if (confirmDiscard()) s.openDialog('templates');
        return;
      }
      if (typing(e.target)) return;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
      } else if (mod && key === 'y') {
        e.preventDefault();
        s.redo();
      } else if (mod && key === 'd') {
        e.preventDefault();
        duplicateSelection();
      } else if (mod && key === 'c') {
        if (copySelection()) e.preventDefault();
      } else if (mod && key === 'v') {
        e.preventDefault();
        paste();
      } else if (mod && key === 'a') {
        e.preventDefault();
        selectAll();
      } else if (mod && key === 'l') {
        e.preventDefault();
        runAutoLayout();
      } else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        e.preventDefault();
        deleteSelection();
      } else if (e.key === 'Escape') {
        s.clearSelection();
      } else if (!mod && e.key === '!' && e.shiftKey) {
        void flow.fitView({ padding: 0.15, duration: 200 });
      } else if (!mod && e.key === '@' && e.shiftKey) {
        const ids = [...s.selectedNodes];
        if (ids.length) s.focusOn(ids);
      } else if (!mod && (e.key === '+' || e.key === '=')) {
        void flow.zoomIn({ duration: 150 });
      } else if (!mod && e.key === '-') {
        void flow.zoomOut({ duration: 150 });
      } else if (!mod && e.key === '?') {
        s.openDialog('shortcuts');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow]);
}

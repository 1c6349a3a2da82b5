/**
 * Web Worker entry: runs an importer off the UI thread, so a huge or hostile paste never freezes
 * the window (the importers are linear and lines are capped, but a 16 MiB paste still takes time).
 */
import { detectImportKind, importConfig } from '../../shared/importers/index.ts';
import type { ImportKind } from '../../shared/importers/index.ts';

export interface ImportRequest {
  readonly kind: ImportKind | 'auto';
  readonly text: string;
  readonly name: string;
}

// The DOM lib types `self` as a Window; in a worker it is the worker's global scope.
const scope = self as unknown as { onmessage: ((e: MessageEvent<ImportRequest>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (e) => {
  const { kind, text, name } = e.data;
  const used = kind === 'auto' ? detectImportKind(text) : kind;
  scope.postMessage({ kind: used, result: importConfig(used, text, name) });
};

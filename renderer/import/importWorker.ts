/**
 * Web Worker entry: runs an importer off the UI thread, so a huge or hostile paste never freezes
 * the window (the importers are linear and lines are capped, but a 16 MiB paste still takes time).
 */
import type { ImportKind, PairMemberText } from '../../shared/importers/index.ts';
import { runRequest } from './runRequest.ts';

export interface ImportRequest {
  readonly kind: ImportKind | 'auto';
  readonly text: string;
  readonly name: string;
  /** The keepalived.conf of each member of an HA pair (two or more files): imported as one design with the group; `kind`/`text` are then ignored. */
  readonly members?: readonly PairMemberText[];
}

// The DOM lib types `self` as a Window; in a worker it is the worker's global scope.
const scope = self as unknown as { onmessage: ((e: MessageEvent<ImportRequest>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (e) => {
  scope.postMessage(runRequest(e.data));
};

/** Runs one import request (in the worker, or in this thread where workers are unavailable). */
import { detectImportKind, importConfig, importKeepalivedPair } from '../../shared/importers/index.ts';
import type { ImportKind, ImportResult } from '../../shared/importers/index.ts';
import type { ImportRequest } from './importWorker.ts';

/** What was imported: one of the pasted kinds, or the keepalived.conf files of an HA pair. */
export type ImportRunKind = ImportKind | 'keepalived-pair';

export interface ImportOutcome {
  /** The kind that was used (the detected one for `auto`). */
  readonly kind: ImportRunKind;
  readonly result: ImportResult;
}

export function runRequest(req: ImportRequest): ImportOutcome {
  if (req.members && req.members.length > 0) return { kind: 'keepalived-pair', result: importKeepalivedPair(req.members, req.name) };
  const kind = req.kind === 'auto' ? detectImportKind(req.text) : req.kind;
  return { kind, result: importConfig(kind, req.text, req.name) };
}

/**
 * The `files` domain of the bridge: open/save design files, recent files, autosave and recovery.
 * Paths never travel from the renderer to the Node side except ones the Node side handed out
 * (from a dialog or the recent list), so a compromised renderer cannot write anywhere it likes.
 */
import type { DesignFile } from '../model/types.ts';
import type { Result } from '../util/result.ts';

/** An opened design together with the handle the Node side uses for it. */
export interface OpenedDesign {
  /** Opaque handle for later saves (a path on the Node side; shown to the user as `displayName`). */
  readonly handle: string;
  readonly displayName: string;
  readonly file: DesignFile;
}

export interface FilesApi {
  /** Shows an open dialog (Electron) or a file list (browser mode) and loads the chosen file. */
  open(): Promise<Result<OpenedDesign | null>>;
  /** Opens one of the recent files by handle. */
  openRecent(handle: string): Promise<Result<OpenedDesign>>;
  /** Saves to an existing handle, atomically. */
  save(handle: string, file: DesignFile): Promise<Result<OpenedDesign>>;
  /** Asks for a path and saves there. `null` when the user cancelled. */
  saveAs(file: DesignFile, suggestedName: string): Promise<Result<OpenedDesign | null>>;
  /** Recent files, newest first. */
  recent(): Promise<readonly { handle: string; displayName: string }[]>;
  /** Writes the crash-recovery copy of the current design. */
  autosave(file: DesignFile, handle: string | null): Promise<Result<true>>;
  /** The crash-recovery copy left by a previous session, if any. */
  recover(): Promise<{ file: DesignFile; handle: string | null; savedAt: string } | null>;
  /** Deletes the crash-recovery copy (after a clean save or a discard). */
  clearAutosave(): Promise<void>;
}

/**
 * The `files` domain of the bridge: open/save design files, recent files, autosave and recovery.
 *
 * Paths never travel from the renderer to the Node side except ones the Node side handed out
 * (from a dialog, the recent list or the designs folder), so a compromised renderer cannot read or
 * write anywhere it likes. Every design that crosses the bridge is validated against
 * `designFileSchema` on the Node side, and a file is never overwritten with an invalid design.
 *
 * Two ways to pick a file:
 * - Electron (`bridge.kind === 'electron'`): `open()` and `saveAs()` show native dialogs.
 * - Browser mode (`bridge.kind === 'browser'`): there are no native dialogs. The UI shows
 *   `list()` (the designs folder in the server's data dir) and calls `openNamed(name)`, asks for a
 *   name and calls `saveAs(file, name)`, and uploads a file picked with `<input type=file>` through
 *   `importText(fileName, text)`. `list`/`openNamed` work in Electron too (its designs folder lives
 *   in the user data dir).
 */
import type { DesignFile } from '../model/types.ts';
import type { Result } from '../util/result.ts';

/** An opened design together with the handle the Node side uses for it. */
export interface OpenedDesign {
  /** Opaque handle for later saves (a path in Electron, a file name in browser mode). */
  readonly handle: string;
  /** What to show the user (file name, without directories). */
  readonly displayName: string;
  readonly file: DesignFile;
}

/** One entry of the recent-files list. */
export interface RecentFile {
  readonly handle: string;
  readonly displayName: string;
}

/** One design in the designs folder (browser mode's "file dialog"). */
export interface StoredDesign {
  /** File name, e.g. `nat-lab.lvs.json`; pass it to `openNamed`. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Last modification time, ISO 8601. */
  readonly modifiedAt: string;
}

/** Options of `saveAs`. */
export interface SaveAsOptions {
  /**
   * Browser mode only: replace an existing design of that name (the previous version is kept as
   * `<name>.bak`). Without it, saving onto an existing name fails with a message that starts with
   * `exists:` so the UI can ask the user to confirm. Native dialogs ask by themselves.
   */
  readonly overwrite?: boolean;
}

/** The crash-recovery copy left by a previous session. */
export interface RecoveredDesign {
  readonly file: DesignFile;
  /** The handle the design was saved under, or `null` for an unsaved design. */
  readonly handle: string | null;
  /** When the copy was written, ISO 8601. */
  readonly savedAt: string;
}

/**
 * A design file name for the designs folder: letters, digits, space, `_`, `.`, `-`, `(`, `)`,
 * 1..120 characters, ending in `.lvs.json`, not starting with a dot or a space.
 */
export const DESIGN_NAME_PATTERN = /^(?![. ])[A-Za-z0-9 _.()-]{1,111}\.lvs\.json$/;

/**
 * Turns what a user typed (`my lab`, `C:\x\nat.json`, `a/b.lvs.json`) into a design file name
 * matching `DESIGN_NAME_PATTERN`, or `null` when nothing usable is left.
 * @example designNameFrom('NAT lab') === 'NAT lab.lvs.json'
 */
export function designNameFrom(input: string): string | null {
  const base = input.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.lvs\.json$/i, '')
    .replace(/\.json$/i, '')
    .replace(/[^A-Za-z0-9 _.()-]+/g, '-')
    .replace(/^[. -]+/, '')
    .slice(0, 111)
    .trim();
  if (stem === '') return null;
  const name = `${stem}.lvs.json`;
  return DESIGN_NAME_PATTERN.test(name) ? name : null;
}

export interface FilesApi {
  /**
   * Electron: shows the open dialog and loads the chosen file; `ok(null)` when the user cancelled.
   * Browser mode: fails (no native dialog) — use `list()` + `openNamed()`.
   */
  open(): Promise<Result<OpenedDesign | null>>;
  /** Opens one of the recent files by the handle `recent()` returned. */
  openRecent(handle: string): Promise<Result<OpenedDesign>>;
  /** Saves to a handle the Node side handed out, atomically (temp file, fsync, rename; `.bak` kept). */
  save(handle: string, file: DesignFile): Promise<Result<OpenedDesign>>;
  /**
   * Electron: shows the save dialog (starting at `suggestedName`); `ok(null)` when cancelled.
   * Browser mode: saves as `designNameFrom(suggestedName)` in the designs folder; an existing name
   * fails with `exists: …` unless `options.overwrite`.
   */
  saveAs(file: DesignFile, suggestedName: string, options?: SaveAsOptions): Promise<Result<OpenedDesign | null>>;
  /** Recent files, newest first (at most 10). Files that disappeared are dropped. */
  recent(): Promise<readonly RecentFile[]>;
  /** The designs in the designs folder, newest first. */
  list(): Promise<readonly StoredDesign[]>;
  /** Opens a design of the designs folder by its file name (as `list()` returned it). */
  openNamed(name: string): Promise<Result<OpenedDesign>>;
  /**
   * Loads the text of a file the user picked in the browser (`<input type=file>`): parsed,
   * migrated and validated like any file; on success it is stored in the designs folder under a
   * free name derived from `fileName` and opened. A hostile or broken file fails with a message
   * naming the bad field (e.g. `topology.hosts[0].id: …`) and nothing is stored.
   */
  importText(fileName: string, text: string): Promise<Result<OpenedDesign>>;
  /** Writes the crash-recovery copy of the current design (atomically). */
  autosave(file: DesignFile, handle: string | null): Promise<Result<true>>;
  /** The crash-recovery copy left by a previous session, if any (an unreadable copy counts as none). */
  recover(): Promise<RecoveredDesign | null>;
  /** Deletes the crash-recovery copy (after a clean save or a discard). */
  clearAutosave(): Promise<void>;
}

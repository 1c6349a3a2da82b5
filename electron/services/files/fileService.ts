/**
 * The `files` domain on the Node side: opening, saving (atomically, with a `.bak`), the designs
 * folder of browser mode, recent files, autosave and crash recovery. Plain Node, no `electron`
 * import: Electron passes its native dialogs in, the browser-mode server passes none.
 *
 * Handles the renderer sends back are never trusted as paths: a handle is either a design name
 * (resolved inside the designs folder) or a path this service handed out itself (from a dialog,
 * the recent list or the recovery copy).
 */
import { lstat, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import type { DesignFile } from '../../../shared/model/types.ts';
import { MAX_FILE_BYTES, formatPath, parseDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import { designFileSchema } from '../../../shared/model/schema.ts';
import type { OpenedDesign, RecentFile, RecoveredDesign, SaveAsOptions, StoredDesign } from '../../../shared/ipc/files.ts';
import { DESIGN_NAME_PATTERN, designNameFrom } from '../../../shared/ipc/files.ts';
import type { Result } from '../../../shared/util/result.ts';
import { err, ok } from '../../../shared/util/result.ts';
import { writeFileAtomic } from './atomic.ts';

/** Native file dialogs (Electron). Each returns an absolute path, or `null` when cancelled. */
export interface FileDialogs {
  showOpen(): Promise<string | null>;
  showSave(suggestedName: string): Promise<string | null>;
}

export interface FileServiceOptions {
  /** Holds `designs/`, `recent.json` and `autosave.json`. Created when missing. */
  readonly dataDir: string;
  /** Native dialogs; absent in browser mode. */
  readonly dialogs?: FileDialogs | null;
  /** Called with the new list whenever the recent list changes. */
  readonly onRecentChanged?: (recent: readonly RecentFile[]) => void;
}

/** How many recent files are kept. */
export const MAX_RECENT = 10;

const RECENT_FILE = 'recent.json';
const AUTOSAVE_FILE = 'autosave.json';

/** Designs that are designFileSchema's own output, fresh from the transport's check (see below). */
const schemaChecked = new WeakSet<DesignFile>();

/**
 * Marks `file` as the object designFileSchema has just produced (the bridge transport parses every
 * design argument with it), so the service does not check it again before writing. Only for that
 * output: zod builds a new object nobody else holds, so it cannot have changed since.
 */
export function schemaCheckedDesign(file: DesignFile): DesignFile {
  schemaChecked.add(file);
  return file;
}
const DESIGNS_DIR = 'designs';

const message = (e: unknown): string => {
  const x = e as NodeJS.ErrnoException;
  if (x.code === 'ENOENT') return 'file not found';
  if (x.code === 'EACCES' || x.code === 'EPERM') return 'permission denied';
  if (x.code === 'ENOSPC') return 'no space left on the device';
  if (x.code === 'EISDIR') return 'is a directory';
  return x.message ?? String(e);
};

export class FileService {
  readonly dataDir: string;
  readonly designsDir: string;
  private readonly dialogs: FileDialogs | null;
  private readonly onRecentChanged: ((recent: readonly RecentFile[]) => void) | undefined;
  /** Absolute paths handed out to the renderer (dialogs, recent list, recovery). */
  private readonly approved = new Set<string>();
  private recentCache: RecentFile[] | null = null;
  // Serialises read-modify-write of recent.json between concurrent requests.
  private recentQueue: Promise<unknown> = Promise.resolve();

  constructor(options: FileServiceOptions) {
    this.dataDir = options.dataDir;
    this.designsDir = join(options.dataDir, DESIGNS_DIR);
    this.dialogs = options.dialogs ?? null;
    this.onRecentChanged = options.onRecentChanged;
  }

  /** Creates the data and designs folders (private to the user). */
  async init(): Promise<void> {
    await mkdir(this.designsDir, { recursive: true, mode: 0o700 });
  }

  // ---- handles -----------------------------------------------------------------------------

  /** Resolves a handle from the renderer to a path, or `null` when it was never handed out. */
  private resolve(handle: string): string | null {
    if (DESIGN_NAME_PATTERN.test(handle)) return join(this.designsDir, handle);
    if (isAbsolute(handle) && this.approved.has(handle)) return handle;
    return null;
  }

  private handleFor(path: string): string {
    if (join(this.designsDir, basename(path)) === path && DESIGN_NAME_PATTERN.test(basename(path))) return basename(path);
    this.approved.add(path);
    return path;
  }

  private unknownHandle(handle: string): Result<never> {
    return err(`unknown file "${basename(handle)}": open or save it through the app first`);
  }

  // ---- reading and writing -------------------------------------------------------------------

  private async readDesign(path: string, inDesignsDir: boolean): Promise<Result<OpenedDesign>> {
    const name = basename(path);
    try {
      // Inside the designs folder a symlink could point anywhere; refuse it.
      const st = inDesignsDir ? await lstat(path) : await stat(path);
      if (!st.isFile()) return err(`${name}: not a regular file`);
      if (st.size > MAX_FILE_BYTES) return err(`${name}: file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
      const parsed = parseDesignFile(await readFile(path, 'utf8'));
      if (!parsed.ok) return err(`${name}: ${parsed.error.message}`);
      const handle = this.handleFor(path);
      await this.touchRecent(handle, name);
      return ok({ handle, displayName: name, file: parsed.value });
    } catch (e) {
      return err(`${name}: ${message(e)}`);
    }
  }

  /**
   * Re-checks a design against the file schema before anything is written (callers other than the
   * bridge, e.g. the CLI, skip the transport's check), so no invalid file is ever written.
   * Checking the object is equivalent to checking its JSON text here: the schema refuses NaN,
   * Infinity and non-JSON values, and it saves a second JSON parse of up to 20 MB.
   */
  /** The design as the schema accepts it, or why not. Serializing is left to the caller that writes. */
  private static checked(file: DesignFile): Result<DesignFile> {
    if (schemaChecked.has(file)) return ok(file);
    const parsed = designFileSchema.safeParse(file);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
      return err(`not saved, the design is invalid: ${first ? `${formatPath(first.path)}: ${first.message}` : 'invalid design'}${more}`);
    }
    return ok(parsed.data as DesignFile);
  }

  /** Writes a design that {@link FileService.checked} accepted. */
  private async writeDesign(path: string, file: DesignFile): Promise<Result<OpenedDesign>> {
    const name = basename(path);
    try {
      await writeFileAtomic(path, serializeDesignFile(file), { backup: true });
    } catch (e) {
      return err(`could not save ${name}: ${message(e)}`);
    }
    const handle = this.handleFor(path);
    await this.touchRecent(handle, name);
    return ok({ handle, displayName: name, file });
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await lstat(path);
      return true;
    } catch {
      return false;
    }
  }

  // ---- the FilesApi verbs --------------------------------------------------------------------

  async open(): Promise<Result<OpenedDesign | null>> {
    if (!this.dialogs) return err('browser mode has no file dialog: pick a design from the list, or upload a file');
    const path = await this.dialogs.showOpen();
    if (path === null) return ok(null);
    return this.readDesign(path, false);
  }

  async openRecent(handle: string): Promise<Result<OpenedDesign>> {
    const recent = await this.recent();
    if (!recent.some((r) => r.handle === handle)) return err(`"${basename(handle)}" is not in the recent files any more`);
    const path = this.resolve(handle);
    if (path === null) return this.unknownHandle(handle);
    return this.readDesign(path, path.startsWith(this.designsDir));
  }

  async save(handle: string, file: DesignFile): Promise<Result<OpenedDesign>> {
    const path = this.resolve(handle);
    if (path === null) return this.unknownHandle(handle);
    const checked = FileService.checked(file);
    if (!checked.ok) return checked;
    return this.writeDesign(path, checked.value);
  }

  async saveAs(file: DesignFile, suggestedName: string, options: SaveAsOptions = {}): Promise<Result<OpenedDesign | null>> {
    const checked = FileService.checked(file);
    if (!checked.ok) return checked;
    if (this.dialogs) {
      let path = await this.dialogs.showSave(designNameFrom(suggestedName) ?? 'design.lvs.json');
      if (path === null) return ok(null);
      if (!/\.json$/i.test(path)) path = `${path}.lvs.json`;
      return this.writeDesign(path, checked.value);
    }
    const name = designNameFrom(suggestedName);
    if (name === null) return err(`"${suggestedName}" is not a usable file name: use letters, digits, spaces, "-", "_" or "."`);
    const path = join(this.designsDir, name);
    if (!options.overwrite && (await this.exists(path))) return err(`exists: "${name}" already exists in the designs folder`);
    return this.writeDesign(path, checked.value);
  }

  async list(): Promise<readonly StoredDesign[]> {
    let names: string[];
    try {
      names = await readdir(this.designsDir);
    } catch {
      return [];
    }
    const out: StoredDesign[] = [];
    for (const name of names) {
      if (!DESIGN_NAME_PATTERN.test(name)) continue;
      try {
        const st = await lstat(join(this.designsDir, name));
        if (st.isFile()) out.push({ name, size: st.size, modifiedAt: st.mtime.toISOString() });
      } catch {
        /* vanished meanwhile */
      }
    }
    return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt) || a.name.localeCompare(b.name));
  }

  async openNamed(name: string): Promise<Result<OpenedDesign>> {
    if (!DESIGN_NAME_PATTERN.test(name)) return err(`"${name}" is not a design name (expected something like "lab.lvs.json")`);
    return this.readDesign(join(this.designsDir, name), true);
  }

  async importText(fileName: string, text: string): Promise<Result<OpenedDesign>> {
    const shown = basename(fileName.replace(/\\/g, '/')) || 'file';
    const parsed = parseDesignFile(text);
    if (!parsed.ok) return err(`${shown}: ${parsed.error.message}`);
    const name = await this.freeName(designNameFrom(fileName) ?? 'imported.lvs.json');
    return this.writeDesign(join(this.designsDir, name), parsed.value);
  }

  /** `lab.lvs.json`, else `lab-2.lvs.json`, `lab-3.lvs.json`, … */
  private async freeName(name: string): Promise<string> {
    const stem = name.slice(0, -'.lvs.json'.length).slice(0, 100);
    for (let i = 1; ; i++) {
      const candidate = i === 1 ? name : `${stem}-${i}.lvs.json`;
      if (!(await this.exists(join(this.designsDir, candidate)))) return candidate;
    }
  }

  // ---- recent files --------------------------------------------------------------------------

  private async loadRecent(): Promise<RecentFile[]> {
    if (this.recentCache) return this.recentCache;
    let list: RecentFile[] = [];
    try {
      const raw: unknown = JSON.parse(await readFile(join(this.dataDir, RECENT_FILE), 'utf8'));
      if (Array.isArray(raw)) {
        list = raw
          .filter(
            (r): r is RecentFile =>
              typeof r === 'object' && r !== null && typeof (r as RecentFile).handle === 'string' && typeof (r as RecentFile).displayName === 'string',
          )
          .filter((r) => DESIGN_NAME_PATTERN.test(r.handle) || isAbsolute(r.handle))
          .slice(0, MAX_RECENT)
          .map((r) => ({ handle: r.handle, displayName: r.displayName }));
      }
    } catch {
      /* no or unreadable list: start empty */
    }
    // recent.json lives in our private data dir, so its paths are ones we handed out before.
    for (const r of list) if (isAbsolute(r.handle)) this.approved.add(r.handle);
    this.recentCache = list;
    return list;
  }

  private touchRecent(handle: string, displayName: string): Promise<void> {
    const run = this.recentQueue.then(async () => {
      const list = await this.loadRecent();
      const next = [{ handle, displayName }, ...list.filter((r) => r.handle !== handle)].slice(0, MAX_RECENT);
      this.recentCache = next;
      try {
        await writeFileAtomic(join(this.dataDir, RECENT_FILE), `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      } catch {
        /* the recent list is a convenience; failing to store it must not fail the save */
      }
      this.onRecentChanged?.(next);
    });
    this.recentQueue = run.catch(() => undefined);
    return run;
  }

  async recent(): Promise<readonly RecentFile[]> {
    const list = await this.loadRecent();
    const present: RecentFile[] = [];
    for (const r of list) {
      const path = this.resolve(r.handle);
      if (path !== null && (await this.exists(path))) present.push(r);
    }
    return present;
  }

  // ---- autosave and recovery -----------------------------------------------------------------

  async autosave(file: DesignFile, handle: string | null): Promise<Result<true>> {
    if (handle !== null && this.resolve(handle) === null) return this.unknownHandle(handle);
    const checked = FileService.checked(file);
    if (!checked.ok) return checked;
    const doc = { savedAt: new Date().toISOString(), handle, file: checked.value };
    try {
      await writeFileAtomic(join(this.dataDir, AUTOSAVE_FILE), JSON.stringify(doc), { mode: 0o600 });
      return ok(true);
    } catch (e) {
      return err(`could not write the recovery copy: ${message(e)}`);
    }
  }

  async recover(): Promise<RecoveredDesign | null> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(join(this.dataDir, AUTOSAVE_FILE), 'utf8'));
    } catch {
      return null;
    }
    if (typeof raw !== 'object' || raw === null) return null;
    const doc = raw as { savedAt?: unknown; handle?: unknown; file?: unknown };
    if (typeof doc.savedAt !== 'string') return null;
    const parsed = parseDesignFile(JSON.stringify(doc.file ?? null));
    if (!parsed.ok) return null;
    let handle: string | null = null;
    if (typeof doc.handle === 'string' && (DESIGN_NAME_PATTERN.test(doc.handle) || isAbsolute(doc.handle))) {
      handle = doc.handle;
      // Written by autosave() from a handle we had handed out, in our private data dir.
      if (isAbsolute(handle)) this.approved.add(handle);
    }
    return { file: parsed.value, handle, savedAt: doc.savedAt };
  }

  async clearAutosave(): Promise<void> {
    await rm(join(this.dataDir, AUTOSAVE_FILE), { force: true });
  }
}

/**
 * File operations through the bridge: new (templates), open, save, save as, import of a picked
 * file, autosave every few seconds while dirty, and the crash-recovery offer at start. A design
 * that fails to load never replaces the open one.
 */
import type { Design } from '../../shared/model/commands.ts';
import { emptyDesign } from '../../shared/model/commands.ts';
import { makeDesignFile } from '../../shared/model/fileFormat.ts';
import type { DesignFile } from '../../shared/model/types.ts';
import type { OpenedDesign, RecoveredDesign } from '../../shared/ipc/files.ts';
import type { Result } from '../../shared/util/result.ts';
import i18n from '../i18n/index.ts';
import { selectDirty, useApp } from '../store/index.ts';
import { bridge, settle } from '../bridge/index.ts';

/** Milliseconds between autosave checks (at most this much work is lost in a crash). */
export const AUTOSAVE_INTERVAL_MS = 3000;

export type TemplateId = 'empty' | 'nat' | 'dr' | 'tun';
export const TEMPLATES: readonly TemplateId[] = ['empty', 'nat', 'dr', 'tun'];

const toDesign = (f: DesignFile): Design => ({ topology: f.topology, layout: f.layout });

const currentFile = (): DesignFile => {
  const d = useApp.getState().design;
  return makeDesignFile(d.topology, d.layout);
};

/** Asks before throwing away unsaved work. */
export function confirmDiscard(): boolean {
  if (!selectDirty(useApp.getState())) return true;
  return window.confirm(i18n.t('file.confirmDiscard'));
}

/**
 * Starts a new design from a template. The seed labs (and the file parser they go through) load on
 * demand, not with the first paint.
 */
export async function newFromTemplate(id: TemplateId): Promise<void> {
  const design = id === 'empty' ? emptyDesign(i18n.t('file.untitled')) : (await import('./templates.ts')).templateDesign(id);
  const s = useApp.getState();
  s.load(design, null, null);
  s.clearSelection();
  s.openDialog(null);
  void settle(bridge().files.clearAutosave());
  requestFit();
  // The TUN lab keeps the article's MTU 1500, so it opens with one warning; say that it is meant.
  if (id === 'tun') s.notify('info', i18n.t('templates.tun.warns'));
}

function requestFit(): void {
  const t = useApp.getState().design.topology;
  useApp.getState().focusOn([...t.hosts.map((h) => h.id), ...t.segments.map((x) => x.id)], true);
}

function loaded(o: OpenedDesign): void {
  const s = useApp.getState();
  s.load(toDesign(o.file), o.handle, o.displayName);
  s.clearSelection();
  s.openDialog(null);
  s.notify('info', i18n.t('file.opened', { name: o.displayName }));
  void settle(bridge().files.clearAutosave());
  requestFit();
}

function failed(prefix: string, error: string): void {
  useApp.getState().notify('error', `${i18n.t(prefix as 'file.openFailed')}: ${error}`);
}

async function handleOpen(p: Promise<Result<OpenedDesign | null>>): Promise<boolean> {
  const r = await settle(p);
  if (!r.ok) return (failed('file.openFailed', r.error), false);
  if (!r.value.ok) return (failed('file.openFailed', r.value.error), false);
  if (r.value.value) loaded(r.value.value);
  return r.value.value !== null;
}

/** Open: the native dialog in Electron, the list of stored designs in the browser. */
export async function openDesign(): Promise<void> {
  if (!confirmDiscard()) return;
  if (bridge().kind === 'electron') await handleOpen(bridge().files.open());
  else useApp.getState().openDialog('open');
}

/** Opens a design of the designs folder by name. */
export const openNamed = (name: string): Promise<boolean> => handleOpen(bridge().files.openNamed(name));

/** Opens a recent file. */
export const openRecent = (handle: string): Promise<boolean> => handleOpen(bridge().files.openRecent(handle));

/** Loads a file the user picked from their computer (validated on the Node side, then stored). */
export async function importPickedFile(file: File): Promise<boolean> {
  const text = await file.text();
  // Refuse a broken file here already, so the message is the same with or without a backend.
  const { parseDesignFile } = await import('../../shared/model/file.ts');
  const local = parseDesignFile(text);
  if (!local.ok) {
    failed('file.openFailed', local.error.message);
    return false;
  }
  return handleOpen(bridge().files.importText(file.name, text));
}

/** Save: to the current handle, or ask for a name. */
export async function save(): Promise<boolean> {
  const s = useApp.getState();
  if (!s.handle) return saveAs();
  const revision = s.revision;
  const r = await settle(bridge().files.save(s.handle, currentFile()));
  if (!r.ok) return (failed('file.saveFailed', r.error), false);
  if (!r.value.ok) return (failed('file.saveFailed', r.value.error), false);
  saved(revision, r.value.value);
  return true;
}

function saved(revision: number, o: OpenedDesign): void {
  const s = useApp.getState();
  s.markSaved(revision, o.handle, o.displayName);
  s.notify('info', i18n.t('file.saved', { name: o.displayName }));
  void settle(bridge().files.clearAutosave());
  s.setAutosavedAt(null);
}

/** Save as: native dialog in Electron, a name prompt in the browser (asks before overwriting). */
export async function saveAs(): Promise<boolean> {
  const s = useApp.getState();
  const suggested = s.displayName ?? `${s.design.topology.name}.lvs.json`;
  let name = suggested;
  if (bridge().kind === 'browser') {
    const typed = window.prompt(i18n.t('file.saveAsPrompt'), suggested);
    if (typed === null || typed.trim() === '') return false;
    name = typed.trim();
  }
  const revision = s.revision;
  let r = await settle(bridge().files.saveAs(currentFile(), name));
  if (r.ok && !r.value.ok && r.value.error.startsWith('exists:')) {
    if (!window.confirm(i18n.t('file.overwrite', { name }))) return false;
    r = await settle(bridge().files.saveAs(currentFile(), name, { overwrite: true }));
  }
  if (!r.ok) return (failed('file.saveFailed', r.error), false);
  if (!r.value.ok) return (failed('file.saveFailed', r.value.error), false);
  if (r.value.value) saved(revision, r.value.value);
  return r.value.value !== null;
}

let autosaving = false;
let lastAutosaved = -1;

/** One autosave tick: writes the recovery copy when the design changed since the last one. */
export async function autosaveTick(): Promise<void> {
  const s = useApp.getState();
  if (autosaving || !selectDirty(s) || s.revision === lastAutosaved) return;
  autosaving = true;
  const revision = s.revision;
  try {
    const r = await settle(bridge().files.autosave(currentFile(), s.handle));
    if (r.ok && r.value.ok) {
      lastAutosaved = revision;
      useApp.getState().setAutosavedAt(new Date().toLocaleTimeString());
      useApp.getState().setAutosaveError(null);
    } else {
      // Never silent: the status bar says so (the previous recovery copy stays on disk untouched),
      // and the next tick tries again.
      useApp.getState().setAutosaveError(r.ok ? (r.value.ok ? 'unknown error' : r.value.error) : r.error);
    }
  } finally {
    autosaving = false;
  }
}

/** Starts the autosave timer; returns its stopper. */
export function startAutosave(): () => void {
  const timer = window.setInterval(() => void autosaveTick(), AUTOSAVE_INTERVAL_MS);
  return () => window.clearInterval(timer);
}

let pendingRecovery: RecoveredDesign | null = null;

/** The recovery copy on offer, if any. */
export const recoveryOnOffer = (): RecoveredDesign | null => pendingRecovery;

let earlyRecovery: ReturnType<typeof askRecovery> | undefined;
const askRecovery = () => settle(bridge().files.recover());

/**
 * Sends the recovery question before React renders (main.tsx), so the answer is back by the time the
 * first render's effect asks for it: the app is ready one round trip sooner.
 */
export function prefetchRecovery(): void {
  earlyRecovery ??= askRecovery();
}

/** At start: looks for a recovery copy and offers it. */
export async function checkRecovery(): Promise<void> {
  const early = earlyRecovery;
  earlyRecovery = undefined;
  const r = await (early ?? askRecovery());
  if (!r.ok || !r.value) return;
  pendingRecovery = r.value;
  useApp.getState().openDialog('recover');
}

/** Restores the offered copy (as unsaved work on its old handle). */
export function acceptRecovery(): void {
  const rec = pendingRecovery;
  if (!rec) return;
  pendingRecovery = null;
  const s = useApp.getState();
  s.load(toDesign(rec.file), rec.handle, rec.handle, true);
  s.openDialog(null);
  requestFit();
}

/** Throws the offered copy away. */
export function discardRecovery(): void {
  pendingRecovery = null;
  useApp.getState().openDialog(null);
  void settle(bridge().files.clearAutosave());
}

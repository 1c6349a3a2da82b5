/**
 * In-memory stand-in for `window.lvs`, used only when the app runs without a Node side (plain
 * `vite` dev server or preview). Designs live in localStorage under `lvs-memory:`, so saving,
 * reopening and crash recovery behave as with the real backend within one browser profile.
 */
import type { LvsBridge } from '../../shared/ipc/contract.ts';
import type { OpenedDesign } from '../../shared/ipc/files.ts';
import { designNameFrom } from '../../shared/ipc/files.ts';
import type { DesignFile } from '../../shared/model/types.ts';
import { serializeDesignFile } from '../../shared/model/fileFormat.ts';

/** The file parser (with the zod schema) loads on first use, not with the first paint. */
const parser = () => import('../../shared/model/file.ts');
import type { Result } from '../../shared/util/result.ts';
import { err, ok } from '../../shared/util/result.ts';

const PREFIX = 'lvs-memory:file:';
const AUTOSAVE = 'lvs-memory:autosave';
const NO_BACKEND = 'no backend: deploying needs the desktop app or lvsd serve';
const NO_LIVE = 'no backend: the live view needs the desktop app or lvsd serve';
const NO_LAB = 'no backend: the built-in lab needs the desktop app or lvsd serve';

// Structural (not the DOM's Storage) so this folder also type-checks for the Node-side tests.
interface KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const store = (): KeyValueStorage | null => {
  try {
    return (globalThis as { localStorage?: KeyValueStorage }).localStorage ?? null;
  } catch {
    return null;
  }
};

async function read(name: string): Promise<Result<OpenedDesign>> {
  const text = store()?.getItem(PREFIX + name);
  if (text == null) return err(`no such design: ${name}`);
  const parsed = (await parser()).parseDesignFile(text);
  if (!parsed.ok) return err(parsed.error.message);
  return ok({ handle: name, displayName: name, file: parsed.value });
}

function names(): { name: string; size: number; modifiedAt: string }[] {
  const s = store();
  const out: { name: string; size: number; modifiedAt: string }[] = [];
  if (!s) return out;
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i);
    if (k?.startsWith(PREFIX)) out.push({ name: k.slice(PREFIX.length), size: s.getItem(k)?.length ?? 0, modifiedAt: new Date().toISOString() });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Builds the memory bridge. */
export function createMemoryBridge(): LvsBridge {
  // localStorage holds about 5 MB: a design that does not fit is an error, not a silent loss.
  const write = (name: string, file: DesignFile): Result<OpenedDesign> => {
    try {
      store()?.setItem(PREFIX + name, serializeDesignFile(file));
    } catch (e) {
      return err(`the browser storage is full: ${(e as Error).message}`);
    }
    return ok({ handle: name, displayName: name, file });
  };
  return {
    kind: 'browser',
    files: {
      async open() {
        return err('no native dialog in the browser: pick a design from the list');
      },
      async openRecent(handle) {
        return read(handle);
      },
      async save(handle, file) {
        return write(handle, file);
      },
      async saveAs(file, suggestedName, options) {
        const name = designNameFrom(suggestedName);
        if (!name) return err('the name is empty or has no usable characters');
        if (!options?.overwrite && store()?.getItem(PREFIX + name) != null) return err(`exists: ${name}`);
        return write(name, file);
      },
      async recent() {
        return names().map((n) => ({ handle: n.name, displayName: n.name }));
      },
      async list() {
        return names();
      },
      async openNamed(name) {
        return read(name);
      },
      async importText(fileName, text) {
        const parsed = (await parser()).parseDesignFile(text);
        if (!parsed.ok) return err(parsed.error.message);
        const base = designNameFrom(fileName) ?? 'imported.lvs.json';
        let name = base;
        for (let n = 2; store()?.getItem(PREFIX + name) != null; n++) name = base.replace(/\.lvs\.json$/, `-${n}.lvs.json`);
        return write(name, parsed.value);
      },
      async autosave(file, handle) {
        try {
          store()?.setItem(AUTOSAVE, JSON.stringify({ file, handle, savedAt: new Date().toISOString() }));
        } catch (e) {
          return err(`the browser storage is full: ${(e as Error).message}`);
        }
        return ok(true);
      },
      async recover() {
        const text = store()?.getItem(AUTOSAVE);
        if (!text) return null;
        try {
          const raw = JSON.parse(text) as { file: unknown; handle: string | null; savedAt: string };
          const parsed = (await parser()).parseDesignFile(JSON.stringify(raw.file));
          return parsed.ok ? { file: parsed.value, handle: raw.handle, savedAt: raw.savedAt } : null;
        } catch {
          return null;
        }
      },
      async clearAutosave() {
        store()?.removeItem(AUTOSAVE);
      },
    },
    deploy: {
      available: async () => false,
      plan: async () => err(NO_BACKEND),
      apply: async () => err(NO_BACKEND),
      rollback: async () => err(NO_BACKEND),
      cancel: async () => false,
      trustHost: async () => false,
      provideCredential: async () => false,
      forgetCredentials: async () => undefined,
      log: async () => null,
    },
    live: {
      available: async () => false,
      start: async () => err(NO_LIVE),
      stop: async () => false,
      pause: async () => false,
      resume: async () => false,
      connections: async () => err(NO_LIVE),
      explain: async () => err(NO_LIVE),
    },
    lab: {
      available: async () => ({ available: false, reason: NO_LAB }),
      status: async () => ({ running: false, endpoints: [], busy: false }),
      up: async () => err(NO_LAB),
      down: async () => err(NO_LAB),
    },
    capture: {
      available: async () => ({ available: false, reason: NO_LAB }),
      run: async () => err(NO_LAB),
    },
    events: {
      on: () => () => undefined,
    },
  };
}

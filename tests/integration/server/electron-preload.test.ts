// The preload bundled as scripts/build-electron.mjs does it, run against a stand-in `electron`:
// it must expose exactly one function per channel and no generic invoke.
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { BRIDGE_VERBS } from '../../../shared/ipc/channels.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');

type Fn = (...a: unknown[]) => unknown;
let exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const subscribed = new Map<string, Fn>();
let bundle = '';

beforeAll(async () => {
  const out = await build({
    entryPoints: [join(root, 'electron/preload/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    external: ['electron'],
    logLevel: 'silent',
    outfile: join(await mkdtemp(join(tmpdir(), 'lvsd-preload-')), 'preload.cjs'),
  });
  bundle = out.outputFiles[0]?.text ?? '';
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed = { [key]: api }) },
    ipcRenderer: {
      invoke: async (...a: unknown[]) => {
        invoked.push(a);
        if (a[0] === 'files:list') throw new Error("Error invoking remote method 'files:list': Error: files:list: refused, not our page");
        return undefined;
      },
      on: (name: string, h: Fn) => subscribed.set(name, h),
      removeListener: (name: string) => subscribed.delete(name),
    },
  };
  // Like a sandboxed preload: `require` knows nothing but electron.
  const sandboxRequire = (id: string): unknown => {
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  runInNewContext(bundle, { require: sandboxRequire, module: { exports: {} }, exports: {} });
});

describe('Electron preload', () => {
  it('requires nothing but electron', () => {
    const requires = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });

  it('exposes window.lvs with one function per channel and no generic invoke', async () => {
    const lvs = exposed.lvs as Record<string, Record<string, Fn> | string>;
    expect(lvs.kind).toBe('electron');
    // Exactly the contract's domains, plus the event subscription and the bridge kind.
    expect(Object.keys(lvs).sort()).toEqual([...Object.keys(BRIDGE_VERBS), 'events', 'kind'].sort());
    for (const [domain, verbs] of Object.entries(BRIDGE_VERBS)) {
      expect(Object.keys(lvs[domain] as object).sort()).toEqual([...verbs].sort());
    }
    await (lvs.files as Record<string, Fn>).save?.('a.lvs.json', { x: 1 });
    expect(invoked.at(-1)).toEqual(['files:save', 'a.lvs.json', { x: 1 }]);
    await expect((lvs.files as Record<string, Fn>).list?.()).rejects.toThrow(/^files:list: refused, not our page$/);
  });

  it('forwards only known events, without the IPC event object, and unsubscribes', () => {
    const events = (exposed.lvs as { events: { on(name: string, l: Fn): () => void } }).events;
    const got: unknown[] = [];
    const off = events.on('files:recent', (...args) => got.push(args));
    subscribed.get('files:recent')?.({ sender: 'ipc event internals' }, [{ handle: 'a', displayName: 'a' }]);
    expect(got).toEqual([[[{ handle: 'a', displayName: 'a' }]]]);
    off();
    expect(subscribed.has('files:recent')).toBe(false);
    expect(() => events.on('deploy:secret-stuff', () => undefined)).toThrow(/unknown event/);
  });
});

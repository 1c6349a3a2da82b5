// The Electron main process wired against a recording stand-in for the `electron` module (the real
// binary cannot be installed offline; tests/e2e/electron/launch.spec.ts runs the real thing where
// it exists). The main process is bundled with esbuild exactly like scripts/build-electron.mjs,
// except that `electron` resolves to ./fakeElectron.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import type { PluginBuild } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allChannels } from '../../../shared/ipc/channels.ts';
import type { FakeState, FakeWindow } from './fakeElectron.ts';
import { fakeState } from './fakeElectron.ts';
import { isOnScreen } from '../../../electron/main/windowState.ts';
import { BRIDGE_BUNDLE, BRIDGE_ENTRY, importMetaUrlShim, splitBridge } from '../../../scripts/electron-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
let dir: string;
let state: FakeState;
let win: FakeWindow;
let mainInputs: string[];

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;
const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });
const ours = frame('app://renderer/index.html');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvsd-main-'));
  await mkdir(join(dir, 'app', 'dist', 'renderer'), { recursive: true });
  await writeFile(join(dir, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><div class="react-flow"></div>');
  await writeFile(join(dir, 'app', 'package.json'), '{"secret":"outside the renderer"}');
  const outfile = join(dir, 'main.cjs');
  const fakeElectron = {
    name: 'fake-electron',
    setup(b: PluginBuild) {
      b.onResolve({ filter: /^electron$/ }, () => ({ path: join(here, 'fakeElectron.ts') }));
      // ssh2 (the deploy engine) has optional native parts: load it from node_modules, as the real build does.
      b.onResolve({ filter: /^ssh2$/ }, () => ({ path: createRequire(import.meta.url).resolve('ssh2'), external: true }));
    },
  };
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', ...importMetaUrlShim } as const;
  const [main] = await Promise.all([
    build({ ...common, entryPoints: [join(root, 'electron/main/index.ts')], outfile, metafile: true, plugins: [fakeElectron, splitBridge] }),
    build({ ...common, entryPoints: [join(root, BRIDGE_ENTRY)], outfile: join(dir, BRIDGE_BUNDLE), plugins: [fakeElectron] }),
  ]);
  mainInputs = Object.keys(main.metafile.inputs);
  state = fakeState();
  state.appPath = join(dir, 'app');
  process.env.LVSD_USER_DATA = join(dir, 'userData');
  createRequire(import.meta.url)(outfile);
  win = await state.windowCreated;
});

afterAll(async () => {
  delete process.env.LVSD_USER_DATA;
  await rm(dir, { recursive: true, force: true });
});

describe('Electron main process', () => {
  it('creates a sandboxed, isolated window on app:// with the bundled preload', () => {
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(win.url).toBe('app://renderer/index.html');
    expect(state.paths.userData).toBe(join(dir, 'userData'));
  });

  it('opens its window before the services load: they are a bundle of their own, loaded on first use', async () => {
    // The main bundle holds the window, menu and IPC plumbing; the file schema, SSH and the rest are in bridge.cjs.
    expect(mainInputs.some((f) => f.endsWith('electron/main/index.ts'))).toBe(true);
    for (const heavy of ['electron/services/files/fileService.ts', 'electron/services/deploy/service.ts', 'shared/model/schema.ts', 'node_modules/zod'])
      expect(
        mainInputs.filter((f) => f.includes(heavy)),
        heavy,
      ).toEqual([]);
    // The window was created (beforeAll) and answers once bridge.cjs has loaded.
    await expect((state.ipc.get('files:recent') as Handler)(ours)).resolves.toEqual([]);
  });

  it('handles every bridge channel over IPC, only for its own top-level page', async () => {
    expect([...state.ipc.keys()].sort()).toEqual(allChannels().sort());
    const list = state.ipc.get('files:list') as Handler;
    await expect(list(ours)).resolves.toEqual([]);
    await expect(list(frame('https://evil.example/'))).rejects.toThrow(/refused/);
    await expect(list(frame('app://renderer/index.html', {}))).rejects.toThrow(/refused/);
    await expect(list(frame('app://other/index.html'))).rejects.toThrow(/refused/);
    await expect(list({ senderFrame: null })).rejects.toThrow(/refused/);
  });

  it('validates IPC payloads like the HTTP server does', async () => {
    const save = state.ipc.get('files:save') as Handler;
    await expect(save(ours, 'x.lvs.json', { format: 'lvs-designer' })).rejects.toThrow(/args\[1\]\.formatVersion/);
    const openNamed = state.ipc.get('files:openNamed') as Handler;
    await expect(openNamed(ours, '../../etc/passwd')).resolves.toMatchObject({ ok: false });
  });

  it('serves the renderer on app:// with the CSP, and nothing outside it', async () => {
    expect(state.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const handler = state.protocolHandlers.get('app');
    if (!handler) throw new Error('no app:// handler');
    const page = await handler(new Request('app://renderer/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('react-flow');
    expect((await handler(new Request('app://renderer/%2e%2e/%2e%2e/package.json'))).status).toBe(404);
    expect((await handler(new Request('app://renderer/../package.json'))).status).toBe(404);
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('denies permissions, new windows and navigation away', () => {
    let granted: boolean | undefined;
    state.permissionRequest?.({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(state.permissionCheck?.()).toBe(false);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const navigate = (url: string): boolean => {
      let prevented = false;
      for (const l of win.webContents.listeners['will-navigate'] ?? []) l({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('app://renderer/index.html')).toBe(false);
  });

  it('asks before closing a page that has unsaved work', () => {
    const unload = (answer: number): boolean => {
      state.messageBoxAnswer = answer;
      let closed = false;
      for (const l of win.webContents.listeners['will-prevent-unload'] ?? []) l({ preventDefault: () => (closed = true) });
      return closed;
    };
    expect(unload(1)).toBe(false);
    expect(unload(0)).toBe(true);
  });

  it('has a File menu whose commands reach the page as menu:command pushes', () => {
    const menu = state.menus.at(-1) as { template: { label?: string; submenu?: { label?: string; click?: () => void }[] }[] };
    const file = menu.template.find((m) => m.label === '&File');
    const labels = file?.submenu?.map((i) => i.label).filter(Boolean);
    expect(labels).toEqual(['&New', '&Open…', 'Open &Recent', '&Save', 'Save &As…']);
    file?.submenu?.find((i) => i.label === '&Save')?.click?.();
    expect(state.sent.at(-1)).toEqual({ channel: 'menu:command', payload: { command: 'save' } });
    const view = menu.template.find((m) => m.label === '&View') as { submenu: { role?: string }[] };
    expect(view.submenu.map((i) => i.role)).not.toContain('toggleDevTools');
  });
});

describe('window state', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };
  it('keeps a position on a present display and drops one on a monitor that is gone', () => {
    expect(isOnScreen({ x: 100, y: 100, width: 1400, height: 900, maximized: false }, [display])).toBe(true);
    expect(isOnScreen({ x: 2500, y: 100, width: 1400, height: 900, maximized: false }, [display])).toBe(false);
    expect(isOnScreen({ x: 2500, y: 100, width: 1400, height: 900, maximized: false }, [display, { x: 1920, y: 0, width: 1920, height: 1080 }])).toBe(true);
    expect(isOnScreen({ x: 100, y: -500, width: 1400, height: 900, maximized: false }, [display])).toBe(false);
    expect(isOnScreen({ width: 1400, height: 900, maximized: false }, [display])).toBe(false);
  });
});

// Page code below uses globalThis (this tsconfig has no DOM types); in the page it is window.
// Launches the real Electron app (dist-electron/main.cjs + dist/renderer) and checks the window,
// the canvas and the hardened bridge. Needs the Electron binary, which cannot be downloaded
// offline: the probe looks at files only (never require('electron')), and the test skips cleanly
// without it. On Linux run it under a display, e.g. `xvfb-run -a npx playwright test … electron`.
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../../../electron/services/electronBinary.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const binary = findElectronBinary({ root });

test.skip(!binary, 'Electron binary not installed (node_modules/electron/path.txt / dist missing): skipped');
test.skip(
  !!binary && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY,
  'no display for Electron: run the e2e suite under xvfb-run -a',
);

test('opens the window on app:// with the canvas and a narrow window.lvs bridge', async () => {
  expect(existsSync(join(root, 'dist-electron', 'main.cjs')), 'run npm run build first').toBe(true);
  expect(existsSync(join(root, 'dist', 'renderer', 'index.html')), 'run npm run build first').toBe(true);
  const userData = await mkdtemp(join(tmpdir(), 'lvsd-electron-'));
  // Set at all, ELECTRON_RUN_AS_NODE would start a plain Node process instead of the app.
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...env } = process.env;
  const runningAsRoot = process.platform === 'linux' && process.getuid?.() === 0;
  const app = await electron.launch({
    executablePath: binary as string,
    args: [root, ...(runningAsRoot ? ['--no-sandbox'] : [])],
    cwd: root,
    env: { ...env, LVSD_USER_DATA: userData },
  });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(new URL(page.url()).protocol).toBe('app:');
    await expect(page.locator('.react-flow').first()).toBeVisible();

    const shape = await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown> & { lvs?: Record<string, Record<string, unknown>> };
      return {
        kind: w.lvs?.kind,
        list: typeof w.lvs?.files?.list,
        invoke: typeof (w.lvs as Record<string, unknown> | undefined)?.invoke,
        require: typeof w.require,
        process: typeof w.process,
      };
    });
    expect(shape).toEqual({ kind: 'electron', list: 'function', invoke: 'undefined', require: 'undefined', process: 'undefined' });

    // A round trip through IPC, the registry and the file service.
    const designs = await page.evaluate(() => (globalThis as unknown as { lvs: { files: { list(): Promise<unknown[]> } } }).lvs.files.list());
    expect(Array.isArray(designs)).toBe(true);

    // Hardening as configured in the main process.
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0]?.webContents;
      const p = (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
      return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration, webSecurity: p.webSecurity };
    });
    expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });

    // window.open is denied.
    const opened = await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
  } finally {
    await app.close();
    await rm(userData, { recursive: true, force: true });
  }
});

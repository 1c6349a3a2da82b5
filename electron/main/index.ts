/**
 * Electron main process: one hardened window on `app://renderer` (the built renderer), the bridge
 * handlers on IPC (the same registry `lvsd serve` uses over HTTP), native file dialogs, the menu,
 * recent files and window state. Bundled by scripts/build-electron.mjs into dist-electron/main.cjs.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserWindow, app, dialog, ipcMain, Menu, safeStorage, screen } from 'electron';
import { deferBridge } from '../services/bridge/background.ts';
import type { StartingBridge } from '../services/bridge/background.ts';
import type { Bridge } from '../services/bridge/index.ts';
import type { FileDialogs } from '../services/files/fileService.ts';
import type { RecentFile } from '../../shared/ipc/files.ts';
import { SafeStorageSecretStore } from '../services/secrets/safe-storage.ts';
import { APP_URL, denyPermissions, lockDownContents, registerAppScheme, senderIsTrusted, serveRenderer } from './security.ts';
import { buildMenu } from './menu.ts';
import { devServerUrlFrom } from './devServer.ts';
import { isOnScreen, loadWindowState, saveWindowState } from './windowState.ts';

// Development builds only (LVSD_DEV_BUILD=1 npm run build): `LVSD_DEV_SERVER_URL=http://localhost:5173 npm start` loads the Vite dev server.
declare const __LVSD_DEV_BUILD__: boolean | undefined;
const devServerUrl = devServerUrlFrom(process.env, {
  packaged: app.isPackaged,
  devBuild: typeof __LVSD_DEV_BUILD__ !== 'undefined' && __LVSD_DEV_BUILD__ === true,
});
const devTools = !app.isPackaged && process.env.LVSD_DEV === '1';

let mainWindow: BrowserWindow | null = null;

// A separate profile (tests, a second person on a shared classroom machine); must be set before ready.
if (process.env.LVSD_USER_DATA) app.setPath('userData', process.env.LVSD_USER_DATA);

registerAppScheme();
lockDownContents(devServerUrl);
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

const FILTERS = [
  { name: 'LVS Designer design (*.lvs.json)', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];

const dialogs: FileDialogs = {
  async showOpen() {
    const options = { title: 'Open design', filters: FILTERS, properties: ['openFile' as const] };
    const res = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    return res.canceled ? null : (res.filePaths[0] ?? null);
  },
  async showSave(suggestedName) {
    const options = { title: 'Save design', defaultPath: join(app.getPath('documents'), suggestedName), filters: FILTERS };
    const res = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
    return res.canceled || !res.filePath ? null : res.filePath;
  },
};

function registerIpc(bridge: StartingBridge): void {
  for (const channel of bridge.channels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!senderIsTrusted(event, devServerUrl)) throw new Error(`${channel}: refused, the request does not come from the LVS Designer page`);
      const outcome = await bridge.call(channel, args);
      if (outcome.kind === 'ok') return outcome.value;
      throw new Error(outcome.message);
    });
  }
}

async function refreshMenu(bridge: Bridge): Promise<void> {
  setMenu(bridge.events, await bridge.files.recent());
}

function setMenu(events: StartingBridge['events'], recent: readonly RecentFile[]): void {
  Menu.setApplicationMenu(buildMenu({ recent, devTools, send: (command) => events.emit('menu:command', command) }));
}

function createWindow(): BrowserWindow {
  const userData = app.getPath('userData');
  const state = loadWindowState(userData);
  const visible = isOnScreen(
    state,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(visible ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 900,
    minHeight: 600,
    title: 'LVS Designer',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools,
    },
  });
  if (state.maximized) win.maximize();
  // The page asks before unload when it has unsaved work; Electron would otherwise just refuse to close.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Discard changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'The design has unsaved changes.',
      detail: 'Close anyway? A recovery copy is kept until you start a new design.',
    });
    if (choice === 0) event.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const b = win.getNormalBounds();
    void saveWindowState(userData, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devServerUrl ?? APP_URL);
  return win;
}

app
  .whenReady()
  .then(() => {
    denyPermissions();
    const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
    if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`the renderer is not built (${rendererDir} is missing): run npm run build`);
    serveRenderer(realpathSync(rendererDir));
    // Deploy secrets go to the OS keychain (memory only when the OS has none: see SafeStorageSecretStore).
    const secrets = new SafeStorageSecretStore(safeStorage, join(app.getPath('userData'), 'deploy-secrets.json'));
    // The window opens first; the services load while it sets up the page (see deferBridge).
    const bridge = deferBridge({ dataDir: app.getPath('userData'), dialogs, secrets });
    registerIpc(bridge);
    bridge.events.subscribe((name, payload) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(name, payload);
      if (name === 'files:recent') void bridge.start().then(refreshMenu);
    });
    // Recent files join the menu once the services are there.
    setMenu(bridge.events, []);
    // Closing takes a moment when a lab VM this app booted has to power off: quit once it is done.
    let closed = false;
    app.on('before-quit', (event) => {
      if (closed) return;
      event.preventDefault();
      closed = true;
      void bridge.close().finally(() => app.quit());
    });
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
    void bridge
      .start()
      .then(refreshMenu)
      .catch((e: unknown) => {
        dialog.showErrorBox('LVS Designer could not start', (e as Error).stack ?? String(e));
        app.exit(1);
      });
  })
  .catch((e: unknown) => {
    dialog.showErrorBox('LVS Designer could not start', (e as Error).stack ?? String(e));
    app.exit(1);
  });

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// A stand-in for the `electron` module, bundled into the main process under test in place of the
// real one (which would try to download its binary). It records what the main process asks for.
type Listener = (...args: unknown[]) => unknown;

export interface FakeState {
  appPath: string;
  paths: Record<string, string>;
  appListeners: Record<string, Listener[]>;
  ipc: Map<string, Listener>;
  protocolHandlers: Map<string, (req: Request) => Promise<Response> | Response>;
  privileged: unknown[];
  permissionRequest?: Listener;
  permissionCheck?: Listener;
  windows: FakeWindow[];
  menus: unknown[];
  sent: { channel: string; payload: unknown }[];
  /** Index of the button the fake user clicks in message boxes. */
  messageBoxAnswer: number;
  windowCreated: Promise<FakeWindow>;
  resolveWindow: (w: FakeWindow) => void;
}

const g = globalThis as unknown as { __fakeElectron?: FakeState };
export function fakeState(): FakeState {
  if (!g.__fakeElectron) {
    let resolveWindow: (w: FakeWindow) => void = () => undefined;
    const windowCreated = new Promise<FakeWindow>((r) => (resolveWindow = r));
    g.__fakeElectron = {
      appPath: '',
      paths: {},
      appListeners: {},
      ipc: new Map(),
      protocolHandlers: new Map(),
      privileged: [],
      windows: [],
      menus: [],
      sent: [],
      messageBoxAnswer: 1,
      windowCreated,
      resolveWindow,
    };
  }
  return g.__fakeElectron;
}

class FakeWebContents {
  readonly listeners: Record<string, Listener[]> = {};
  windowOpenHandler?: Listener;
  send(channel: string, payload: unknown): void {
    fakeState().sent.push({ channel, payload });
  }
  setWindowOpenHandler(h: Listener): void {
    this.windowOpenHandler = h;
  }
  on(name: string, l: Listener): this {
    (this.listeners[name] ??= []).push(l);
    return this;
  }
}

export class FakeWindow {
  readonly webContents = new FakeWebContents();
  url = '';
  constructor(readonly options: Record<string, unknown>) {
    const s = fakeState();
    s.windows.push(this);
    for (const l of s.appListeners['web-contents-created'] ?? []) l({}, this.webContents);
    s.resolveWindow(this);
  }
  static getAllWindows(): FakeWindow[] {
    return fakeState().windows;
  }
  once(): this {
    return this;
  }
  on(): this {
    return this;
  }
  maximize(): void {}
  show(): void {}
  isDestroyed(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return false;
  }
  isMinimized(): boolean {
    return false;
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: 1400, height: 900 };
  }
  async loadURL(url: string): Promise<void> {
    this.url = url;
  }
}

export const BrowserWindow = FakeWindow;

export const app = {
  isPackaged: false,
  setPath: (name: string, value: string) => void (fakeState().paths[name] = value),
  getPath: (name: string) => fakeState().paths[name] ?? `${fakeState().appPath}/.${name}`,
  getAppPath: () => fakeState().appPath,
  requestSingleInstanceLock: () => true,
  on: (name: string, l: Listener) => void (fakeState().appListeners[name] ??= []).push(l),
  quit: () => undefined,
  exit: () => undefined,
  whenReady: () => Promise.resolve(),
};

export const ipcMain = { handle: (channel: string, l: Listener) => void fakeState().ipc.set(channel, l) };

export const protocol = {
  registerSchemesAsPrivileged: (s: unknown[]) => void fakeState().privileged.push(...s),
  handle: (scheme: string, h: (req: Request) => Promise<Response>) => void fakeState().protocolHandlers.set(scheme, h),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h: Listener) => void (fakeState().permissionRequest = h),
    setPermissionCheckHandler: (h: Listener) => void (fakeState().permissionCheck = h),
  },
};

export const Menu = {
  buildFromTemplate: (template: unknown) => ({ template }),
  setApplicationMenu: (menu: unknown) => void fakeState().menus.push(menu),
};

/** safeStorage without an OS keychain (as on Linux without a secret service): the deploy secret store stays in memory. */
export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: (s: string) => Buffer.from(s),
  decryptString: (b: Buffer) => b.toString(),
  getSelectedStorageBackend: () => 'basic_text',
};

export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

export const dialog = {
  showMessageBoxSync: () => fakeState().messageBoxAnswer,
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
  showErrorBox: (title: string, body: string) => {
    throw new Error(`${title}: ${body}`);
  },
};

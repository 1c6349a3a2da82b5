/** The application menu. File commands go to the renderer as `menu:command` pushes. */
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/ipc/events.ts';
import type { RecentFile } from '../../shared/ipc/files.ts';

export interface MenuOptions {
  readonly recent: readonly RecentFile[];
  readonly devTools: boolean;
  readonly send: (command: MenuCommand) => void;
}

export function buildMenu(options: MenuOptions): Menu {
  const { send } = options;
  const recentItems: MenuItemConstructorOptions[] =
    options.recent.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : options.recent.map((r) => ({ label: r.displayName, toolTip: r.handle, click: () => send({ command: 'openRecent', handle: r.handle }) }));
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: '&New', accelerator: 'CmdOrCtrl+N', click: () => send({ command: 'new' }) },
        { label: '&Open…', accelerator: 'CmdOrCtrl+O', click: () => send({ command: 'open' }) },
        { label: 'Open &Recent', submenu: recentItems },
        { type: 'separator' },
        { label: '&Save', accelerator: 'CmdOrCtrl+S', click: () => send({ command: 'save' }) },
        { label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => send({ command: 'saveAs' }) },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.devTools ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

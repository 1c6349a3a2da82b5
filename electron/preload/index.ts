/**
 * The sandboxed preload: exposes `window.lvs` (see shared/ipc/contract.ts) with one function per
 * channel of `BRIDGE_VERBS` — the page gets no `ipcRenderer`, no generic invoke, and no IPC event
 * objects. Bundled into dist-electron/preload.cjs (a sandboxed preload can require only `electron`).
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { BRIDGE_VERBS, channelName } from '../../shared/ipc/channels.ts';
import type { DomainName } from '../../shared/ipc/channels.ts';
import { EVENT_NAMES } from '../../shared/ipc/events.ts';
import type { LvsEventName } from '../../shared/ipc/events.ts';

// Electron prefixes rejections with "Error invoking remote method 'files:save': Error: "; the UI
// shows the message to the user, so only the main process's own words are kept.
const rethrowClean = (e: unknown): never => {
  const message = String((e as Error)?.message ?? e).replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '');
  throw new Error(message);
};

const domains = Object.fromEntries(
  (Object.keys(BRIDGE_VERBS) as DomainName[]).map((domain) => [
    domain,
    Object.fromEntries(
      BRIDGE_VERBS[domain].map((verb) => {
        const channel = channelName(domain, verb);
        return [verb, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args).catch(rethrowClean)];
      }),
    ),
  ]),
);

const events = {
  on(name: LvsEventName, listener: (payload: unknown) => void): () => void {
    if (!EVENT_NAMES.includes(name)) throw new Error(`unknown event ${String(name)}`);
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(name, handler);
    return () => {
      ipcRenderer.removeListener(name, handler);
    };
  },
};

contextBridge.exposeInMainWorld('lvs', { kind: 'electron', ...domains, events });

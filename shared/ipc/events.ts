/**
 * Pushes from the Node side to the renderer (`domain:noun`). In Electron they arrive over IPC
 * (`webContents.send`), in browser mode over the WebSocket `/api/events`. A domain that pushes adds
 * its events here and its name to `EVENT_NAMES`.
 */
import type { RecentFile } from './files.ts';
import type { DeployEvent } from './deploy.ts';
import type { LiveUpdate } from './live.ts';
import type { LabProgress } from './lab.ts';

/** A command from the native application menu (Electron only). */
export type MenuCommand = { readonly command: 'new' | 'open' | 'save' | 'saveAs' } | { readonly command: 'openRecent'; readonly handle: string };

/** Event name → payload. */
export interface LvsEvents {
  /** The recent-files list changed (after an open or a save). */
  'files:recent': readonly RecentFile[];
  /** The user chose an item of the application menu. */
  'menu:command': MenuCommand;
  /** Progress, prompts and the result of a deploy/dry-run/rollback run. */
  'deploy:progress': DeployEvent;
  /** A live-view session has a new view (after a host answered or failed). */
  'live:update': LiveUpdate;
  /** A line of what the built-in lab is doing (image build, boot, hosts). */
  'lab:progress': LabProgress;
}

export type LvsEventName = keyof LvsEvents;

/** Every event name, so the preload and the browser client can refuse unknown ones. */
export const EVENT_NAMES: readonly LvsEventName[] = ['files:recent', 'menu:command', 'deploy:progress', 'live:update', 'lab:progress'];

/** Subscribing to pushes. */
export interface EventsApi {
  /** Calls `listener` for every `name` event until the returned function is called. */
  on<K extends LvsEventName>(name: K, listener: (payload: LvsEvents[K]) => void): () => void;
}

/**
 * The typed contract between the renderer and the Node side, exposed as `window.lvs` by the
 * Electron preload and by the browser-mode client (`renderer/bridge`). Each domain is a file of
 * its own; `channels.ts` lists the request channels (`domain:verb`), `events.ts` the pushes
 * (`domain:noun`).
 *
 * Error handling: an expected failure (a hostile file, a cancelled dialog) comes back as a
 * `Result`; a rejected promise means the transport or the request itself failed (backend gone,
 * session token expired, a payload the Node side refused).
 */
import type { FilesApi } from './files.ts';
import type { DeployApi } from './deploy.ts';
import type { LiveApi } from './live.ts';
import type { LabApi } from './lab.ts';
import type { CaptureApi } from './capture.ts';
import type { EventsApi } from './events.ts';

export type { FilesApi, OpenedDesign, RecentFile, StoredDesign, SaveAsOptions, RecoveredDesign } from './files.ts';
export type { DeployApi } from './deploy.ts';
export type { LiveApi } from './live.ts';
export type { LabApi } from './lab.ts';
export type { CaptureApi, CaptureView, CaptureRunRequest } from './capture.ts';
export type { EventsApi, LvsEvents, LvsEventName, MenuCommand } from './events.ts';

/** What the renderer finds on `window.lvs`. */
export interface LvsBridge {
  /** `electron` or `browser`: which backend serves this window. */
  readonly kind: 'electron' | 'browser';
  readonly files: FilesApi;
  readonly deploy: DeployApi;
  readonly live: LiveApi;
  readonly lab: LabApi;
  readonly capture: CaptureApi;
  readonly events: EventsApi;
}

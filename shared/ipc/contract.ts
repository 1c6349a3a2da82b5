/**
 * The typed contract between the renderer and the Node side, exposed as `window.lvs` by the
 * Electron preload and by the browser-mode client. Each domain is a file of its own.
 * Channel names are `domain:verb` (requests) and `domain:noun` (pushes from the Node side).
 */
import type { FilesApi } from './files.ts';
import type { DeployApi } from './deploy.ts';

export type { FilesApi } from './files.ts';
export type { DeployApi } from './deploy.ts';

/** What the renderer finds on `window.lvs`. */
export interface LvsBridge {
  /** `electron` or `browser`: which backend serves this window. */
  readonly kind: 'electron' | 'browser';
  readonly files: FilesApi;
  readonly deploy: DeployApi;
}

/**
 * The one place the UI gets the bridge to the Node side from. `bridge()` returns:
 * - in Electron, the preload's `window.lvs`;
 * - in a browser opened from `lvsd serve`, the HTTP/WebSocket client (token from `#token=…`);
 * - otherwise (`npm run dev`, a static preview) the in-memory bridge, and `usingMemoryBridge()`
 *   is true so the UI can say "no backend".
 */
import type { LvsBridge } from '../../shared/ipc/contract.ts';
import { createHttpBridge } from './httpBridge.ts';
import { createMemoryBridge } from './memoryBridge.ts';
import { takeToken } from './token.ts';
import { apiPath } from '../../shared/ipc/transport.ts';

export type { LvsBridge } from '../../shared/ipc/contract.ts';
export { BridgeRequestError, createHttpBridge } from './httpBridge.ts';
export { takeToken, TOKEN_STORAGE_KEY } from './token.ts';

let cached: LvsBridge | null | undefined;

/** The backend bridge (preload or `lvsd serve` client), or `null` when the page has none. */
export function getBridge(): LvsBridge | null {
  if (cached !== undefined) return cached;
  const injected = (globalThis as { lvs?: LvsBridge }).lvs;
  if (injected) {
    cached = injected;
    return cached;
  }
  const token = takeToken();
  cached = token ? createHttpBridge({ token }) : null;
  return cached;
}

/**
 * For the "no backend" message when `getBridge()` is `null`: true when this page *was* served by
 * `lvsd serve` but opened without its token (a bookmark, a new tab) — then the user should open
 * the address `lvsd serve` printed instead of working without a backend.
 */
export async function backendNeedsToken(baseUrl?: string): Promise<boolean> {
  const base = baseUrl ?? (globalThis as unknown as { location: { origin: string } }).location.origin;
  try {
    const res = await fetch(`${base}${apiPath('files', 'list')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[]',
      credentials: 'omit',
    });
    return res.status === 401;
  } catch {
    return false;
  }
}

let chosen: LvsBridge | null = null;
let memory = false;

/** The bridge to the Node side, or the in-memory fallback when no backend is there. */
export function bridge(): LvsBridge {
  if (chosen) return chosen;
  let found: LvsBridge | null = null;
  try {
    found = getBridge();
  } catch {
    found = null;
  }
  memory = found === null;
  chosen = found ?? createMemoryBridge();
  return chosen;
}

/** True when no backend answered and designs live only in this browser profile. */
export function usingMemoryBridge(): boolean {
  bridge();
  return memory;
}

/** Turns a rejected bridge call (backend gone, refused payload) into an error text. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

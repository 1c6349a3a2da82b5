/**
 * `getBridge()` — the one way the UI reaches the Node side:
 * - in Electron, the preload's `window.lvs`;
 * - in a browser opened from `lvsd serve`, the HTTP/WebSocket client (token from `#token=…`);
 * - otherwise (`npm run dev`, a static preview) `null`: the UI falls back to its in-memory bridge
 *   and says "no backend".
 */
import type { LvsBridge } from '../../shared/ipc/contract.ts';
import { createHttpBridge } from './httpBridge.ts';
import { takeToken } from './token.ts';
import { apiPath } from '../../shared/ipc/transport.ts';

export type { LvsBridge } from '../../shared/ipc/contract.ts';
export { BridgeRequestError, createHttpBridge } from './httpBridge.ts';
export { takeToken, TOKEN_STORAGE_KEY } from './token.ts';

let cached: LvsBridge | null | undefined;

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

/**
 * The one place the UI gets the bridge from: `getBridge()` of renderer/bridge (Electron preload or
 * the browser-mode HTTP client), or — when no backend is there (plain Vite) — the memory bridge.
 */
import type { LvsBridge } from '../../shared/ipc/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { createMemoryBridge } from './memoryBridge.ts';

let cached: LvsBridge | null = null;
let memory = false;

/** The bridge to the Node side, or the in-memory fallback. */
export function bridge(): LvsBridge {
  if (cached) return cached;
  let found: LvsBridge | null = null;
  try {
    found = getBridge();
  } catch {
    found = null;
  }
  memory = found === null;
  cached = found ?? createMemoryBridge();
  return cached;
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

/** Remembers the window's size, position and maximised state between runs (userData/window-state.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../services/files/atomic.ts';

export interface WindowState {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

const DEFAULT: WindowState = { width: 1400, height: 900, maximized: false };
const FILE = 'window-state.json';

const int = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;

export function loadWindowState(userData: string): WindowState {
  try {
    const raw = JSON.parse(readFileSync(join(userData, FILE), 'utf8')) as Record<string, unknown>;
    const width = int(raw.width, 640, 10_000);
    const height = int(raw.height, 480, 10_000);
    if (width === undefined || height === undefined) return DEFAULT;
    const x = int(raw.x, -20_000, 20_000);
    const y = int(raw.y, -20_000, 20_000);
    return { width, height, maximized: raw.maximized === true, ...(x !== undefined && y !== undefined ? { x, y } : {}) };
  } catch {
    return DEFAULT;
  }
}

export async function saveWindowState(userData: string, state: WindowState): Promise<void> {
  try {
    await writeFileAtomic(join(userData, FILE), JSON.stringify(state), { mode: 0o600 });
  } catch {
    /* losing the window position is harmless */
  }
}

/** A rectangle in screen coordinates (a display's work area). */
export interface Area {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * True when the saved position puts the title bar on one of the displays. A position saved on a
 * monitor that is gone would put the window off-screen, so it is dropped then.
 */
export function isOnScreen(state: WindowState, displays: readonly Area[]): boolean {
  const { x, y } = state;
  if (x === undefined || y === undefined) return false;
  return displays.some((a) => x < a.x + a.width - 50 && x + state.width > a.x + 50 && y >= a.y - 10 && y < a.y + a.height - 50);
}

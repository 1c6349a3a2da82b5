/**
 * The browser-mode access token: `lvsd serve` prints `http://127.0.0.1:PORT/#token=…`; the page
 * moves the token into sessionStorage (per tab, gone when the tab closes) and removes it from the
 * address bar so it does not end up in bookmarks, history or screenshots.
 */
import { TOKEN_PATTERN } from '../../shared/ipc/transport.ts';

export const TOKEN_STORAGE_KEY = 'lvs.token';

// Structural types (not the DOM's Location/Storage/History) so Node-side tests can drive this too.
export interface TokenEnv {
  readonly location: { readonly hash: string; readonly pathname: string; readonly search: string };
  readonly storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  readonly history: { readonly state: unknown; replaceState(data: unknown, unused: string, url?: string | null): void };
}

interface BrowserGlobals {
  readonly location: TokenEnv['location'];
  readonly sessionStorage: TokenEnv['storage'];
  readonly history: TokenEnv['history'];
}

const browserEnv = (): TokenEnv | null => {
  try {
    const g = globalThis as unknown as Partial<BrowserGlobals>;
    if (!g.location || !g.sessionStorage || !g.history) return null;
    return { location: g.location, storage: g.sessionStorage, history: g.history };
  } catch {
    // sessionStorage throws when storage is disabled
    return null;
  }
};

/** Reads the token from `#token=…` (and forgets it there) or from sessionStorage. */
export function takeToken(env: TokenEnv | null = browserEnv()): string | null {
  if (!env) return null;
  const hash = env.location.hash.replace(/^#/, '');
  const params: string[] = hash.split('&').filter((p) => p !== '');
  const carrier = params.find((p) => p.startsWith('token='));
  if (carrier !== undefined) {
    const token = decodeURIComponent(carrier.slice('token='.length));
    if (TOKEN_PATTERN.test(token)) env.storage.setItem(TOKEN_STORAGE_KEY, token);
    const rest = params.filter((p) => p !== carrier).join('&');
    env.history.replaceState(env.history.state, '', `${env.location.pathname}${env.location.search}${rest ? `#${rest}` : ''}`);
  }
  const stored = env.storage.getItem(TOKEN_STORAGE_KEY);
  return stored !== null && TOKEN_PATTERN.test(stored) ? stored : null;
}

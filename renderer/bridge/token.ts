/**
 * The browser-mode access token: `lvsd serve` prints `http://127.0.0.1:PORT/#token=…`; the page
 * moves the token into sessionStorage (per tab, gone when the tab closes) and removes it from the
 * address bar so it does not end up in bookmarks, history or screenshots.
 */
import { TOKEN_PATTERN } from '../../shared/ipc/transport.ts';

export const TOKEN_STORAGE_KEY = 'lvs.token';

interface TokenEnv {
  readonly location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
  readonly history: Pick<History, 'replaceState' | 'state'>;
}

const browserEnv = (): TokenEnv | null => {
  try {
    return { location: window.location, storage: window.sessionStorage, history: window.history };
  } catch {
    // sessionStorage throws when storage is disabled
    return null;
  }
};

/** Reads the token from `#token=…` (and forgets it there) or from sessionStorage. */
export function takeToken(env: TokenEnv | null = browserEnv()): string | null {
  if (!env) return null;
  const hash = env.location.hash.replace(/^#/, '');
  const params = hash.split('&').filter((p) => p !== '');
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

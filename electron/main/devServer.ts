/**
 * Whether the window may load a Vite dev server named by `LVSD_DEV_SERVER_URL`: only in a
 * development build (`LVSD_DEV_BUILD=1 npm run build`, which esbuild bakes in as
 * `__LVSD_DEV_BUILD__`) that is not packaged, and only an http(s) URL on this machine. Any other
 * install ignores the variable, so nobody can point an installed app at their own page.
 */
export function devServerUrlFrom(
  env: Readonly<Record<string, string | undefined>>,
  build: { readonly packaged: boolean; readonly devBuild: boolean },
): string | null {
  const url = env.LVSD_DEV_SERVER_URL;
  if (!url || build.packaged || !build.devBuild) return null;
  try {
    const u = new URL(url);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return u.origin;
  } catch {
    /* not a URL */
  }
  return null;
}

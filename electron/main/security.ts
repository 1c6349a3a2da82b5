/**
 * Electron hardening that does not depend on the window: the `app://` scheme serving the built
 * renderer with its CSP, permission denial, navigation and new-window blocking, and the check
 * that an IPC message comes from our own top-level page.
 */
import { readFile } from 'node:fs/promises';
import { app, protocol, session } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { resolveStatic } from '../services/server/static.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The page's Content-Security-Policy: only our own scripts; no network but our own origin. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves `rendererDir` (a real path) as `app://renderer/…` with the CSP header. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const file = await resolveStatic(rendererDir, url.pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(await readFile(file.path), {
      status: 200,
      headers: { 'Content-Type': file.type, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' },
    });
  });
}

/** Origins our page may be loaded from: `app://renderer`, plus the Vite dev server in development. */
export function isTrustedUrl(raw: string, devServerUrl: string | null): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true;
  if (devServerUrl !== null) {
    const dev = new URL(devServerUrl);
    return url.protocol === dev.protocol && url.host === dev.host;
  }
  return false;
}

/** True when an IPC message comes from the top frame of our own page (not an iframe, not a foreign page). */
export function senderIsTrusted(event: IpcMainInvokeEvent, devServerUrl: string | null): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isTrustedUrl(frame.url, devServerUrl);
}

/** Denies every permission request (camera, notifications, …): the app needs none. */
export function denyPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** No new windows, no navigation away, no webviews — for every web contents ever created. */
export function lockDownContents(devServerUrl: string | null): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (e, url) => {
      if (!isTrustedUrl(url, devServerUrl)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!isTrustedUrl(url, devServerUrl)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
}

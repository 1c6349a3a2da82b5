/**
 * Request checks of the browser-mode server: the Host and Origin allow-lists (against DNS
 * rebinding and cross-site requests), the bearer token (constant-time compare), and the response
 * security headers.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../shared/ipc/transport.ts';

export { TOKEN_PATTERN, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../shared/ipc/transport.ts';

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/** True when the Host header names this server (a rebinding attack brings a foreign name). */
export function hostOk(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && allowedHosts(port).has(host.toLowerCase());
}

/** True when there is no Origin (non-browser client) or it is this server's own origin. */
export function originOk(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return allowedOrigins(port).has(origin.toLowerCase());
}

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an API request (`Authorization: Bearer <token>`), or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const m = /^Bearer ([A-Za-z0-9._~-]+)$/.exec(req.headers.authorization ?? '');
  return m?.[1] ?? null;
}

/** The token of a WebSocket upgrade (`Sec-WebSocket-Protocol: lvs.v1, bearer.<token>`), or null. */
export function wsToken(req: IncomingMessage): string | null {
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!protocols.includes(WS_PROTOCOL)) return null;
  const carrier = protocols.find((p) => p.startsWith(WS_TOKEN_PREFIX));
  return carrier ? carrier.slice(WS_TOKEN_PREFIX.length) : null;
}

/** Headers every response carries. */
export function securityHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // React Flow positions nodes with inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

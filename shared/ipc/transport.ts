/**
 * Wire details of browser mode, shared by `lvsd serve` and the renderer's HTTP client.
 *
 * - Requests: `POST /api/<domain>/<verb>`, `Content-Type: application/json`,
 *   `Authorization: Bearer <token>`, body = JSON array of the method's arguments.
 *   Answer 200 `{ "value": … }` (no `value` for a void method) or an error status with
 *   `{ "error": { status, message, issues? } }` (400 bad payload with field paths, 401 token,
 *   403 Host/Origin, 404, 405, 413 too large, 415 not JSON, 500 handler failure).
 * - Pushes: WebSocket `/api/events`, sub-protocols `lvs.v1` and `bearer.<token>`; each message is
 *   `{ "event": name, "payload": … }`.
 * - The token reaches the page in the URL fragment `#token=…` (fragments are never sent to a server).
 */

/** What a token may look like (also valid inside a WebSocket sub-protocol). */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{8,256}$/;

/** The WebSocket sub-protocol of the event stream. */
export const WS_PROTOCOL = 'lvs.v1';

/** The token travels as a second sub-protocol `bearer.<token>` (browsers cannot set headers on WebSockets). */
export const WS_TOKEN_PREFIX = 'bearer.';

/** Path of the event stream. */
export const EVENTS_PATH = '/api/events';

/** The URL path of a request channel, e.g. `/api/files/save`. */
export const apiPath = (domain: string, verb: string): string => `/api/${domain}/${verb}`;

/** The body of an error answer. */
export interface WireError {
  readonly status: number;
  readonly message: string;
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

/** One pushed event on the WebSocket. */
export interface WireEvent {
  readonly event: string;
  readonly payload: unknown;
}

/**
 * The browser-mode backend of `lvsd serve`: serves the built renderer and the bridge over HTTP
 * (`POST /api/<domain>/<verb>`, JSON array of arguments → `{ value }`) and pushes events over a
 * WebSocket (`/api/events`). Listens on 127.0.0.1 only; every API call needs the per-run token;
 * Host and Origin are checked on every request so a web page elsewhere (or a rebound DNS name)
 * cannot drive it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { realpath } from 'node:fs/promises';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { BridgeRegistry } from '../bridge/registry.ts';
import type { EventBus } from '../bridge/events.ts';
import { MAX_FILE_BYTES } from '../../../shared/model/fileFormat.ts';
import { TOKEN_PATTERN, WS_PROTOCOL, bearerToken, hostOk, originOk, sameSecret, securityHeaders, wsToken } from './security.ts';
import { openStatic, resolveStatic } from './static.ts';
import { EVENTS_PATH } from '../../../shared/ipc/transport.ts';

/** The only address the server binds to. */
export const LOOPBACK = '127.0.0.1';

/** Default request body limit: the largest design file plus JSON escaping headroom. */
export const DEFAULT_MAX_BODY_BYTES = MAX_FILE_BYTES * 2;

export interface ServerOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** The per-run secret every API call must present. */
  readonly token: string;
  /** The built renderer (must contain index.html). */
  readonly staticDir: string;
  /** Runs the calls; a bridge still starting (see `startBridge`) makes them wait for it. */
  readonly registry: Pick<BridgeRegistry, 'call'>;
  readonly events: EventBus;
  readonly maxBodyBytes?: number;
  /** Receives one line per refused request (for the console). */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT/` */
  readonly origin: string;
  /** The address to open, with the token in the fragment (never sent to the server by a browser). */
  readonly url: string;
  close(): Promise<void>;
}

const API_PATH = /^\/api\/([a-z][A-Za-z0-9]*)\/([a-z][A-Za-z0-9]*)$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new HttpError(413, `request body larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!TOKEN_PATTERN.test(options.token)) throw new Error('the token must be 8..256 characters of A-Z a-z 0-9 . _ ~ -');
  const staticRoot = await realpath(options.staticDir);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? (() => undefined);
  let port = 0;

  const send = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...securityHeaders(port),
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Length': Buffer.byteLength(text),
      ...extra,
    });
    res.end(text);
  };
  const fail = (req: IncomingMessage, res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}): void => {
    if (status === 401 || status === 403) log(`refused ${req.method ?? '?'} ${req.url ?? '?'}: ${status} ${message}`);
    send(res, status, { error: { status, message, ...extra } });
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const token = bearerToken(req);
    if (token === null || !sameSecret(token, options.token)) {
      fail(req, res, 401, 'missing or wrong token: open the address printed by lvsd serve', {});
      return;
    }
    const m = API_PATH.exec(path);
    if (!m) return fail(req, res, 404, `no such API: ${path}`);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return fail(req, res, 405, 'use POST');
    }
    if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) return fail(req, res, 415, 'Content-Type must be application/json');
    let body: string;
    try {
      body = await readBody(req, limit);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 400;
      // Stop reading an oversize upload and close, rather than swallowing megabytes.
      res.setHeader('Connection', 'close');
      fail(req, res, status, (e as Error).message);
      req.resume();
      return;
    }
    let args: unknown;
    try {
      args = JSON.parse(body);
    } catch {
      return fail(req, res, 400, 'body is not valid JSON');
    }
    if (!Array.isArray(args))
      return fail(req, res, 400, 'body must be a JSON array of arguments', { issues: [{ path: 'args', message: 'expected an array' }] });
    const outcome = await options.registry.call(`${m[1]}:${m[2]}`, args);
    switch (outcome.kind) {
      case 'ok':
        return send(res, 200, outcome.value === undefined ? {} : { value: outcome.value });
      case 'unknown-channel':
        return fail(req, res, 404, outcome.message);
      case 'invalid':
        return fail(req, res, 400, outcome.message, { issues: outcome.issues });
      case 'failed':
        return fail(req, res, 500, outcome.message);
    }
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return fail(req, res, 405, 'use GET');
    }
    const file = await resolveStatic(staticRoot, path);
    if (!file) return fail(req, res, 404, 'not found');
    res.writeHead(200, {
      ...securityHeaders(port),
      'Content-Type': file.type,
      'Content-Length': file.size,
      // Hashed asset names change with their content; index.html must always be fresh.
      'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = openStatic(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const server = createServer((req, res) => {
    if (!hostOk(req, port)) return fail(req, res, 403, 'wrong Host header (only 127.0.0.1 / localhost are served)');
    if (!originOk(req, port)) return fail(req, res, 403, 'cross-origin request refused');
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      return fail(req, res, 400, 'bad request path');
    }
    const work = path === '/api' || path.startsWith('/api/') ? handleApi(req, res, path) : handleStatic(req, res, path);
    work.catch((e: unknown) => {
      if (!res.headersSent) fail(req, res, 500, (e as Error).message);
      else res.destroy();
    });
  });
  server.requestTimeout = 120_000;
  server.headersTimeout = 20_000;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const refuseUpgrade = (socket: Socket, status: number, text: string): void => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    let path = '';
    try {
      path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      /* falls through to 404 */
    }
    if (!hostOk(req, port) || !originOk(req, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (path !== EVENTS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const token = wsToken(req);
    if (token === null || !sameSecret(token, options.token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = options.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    // Pushes only: anything the page sends is ignored.
    ws.on('message', () => undefined);
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}/`;

  return {
    port,
    origin,
    url: `${origin}#token=${options.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

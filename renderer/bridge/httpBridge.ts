/**
 * The browser-mode bridge: the same `LvsBridge` as Electron's `window.lvs`, spoken over HTTP to
 * `lvsd serve` (one method per channel of `BRIDGE_VERBS`) with pushes over a WebSocket.
 */
import type { LvsBridge } from '../../shared/ipc/contract.ts';
import type { DomainName } from '../../shared/ipc/channels.ts';
import { BRIDGE_VERBS } from '../../shared/ipc/channels.ts';
import type { EventsApi, LvsEventName, LvsEvents } from '../../shared/ipc/events.ts';
import { EVENT_NAMES } from '../../shared/ipc/events.ts';
import type { WireError, WireEvent } from '../../shared/ipc/transport.ts';
import { EVENTS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX, apiPath } from '../../shared/ipc/transport.ts';

/** A request the backend refused or could not answer (the promise of the bridge method rejects with it). */
export class BridgeRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the backend could not be reached. */
    readonly status: number,
    readonly issues: WireError['issues'] = [],
  ) {
    super(message);
    this.name = 'BridgeRequestError';
  }
}

export interface HttpBridgeOptions {
  readonly token: string;
  /** Origin of `lvsd serve`; the page's own origin when absent. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly WebSocket?: typeof WebSocket;
}

type AnyListener = (payload: unknown) => void;

export function createHttpBridge(options: HttpBridgeOptions): LvsBridge {
  const base = options.baseUrl ?? (globalThis as unknown as { location: { origin: string } }).location.origin;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function call(domain: string, verb: string, args: unknown[]): Promise<unknown> {
    // Optional trailing arguments must be absent, not null, for the server's schemas.
    const trimmed = [...args];
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === undefined) trimmed.pop();
    let res: Response;
    try {
      res = await doFetch(`${base}${apiPath(domain, verb)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
        body: JSON.stringify(trimmed),
        credentials: 'omit',
      });
    } catch (e) {
      throw new BridgeRequestError(`the LVS Designer backend is not reachable (is lvsd serve still running?): ${(e as Error).message}`, 0);
    }
    let body: { value?: unknown; error?: WireError } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      /* an empty or non-JSON answer is reported by status below */
    }
    if (!res.ok) {
      const message =
        res.status === 401
          ? 'the session token is not valid any more (was lvsd serve restarted?): open the address it printed'
          : (body.error?.message ?? `${domain}:${verb} failed with HTTP ${res.status}`);
      throw new BridgeRequestError(message, res.status, body.error?.issues ?? []);
    }
    return body.value;
  }

  const domains = Object.fromEntries(
    (Object.keys(BRIDGE_VERBS) as DomainName[]).map((domain) => [
      domain,
      Object.fromEntries(BRIDGE_VERBS[domain].map((verb) => [verb, (...args: unknown[]) => call(domain, verb, args)])),
    ]),
  ) as unknown as Pick<LvsBridge, DomainName>;

  // Pushes: one WebSocket, opened with the first listener, reconnected with backoff while anyone listens.
  const listeners = new Map<string, Set<AnyListener>>();
  let socket: WebSocket | null = null;
  let retry = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const listening = (): boolean => [...listeners.values()].some((s) => s.size > 0);

  function connect(): void {
    if (socket || retryTimer || !listening()) return;
    const wsUrl = `${base.replace(/^http/, 'ws')}${EVENTS_PATH}`;
    // Looked up only when someone listens, so request-only use needs no WebSocket implementation.
    const WS = options.WebSocket ?? WebSocket;
    const ws = new WS(wsUrl, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${options.token}`]);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
    };
    ws.onmessage = (m: MessageEvent) => {
      let msg: WireEvent;
      try {
        msg = JSON.parse(String(m.data)) as WireEvent;
      } catch {
        return;
      }
      if (!(EVENT_NAMES as readonly string[]).includes(msg.event)) return;
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    };
    ws.onclose = () => {
      socket = null;
      if (!listening()) return;
      const delay = Math.min(30_000, 500 * 2 ** retry++);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, delay);
    };
  }

  const events: EventsApi = {
    on<K extends LvsEventName>(name: K, listener: (payload: LvsEvents[K]) => void): () => void {
      if (!(EVENT_NAMES as readonly string[]).includes(name)) throw new Error(`unknown event ${String(name)}`);
      const set = listeners.get(name) ?? new Set<AnyListener>();
      listeners.set(name, set);
      const l = listener as AnyListener;
      set.add(l);
      connect();
      return () => {
        set.delete(l);
        if (!listening()) {
          if (retryTimer) clearTimeout(retryTimer);
          retryTimer = null;
          socket?.close();
        }
      };
    },
  };

  return { kind: 'browser', ...domains, events };
}

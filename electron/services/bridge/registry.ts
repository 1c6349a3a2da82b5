/**
 * The handler registry shared by Electron IPC and the browser-mode HTTP server: one entry per
 * channel `domain:verb`, each with a zod schema for its argument list. Both transports call
 * `registry.call(channel, args)`, so validation and behaviour are identical in both modes.
 */
import type * as z from 'zod';
import type { BridgeDomains, DomainName } from '../../../shared/ipc/channels.ts';
import { allChannels, channelName } from '../../../shared/ipc/channels.ts';
import { formatPath } from '../../../shared/model/fileFormat.ts';

type Method = (...args: never[]) => Promise<unknown>;

/** A handler: the schema of its argument list (a `z.tuple`) and the function itself. */
export interface Handler<F extends Method = Method> {
  readonly args: z.ZodType;
  readonly handle: F;
}

/** The handlers of one domain: exactly the verbs of its API interface, typed like the API. */
export type DomainHandlers<D extends DomainName> = {
  readonly [V in keyof BridgeDomains[D]]: BridgeDomains[D][V] extends Method ? Handler<BridgeDomains[D][V]> : never;
};

/** A field the payload got wrong, e.g. `{ path: 'args[1].topology.hosts[0].id', message: … }`. */
export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/** How a call ended, for the transport to translate (HTTP status, IPC rejection). */
export type CallOutcome =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'unknown-channel'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string; readonly issues: readonly PayloadIssue[] }
  | { readonly kind: 'failed'; readonly message: string };

export class BridgeRegistry {
  private readonly handlers = new Map<string, Handler>();

  /** Registers every verb of a domain. Registering a channel twice is a programming error. */
  register<D extends DomainName>(domain: D, handlers: DomainHandlers<D>): this {
    for (const [verb, handler] of Object.entries(handlers) as [string, Handler][]) {
      const channel = channelName(domain, verb);
      if (this.handlers.has(channel)) throw new Error(`bridge channel ${channel} registered twice`);
      this.handlers.set(channel, handler);
    }
    return this;
  }

  /** Throws unless every channel of the contract has a handler (checked at start-up). */
  assertComplete(): this {
    const missing = allChannels().filter((c) => !this.handlers.has(c));
    if (missing.length > 0) throw new Error(`bridge channels without a handler: ${missing.join(', ')}`);
    return this;
  }

  /** The registered channels, e.g. for `ipcMain.handle`. */
  channels(): string[] {
    return [...this.handlers.keys()];
  }

  /** Validates `rawArgs` against the channel's schema and runs the handler. Never throws. */
  async call(channel: string, rawArgs: unknown): Promise<CallOutcome> {
    const handler = this.handlers.get(channel);
    if (!handler) return { kind: 'unknown-channel', message: `unknown channel ${channel}` };
    const parsed = handler.args.safeParse(rawArgs);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 20).map((i) => ({ path: formatPath(['args', ...i.path]), message: i.message }));
      const first = issues[0];
      return { kind: 'invalid', message: `${channel}: bad payload${first ? `: ${first.path}: ${first.message}` : ''}`, issues };
    }
    try {
      const value = await (handler.handle as (...a: unknown[]) => Promise<unknown>)(...(parsed.data as unknown[]));
      return { kind: 'ok', value };
    } catch (e) {
      return { kind: 'failed', message: `${channel}: ${(e as Error).message ?? String(e)}` };
    }
  }
}

/**
 * The bridge built behind an open front end: Electron opens its window and `lvsd serve` its port
 * first, then starts the services, whose modules — the file schema, SSH, the deploy engine, the
 * lab: most of the Node side — load while the window or browser sets up the page. The event bus
 * and the channel list exist from the start; a call that arrives before the services are built
 * waits for them.
 */
import { allChannels } from '../../../shared/ipc/channels.ts';
import { EventBus } from './events.ts';
import type { Bridge, BridgeOptions } from './index.ts';
import type { CallOutcome } from './registry.ts';

/** A bridge whose services are built on `start()` (or the first call). */
export interface StartingBridge {
  readonly events: EventBus;
  /** Every channel of the contract (the registry checks it is complete when it is built). */
  readonly channels: readonly string[];
  /**
   * Starts building the services, once; later calls return the same promise. It rejects with the
   * reason they could not be built.
   */
  start(): Promise<Bridge>;
  /** Waits for the services, then validates and runs the call like `BridgeRegistry.call`. */
  call(channel: string, rawArgs: unknown): Promise<CallOutcome>;
  /** Closes the services if they were built (nothing to do when they never were). */
  close(): Promise<void>;
}

/** A bridge to be built later; `load` stands in for `createBridge` in tests. */
export function deferBridge(
  options: Omit<BridgeOptions, 'events'>,
  load: (options: BridgeOptions) => Promise<Bridge> = async (o) => (await import('./index.ts')).createBridge(o),
): StartingBridge {
  const events = new EventBus();
  let building: Promise<Bridge> | null = null;
  const start = (): Promise<Bridge> => {
    if (!building) {
      building = load({ ...options, events });
      // The failure reaches whoever awaits `start()` and every call; it is not also unhandled.
      building.catch(() => undefined);
    }
    return building;
  };
  return {
    events,
    channels: allChannels(),
    start,
    async call(channel, rawArgs) {
      let bridge: Bridge;
      try {
        bridge = await start();
      } catch (e) {
        return { kind: 'failed', message: `${channel}: the backend could not start: ${(e as Error).message}` };
      }
      return bridge.registry.call(channel, rawArgs);
    },
    async close() {
      const bridge = await building?.catch(() => null);
      await bridge?.close();
    },
  };
}

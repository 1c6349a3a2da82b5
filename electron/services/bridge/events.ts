/**
 * The push side of the bridge: services emit typed events here; the Electron main process forwards
 * them to its window, the browser-mode server to every WebSocket client.
 */
import type { LvsEventName, LvsEvents } from '../../../shared/ipc/events.ts';

export type EventListener = <K extends LvsEventName>(name: K, payload: LvsEvents[K]) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  /** Receives every event until the returned function is called. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<K extends LvsEventName>(name: K, payload: LvsEvents[K]): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        /* one broken subscriber (a closed socket) must not stop the others */
      }
    }
  }
}

/**
 * Starting and stopping the live view of the open design, and pausing it while the window is
 * hidden (no polling nobody sees). Talks to the Node side only through the bridge.
 */
import { bridge, settle } from '../bridge/index.ts';
import { useApp } from '../store/index.ts';

let unsubscribe: (() => void) | null = null;
let seq = 0;

function onVisibility(): void {
  const { sessionId, paused } = useApp.getState().live;
  if (!sessionId) return;
  const hidden = document.visibilityState === 'hidden';
  if (hidden === paused) return;
  useApp.getState().livePaused(hidden);
  void settle(hidden ? bridge().live.pause(sessionId) : bridge().live.resume(sessionId));
}

/** Starts polling every host of the open design (replacing a running session). */
export async function startLive(intervalMs: number): Promise<void> {
  await stopLive();
  const sessionId = `live-${Date.now().toString(36)}-${++seq}`;
  const topology = useApp.getState().design.topology;
  unsubscribe = bridge().events.on('live:update', (u) => useApp.getState().liveUpdate(u));
  useApp.getState().liveStarted(sessionId, intervalMs);
  const r = await settle(bridge().live.start({ sessionId, topology, intervalMs }));
  if (!r.ok || !r.value.ok) {
    unsubscribe?.();
    unsubscribe = null;
    useApp.getState().liveStopped(!r.ok ? r.error : r.value.ok ? undefined : r.value.error);
    return;
  }
  document.addEventListener('visibilitychange', onVisibility);
  onVisibility();
}

/** Stops the running session, if any. */
export async function stopLive(): Promise<void> {
  const { sessionId } = useApp.getState().live;
  document.removeEventListener('visibilitychange', onVisibility);
  unsubscribe?.();
  unsubscribe = null;
  if (!sessionId) return;
  useApp.getState().liveStopped();
  await settle(bridge().live.stop(sessionId));
}

/**
 * "Run in the built-in lab": boot (or reuse) the qemu lab VM with this design's hosts, point the
 * hosts' SSH settings at the lab (one undo step), deploy as to real machines, then open the live
 * view. "Stop lab" stops the live view and powers the VM off. Talks to the Node side only through
 * the bridge's `lab` domain.
 */
import { pointSshAt } from '../../shared/model/commands.ts';
import { bridge, settle } from '../bridge/index.ts';
import { startRun } from '../deploy/run.ts';
import { startLive, stopLive } from '../live/session.ts';
import { useApp } from '../store/index.ts';
import { selectDiagnostics } from '../store/selectors.ts';
import { labBlockedReason, labWorking } from './blocked.ts';

let unsubscribe: (() => void) | null = null;

function listen(): void {
  if (unsubscribe) return;
  unsubscribe = bridge().events.on('lab:progress', (p) => useApp.getState().labLine(p.line));
}

/** Reads whether the lab can run here and whether a lab VM runs (the section's first look). */
export async function refreshLab(): Promise<void> {
  listen();
  const api = bridge().lab;
  const [a, st] = await Promise.all([settle(api.available()), settle(api.status())]);
  const patch = useApp.getState().labPatch;
  patch({ availability: a.ok ? a.value : { available: false, reason: a.error } });
  if (st.ok) patch({ running: st.value.running, design: st.value.design ?? null, endpoints: st.value.endpoints });
}

function blockedNow(): ReturnType<typeof labBlockedReason> {
  const s = useApp.getState();
  const busy = s.deploy.running !== null || labWorking(s.lab.phase);
  return labBlockedReason({ hosts: s.design.topology.hosts.length, busy, errors: selectDiagnostics(s).errors, override: s.deploy.overrideErrors });
}

/** Boots the lab with the open design, deploys it there and starts the live view. */
export async function runInLab(): Promise<void> {
  listen();
  if (blockedNow() !== null) return;
  const s = useApp.getState();
  s.labPatch({ phase: 'starting', error: null, lines: [], readySeconds: null });
  const up = await settle(bridge().lab.up(s.design.topology));
  const fail = (error: string): void => useApp.getState().labPatch({ phase: 'failed', error });
  if (!up.ok) return fail(up.error);
  if (!up.value.ok) return fail(up.value.error);
  const { endpoints, keyPath, elapsedMs } = up.value.value;
  const now = useApp.getState();
  now.applyTopology((t) => pointSshAt(t, endpoints, keyPath));
  // The lab runs the whole design: hosts left out of an earlier deploy take part again.
  for (const id of now.deploy.excluded) now.deploySetExcluded(id, false);
  now.labPatch({ phase: 'deploying', running: true, design: now.design.topology.name, endpoints, readySeconds: Math.round(elapsedMs / 100) / 10 });
  await startRun('apply');
  const outcome = useApp.getState().deploy.result?.outcome;
  if (outcome !== 'success' && outcome !== 'no-changes') return fail('deploy-failed');
  useApp.getState().labPatch({ phase: 'live' });
  await startLive(2000);
}

/** Stops the live view and powers the lab VM off. */
export async function stopLab(): Promise<void> {
  listen();
  const s = useApp.getState();
  if (['starting', 'stopping'].includes(s.lab.phase) || s.deploy.running !== null) return;
  s.labPatch({ phase: 'stopping', error: null });
  if (s.live.sessionId) await stopLive();
  const r = await settle(bridge().lab.down());
  const patch = useApp.getState().labPatch;
  if (!r.ok) return patch({ phase: 'failed', error: r.error });
  if (!r.value.ok) return patch({ phase: 'failed', error: r.value.error });
  patch({ phase: 'idle', running: false, design: null, endpoints: [] });
}

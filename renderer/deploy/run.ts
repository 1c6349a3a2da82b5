/**
 * The Deploy panel's actions: start a dry run / apply / rollback through the bridge's `deploy`
 * domain, answer the engine's questions, cancel, save the log. Progress arrives as
 * `deploy:progress` pushes and is fed into the deploy slice.
 */
import { DEPLOY_ID_PATTERN } from '../../shared/ipc/deploy.ts';
import type { DeployRequest } from '../../shared/ipc/deploy.ts';
import type { Topology } from '../../shared/model/types.ts';
import { bridge, settle } from '../bridge/index.ts';
import { useApp } from '../store/index.ts';
import type { DeployMode } from './deploySlice.ts';
import type { HostId } from '../../shared/model/ids.ts';
import { download } from '../app/download.ts';

let unsubscribe: (() => void) | null = null;

/**
 * Subscribes to `deploy:progress` once for the session. Called when the panel first shows, so the
 * push channel (a WebSocket in browser mode) is open before the first run asks a question.
 */
export function listenForProgress(): void {
  if (unsubscribe) return;
  unsubscribe = bridge().events.on('deploy:progress', (e) => {
    useApp.getState().deployEvent(e);
    if (e.type === 'prompt') {
      // The question's dialog lives in the panel: bring it to the front (the design mode shows it).
      const s = useApp.getState();
      if (s.mode !== 'design') s.setMode('design');
      s.setRightTab('deploy');
    }
  });
}

let seq = 0;
function newDeployId(): string {
  const id = `ui-${Date.now().toString(36)}-${(++seq).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  if (!DEPLOY_ID_PATTERN.test(id)) throw new Error(`bad deploy id ${id}`);
  return id;
}

/** Hosts that take part: those with an SSH endpoint the user did not leave out. */
export function selectedHosts(topology: Topology, excluded: readonly string[]): HostId[] {
  return topology.hosts.filter((h) => h.ssh && !excluded.includes(h.id)).map((h) => h.id);
}

/** Runs a dry run (plan), an apply or a rollback of the current design. */
export async function startRun(mode: DeployMode): Promise<void> {
  listenForProgress();
  const s = useApp.getState();
  if (s.deploy.running) return;
  const topology = s.design.topology;
  const hosts = selectedHosts(topology, s.deploy.excluded);
  const deployId = newDeployId();
  s.deployBegin(deployId, mode);
  if (hosts.length === 0) {
    s.deployEnd(deployId, { error: 'no-hosts' });
    return;
  }
  const request: DeployRequest = {
    deployId,
    topology,
    hosts,
    e2eRequests: s.deploy.e2eRequests,
    confirmSeconds: s.deploy.confirmSeconds,
    ...(s.deploy.overrideErrors && mode !== 'rollback' ? { overrideErrors: true } : {}),
    ...(s.deploy.installKeepalived && mode !== 'rollback' ? { installKeepalived: true } : {}),
  };
  // "Deploy anyway" is a choice for one apply, not a setting that outlives it.
  if (mode === 'apply' && s.deploy.overrideErrors) s.deploySetOverrideErrors(false);
  const api = bridge().deploy;
  if (mode === 'dry-run') {
    const r = await settle(api.plan(request));
    const end = useApp.getState().deployEnd;
    if (!r.ok) end(deployId, { error: r.error });
    else if (!r.value.ok) end(deployId, { error: r.value.error });
    else end(deployId, { plan: r.value.value });
    return;
  }
  const r = await settle(mode === 'apply' ? api.apply(request) : api.rollback(request));
  const end = useApp.getState().deployEnd;
  if (!r.ok) end(deployId, { error: r.error });
  else if (!r.value.ok) end(deployId, { error: r.value.error });
  else end(deployId, { result: r.value.value });
}

export async function cancelRun(): Promise<void> {
  const s = useApp.getState();
  const id = s.deploy.deployId;
  if (!id || !s.deploy.running) return;
  s.deploySetCancelling(true);
  await settle(bridge().deploy.cancel(id));
}

/** Answers a host-key question (trust or not). */
export async function answerTrust(promptId: string, accept: boolean): Promise<void> {
  const s = useApp.getState();
  const id = s.deploy.deployId;
  s.deployDropPrompt(promptId);
  if (id) await settle(bridge().deploy.trustHost(id, promptId, accept));
}

/**
 * Answers a password/passphrase/sudo question. The secret is passed through to the Node side and
 * not kept anywhere in the renderer (the dialog clears its field).
 */
export async function answerCredential(promptId: string, secret: string | null): Promise<void> {
  const s = useApp.getState();
  const id = s.deploy.deployId;
  s.deployDropPrompt(promptId);
  if (id) await settle(bridge().deploy.provideCredential(id, promptId, secret));
}

/** Downloads the run's log (secrets redacted by the Node side); returns an error text or null. */
export async function saveLog(): Promise<string | null> {
  const id = useApp.getState().deploy.deployId;
  if (!id) return 'no-log';
  const r = await settle(bridge().deploy.log(id));
  if (!r.ok) return r.error;
  if (r.value === null) return 'no-log';
  download(`deploy-${id}.log`, r.value, 'text/plain');
  return null;
}

/** Forgets every secret the Node side holds for this session. */
export async function forgetCredentials(): Promise<void> {
  await settle(bridge().deploy.forgetCredentials());
}

/**
 * Deploy slice: what the Deploy panel shows about the current run — per-host phase, the plan, the
 * host-key events, the questions waiting for an answer, the result and the end-to-end check.
 * Never a secret: a credential prompt holds only its text; the answer goes straight to the bridge.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../store/index.ts';
import type { DeployEvent, DeployHostPhase, DeployPlan, DeployPrompt, DeployResult, E2eResult } from '../../shared/ipc/deploy.ts';
import type { HostId } from '../../shared/model/types.ts';

export type DeployMode = 'dry-run' | 'apply' | 'rollback';

export interface HostProgress {
  readonly phase: DeployHostPhase;
  readonly message?: string;
  readonly step?: { readonly index: number; readonly total: number; readonly label: string };
  readonly stderr?: string;
  /** The host failed at some point of this run (it may have been rolled back since). */
  readonly failedOnce?: boolean;
}

export interface HostKeyInfo {
  readonly endpoint: string;
  readonly fingerprint: string;
  readonly keyType: string;
  readonly status: 'new' | 'trusted' | 'changed' | 'rejected';
  readonly message: string;
}

export interface DeployState {
  /** Id of the run in progress or of the last one (for Save log); null before the first run. */
  readonly deployId: string | null;
  readonly running: DeployMode | null;
  /** Mode of the last finished run. */
  readonly lastMode: DeployMode | null;
  readonly hosts: Readonly<Record<HostId, HostProgress>>;
  readonly hostKeys: Readonly<Record<HostId, HostKeyInfo>>;
  readonly plan: DeployPlan | null;
  readonly result: DeployResult | null;
  readonly e2e: E2eResult | null;
  /** Questions of the engine not answered yet, oldest first. */
  readonly prompts: readonly DeployPrompt[];
  /** Why the last call failed as a whole (no backend, invalid request, …). */
  readonly error: string | null;
  /** Hosts the user left out; all hosts with an SSH endpoint take part otherwise. */
  readonly excluded: readonly HostId[];
  /** Requests per virtual service in the end-to-end check (0 = off). */
  readonly e2eRequests: number;
  /** Commit-confirm time in seconds (0 = off): each host rolls itself back unless confirmed in time. */
  readonly confirmSeconds: number;
  /**
   * The user ticked "deploy anyway" despite the checker's errors (sent as `overrideErrors`, which
   * the engine logs with the list of errors). Cleared when the design's errors change or an apply starts.
   */
  readonly overrideErrors: boolean;
  /**
   * Let apply install keepalived (apt-get, dnf, yum or apk) on a keepalived-owned director that
   * lacks it (sent as `installKeepalived`, CLI `--install-keepalived`); off, such a director is refused in the plan.
   */
  readonly installKeepalived: boolean;
  /** `installKeepalived` of the run whose plan is on screen (the plan says what that run allowed). */
  readonly planInstallKeepalived: boolean;
  readonly cancelling: boolean;
}

export interface DeploySlice {
  deploy: DeployState;
  /** Starts tracking a new run (clears the previous run's progress). */
  deployBegin: (deployId: string, mode: DeployMode) => void;
  /** Feeds one `deploy:progress` event; events of another run are ignored. */
  deployEvent: (event: DeployEvent) => void;
  /** Ends the run with the call's answer (result, plan or error). */
  deployEnd: (deployId: string, outcome: { plan?: DeployPlan; result?: DeployResult; error?: string }) => void;
  deployDropPrompt: (promptId: string) => void;
  deploySetExcluded: (hostId: HostId, excluded: boolean) => void;
  deploySetE2eRequests: (n: number) => void;
  deploySetConfirmSeconds: (n: number) => void;
  deploySetOverrideErrors: (on: boolean) => void;
  deploySetInstallKeepalived: (on: boolean) => void;
  deploySetCancelling: (on: boolean) => void;
}

export const initialDeployState: DeployState = {
  deployId: null,
  running: null,
  lastMode: null,
  hosts: {},
  hostKeys: {},
  plan: null,
  result: null,
  e2e: null,
  prompts: [],
  error: null,
  excluded: [],
  e2eRequests: 20,
  confirmSeconds: 120,
  overrideErrors: false,
  installKeepalived: false,
  planInstallKeepalived: false,
  cancelling: false,
};

export const createDeploySlice: StateCreator<AppState, [], [], DeploySlice> = (set, get) => {
  const patch = (p: Partial<DeployState>) => set({ deploy: { ...get().deploy, ...p } });
  return {
    deploy: initialDeployState,
    deployBegin: (deployId, mode) =>
      patch({
        deployId,
        running: mode,
        hosts: {},
        hostKeys: {},
        // A rollback or apply keeps the last plan on screen until its own plan arrives.
        plan: mode === 'dry-run' ? null : get().deploy.plan,
        // rollback never installs anything
        planInstallKeepalived: mode !== 'rollback' && get().deploy.installKeepalived,
        result: null,
        e2e: null,
        prompts: [],
        error: null,
        cancelling: false,
      }),
    deployEvent: (e) => {
      const d = get().deploy;
      if (e.deployId !== d.deployId) return;
      switch (e.type) {
        case 'host': {
          // The stderr of a failure stays on screen through the rollback that follows it.
          const prev = d.hosts[e.hostId];
          const stderr = e.stderr ?? prev?.stderr;
          const failedOnce = e.phase === 'failed' || prev?.failedOnce === true;
          const p: HostProgress = {
            phase: e.phase,
            ...(e.message ? { message: e.message } : {}),
            ...(e.step ? { step: e.step } : {}),
            ...(stderr ? { stderr } : {}),
            ...(failedOnce ? { failedOnce } : {}),
          };
          patch({ hosts: { ...d.hosts, [e.hostId]: p } });
          break;
        }
        case 'host-key':
          patch({
            hostKeys: {
              ...d.hostKeys,
              [e.hostId]: { endpoint: e.endpoint, fingerprint: e.fingerprint, keyType: e.keyType, status: e.status, message: e.message },
            },
          });
          break;
        case 'plan':
          patch({ plan: e.plan });
          break;
        case 'prompt':
          if (!d.prompts.some((p) => p.promptId === e.prompt.promptId)) patch({ prompts: [...d.prompts, e.prompt] });
          break;
        case 'e2e':
          patch({ e2e: e.result });
          break;
        case 'done':
          patch({ result: e.result, ...(e.result.plan ? { plan: e.result.plan } : {}), ...(e.result.e2e ? { e2e: e.result.e2e } : {}) });
          break;
        case 'log':
          break;
      }
    },
    deployEnd: (deployId, o) => {
      const d = get().deploy;
      if (deployId !== d.deployId) return;
      patch({
        running: null,
        lastMode: d.running,
        cancelling: false,
        prompts: [],
        ...(o.plan ? { plan: o.plan } : {}),
        ...(o.result ? { result: o.result, ...(o.result.plan ? { plan: o.result.plan } : {}), ...(o.result.e2e ? { e2e: o.result.e2e } : {}) } : {}),
        error: o.error ?? null,
      });
    },
    deployDropPrompt: (promptId) => patch({ prompts: get().deploy.prompts.filter((p) => p.promptId !== promptId) }),
    deploySetExcluded: (hostId, excluded) => {
      const rest = get().deploy.excluded.filter((h) => h !== hostId);
      patch({ excluded: excluded ? [...rest, hostId] : rest });
    },
    deploySetE2eRequests: (n) => patch({ e2eRequests: n }),
    deploySetConfirmSeconds: (n) => patch({ confirmSeconds: n }),
    deploySetOverrideErrors: (overrideErrors) => patch({ overrideErrors }),
    deploySetInstallKeepalived: (installKeepalived) => patch({ installKeepalived }),
    deploySetCancelling: (cancelling) => patch({ cancelling }),
  };
};

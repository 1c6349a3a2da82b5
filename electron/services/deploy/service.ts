/**
 * The deploy engine behind the bridge (`deploy:*` channels, Electron IPC and browser mode alike):
 * keeps the runs, turns the engine's questions into `prompt` events and waits for the renderer's
 * `trustHost` / `provideCredential` answers. Secrets arrive here and are never sent back.
 */
import { join } from 'node:path';
import { homedir } from 'node:os';
import type { DeployEvent, DeployPlan, DeployPrompt, DeployRequest, DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Result } from '../../../shared/util/result.ts';
import { err, ok } from '../../../shared/util/result.ts';
import { renderHost } from '../../../shared/generators/index.ts';
import type { SecretStore } from '../secrets/store.ts';
import { KnownHosts } from '../ssh/hostkeys.ts';
import type { DeployDeps, DeployMode, DeployRun, RenderHost } from './engine.ts';
import { startDeploy } from './engine.ts';

export interface DeployServiceOptions {
  /** Receives every event of every run (the bridge pushes them as `deploy:progress`). */
  readonly emit: (event: DeployEvent) => void;
  /** The app's known_hosts (read-write). */
  readonly knownHostsFile: string;
  /** Extra read-only known_hosts files; the user's `~/.ssh/known_hosts` when absent. */
  readonly readOnlyKnownHosts?: readonly string[];
  readonly secrets: SecretStore;
  readonly render?: RenderHost;
  /** An unanswered prompt fails its host after this long (default 10 minutes). */
  readonly promptTimeoutMs?: number;
  /** Extra engine settings (timeouts, remote environment) — tests and the lab use them. */
  readonly engine?: Partial<Pick<DeployDeps, 'remoteEnv' | 'readyTimeoutMs' | 'commandTimeoutMs' | 'concurrency' | 'identity'>>;
}

interface Pending {
  readonly deployId: string;
  readonly kind: DeployPrompt['kind'];
  readonly resolve: (answer: boolean | string | null) => void;
}

const KEEP_LOGS = 20;

export class DeployService {
  readonly #options: DeployServiceOptions;
  readonly #knownHosts: KnownHosts;
  readonly #runs = new Map<string, DeployRun>();
  readonly #logs = new Map<string, () => string>();
  readonly #pending = new Map<string, Pending>();
  #promptSeq = 0;

  constructor(options: DeployServiceOptions) {
    this.#options = options;
    this.#knownHosts = new KnownHosts(options.knownHostsFile, options.readOnlyKnownHosts ?? [join(homedir(), '.ssh', 'known_hosts')]);
  }

  #ask(deployId: string, prompt: DeployPrompt): Promise<boolean | string | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(prompt.promptId);
        resolve(prompt.kind === 'host-key' ? false : null);
      }, this.#options.promptTimeoutMs ?? 600_000);
      this.#pending.set(prompt.promptId, {
        deployId,
        kind: prompt.kind,
        resolve: (a) => {
          clearTimeout(timer);
          this.#pending.delete(prompt.promptId);
          resolve(a);
        },
      });
      this.#options.emit({ type: 'prompt', deployId, prompt });
    });
  }

  #deps(deployId: string): DeployDeps {
    const promptId = () => `p${++this.#promptSeq}`;
    return {
      render: this.#options.render ?? renderHost,
      knownHosts: this.#knownHosts,
      secrets: this.#options.secrets,
      ...this.#options.engine,
      confirmHostKey: async (host, fingerprint, keyType, knownTypes) =>
        (await this.#ask(deployId, {
          kind: 'host-key',
          promptId: promptId(),
          hostId: host.hostId,
          endpoint: host.endpoint,
          fingerprint,
          keyType,
          ...(knownTypes.length ? { knownTypes } : {}),
        })) === true,
      askSecret: async (r) => {
        const a = await this.#ask(deployId, { kind: r.kind, promptId: promptId(), hostId: r.hostId, text: r.text });
        return typeof a === 'string' && a !== '' ? a : null;
      },
    };
  }

  /** Starts a run and resolves with its result. */
  async start(mode: DeployMode, request: DeployRequest): Promise<Result<DeployResult>> {
    if (this.#runs.has(request.deployId)) return err(`a run with id ${request.deployId} is already going on`);
    const run = startDeploy(mode, request, this.#deps(request.deployId));
    this.#runs.set(run.id, run);
    // Only the (redacted) log is kept for later: not the run, whose secrets die with it.
    const log = run.log;
    this.#logs.set(run.id, () => log.text());
    while (this.#logs.size > KEEP_LOGS) this.#logs.delete(this.#logs.keys().next().value!);
    // events() replays from the start of the run (its first lines are emitted before we could subscribe).
    const forwarding = (async () => {
      for await (const e of run.events()) this.#options.emit(e);
    })();
    try {
      const result = await run.result;
      await forwarding;
      return ok(result);
    } finally {
      this.#runs.delete(run.id);
      for (const p of [...this.#pending.values()]) if (p.deployId === run.id) p.resolve(p.kind === 'host-key' ? false : null);
    }
  }

  async plan(request: DeployRequest): Promise<Result<DeployPlan>> {
    const r = await this.start('dry-run', request);
    if (!r.ok) return r;
    return r.value.plan ? ok(r.value.plan) : err(r.value.error ?? r.value.hosts.find((h) => h.message)?.message ?? 'the plan could not be made');
  }

  cancel(deployId: string): boolean {
    const run = this.#runs.get(deployId);
    if (!run) return false;
    for (const p of this.#pending.values()) if (p.deployId === deployId) p.resolve(p.kind === 'host-key' ? false : null);
    run.cancel();
    return true;
  }

  #answer(deployId: string, promptId: string, kinds: readonly DeployPrompt['kind'][], answer: boolean | string | null): boolean {
    const p = this.#pending.get(promptId);
    if (!p || p.deployId !== deployId || !kinds.includes(p.kind)) return false;
    p.resolve(answer);
    return true;
  }

  trustHost(deployId: string, promptId: string, accept: boolean): boolean {
    return this.#answer(deployId, promptId, ['host-key'], accept);
  }

  provideCredential(deployId: string, promptId: string, secret: string | null): boolean {
    return this.#answer(deployId, promptId, ['password', 'passphrase', 'sudo'], secret);
  }

  async forgetCredentials(): Promise<void> {
    await this.#options.secrets.clear();
  }

  log(deployId: string): string | null {
    return this.#logs.get(deployId)?.() ?? null;
  }
}

/**
 * The deploy engine: plan (connect, read, diff), apply in order with snapshot and automatic
 * rollback, verify, end-to-end check, rollback of the last deploy. Plain Node: the app and the CLI
 * inject the parts that talk to a user (host-key trust, secret prompts) and the secret store.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { loadSsh2 } from '../ssh/ssh2.ts';
import type {
  DeployEvent,
  DeployHostPhase,
  DeployPlan,
  DeployRequest,
  DeployResult,
  E2eCheck,
  E2eResult,
  HostOutcome,
  HostPlan,
  HostChange,
} from '../../../shared/ipc/deploy.ts';
import { DEPLOY_ID_PATTERN } from '../../../shared/ipc/deploy.ts';
import type { Host, SshEndpoint, Topology } from '../../../shared/model/types.ts';
import type { Result } from '../../../shared/util/result.ts';
import type { KnownHosts } from '../ssh/hostkeys.ts';
import { fingerprintOf, keyTypeOf, knownHostsName } from '../ssh/hostkeys.ts';
import type { ExecResult, SshAuth, SshSession } from '../ssh/session.ts';
import { SshError, connect } from '../ssh/session.ts';
import type { SecretStore } from '../secrets/store.ts';
import { Redactor } from './redact.ts';
import { DeployLog } from './log.ts';
import { deployGate } from './gate.ts';
import type { HaDeployPlan } from '../../../shared/ha/deploy.ts';
import { haDeployPlan } from '../../../shared/ha/deploy.ts';
import type { MemberProbe } from './ha-verify.ts';
import { HA_PROBE_SCRIPT, groupsToCheck, judgeGroup, parseProbe } from './ha-verify.ts';
import type { DeployFile } from './remote.ts';
import {
  APPLY_MARKER,
  checkEnv,
  confirmScript,
  envPrelude,
  undoneScript,
  e2eScript,
  probeScript,
  rollbackCurrentScript,
  rollbackDeployScript,
  runScript,
  stateScript,
  uploadScript,
  verifyAndRecordScript,
} from './remote.ts';
import type { HostState } from './state.ts';
import { diffHost, keepalivedPlan, parseApplyScript, parseState } from './state.ts';
import type { SessionPath, SessionPin } from './session-guard.ts';
import { judgeSession, parseSessionPath } from './session-guard.ts';
import type { HostId } from '../../../shared/model/ids.ts';

/** sudo's prompt (-p) while the engine feeds a password: seeing it proves sudo, not a shell, read the line. */
const SUDO_PROMPT_MARK = '@lvsd-sudo-password@';

/** Default commit-confirm time: a host rolls back by itself this long after apply.sh started unless confirmed. */
export const DEFAULT_CONFIRM_SECONDS = 120;

/** The generators' entry point: files for one host of a topology. */
export type RenderHost = (topology: Topology, hostId: HostId) => Result<readonly DeployFile[], string>;

export type SecretKind = 'password' | 'passphrase' | 'sudo';

export interface DeployDeps {
  readonly render: RenderHost;
  readonly knownHosts: KnownHosts;
  /** Asked on first contact with a host; a changed key never gets here (it is refused). */
  readonly confirmHostKey: (
    host: { hostId: HostId; endpoint: string },
    fingerprint: string,
    keyType: string,
    /** Key types already known for this host (non-empty: warn, never trust automatically). */
    knownTypes: readonly string[],
  ) => Promise<boolean>;
  readonly secrets: SecretStore;
  /** Asks the user for a secret; `null` declines. Calls are serialised (one prompt at a time). */
  readonly askSecret: (request: { kind: SecretKind; hostId: HostId; text: string }) => Promise<string | null>;
  /** Asked after the plan of an apply when something would change; `false` stops before any change. */
  readonly confirmApply?: (plan: DeployPlan) => Promise<boolean>;
  /** `LVSD_*` environment for the host's scripts (`LVSD_STATE_DIR`, `LVSD_IPVSADM`, …). */
  readonly remoteEnv?: (host: Host) => Readonly<Record<string, string>>;
  /** Private key used for every host with `auth: 'key'` (overrides the design's keyPath). */
  readonly identity?: string;
  /** Agent socket; `SSH_AUTH_SOCK` when absent. */
  readonly agentSocket?: string;
  /** Hosts worked on at the same time (default 64). */
  readonly concurrency?: number;
  readonly readyTimeoutMs?: number;
  readonly commandTimeoutMs?: number;
  /** How long the post-deploy HA check waits for each VIP to have exactly one holder (default 20 s). */
  readonly haSettleMs?: number;
  readonly keepaliveIntervalMs?: number;
}

export type DeployMode = 'dry-run' | 'apply' | 'rollback';

/** A running deploy. */
export interface DeployRun {
  readonly id: string;
  readonly mode: DeployMode;
  /** Resolves when the run is over (never rejects: failures are in the result). */
  readonly result: Promise<DeployResult>;
  /** Calls `listener` for every later event; returns the unsubscribe function. */
  on(listener: (e: DeployEvent) => void): () => void;
  /** Every event from the start of the run, then live ones, until `done`. */
  events(): AsyncIterable<DeployEvent>;
  /** Stops the run; hosts already changed are rolled back unless `noRollback`. */
  cancel(): void;
  readonly log: DeployLog;
  /** Secrets the run still holds in plaintext (for redaction and sudo): 0 once it is over. */
  secretsHeld(): number;
}

/** A fresh deploy id: time plus randomness, valid as a directory name. */
export function newDeployId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

interface Privilege {
  readonly label: string;
  exec(script: string, opts?: { timeoutMs?: number; signal?: AbortSignal; onStdout?: (c: string) => void }): Promise<ExecResult>;
}

interface HostCtx {
  readonly host: Host;
  readonly ssh: SshEndpoint;
  readonly endpoint: string;
  readonly env: Readonly<Record<string, string>>;
  files: readonly DeployFile[];
  session?: SshSession;
  priv?: Privilege;
  state?: HostState;
  /** Output of the first command when it already carried the state read-out (root logins). */
  probeOut?: string;
  plan: HostPlan;
  /** apply.sh was started: the host may be changed and is rolled back on failure. */
  touched: boolean;
  /** The SSH session's path as the host sees it (from the probe). */
  sessionPath?: SessionPath | null;
  /** Host route added before apply.sh so the session survives the design's route changes. */
  pin?: SessionPin;
  /** When the commit-confirm timer on the host fires (ms since epoch), once armed. */
  armedUntil?: number;
  outcome?: HostOutcome;
}

class StepError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr = '') {
    super(message);
    this.stderr = stderr;
  }
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

const expandHome = (p: string) => (p === '~' || p.startsWith('~/') ? `${homedir()}${p.slice(1)}` : p);

class Run implements DeployRun {
  readonly id: string;
  readonly mode: DeployMode;
  readonly result: Promise<DeployResult>;
  readonly log = new DeployLog();
  readonly #deps: DeployDeps;
  readonly #request: DeployRequest;
  readonly #redactor = new Redactor();
  readonly #abort = new AbortController();
  readonly #history: DeployEvent[] = [];
  readonly #listeners = new Set<(e: DeployEvent) => void>();
  #promptChain: Promise<unknown> = Promise.resolve();
  readonly #startedAt = new Date();
  /** Every host of the run, so an unexpected error still closes their connections. */
  #all: readonly HostCtx[] = [];
  /** The run's HA deploy plan for every selected host (see #haPlan). */
  #ha: HaDeployPlan | undefined;

  constructor(mode: DeployMode, request: DeployRequest, deps: DeployDeps) {
    this.id = request.deployId;
    this.mode = mode;
    this.#deps = deps;
    this.#request = request;
    // One abort listener per running command and host: 50 hosts are not a leak.
    setMaxListeners(0, this.#abort.signal);
    this.result = this.#main().catch((e: unknown) => this.#finish('failed', this.#all, undefined, undefined, `internal error: ${(e as Error).message}`));
  }

  on(listener: (e: DeployEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  events(): AsyncIterable<DeployEvent> {
    const history = this.#history;
    const subscribe = (l: (e: DeployEvent) => void) => this.on(l);
    return {
      [Symbol.asyncIterator](): AsyncIterator<DeployEvent> {
        let index = 0;
        let wake: (() => void) | null = null;
        const off = subscribe(() => wake?.());
        return {
          async next(): Promise<IteratorResult<DeployEvent>> {
            for (;;) {
              const e = history[index];
              if (e) {
                index++;
                return { value: e, done: false };
              }
              if (history.at(-1)?.type === 'done') {
                off();
                return { value: undefined, done: true };
              }
              await new Promise<void>((r) => (wake = r));
              wake = null;
            }
          },
          async return(): Promise<IteratorResult<DeployEvent>> {
            off();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  secretsHeld(): number {
    return this.#redactor.size + this.#all.filter((c) => c.priv !== undefined).length;
  }

  cancel(): void {
    if (!this.#abort.signal.aborted) {
      this.#emit({ type: 'log', deployId: this.id, level: 'warn', text: 'cancel requested' });
      this.#abort.abort();
    }
  }

  #emit(e: DeployEvent): void {
    const safe = this.#redactor.redactDeep(e);
    this.#history.push(safe);
    this.log.record(safe);
    for (const l of this.#listeners) {
      try {
        l(safe);
      } catch {
        /* a broken listener must not break the deploy */
      }
    }
  }

  #phase(
    ctx: HostCtx,
    phase: DeployHostPhase,
    extra: { message?: string; step?: { index: number; total: number; label: string }; stderr?: string } = {},
  ): void {
    this.#emit({ type: 'host', deployId: this.id, hostId: ctx.host.id, phase, ...extra });
  }

  #info(text: string, level: 'info' | 'warn' | 'error' = 'info', hostId?: HostId): void {
    this.#emit({ type: 'log', deployId: this.id, level, text, ...(hostId ? { hostId } : {}) });
  }

  /** Runs user-facing prompts one at a time (a terminal can show only one). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#promptChain.then(fn, fn);
    this.#promptChain = p.catch(() => undefined);
    return p;
  }

  async #secret(kind: SecretKind, key: string, hostId: HostId, text: string): Promise<string | null> {
    const stored = await this.#deps.secrets.get(key);
    if (stored !== undefined) {
      this.#redactor.add(stored);
      return stored;
    }
    const asked = await this.#serial(async () => {
      // Another host may have asked for the same secret while this one waited.
      const again = await this.#deps.secrets.get(key);
      return again !== undefined ? again : this.#deps.askSecret({ kind, hostId, text });
    });
    if (asked === null || asked === '') return null;
    this.#redactor.add(asked);
    await this.#deps.secrets.set(key, asked);
    return asked;
  }

  // ---------------------------------------------------------------- connect

  async #auth(ctx: HostCtx): Promise<{ auth: SshAuth; secretKey?: string }> {
    const { ssh } = ctx;
    const who = `${ssh.user}@${ssh.host}:${ssh.port}`;
    if (ssh.auth === 'agent') {
      const socket = this.#deps.agentSocket ?? process.env.SSH_AUTH_SOCK;
      if (!socket) throw new StepError('auth "agent" but no SSH agent is running (SSH_AUTH_SOCK is not set)');
      return { auth: { kind: 'agent', socket } };
    }
    if (ssh.auth === 'password') {
      const key = `password:${who}`;
      const password = await this.#secret('password', key, ctx.host.id, `Password for ${who}`);
      if (password === null) throw new StepError(`no password given for ${who}`);
      return { auth: { kind: 'password', password }, secretKey: key };
    }
    const path = this.#deps.identity ?? ssh.keyPath;
    if (!path) throw new StepError('auth "key" but the design names no key file (keyPath) and no --identity was given');
    const file = expandHome(path);
    let privateKey: Buffer;
    try {
      privateKey = await readFile(file);
    } catch (e) {
      throw new StepError(`cannot read the key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const ssh2 = await loadSsh2();
    const parsed = ssh2.utils.parseKey(privateKey);
    if (!(parsed instanceof Error)) return { auth: { kind: 'key', privateKey } };
    if (!/passphrase/i.test(parsed.message)) throw new StepError(`${file} is not a usable private key: ${parsed.message}`);
    const key = `passphrase:${file}`;
    const passphrase = await this.#secret('passphrase', key, ctx.host.id, `Passphrase for ${file}`);
    if (passphrase === null) throw new StepError(`no passphrase given for ${file}`);
    if (ssh2.utils.parseKey(privateKey, passphrase) instanceof Error) {
      await this.#deps.secrets.delete(key);
      throw new StepError(`wrong passphrase for ${file}`);
    }
    return { auth: { kind: 'key', privateKey, passphrase }, secretKey: key };
  }

  async #connect(ctx: HostCtx, quiet = false): Promise<void> {
    const { ssh } = ctx;
    if (!quiet) this.#phase(ctx, 'connecting', { message: ctx.endpoint });
    const { auth, secretKey } = await this.#auth(ctx);
    const kh = this.#deps.knownHosts;
    const name = knownHostsName(ssh.host, ssh.port);
    let unknownKey: Buffer | null = null;
    let refusal: string | null = null;
    const verifyHostKey = async (key: Buffer): Promise<boolean> => {
      const st = await kh.check(ssh.host, ssh.port, key);
      if (st.status === 'trusted') return true;
      const fp = fingerprintOf(key);
      const type = keyTypeOf(key);
      if (st.status === 'changed') {
        refusal = `HOST KEY CHANGED for ${name}: it now presents ${type} ${fp}, but ${st.source} has ${st.knownFingerprint}. Someone may be intercepting the connection (man-in-the-middle), or the host was reinstalled. The host is refused; if the change is expected, remove the old line from ${st.source} and deploy again.`;
        this.#emit({
          type: 'host-key',
          deployId: this.id,
          hostId: ctx.host.id,
          endpoint: name,
          fingerprint: fp,
          keyType: type,
          status: 'changed',
          message: refusal,
        });
        return false;
      }
      if (st.status === 'revoked') {
        refusal = `the host key ${fp} of ${name} is marked @revoked in ${st.source}; refused`;
        return false;
      }
      unknownKey = key;
      return false;
    };
    const preferHostKeyTypes = await kh.knownTypes(ssh.host, ssh.port);
    const attempt = () =>
      connect({
        preferHostKeyTypes,
        host: ssh.host,
        port: ssh.port,
        username: ssh.user,
        auth,
        verifyHostKey,
        readyTimeoutMs: this.#deps.readyTimeoutMs ?? 10_000,
        keepaliveIntervalMs: this.#deps.keepaliveIntervalMs ?? 5_000,
        signal: this.#abort.signal,
      });
    const fail = async (e: unknown): Promise<never> => {
      if (e instanceof SshError && e.reason === 'auth' && secretKey) await this.#deps.secrets.delete(secretKey);
      if (e instanceof SshError) throw new StepError(`${ctx.endpoint}: ${e.message}`);
      throw e;
    };
    try {
      ctx.session = await attempt();
    } catch (e) {
      if (!(e instanceof SshError && e.reason === 'host-key')) return fail(e);
      if (refusal) throw new StepError(refusal);
      const key = unknownKey as Buffer | null;
      if (!key) return fail(e);
      const fp = fingerprintOf(key);
      const type = keyTypeOf(key);
      const otherTypes = preferHostKeyTypes.filter((t) => t !== type);
      const message = otherTypes.length
        ? `WARNING: ${name} is known by its ${otherTypes.join(', ')} key, but offered a ${type} key ${fp} of a type not on record. The host may have been reinstalled — or someone may be intercepting the connection. Check the fingerprint on the host before trusting it.`
        : `first contact: ${type} key ${fp}`;
      this.#emit({ type: 'host-key', deployId: this.id, hostId: ctx.host.id, endpoint: name, fingerprint: fp, keyType: type, status: 'new', message });
      const trusted = await this.#serial(() => this.#deps.confirmHostKey({ hostId: ctx.host.id, endpoint: name }, fp, type, otherTypes));
      if (!trusted) {
        this.#emit({
          type: 'host-key',
          deployId: this.id,
          hostId: ctx.host.id,
          endpoint: name,
          fingerprint: fp,
          keyType: type,
          status: 'rejected',
          message: 'not trusted by the user',
        });
        throw new StepError(`host key ${fp} of ${name} was not trusted`);
      }
      await kh.trust(ssh.host, ssh.port, key);
      this.#emit({
        type: 'host-key',
        deployId: this.id,
        hostId: ctx.host.id,
        endpoint: name,
        fingerprint: fp,
        keyType: type,
        status: 'trusted',
        message: `added to ${kh.appFile}`,
      });
      unknownKey = null;
      try {
        // The verifier now finds the key in the app's file; any other key is still refused.
        ctx.session = await attempt();
      } catch (e2) {
        if (refusal) throw new StepError(refusal);
        if (e2 instanceof SshError && e2.reason === 'host-key') throw new StepError(`${name} presented a different key on the second connection; refused`);
        return fail(e2);
      }
    }
    ctx.priv = await this.#privilege(ctx);
  }

  async #privilege(ctx: HostCtx): Promise<Privilege> {
    const session = ctx.session!;
    const timeoutMs = this.#deps.commandTimeoutMs ?? 120_000;
    const signal = this.#abort.signal;
    const probe = await session.exec('sh -s', { stdin: probeScript(ctx.env), timeoutMs: 60_000, signal });
    ctx.sessionPath = parseSessionPath(probe.stdout.slice(0, probe.stdout.indexOf('@@ session-end') + 1 || undefined));
    if (probe.code !== 0 && !probe.stdout.includes('@@ notroot')) {
      throw new StepError(
        `the first command on the host failed (${probe.code === null ? `signal ${probe.signal ?? '?'}` : `exit ${probe.code}`}); is sh available to ${ctx.ssh.user}?`,
        tail(probe.stderr),
      );
    }
    if (!probe.stdout.includes('@@ notroot')) {
      ctx.probeOut = probe.stdout;
      return { label: 'root', exec: (script, o = {}) => session.exec('sh -s', { stdin: script, timeoutMs, signal, ...o }) };
    }
    // NOPASSWD for sh? The probe tried exactly what will run later, so a password line is never fed to sh.
    if (probe.stdout.includes('@sudo-n')) {
      return { label: 'sudo -n', exec: (script, o = {}) => session.exec('sudo -n sh -s', { stdin: script, timeoutMs, signal, ...o }) };
    }
    const { ssh } = ctx;
    const who = `${ssh.user}@${ssh.host}:${ssh.port}`;
    const password =
      ssh.auth === 'password'
        ? await this.#secret('password', `password:${who}`, ctx.host.id, `Password for ${who}`)
        : await this.#secret('sudo', `sudo:${who}`, ctx.host.id, `sudo password for ${who}`);
    if (password === null) throw new StepError(`${ssh.user} is not root and sudo needs a password that was not given`);
    if (password.includes('\n')) throw new StepError('the sudo password contains a line break');
    // First find out whether sudo really reads a password here, with a command that never reads
    // stdin itself: a password line is only ever sent to sudo, never to a shell.
    const check = await session.exec(`sudo -k -S -p ${SUDO_PROMPT_MARK} sh -c 'echo @sudo-ok' </dev/null`, { timeoutMs: 30_000, signal });
    if (check.code === 0 && check.stdout.includes('@sudo-ok') && !check.stderr.includes(SUDO_PROMPT_MARK)) {
      // sudo needs no password for sh (although -n refused, e.g. a `requiretty`-free rule with lecture): no -S at all.
      return { label: 'sudo (no password needed)', exec: (script, o = {}) => session.exec('sudo -k sh -s', { stdin: script, timeoutMs, signal, ...o }) };
    }
    // -k: always ask, so sudo always consumes the password line (a cached ticket would leave it for sh).
    const cmd = `sudo -k -S -p ${SUDO_PROMPT_MARK} sh -s`;
    const auth = await session.exec(`sudo -k -S -p ${SUDO_PROMPT_MARK} sh -c 'echo @sudo-ok'`, { stdin: `${password}\n`, timeoutMs: 30_000, signal });
    if (auth.code !== 0 || !auth.stdout.includes('@sudo-ok')) {
      if (ssh.auth !== 'password') await this.#deps.secrets.delete(`sudo:${who}`);
      const why = tail(this.#redactor.redact(auth.stderr.split(SUDO_PROMPT_MARK).join('')), 3);
      throw new StepError(`sudo refused (${why || `exit ${auth.code}`}); is ${ssh.user} allowed to use sudo, and is the password right?`);
    }
    return {
      label: 'sudo -S',
      exec: async (script, o = {}) => {
        const r = await session.exec(cmd, { stdin: `${password}\n${script}`, timeoutMs, signal, ...o });
        return { ...r, stderr: r.stderr.split(SUDO_PROMPT_MARK).join('') };
      },
    };
  }

  // ---------------------------------------------------------------- plan

  #select(topology: Topology): { ctxs: HostCtx[]; skipped: HostPlan[]; error?: string } {
    const wanted = this.#request.hosts && this.#request.hosts.length ? new Set(this.#request.hosts) : null;
    if (wanted) {
      const unknown = [...wanted].filter((id) => !topology.hosts.some((h) => h.id === id));
      if (unknown.length) return { ctxs: [], skipped: [], error: `unknown host id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` };
    }
    const ctxs: HostCtx[] = [];
    const skipped: HostPlan[] = [];
    for (const host of topology.hosts) {
      const base = { hostId: host.id, hostName: host.name, role: host.role, changes: [] as HostChange[], notes: [] as string[] };
      if (wanted && !wanted.has(host.id)) {
        skipped.push({ ...base, endpoint: '', status: 'skipped', error: 'not selected' });
        continue;
      }
      if (!host.ssh) {
        if (wanted) return { ctxs: [], skipped: [], error: `host ${host.id} has no SSH endpoint in the design` };
        skipped.push({ ...base, endpoint: '', status: 'skipped', error: 'no SSH endpoint in the design' });
        continue;
      }
      const ssh = host.ssh;
      const endpoint = `${ssh.user}@${ssh.host}:${ssh.port}`;
      const env = { ...(this.#deps.remoteEnv?.(host) ?? {}), ...(this.#request.installKeepalived ? { LVSD_INSTALL_KEEPALIVED: '1' } : {}) };
      ctxs.push({ host, ssh, endpoint, env, files: [], plan: { ...base, endpoint, status: 'ready' }, touched: false });
    }
    return { ctxs, skipped };
  }

  async #planHost(ctx: HostCtx, topology: Topology): Promise<void> {
    const fail = (message: string) => {
      ctx.plan = { ...ctx.plan, status: 'failed', error: message };
      ctx.outcome = { hostId: ctx.host.id, status: 'failed', message };
      this.#phase(ctx, 'failed', { message });
    };
    const envProblem = checkEnv(ctx.env);
    if (envProblem) return fail(envProblem);
    if (this.mode !== 'rollback') {
      const rendered = this.#deps.render(topology, ctx.host.id);
      if (!rendered.ok) return fail(`cannot generate the configuration: ${rendered.error}`);
      ctx.files = rendered.value;
      for (const need of ['apply.sh', 'verify.sh', 'rollback.sh']) {
        if (!ctx.files.some((f) => f.path === need)) return fail(`the generators produced no ${need} for this host`);
      }
    }
    try {
      await this.#connect(ctx);
      this.#phase(ctx, 'planning', { message: `as ${ctx.priv!.label}` });
      let stateText = ctx.probeOut;
      if (stateText === undefined) {
        const out = await ctx.priv!.exec(stateScript(ctx.env), { timeoutMs: 60_000 });
        if (out.code !== 0) throw new StepError(`reading the current state failed (exit ${out.code})`, tail(out.stderr));
        stateText = out.stdout;
      }
      const state = parseState(stateText);
      ctx.state = state;
      const notes = [`commands run as ${ctx.priv!.label}`];
      if (state.kernel) notes.push(`kernel ${state.kernel}`);
      if (state.ipvs === null && ctx.files.some((f) => f.path === 'ipvsadm.rules'))
        notes.push(state.ipvsError ? `ipvsadm failed: ${state.ipvsError}` : 'ipvsadm is not installed on this host');
      if (this.mode !== 'rollback') {
        const ka = keepalivedPlan(ctx.files, state, ctx.env.LVSD_INSTALL_KEEPALIVED === '1');
        if (ka.refuse) throw new StepError(ka.refuse);
        notes.push(...ka.notes);
      }
      const changes = this.mode === 'rollback' ? [] : [...diffHost(ctx.host, ctx.files, state)];
      if (this.mode !== 'rollback' && changes.length > 0) {
        const wanted = parseApplyScript(ctx.files.find((f) => f.path === 'apply.sh')?.content ?? '')?.routes ?? [];
        const verdict = judgeSession(ctx.sessionPath ?? null, state.routes, wanted, changes);
        if (verdict.kind === 'cut') {
          if (!this.#request.allowSessionCut)
            throw new StepError(`refused to keep you from being locked out: ${verdict.reason} (override: allowSessionCut / --allow-session-cut)`);
          notes.push(`OVERRIDE allowSessionCut: ${verdict.reason}`);
          this.#info(`${ctx.host.id}: session-cut check overridden: ${verdict.reason}`, 'warn', ctx.host.id);
        } else if (verdict.kind === 'pin') {
          ctx.pin = verdict.pin;
          changes.unshift({
            kind: 'route',
            action: 'add',
            subject: verdict.pin.destination,
            to: `${verdict.pin.via ? `via ${verdict.pin.via} ` : ''}dev ${verdict.pin.dev} (keeps this SSH session)`,
          });
          notes.push(verdict.note);
        } else notes.push(verdict.note);
        const confirm = this.#confirmSeconds();
        notes.push(
          confirm > 0
            ? `commit-confirm: the host rolls back by itself ${confirm} s after apply.sh starts unless the engine confirms over a new SSH connection after verify`
            : 'commit-confirm: off (the host does not roll back by itself if the session is lost)',
        );
      }
      ctx.plan = { ...ctx.plan, status: 'ready', changes, notes };
      this.#phase(ctx, 'planned', { message: changes.length ? `${changes.length} change${changes.length === 1 ? '' : 's'}` : 'no changes' });
    } catch (e) {
      const err = e as StepError;
      fail(this.#redactor.redact(err.message));
      if (err.stderr) {
        ctx.outcome = { ...ctx.outcome!, stderr: this.#redactor.redact(tail(err.stderr)) };
        this.#info(tail(err.stderr), 'error', ctx.host.id);
      }
    }
  }

  /**
   * The HA deploy plan of this run (made once in #main for the selected hosts: it validates the
   * design), narrowed to `ctxs` in its order.
   */
  #haPlan(ctxs: readonly HostCtx[]): HaDeployPlan {
    const plan = this.#ha;
    if (!plan) throw new Error('internal: the HA deploy plan is made at the start of the run');
    if (!plan.ok) return plan;
    const here = new Set(ctxs.map((c) => c.host.id));
    return { ok: true, order: plan.order.filter((h) => here.has(h)), reload: plan.reload.filter((h) => here.has(h)) };
  }

  #stages(ctxs: readonly HostCtx[]): HostCtx[][] {
    // Real servers (ARP settings, VIP on lo/tunl0), routers and clients first, directors last: the
    // director must not send traffic to real servers that would not yet accept it.
    // Members of a director group then go one at a time in haDeployPlan's order — backups by
    // ascending priority, the master last — so the VIP always has a holder.
    // The run's one haDeployPlan (#main), narrowed to the hosts of this call (a rollback may cover fewer).
    const first = ctxs.filter((c) => c.host.role !== 'director');
    const plan = this.#haPlan(ctxs);
    const grouped = plan.ok ? new Set(plan.reload) : new Set<string>();
    const second = ctxs.filter((c) => c.host.role === 'director' && !grouped.has(c.host.id));
    const members = plan.ok ? plan.reload.map((h) => ctxs.find((c) => c.host.id === h)!).filter(Boolean) : [];
    return [first, second, ...members.map((c) => [c])].filter((s) => s.length > 0);
  }

  /**
   * After every host verified: each VIP of a fully deployed group is held by exactly one member and
   * the sync daemons run. VRRP needs a few advert intervals to settle (a backup waits its
   * master-down timer), so the probe repeats until the group is right or `haSettleMs` is over.
   */
  async #verifyGroups(ctxs: readonly HostCtx[]): Promise<boolean> {
    const topology = this.#request.topology;
    const groups = groupsToCheck(
      topology,
      ctxs.map((c) => c.host.id),
    );
    if (groups.length === 0) return true;
    const until = Date.now() + (this.#deps.haSettleMs ?? 20_000);
    for (;;) {
      const probes = new Map<HostId, MemberProbe>();
      let probeError = '';
      for (const g of groups) {
        for (const m of g.members) {
          if (probes.has(m.host)) continue;
          const ctx = ctxs.find((c) => c.host.id === m.host)!;
          try {
            const r = await ctx.priv!.exec(`${envPrelude(ctx.env)}\n${HA_PROBE_SCRIPT}`);
            const p = parseProbe(r.stdout);
            if (p) probes.set(m.host, p);
            else probeError = `${m.host}: \`ip -j addr\` gave no JSON (${tail(r.stderr || r.stdout, 2)})`;
          } catch (e) {
            probeError = `${m.host}: ${(e as Error).message}`;
          }
        }
      }
      const checks = probeError ? [] : groups.map((g) => judgeGroup(topology, g, probes));
      const problems = probeError ? [probeError] : checks.flatMap((c) => c.problems);
      if (problems.length === 0) {
        for (const c of checks)
          this.#info(
            `HA ${c.group}: ${c.vips.map((v) => `${v.address} held by ${v.holders.join('')}`).join(', ')}; sync daemons ${groups.find((g) => g.name === c.group)?.sync ? 'running on every member' : 'not configured'}`,
          );
        return true;
      }
      if (Date.now() >= until || this.#abort.signal.aborted) {
        for (const p of problems) this.#info(`HA check failed: ${this.#redactor.redact(p)}`, 'error');
        return false;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  // ---------------------------------------------------------------- apply

  #confirmSeconds(): number {
    const n = this.#request.confirmSeconds ?? DEFAULT_CONFIRM_SECONDS;
    return Number.isFinite(n) && n > 0 ? Math.max(5, Math.min(3600, Math.floor(n))) : 0;
  }

  async #applyHost(ctx: HostCtx): Promise<boolean> {
    if (this.#abort.signal.aborted) return false;
    if (ctx.plan.changes.length === 0) {
      ctx.outcome = { hostId: ctx.host.id, status: 'unchanged', message: 'no changes' };
      this.#phase(ctx, 'unchanged', { message: 'no changes' });
      return true;
    }
    const total = 3;
    this.#phase(ctx, 'uploading', { step: { index: 1, total, label: `upload ${ctx.files.length} files` } });
    // Upload and apply.sh run as one SSH command; the marker line says apply.sh has started.
    let partial = '';
    const onStdout = (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        const armed = /^@@ armed (\d+)/.exec(l);
        if (armed) {
          ctx.armedUntil = Date.now() + Number(armed[1]) * 1000;
          this.#info(
            `commit-confirm armed: ${ctx.host.id} rolls back by itself at ${new Date(ctx.armedUntil).toISOString()} unless confirmed`,
            'info',
            ctx.host.id,
          );
        } else if (l === APPLY_MARKER) {
          ctx.touched = true;
          this.#phase(ctx, 'applying', { step: { index: 2, total, label: 'apply.sh (snapshot, then apply)' } });
        } else if (ctx.touched && l.trim()) this.#emit({ type: 'log', deployId: this.id, hostId: ctx.host.id, level: 'output', text: l });
      }
    };
    try {
      const r = await ctx.priv!.exec(
        uploadScript(ctx.env, this.id, ctx.files, true, { confirmSeconds: this.#confirmSeconds(), ...(ctx.pin ? { pin: ctx.pin } : {}) }),
        { onStdout },
      );
      if (ctx.touched && partial.trim()) this.#emit({ type: 'log', deployId: this.id, hostId: ctx.host.id, level: 'output', text: partial });
      if (r.code !== 0) {
        const what = ctx.touched ? 'apply.sh' : 'upload';
        throw new StepError(`${what} failed (${r.code === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.code}`})`, tail(r.stderr || r.stdout));
      }
      ctx.outcome = { hostId: ctx.host.id, status: 'applied' };
      this.#phase(ctx, 'applied');
      return true;
    } catch (e) {
      const err = e as StepError;
      const message = err instanceof SshError && err.reason === 'cancelled' ? 'cancelled' : this.#redactor.redact(err.message);
      const stderr = err.stderr ? { stderr: this.#redactor.redact(err.stderr) } : {};
      ctx.outcome = { hostId: ctx.host.id, status: 'failed', message, ...stderr };
      this.#phase(ctx, 'failed', { message, ...stderr });
      return false;
    }
  }

  async #verifyHost(ctx: HostCtx): Promise<boolean> {
    if (this.#abort.signal.aborted) return false;
    this.#phase(ctx, 'verifying', ctx.touched ? { step: { index: 3, total: 3, label: 'verify.sh, then record the deploy' } } : {});
    try {
      // A changed host records the deploy as its current one once verify.sh passed (same SSH command).
      const script = ctx.touched ? verifyAndRecordScript(ctx.env, this.id) : runScript(ctx.env, 'current', 'verify.sh');
      const r = await ctx.priv!.exec(script);
      if (r.code !== 0) throw new StepError(`verify.sh failed (exit ${r.code ?? r.signal})`, tail(r.stderr || r.stdout));
      ctx.outcome = { hostId: ctx.host.id, status: 'verified', ...(ctx.touched ? {} : { message: 'no changes' }) };
      this.#phase(ctx, 'verified');
      return true;
    } catch (e) {
      const err = e as StepError;
      const message = this.#redactor.redact(err.message);
      const stderr = err.stderr ? { stderr: this.#redactor.redact(err.stderr) } : {};
      ctx.outcome = { hostId: ctx.host.id, status: 'failed', message, ...stderr };
      this.#phase(ctx, 'failed', { message, ...stderr });
      return false;
    }
  }

  /** Runs one script over a NEW SSH connection (the deploy's own session may be the one that died). */
  async #freshExec(ctx: HostCtx, script: string, timeoutMs = 60_000): Promise<ExecResult> {
    const fresh: HostCtx = { ...ctx, session: undefined, priv: undefined, probeOut: undefined, touched: false };
    try {
      await this.#connect(fresh, true);
      return await fresh.priv!.exec(script, { timeoutMs, signal: undefined });
    } finally {
      fresh.session?.close();
    }
  }

  /** Confirms a commit-confirm deploy over a new connection, which proves the host is still reachable. */
  async #confirmHost(ctx: HostCtx): Promise<boolean> {
    try {
      const r = await this.#freshExec(ctx, confirmScript(ctx.env, this.id), 30_000);
      if (r.code === 0 && r.stdout.includes('@confirmed')) {
        this.#info(`commit-confirm: ${ctx.host.id} confirmed over a new SSH connection; its timer is stopped`, 'info', ctx.host.id);
        return true;
      }
      throw new StepError(
        r.stdout.includes('@too-late')
          ? `too late to confirm: the host's commit-confirm timer already rolled it back (${tail(r.stdout, 1)})`
          : `confirm failed (exit ${r.code ?? r.signal})`,
        tail(r.stderr),
      );
    } catch (e) {
      const err = e as StepError;
      const message = `commit-confirm failed: ${this.#redactor.redact(err.message)}`;
      const stderr = err.stderr ? { stderr: this.#redactor.redact(err.stderr) } : {};
      ctx.outcome = { hostId: ctx.host.id, status: 'failed', message, ...stderr };
      this.#phase(ctx, 'failed', { message, ...stderr });
      return false;
    }
  }

  /**
   * The deploy's session is gone and a new connection could not roll back: the commit-confirm timer
   * on the host will. Waits until it has fired, then checks what it did over a new connection.
   */
  async #awaitTimer(ctx: HostCtx, why: string): Promise<boolean> {
    const until = ctx.armedUntil!;
    this.#info(
      `${ctx.host.id}: rollback over SSH failed (${why}); the commit-confirm timer on the host rolls it back by itself at ${new Date(until).toISOString()} — waiting for it`,
      'warn',
      ctx.host.id,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 3_000));
    let last = '';
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        const r = await this.#freshExec(ctx, undoneScript(ctx.env, this.id), 30_000);
        const m = /^@undone (\d+) (.*)$/m.exec(r.stdout);
        if (m) {
          if (m[1] === '0') {
            this.#info(`${ctx.host.id}: rolled back by its commit-confirm timer (${m[2]}); reachable again`, 'warn', ctx.host.id);
            return true;
          }
          throw new StepError(`the commit-confirm timer's rollback failed (exit ${m[1]})`, r.stdout);
        }
        last = r.stdout.includes('@confirmed') ? 'the deploy was confirmed after all' : 'the timer has not fired yet';
      } catch (e) {
        if (e instanceof StepError && e.message.startsWith('the commit-confirm')) throw e;
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 5_000));
    }
    throw new StepError(`the host did not come back after its commit-confirm time (${last}); check it on the console`);
  }

  async #rollbackHosts(ctxs: readonly HostCtx[], how: 'deploy' | 'current'): Promise<boolean> {
    let allOk = true;
    // Reverse order: directors stop sending first, then real servers lose their VIPs.
    for (const stage of this.#stages(ctxs).reverse()) {
      await pool(stage, this.#deps.concurrency ?? 64, async (ctx) => {
        this.#phase(ctx, 'rolling-back');
        try {
          // Cancellation must not stop the rollback itself: these commands get no abort signal.
          const script = how === 'deploy' ? rollbackDeployScript(ctx.env, this.id) : rollbackCurrentScript(ctx.env);
          let r: ExecResult | null = null;
          let byTimer = false;
          try {
            r = await ctx.priv!.exec(script, { signal: undefined });
          } catch (e) {
            if (how !== 'deploy') throw e;
            // The session died (a change cut it?): try a new connection, then the host's own timer.
            try {
              r = await this.#freshExec(ctx, script, this.#deps.commandTimeoutMs ?? 120_000);
            } catch (e2) {
              if (!ctx.armedUntil) throw e2;
              byTimer = await this.#awaitTimer(ctx, (e2 as Error).message);
            }
          }
          if (r && r.code !== 0) throw new StepError(`rollback.sh failed (exit ${r.code ?? r.signal})`, tail(r.stderr || r.stdout));
          if (r && /^@undone-already \d+ by timer/m.test(r.stdout)) byTimer = true;
          for (const line of (r?.stdout ?? '').split('\n')) {
            // `keepalived reloaded (…)`: a rollback of a keepalived-owned director says how keepalived took the old config
            if (/^(rollback|restored|removed|keepalived |@current|@rolled-back|@undone)/.test(line))
              this.#emit({ type: 'log', deployId: this.id, hostId: ctx.host.id, level: 'output', text: line });
          }
          if (byTimer) {
            ctx.outcome = {
              hostId: ctx.host.id,
              status: 'rolled-back',
              message: `${ctx.outcome?.message ? `${ctx.outcome.message}; ` : ''}rolled back by the host's commit-confirm timer`,
              ...(ctx.outcome?.stderr ? { stderr: ctx.outcome.stderr } : {}),
            };
            this.#phase(ctx, 'rolled-back', { message: 'by the commit-confirm timer' });
          } else if (how === 'current' && r!.stdout.includes('@nothing')) {
            ctx.outcome = { hostId: ctx.host.id, status: 'unchanged', message: 'nothing to roll back (no deploy recorded on this host)' };
            this.#phase(ctx, 'unchanged', { message: 'nothing to roll back' });
          } else {
            ctx.outcome = {
              hostId: ctx.host.id,
              status: 'rolled-back',
              ...(how === 'deploy' && ctx.outcome?.message ? { message: ctx.outcome.message } : {}),
              ...(how === 'deploy' && ctx.outcome?.stderr ? { stderr: ctx.outcome.stderr } : {}),
            };
            this.#phase(ctx, 'rolled-back');
          }
        } catch (e) {
          allOk = false;
          const err = e as StepError;
          const message = this.#redactor.redact(err.message);
          const stderr = err.stderr ? { stderr: this.#redactor.redact(err.stderr) } : {};
          ctx.outcome = { hostId: ctx.host.id, status: 'rollback-failed', message, ...stderr };
          this.#phase(ctx, 'failed', { message, ...stderr });
        }
      });
    }
    return allOk;
  }

  async #e2e(ctxs: readonly HostCtx[], topology: Topology): Promise<E2eResult | undefined> {
    const n = this.#request.e2eRequests ?? 20;
    if (n <= 0) return undefined;
    const client = ctxs.find((c) => c.host.role === 'client' && c.session && c.plan.status === 'ready');
    const services = topology.services.filter((s) => s.protocol === 'tcp' && s.port > 0);
    if (!services.length) return undefined;
    if (!client) {
      this.#info('no end-to-end check: no client host with SSH in this deploy');
      return undefined;
    }
    const checks: E2eCheck[] = [];
    for (const s of services) {
      const service = `${s.vip}:${s.port}`;
      try {
        const r = await client.session!.exec('sh -s', { stdin: e2eScript(s.vip, s.port, n), timeoutMs: n * 4_000 + 10_000, signal: this.#abort.signal });
        if (r.stdout.includes('@no-client')) {
          checks.push({ service, requests: 0, succeeded: 0, distribution: {}, error: 'neither curl nor wget on the client' });
          continue;
        }
        const distribution: Record<string, number> = {};
        let succeeded = 0;
        for (const line of r.stdout.split('\n')) {
          if (line.startsWith('ok ')) {
            succeeded++;
            const answer = line.slice(3).trim().slice(0, 80) || '(empty answer)';
            distribution[answer] = (distribution[answer] ?? 0) + 1;
          }
        }
        checks.push({
          service,
          requests: n,
          succeeded,
          distribution,
          ...(succeeded < n ? { error: `${n - succeeded} request${n - succeeded === 1 ? '' : 's'} failed` } : {}),
        });
      } catch (e) {
        checks.push({ service, requests: n, succeeded: 0, distribution: {}, error: (e as Error).message });
      }
    }
    const result = { clientHostId: client.host.id, checks };
    this.#emit({ type: 'e2e', deployId: this.id, result });
    return result;
  }

  // ---------------------------------------------------------------- main

  #finish(outcome: DeployResult['outcome'], ctxs: readonly HostCtx[], plan?: DeployPlan, e2e?: E2eResult, error?: string): DeployResult {
    for (const c of ctxs) c.session?.close();
    if (error) this.#info(error, 'error');
    const hosts: HostOutcome[] = plan
      ? plan.hosts.map(
          (h) =>
            ctxs.find((c) => c.host.id === h.hostId)?.outcome ?? {
              hostId: h.hostId,
              status: h.status === 'skipped' ? 'skipped' : 'not-started',
              ...(h.error ? { message: h.error } : {}),
            },
        )
      : ctxs.map((c) => c.outcome ?? { hostId: c.host.id, status: 'not-started' });
    const result: DeployResult = {
      deployId: this.id,
      mode: this.mode,
      outcome,
      ...(plan ? { plan } : {}),
      hosts,
      ...(e2e ? { e2e } : {}),
      ...(error ? { error } : {}),
      startedAt: this.#startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    };
    const safe = this.#redactor.redactDeep(result);
    this.#emit({ type: 'done', deployId: this.id, result: safe });
    // The run is over and everything it emitted is redacted: no plaintext secret outlives it
    // (the sudo password sits in the privilege closures, the redactor holds every secret).
    for (const c of ctxs) c.priv = undefined;
    for (const c of this.#all) c.priv = undefined;
    this.#redactor.clear();
    return safe;
  }

  async #main(): Promise<DeployResult> {
    if (!DEPLOY_ID_PATTERN.test(this.id)) return this.#finish('failed', [], undefined, undefined, `bad deploy id ${JSON.stringify(this.id)}`);
    const topology = this.#request.topology;
    const sel = this.#select(topology);
    if (sel.error) return this.#finish('failed', [], undefined, undefined, sel.error);
    // An HA group that would elect two masters or none is refused even when checker errors are overridden.
    this.#ha = haDeployPlan(
      topology,
      sel.ctxs.map((c) => c.host.id),
    );
    if (this.mode !== 'rollback') {
      const ha = this.#ha;
      if (!ha.ok) return this.#finish('failed', [], undefined, undefined, ha.reason.en);
    }
    const gate = deployGate(topology, this.mode, this.#request.overrideErrors === true);
    if (gate.blocked) return this.#finish('failed', [], undefined, undefined, gate.blocked);
    if (gate.overridden) this.#info(gate.overridden, 'warn');
    const { ctxs } = sel;
    this.#all = ctxs;
    const limit = Math.max(1, this.#deps.concurrency ?? 64);
    this.#info(`${this.mode} ${this.id}: ${ctxs.length} host${ctxs.length === 1 ? '' : 's'} with SSH`);

    await pool(ctxs, limit, (ctx) => this.#planHost(ctx, topology));
    const stages = this.#stages(ctxs);
    const planHosts = topology.hosts.map((h) => ctxs.find((c) => c.host.id === h.id)?.plan ?? sel.skipped.find((s) => s.hostId === h.id)!);
    const ready = ctxs.filter((c) => c.plan.status === 'ready');
    const plan: DeployPlan = {
      deployId: this.id,
      designName: topology.name,
      createdAt: new Date().toISOString(),
      hosts: planHosts,
      stages: stages.map((s) => s.map((c) => c.host.id)),
      noChanges: ready.length > 0 && ready.every((c) => c.plan.changes.length === 0),
    };
    this.#emit({ type: 'plan', deployId: this.id, plan });
    const failedPlans = ctxs.filter((c) => c.plan.status === 'failed');
    if (this.#abort.signal.aborted) return this.#finish('cancelled', ctxs, plan);

    if (ctxs.length === 0)
      return this.#finish('failed', ctxs, plan, undefined, 'no host of this design has an SSH endpoint (host.ssh); add one in the host panel');
    if (this.mode === 'dry-run') {
      for (const c of ready)
        c.outcome = {
          hostId: c.host.id,
          status: c.plan.changes.length ? 'not-started' : 'unchanged',
          message: c.plan.changes.length ? `${c.plan.changes.length} changes planned (dry run)` : 'no changes',
        };
      return this.#finish(failedPlans.length ? 'failed' : plan.noChanges ? 'no-changes' : 'success', ctxs, plan);
    }
    if (failedPlans.length) {
      return this.#finish(
        'failed',
        ctxs,
        plan,
        undefined,
        `${failedPlans.map((c) => c.host.id).join(', ')} could not be planned; nothing was changed. Fix the host or leave it out (untick it in the Deploy tab, or --host in lvsd deploy).`,
      );
    }

    if (this.mode === 'rollback') {
      const ok = await this.#rollbackHosts(ctxs, 'current');
      const nothing = ctxs.every((c) => c.outcome?.status === 'unchanged');
      return this.#finish(!ok ? 'failed' : nothing ? 'no-changes' : 'success', ctxs, plan);
    }

    // apply
    if (!plan.noChanges && this.#deps.confirmApply && !(await this.#deps.confirmApply(plan))) {
      for (const c of ready) c.outcome = { hostId: c.host.id, status: 'not-started', message: 'not applied' };
      return this.#finish('cancelled', ctxs, plan, undefined, 'not applied: the plan was declined');
    }
    let failed = false;
    for (const stage of stages) {
      const results: boolean[] = [];
      await pool(stage, limit, async (ctx) => {
        results.push(await this.#applyHost(ctx));
      });
      if (results.includes(false) || this.#abort.signal.aborted) {
        failed = true;
        break;
      }
    }
    if (!failed) {
      const results: boolean[] = [];
      await pool(ready, limit, async (ctx) => {
        results.push(await this.#verifyHost(ctx));
      });
      failed = results.includes(false) || this.#abort.signal.aborted;
    }
    if (!failed) failed = !(await this.#verifyGroups(ready));
    if (!failed) {
      const armed = ctxs.filter((c) => c.touched && c.armedUntil !== undefined);
      const results: boolean[] = [];
      await pool(armed, limit, async (ctx) => {
        results.push(await this.#confirmHost(ctx));
      });
      failed = results.includes(false);
    }
    const cancelled = this.#abort.signal.aborted;
    const touched = ctxs.filter((c) => c.touched);
    if (failed) {
      if (this.#request.noRollback || touched.length === 0) {
        if (touched.length) this.#info(`--no-rollback: ${touched.map((c) => c.host.id).join(', ')} left as they are`, 'warn');
        return this.#finish(cancelled ? 'cancelled' : 'failed', ctxs, plan);
      }
      this.#info(`rolling back ${touched.map((c) => c.host.id).join(', ')}`, 'warn');
      const ok = await this.#rollbackHosts(touched, 'deploy');
      return this.#finish(
        cancelled ? 'cancelled' : ok ? 'rolled-back' : 'failed',
        ctxs,
        plan,
        undefined,
        ok ? undefined : 'rollback failed on some hosts: check them by hand',
      );
    }
    const e2e = await this.#e2e(ready, topology);
    return this.#finish(plan.noChanges ? 'no-changes' : 'success', ctxs, plan, e2e);
  }
}

/** Starts a dry run, a deploy or a rollback of the last deploy. */
export function startDeploy(mode: DeployMode, request: DeployRequest, deps: DeployDeps): DeployRun {
  return new Run(mode, request, deps);
}

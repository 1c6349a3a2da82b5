/**
 * Polls a running cluster for the live view: one SSH connection per host (kept open), with one
 * read-only shell on it that answers each poll (`sh -s` told the live script once, then one line per
 * poll; see pollLoop.ts and shared/live/script.ts).
 * Every host runs on its own timer: a slow or dead host never delays another, a failing host backs
 * off (interval × 2^failures, at most a minute) and is reported as unreachable, and nothing waits
 * longer than the command timeout. The SSH layer (host-key verification, secrets) is the deploy's:
 * only keys already trusted are accepted and only stored secrets are used — the live view never
 * prompts; a host that needs a prompt says so and asks for a deploy plan first.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { loadSsh2 } from '../ssh/ssh2.ts';
import type { Host, HostId, Topology } from '../../../shared/model/types.ts';
import type { HostObservation } from '../../../shared/live/observation.ts';
import { parseLiveOutput, unreachable } from '../../../shared/live/observation.ts';
import { pollLoopScript } from '../../../shared/live/script.ts';
import type { LiveView } from '../../../shared/live/view.ts';
import { buildLiveView } from '../../../shared/live/view.ts';
import type { KnownHosts } from '../ssh/hostkeys.ts';
import { fingerprintOf, knownHostsName } from '../ssh/hostkeys.ts';
import type { SshAuth, SshSession } from '../ssh/session.ts';
import { SshError, connect } from '../ssh/session.ts';
import { PollLoop } from './pollLoop.ts';

import type { SecretStore } from '../secrets/store.ts';

/** Default poll interval (ms). */
export const DEFAULT_INTERVAL_MS = 2000;
/** Longest back-off after repeated failures (ms). */
export const MAX_BACKOFF_MS = 60_000;

export interface LivePollerOptions {
  readonly knownHosts: KnownHosts;
  readonly secrets: SecretStore;
  /** Poll interval per host (ms), default 2000. */
  readonly intervalMs?: number;
  /** One command may take this long before the poll counts as failed (default max(2 × interval, 5 s)). */
  readonly commandTimeoutMs?: number;
  readonly readyTimeoutMs?: number;
  /** Overrides the key file of every host (like `lvsd deploy --identity`). */
  readonly identity?: string;
  /** Environment for the remote script (tests: `LVSD_IP`, PATH with a stand-in ipvsadm). */
  readonly remoteEnv?: (host: Host) => Readonly<Record<string, string>>;
  /** Called with each host's fresh observation. */
  readonly onObservation?: (o: HostObservation) => void;
  /** Called after each observation with the whole view (latest observation of every host). */
  readonly onView?: (view: LiveView, observations: readonly HostObservation[]) => void;
  /** Clock (tests). */
  readonly now?: () => number;
}

const expandHome = (p: string): string => (p === '~' || p.startsWith('~/') ? `${homedir()}${p.slice(1)}` : p);
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

class HostPoller {
  session: SshSession | null = null;
  /** The host's open poll shell (see pollLoop.ts). */
  loop: PollLoop | null = null;
  failures = 0;
  timer: NodeJS.Timeout | null = null;
  busy = false;
  readonly abort = new AbortController();
  constructor(
    readonly host: Host,
    readonly script: string,
  ) {}
}

/** Live polling of every host of a design that has an SSH endpoint. */
export class LivePoller {
  readonly #o: LivePollerOptions;
  readonly #topology: Topology;
  readonly #hosts: HostPoller[];
  readonly #latest = new Map<HostId, HostObservation>();
  #running = false;
  #stopped = false;
  #polls = 0;

  constructor(topology: Topology, options: LivePollerOptions) {
    this.#o = options;
    this.#topology = topology;
    this.#hosts = topology.hosts.filter((h) => h.ssh).map((h) => new HostPoller(h, pollLoopScript(h.role === 'director' ? 'director' : 'host')));
  }

  get intervalMs(): number {
    return Math.max(250, this.#o.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  /** Polls finished so far (answered or failed). */
  get pollCount(): number {
    return this.#polls;
  }

  /** Hosts of the design that cannot be polled (no SSH endpoint). */
  get skipped(): HostId[] {
    return this.#topology.hosts.filter((h) => !h.ssh).map((h) => h.id);
  }

  /** The latest observation of every polled host. */
  observations(): HostObservation[] {
    return this.#hosts.map((h) => this.#latest.get(h.host.id)).filter((o): o is HostObservation => !!o);
  }

  /** The live view from the latest observations. */
  view(): LiveView {
    return buildLiveView(this.#topology, this.observations(), this.#now());
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  /** Starts (or resumes) polling; the first poll of every host starts at once. */
  start(): void {
    if (this.#stopped || this.#running) return;
    this.#running = true;
    for (const h of this.#hosts) this.#schedule(h, 0);
  }

  /** Pauses polling (window hidden); connections stay open for a quick resume. */
  pause(): void {
    this.#running = false;
    for (const h of this.#hosts) {
      if (h.timer) clearTimeout(h.timer);
      h.timer = null;
    }
  }

  /** Stops for good: timers off, running commands cancelled, connections closed. */
  stop(): void {
    this.pause();
    this.#stopped = true;
    for (const h of this.#hosts) {
      h.abort.abort();
      h.loop?.close();
      h.loop = null;
      h.session?.close();
      h.session = null;
    }
  }

  /** Polls every host once now and resolves with the view (the CLI without --watch). */
  async pollOnce(): Promise<LiveView> {
    await Promise.all(this.#hosts.map((h) => this.#poll(h)));
    return this.view();
  }

  #schedule(h: HostPoller, delay: number): void {
    if (!this.#running) return;
    if (h.timer) clearTimeout(h.timer);
    h.timer = setTimeout(() => {
      h.timer = null;
      void this.#poll(h).then(() => {
        const backoff = h.failures ? Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** Math.min(h.failures, 10)) : this.intervalMs;
        this.#schedule(h, backoff);
      });
    }, delay);
  }

  async #poll(h: HostPoller): Promise<void> {
    if (h.busy || this.#stopped) return;
    h.busy = true;
    let obs: HostObservation;
    try {
      const out = await this.#run(h);
      h.failures = 0;
      obs = parseLiveOutput(h.host.id, out, this.#now());
    } catch (e) {
      h.failures++;
      h.loop?.close();
      h.loop = null;
      h.session?.close();
      h.session = null;
      obs = unreachable(h.host.id, e instanceof Error ? e.message : String(e), this.#now(), h.failures);
    } finally {
      h.busy = false;
    }
    if (this.#stopped) return;
    this.#polls++;
    this.#latest.set(h.host.id, obs);
    this.#o.onObservation?.(obs);
    if (this.#o.onView) this.#o.onView(this.view(), this.observations());
  }

  async #run(h: HostPoller): Promise<string> {
    if (!h.session || h.session.closed) {
      h.loop = null;
      h.session = await this.#connect(h);
    }
    if (!h.loop?.open) {
      const env = this.#o.remoteEnv?.(h.host) ?? {};
      const exports = Object.entries(env)
        .filter(([k]) => ENV_NAME.test(k))
        .map(([k, v]) => `${k}=${shq(v)}; export ${k}\n`)
        .join('');
      h.loop = await PollLoop.open(h.session, exports + h.script, h.abort.signal);
    }
    const timeoutMs = this.#o.commandTimeoutMs ?? Math.max(2 * this.intervalMs, 5000);
    return h.loop.poll(timeoutMs);
  }

  async #auth(host: Host): Promise<SshAuth> {
    const ssh = host.ssh!;
    const who = `${ssh.user}@${ssh.host}:${ssh.port}`;
    if (ssh.auth === 'agent') {
      const socket = process.env.SSH_AUTH_SOCK;
      if (!socket) throw new Error('auth "agent" but no SSH agent is running (SSH_AUTH_SOCK is not set)');
      return { kind: 'agent', socket };
    }
    if (ssh.auth === 'password') {
      // The same secret key the deploy engine stores a password under, so a deploy plan's answer counts.
      const password = await this.#o.secrets.get(`password:${who}`);
      if (password === undefined) throw new Error(`no stored password for ${who}: run a deploy plan once to enter it (the live view never prompts)`);
      return { kind: 'password', password };
    }
    const path = this.#o.identity ?? ssh.keyPath;
    if (!path) throw new Error('auth "key" but the design names no key file (keyPath)');
    const file = expandHome(path);
    const privateKey = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot read the key file ${file}: ${e.code ?? e.message}`);
    });
    const parsed = (await loadSsh2()).utils.parseKey(privateKey);
    if (!(parsed instanceof Error)) return { kind: 'key', privateKey };
    const passphrase = await this.#o.secrets.get(`passphrase:${file}`);
    if (passphrase === undefined) throw new Error(`${file} needs a passphrase that is not stored: run a deploy plan once to enter it`);
    return { kind: 'key', privateKey, passphrase };
  }

  async #connect(h: HostPoller): Promise<SshSession> {
    const ssh = h.host.ssh!;
    const kh = this.#o.knownHosts;
    let refusal = '';
    const verifyHostKey = async (key: Buffer): Promise<boolean> => {
      const st = await kh.check(ssh.host, ssh.port, key);
      if (st.status === 'trusted') return true;
      const name = knownHostsName(ssh.host, ssh.port);
      refusal =
        st.status === 'changed'
          ? `HOST KEY CHANGED for ${name} (now ${fingerprintOf(key)}, ${st.source} has ${st.knownFingerprint}); refused`
          : st.status === 'revoked'
            ? `the host key of ${name} is revoked; refused`
            : `the host key of ${name} (${fingerprintOf(key)}) is not trusted yet: run a deploy plan once to check and trust it`;
      return false;
    };
    try {
      return await connect({
        host: ssh.host,
        port: ssh.port,
        username: ssh.user,
        auth: await this.#auth(h.host),
        verifyHostKey,
        preferHostKeyTypes: await kh.knownTypes(ssh.host, ssh.port),
        readyTimeoutMs: this.#o.readyTimeoutMs ?? 8000,
        keepaliveIntervalMs: 5000,
        signal: h.abort.signal,
      });
    } catch (e) {
      if (e instanceof SshError && e.reason === 'host-key' && refusal) throw new Error(refusal);
      throw e;
    }
  }
}

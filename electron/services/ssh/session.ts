/**
 * A thin, promise-based layer over ssh2: connect with explicit host-key verification, run a command
 * with data on stdin, a per-command timeout and cancellation, and classify failures into reasons a
 * user understands.
 */
// ssh2 is CommonJS: Node's ESM loader (tsx, the CLI) only offers its default export.
import { loadSsh2 } from './ssh2.ts';
import type { AlgorithmList, Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';

/** How to authenticate. Secrets live only in this object for the duration of the connect. */
export type SshAuth =
  | { readonly kind: 'agent'; readonly socket: string }
  | { readonly kind: 'key'; readonly privateKey: Buffer; readonly passphrase?: string }
  | { readonly kind: 'password'; readonly password: string };

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly auth: SshAuth;
  /**
   * Decides on the host key (raw SSH key blob). Mandatory: ssh2 accepts every key when no verifier
   * is given, which is exactly the silent accept this app never does.
   */
  readonly verifyHostKey: (key: Buffer) => Promise<boolean>;
  readonly readyTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Host-key algorithms to negotiate first: those of keys already on record, as OpenSSH does, so a
   * host known by its ECDSA key is not shown as "new" because it also has an Ed25519 key.
   */
  readonly preferHostKeyTypes?: readonly string[];
}

const HOST_KEY_ALGORITHMS: Record<string, readonly string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Why a connection or command failed, in a form the UI can branch on. */
export type SshFailure = 'unreachable' | 'timeout' | 'auth' | 'host-key' | 'protocol' | 'cancelled' | 'command-timeout';

export class SshError extends Error {
  readonly reason: SshFailure;
  constructor(reason: SshFailure, message: string) {
    super(message);
    this.name = 'SshError';
    this.reason = reason;
  }
}

const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (no SSH server listening on that port)',
  EHOSTUNREACH: 'host unreachable (no route or no answer to ARP)',
  ENETUNREACH: 'network unreachable (no route to that address)',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the host',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS temporarily unavailable)',
};

function classify(e: Error & { level?: string; code?: string }, hostKeyRejected: boolean): SshError {
  if (hostKeyRejected) return new SshError('host-key', 'host key not accepted');
  const code = e.code ?? '';
  if (SOCKET_REASONS[code]) return new SshError('unreachable', SOCKET_REASONS[code]!);
  if (e.level === 'client-authentication') return new SshError('auth', 'authentication failed (wrong user, password or key?)');
  if (e.level === 'client-timeout')
    return new SshError('timeout', e.message.includes('handshake') ? 'no SSH handshake in time (host down or not an SSH server?)' : e.message);
  if (e.level === 'client-dns') return new SshError('unreachable', `host name not found (${e.message})`);
  if (e.level === 'agent') return new SshError('auth', `SSH agent: ${e.message}`);
  return new SshError('protocol', e.message);
}

/** Output of a finished command. */
export interface ExecResult {
  /** Exit status; `null` when the command died from a signal. */
  readonly code: number | null;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, then stdin is closed. */
  readonly stdin?: string | Buffer;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
}

/** A running command with its stdin kept open (see {@link SshSession.openChannel}). */
export interface CommandChannel {
  /** Writes to the command's stdin (ignored once it has ended). */
  write(data: string): void;
  /** False once the command ended or was closed. */
  readonly open: boolean;
  /** Resolves when the command ends: exit status and the tail of stderr. */
  readonly ended: Promise<ExecResult>;
  /** Stops the command (TERM, then the channel is closed). */
  close(): void;
}

/** An open SSH connection. */
export class SshSession {
  readonly #client: Client;
  #closed = false;

  constructor(client: Client) {
    this.#client = client;
    client.on('close', () => {
      this.#closed = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `command` (a remote shell line). Never throws on a non-zero exit: look at `code`. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new SshError('cancelled', 'cancelled'));
    if (this.#closed) return Promise.reject(new SshError('unreachable', 'connection closed'));
    return new Promise((resolve, reject) => {
      let stream: ClientChannel | undefined;
      let settled = false;
      let stdout = '';
      let stderr = '';
      let timer: NodeJS.Timeout | undefined;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const kill = () => {
        if (!stream) return;
        // TERM rather than KILL: sudo passes TERM on to the command it runs, KILL would orphan it.
        // Closing the channel afterwards makes sshd hang up whatever is left.
        try {
          stream.signal('TERM');
        } catch {
          /* channel may already be gone */
        }
        stream.close();
      };
      const onAbort = () => {
        kill();
        finish(() => reject(new SshError('cancelled', 'cancelled')));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs) {
        timer = setTimeout(() => {
          kill();
          finish(() => reject(new SshError('command-timeout', `command did not finish within ${Math.round(options.timeoutMs! / 1000)} s`)));
        }, options.timeoutMs);
      }
      this.#client.exec(command, (error, ch) => {
        if (error) {
          finish(() => reject(new SshError('protocol', `could not start the command: ${error.message}`)));
          return;
        }
        stream = ch;
        if (settled) {
          kill();
          return;
        }
        ch.setEncoding('utf8');
        ch.stderr.setEncoding('utf8');
        ch.on('data', (d: string) => {
          stdout += d;
          options.onStdout?.(d);
        });
        ch.stderr.on('data', (d: string) => {
          stderr += d;
          options.onStderr?.(d);
        });
        ch.on('close', (code: number | null | undefined, sig?: string) => {
          finish(() => resolve({ code: typeof code === 'number' ? code : null, ...(sig ? { signal: sig } : {}), stdout, stderr }));
        });
        ch.on('error', (e: Error) => finish(() => reject(new SshError('protocol', e.message))));
        if (options.stdin !== undefined) ch.end(options.stdin);
        else ch.end();
      });
    });
  }

  /**
   * Starts `command` and keeps its stdin open: the caller writes to it and reads what it prints
   * (`onStdout`) for as long as the command runs. `ended` resolves when the command ends, with its
   * exit status and the last 4 KiB of stderr (stdout goes to `onStdout` only).
   */
  openChannel(command: string, onStdout: (chunk: string) => void, signal?: AbortSignal): Promise<CommandChannel> {
    if (signal?.aborted) return Promise.reject(new SshError('cancelled', 'cancelled'));
    if (this.#closed) return Promise.reject(new SshError('unreachable', 'connection closed'));
    return new Promise((resolve, reject) => {
      this.#client.exec(command, (error, ch) => {
        if (error) {
          reject(new SshError('protocol', `could not start the command: ${error.message}`));
          return;
        }
        let stderr = '';
        let open = true;
        const close = () => {
          if (!open) return;
          open = false;
          signal?.removeEventListener('abort', close);
          try {
            ch.signal('TERM');
          } catch {
            /* channel may already be gone */
          }
          ch.close();
        };
        if (signal?.aborted) {
          close();
          reject(new SshError('cancelled', 'cancelled'));
          return;
        }
        signal?.addEventListener('abort', close, { once: true });
        ch.setEncoding('utf8');
        ch.stderr.setEncoding('utf8');
        ch.on('data', onStdout);
        ch.stderr.on('data', (d: string) => {
          stderr = (stderr + d).slice(-4096);
        });
        const ended = new Promise<ExecResult>((done) => {
          ch.on('close', (code: number | null | undefined, sig?: string) => {
            open = false;
            signal?.removeEventListener('abort', close);
            done({ code: typeof code === 'number' ? code : null, ...(sig ? { signal: sig } : {}), stdout: '', stderr });
          });
        });
        ch.on('error', () => close());
        resolve({
          write: (data) => {
            if (open) ch.write(data);
          },
          get open() {
            return open;
          },
          ended,
          close,
        });
      });
    });
  }

  close(): void {
    if (!this.#closed) this.#client.end();
    this.#closed = true;
  }
}

/** Connects and authenticates. Rejects with an {@link SshError}. */
export async function connect(options: ConnectOptions): Promise<SshSession> {
  const { signal } = options;
  if (signal?.aborted) throw new SshError('cancelled', 'cancelled');
  const ssh2 = await loadSsh2();
  if (signal?.aborted) throw new SshError('cancelled', 'cancelled');
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    let hostKeyRejected = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      client.destroy();
      finish(() => reject(new SshError('cancelled', 'cancelled')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const config: ConnectConfig = {
      host: options.host,
      port: options.port,
      username: options.username,
      readyTimeout: options.readyTimeoutMs ?? 10_000,
      keepaliveInterval: options.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        options.verifyHostKey(key).then(
          (ok) => {
            if (!ok) hostKeyRejected = true;
            verify(ok);
          },
          () => {
            hostKeyRejected = true;
            verify(false);
          },
        );
      },
    };
    const preferred = (options.preferHostKeyTypes ?? []).flatMap((t) => HOST_KEY_ALGORITHMS[t] ?? []);
    if (preferred.length) {
      // ssh2 skips a `prepend` of an algorithm already in its list, so remove it first (keys are applied in order).
      config.algorithms = { serverHostKey: { remove: preferred, prepend: preferred } as unknown as AlgorithmList<ServerHostKeyAlgorithm> };
    }
    const a = options.auth;
    if (a.kind === 'agent') config.agent = a.socket;
    else if (a.kind === 'key') {
      config.privateKey = a.privateKey;
      if (a.passphrase !== undefined) config.passphrase = a.passphrase;
    } else {
      config.password = a.password;
      // Servers that only offer keyboard-interactive get the same password for their one prompt.
      config.tryKeyboard = true;
      client.on('keyboard-interactive', (_name, _instr, _lang, prompts, answer) => {
        answer(prompts.map(() => a.password));
      });
    }
    client.on('ready', () => finish(() => resolve(new SshSession(client))));
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      client.destroy();
      finish(() => reject(classify(e, hostKeyRejected)));
    });
    client.on('close', () => finish(() => reject(new SshError('unreachable', 'connection closed by the host before login'))));
    try {
      client.connect(config);
    } catch (e) {
      finish(() => reject(new SshError('protocol', (e as Error).message)));
    }
  });
}

/**
 * One host's poll loop: a `sh -s` kept open over the host's SSH connection, told the poll function
 * once (shared/live/script.ts `pollLoopScript`) and then sent one short line per poll
 * (`lvsd_poll N`); the answer is everything it prints up to `@@lvsd-poll-end N`. Compared with one
 * exec per poll (open a channel, send the script, close) this is one SSH data packet each way, which
 * is what keeps polling 50 directors every 2 s cheap for the app.
 */
import { POLL_END } from '../../../shared/live/script.ts';
import type { CommandChannel, SshSession } from '../ssh/session.ts';
import { SshError } from '../ssh/session.ts';

/**
 * The command that runs the loop: root runs the shell directly, another user through `sudo -n`
 * (ipvsadm needs CAP_NET_ADMIN even to list), never with a password prompt.
 */
export const LIVE_COMMAND = 'if [ "$(id -u)" = 0 ]; then exec sh -s; else exec sudo -n sh -s; fi';

/** A host that prints more than this for one poll is cut off (the answer is bounded by design; junk is not). */
export const MAX_ANSWER_CHARS = 8 * 1024 * 1024;

interface Waiting {
  readonly seq: number;
  readonly resolve: (answer: string) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Why the poll shell ended, in words for the host's row. */
function endReason(r: { code: number | null; signal?: string; stderr: string }): Error {
  const why = r.stderr.trim().split('\n').slice(-2).join(' ') || `exit ${r.code ?? r.signal}`;
  return new Error(
    /password is required|sudo/.test(why) ? `not root and sudo -n refused (${why}); the live view needs root or passwordless sudo for ipvsadm` : why,
  );
}

export class PollLoop {
  #channel: CommandChannel | null = null;
  #buf = '';
  #scanFrom = 0;
  #seq = 0;
  #waiting: Waiting | null = null;
  #ended: Error | null = null;

  private constructor() {}

  /** Starts the shell on `session` and sends `preamble` (environment exports and the poll function). */
  static async open(session: SshSession, preamble: string, signal?: AbortSignal): Promise<PollLoop> {
    const loop = new PollLoop();
    const channel = await session.openChannel(LIVE_COMMAND, (d) => loop.#onData(d), signal);
    loop.#channel = channel;
    void channel.ended.then((r) => loop.#onEnd(endReason(r)));
    channel.write(preamble);
    return loop;
  }

  /** False once the shell ended (sudo refused, killed, connection gone) or the loop was closed. */
  get open(): boolean {
    return this.#ended === null && (this.#channel?.open ?? false);
  }

  /** Runs one poll; rejects when the shell ends first or no answer comes within `timeoutMs` (the loop is then closed). */
  poll(timeoutMs: number): Promise<string> {
    if (!this.open) return Promise.reject(this.#ended ?? new SshError('unreachable', 'the poll shell is closed'));
    if (this.#waiting) return Promise.reject(new Error('the previous poll of this host is still running'));
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new SshError('command-timeout', `command did not finish within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.#waiting = { seq, resolve, reject, timer };
      this.#channel!.write(`lvsd_poll ${seq}\n`);
    });
  }

  /** Stops the shell. A poll still waiting is rejected. */
  close(): void {
    this.#fail(new SshError('cancelled', 'cancelled'));
  }

  #fail(e: Error): void {
    if (!this.#ended) this.#ended = e;
    this.#channel?.close();
    const w = this.#waiting;
    this.#waiting = null;
    if (w) {
      clearTimeout(w.timer);
      w.reject(e);
    }
  }

  #onEnd(e: Error): void {
    this.#fail(this.#ended ?? e);
  }

  #onData(chunk: string): void {
    this.#buf += chunk;
    if (this.#buf.length > MAX_ANSWER_CHARS) {
      this.#buf = '';
      this.#fail(new Error(`the host sent more than ${MAX_ANSWER_CHARS / 1024 / 1024} MiB for one poll; cut off`));
      return;
    }
    const w = this.#waiting;
    if (!w) return;
    const marker = `\n${POLL_END} ${w.seq}\n`;
    const at = this.#buf.indexOf(marker, this.#scanFrom);
    if (at < 0) {
      // the marker may straddle two chunks: look again from just before this chunk's end
      this.#scanFrom = Math.max(0, this.#buf.length - marker.length);
      return;
    }
    const answer = this.#buf.slice(0, at + 1);
    this.#buf = this.#buf.slice(at + marker.length);
    this.#scanFrom = 0;
    this.#waiting = null;
    clearTimeout(w.timer);
    w.resolve(answer);
  }
}

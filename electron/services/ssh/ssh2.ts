/**
 * ssh2 on first use: `lvsd serve` and the app's main process start without loading it (about 40 ms
 * of module evaluation and a native binding), since most sessions never open an SSH connection.
 */
import type ssh2Module from 'ssh2';

let loading: Promise<typeof ssh2Module> | undefined;

/** The ssh2 module, loaded once. */
export function loadSsh2(): Promise<typeof ssh2Module> {
  loading ??= import('ssh2').then((m) => m.default);
  return loading;
}

/**
 * What every lab test file needs: why the qemu lab cannot run here (then the file is skipped and
 * says so), and one VM booted for the file's describe block.
 */
import { afterAll, beforeAll } from 'vitest';
import type { LabVm } from '../../electron/services/lab/vm.ts';
import { bootLab, labUnavailableReason, shutdownLab } from '../../electron/services/lab/vm.ts';

/** Null when the lab can run (qemu, the kernel image, root); else the reason, also printed for `file`. */
export function labSkipReason(file: string): string | null {
  const reason = labUnavailableReason() ?? (process.getuid?.() === 0 ? null : 'the lab test runs as root (it builds into /var/cache)');
  if (reason) console.warn(`tests/lab/${file}: skipped: ${reason}`);
  return reason;
}

/**
 * Boots a lab VM before the enclosing describe block's tests (its own `beforeAll` hooks registered
 * after this call run after the boot) and shuts it down after them. Returns the accessor of the VM.
 */
export function useLabVm(bootTimeoutMs = 300_000): () => LabVm {
  let vm: LabVm | undefined;
  beforeAll(async () => {
    vm = await bootLab();
  }, bootTimeoutMs);
  afterAll(async () => {
    if (vm) await shutdownLab(vm);
  }, 30_000);
  return () => {
    if (!vm) throw new Error('the lab VM did not boot');
    return vm;
  };
}

/**
 * Runs an import in a Web Worker and resolves with its result; `cancel()` stops the worker. Where
 * workers are unavailable (an old Electron protocol handler, a test shim) it runs in this thread.
 */
import type { ImportRequest } from './importWorker.ts';
import type { ImportOutcome } from './runRequest.ts';

export type { ImportOutcome, ImportRunKind } from './runRequest.ts';

export interface RunningImport {
  readonly done: Promise<ImportOutcome>;
  cancel(): void;
}

// Loaded only for the fallback: the importers otherwise live in the worker's own bundle.
const inThread = async (req: ImportRequest): Promise<ImportOutcome> => (await import('./runRequest.ts')).runRequest(req);

/** Starts the import of `req` off the UI thread. */
export function runImport(req: ImportRequest): RunningImport {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./importWorker.ts', import.meta.url), { type: 'module' });
  } catch {
    return { done: inThread(req), cancel: () => undefined };
  }
  let settle: ((o: ImportOutcome) => void) | undefined;
  let fail: ((e: Error) => void) | undefined;
  const done = new Promise<ImportOutcome>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  worker.onmessage = (e: MessageEvent<ImportOutcome>) => {
    worker.terminate();
    settle?.(e.data);
  };
  worker.onerror = (e) => {
    worker.terminate();
    // A worker that cannot start (blocked script) falls back to this thread; a crash inside is an error.
    if (e.message === '' || /load|script|import/i.test(e.message)) {
      inThread(req).then(
        (o) => settle?.(o),
        (err: unknown) => fail?.(err as Error),
      );
    } else fail?.(new Error(e.message));
  };
  worker.postMessage(req);
  return {
    done,
    cancel: () => {
      worker.terminate();
      fail?.(new Error('cancelled'));
    },
  };
}

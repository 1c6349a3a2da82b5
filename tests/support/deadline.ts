/**
 * Waiting in tests without sleeping: for an event (a promise) or a condition, each with a deadline
 * that fails the test saying what never happened. Deadlines only bound a hang; speed is measured in
 * benchmarks, never here.
 */

/** Resolves as `promise` does, or rejects once `ms` pass: "timed out after N ms waiting for WHAT". */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Checks `condition` every `intervalMs` until it holds; rejects like {@link withDeadline} after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, { timeoutMs = 5000, intervalMs = 20 } = {}): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

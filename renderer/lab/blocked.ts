/** Why "Run in the built-in lab" is refused (no DOM, no store: unit-tested on its own). */

/** Why a lab run cannot start, as a key of `lab.blocked.*`, or null. */
export function labBlockedReason(c: { hosts: number; busy: boolean; errors: number; override: boolean }): 'errors' | 'no-hosts' | 'busy' | null {
  if (c.hosts === 0) return 'no-hosts';
  if (c.busy) return 'busy';
  if (c.errors > 0 && !c.override) return 'errors';
  return null;
}

/** True while a lab run is between its start and its end (VM starting, deploying, stopping). */
export const labWorking = (phase: string): boolean => phase === 'starting' || phase === 'deploying' || phase === 'stopping';

/**
 * The deploy gate: a design the checker finds errors in is not planned or applied — in the app, in
 * `lvsd serve` and in the CLI alike (the engine runs it for every front end) — unless the request
 * says `overrideErrors`, which is logged with the list of errors. Rollback is never gated: undoing
 * a deploy must always be possible.
 */
import type { Topology } from '../../../shared/model/types.ts';
import { validate } from '../../../shared/validation/index.ts';

export interface GateVerdict {
  /** Why the run may not go on; `null` when it may. */
  readonly blocked: string | null;
  /** The override that let it go on anyway (to log); `null` when there was none. */
  readonly overridden: string | null;
  readonly errors: readonly string[];
}

/** Checks a design before a plan or an apply. */
export function deployGate(topology: Topology, mode: 'dry-run' | 'apply' | 'rollback', overrideErrors = false): GateVerdict {
  if (mode === 'rollback') return { blocked: null, overridden: null, errors: [] };
  const errors = validate(topology)
    .filter((p) => p.severity === 'error')
    .map((p) => `error ${p.rule}: ${p.message}`);
  if (errors.length === 0) return { blocked: null, overridden: null, errors };
  const n = `${errors.length} checker error${errors.length === 1 ? '' : 's'}`;
  const list = errors.map((e) => `  ${e}`).join('\n');
  if (!overrideErrors)
    return {
      blocked: `the design has ${n}; fix them (lvsd validate, or the Problems panel) or override explicitly (--force):\n${list}`,
      overridden: null,
      errors,
    };
  return { blocked: null, overridden: `OVERRIDE: going on despite ${n} (overrideErrors / --force):\n${list}`, errors };
}

/**
 * The rule checker's findings as the UI uses them (counts, worst severity per canvas item). They are
 * a pure function of the topology, memoised on its identity: moving a node changes only the
 * layout, so dragging never re-runs the checker.
 */
import type { Host, Id, Topology } from '../../shared/model/types.ts';
import type { Problem } from '../../shared/validation/index.ts';
import { validate } from '../../shared/validation/index.ts';

export type { Problem } from '../../shared/validation/index.ts';

/** Diagnostics of a topology plus the per-item severity the canvas paints. */
export interface Diagnostics {
  readonly problems: readonly Problem[];
  readonly errors: number;
  readonly warnings: number;
  /** Worst severity per canvas item id (host, segment, interface/edge). */
  readonly severity: ReadonlyMap<Id, 'error' | 'warning'>;
  /** Canvas item (host or segment id) that each ref points at. */
  readonly owner: ReadonlyMap<Id, Id>;
}

/** Maps every id in the topology to the canvas node that shows it. */
export function ownerMap(t: Topology): Map<Id, Id> {
  const owner = new Map<Id, Id>();
  const hostOf = new Map<Id, Host>();
  for (const h of t.hosts) {
    owner.set(h.id, h.id);
    hostOf.set(h.id, h);
    for (const f of h.interfaces) owner.set(f.id, h.id);
  }
  for (const s of t.segments) owner.set(s.id, s.id);
  for (const v of t.services) for (const r of v.realServers) owner.set(r.id, r.host);
  return owner;
}

let lastTopology: Topology | null = null;
let lastResult: Diagnostics | null = null;

/** Runs the checker (memoised on the topology object). Never throws: a crash becomes a problem. */
export function diagnose(t: Topology): Diagnostics {
  if (t === lastTopology && lastResult) return lastResult;
  let problems: readonly Problem[] = [];
  try {
    problems = validate(t);
  } catch (e) {
    problems = [
      {
        rule: 'checker/crash',
        severity: 'error',
        message: `The checker failed: ${(e as Error).message}`,
        fix: 'Report this design as a bug.',
        refs: [],
        zh: { message: `检查器出错：${(e as Error).message}`, fix: '请把这个设计作为缺陷报告。' },
      },
    ];
  }
  const owner = ownerMap(t);
  const severity = new Map<Id, 'error' | 'warning'>();
  let errors = 0;
  let warnings = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors++;
    else if (p.severity === 'warning') warnings++;
    else continue;
    for (const ref of p.refs) {
      for (const id of [ref, owner.get(ref)]) {
        if (id === undefined) continue;
        if (p.severity === 'error' || severity.get(id) !== 'error') severity.set(id, p.severity);
      }
    }
  }
  lastTopology = t;
  lastResult = { problems, errors, warnings, severity, owner };
  return lastResult;
}

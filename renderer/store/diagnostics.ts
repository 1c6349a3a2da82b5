/**
 * The rule checker's findings as the UI uses them (counts, worst severity per canvas item). They are
 * a pure function of the topology, memoised on its identity: moving a node changes only the
 * layout, so dragging never re-runs the checker.
 *
 * The checker's module loads after the first paint (`loadChecker`); until it is there every
 * topology diagnoses as `pending` — nothing found yet, shown as "checking" — and the store's
 * `checker` field tells the selectors to look again when it arrives.
 */
import type { Host, Id, Topology } from '../../shared/model/types.ts';
import type { Problem } from '../../shared/validation/index.ts';
import type { QuickFix } from '../../shared/validation/quickfixes.ts';
import type * as CheckerModule from './checker.ts';

export type { Problem } from '../../shared/validation/index.ts';

type Checker = typeof CheckerModule;
let checker: Checker | null = null;
let loading: Promise<void> | null = null;

/** Loads the checker (once; later calls share the first load). Rejects when its module cannot be fetched. */
export function loadChecker(): Promise<void> {
  loading ??= import('./checker.ts').then(
    (m) => {
      checker = m;
    },
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

/** The quick-fix of a listed problem (there are problems only once the checker is loaded). */
export function quickFixFor(t: Topology, p: Problem): QuickFix | null {
  return checker?.quickFixFor(t, p) ?? null;
}

/** Diagnostics of a topology plus the per-item severity the canvas paints. */
export interface Diagnostics {
  /** The checker has not loaded yet: nothing is known about the design (not "no problems"). */
  readonly pending: boolean;
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
let lastChecker: Checker | null = null;
let lastResult: Diagnostics | null = null;

/** Runs the checker (memoised on the topology object). Never throws: a crash becomes a problem. */
export function diagnose(t: Topology): Diagnostics {
  if (t === lastTopology && checker === lastChecker && lastResult) return lastResult;
  lastTopology = t;
  lastChecker = checker;
  if (!checker) {
    lastResult = { pending: true, problems: [], errors: 0, warnings: 0, severity: new Map(), owner: ownerMap(t) };
    return lastResult;
  }
  let problems: readonly Problem[] = [];
  try {
    problems = checker.validate(t);
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
  lastResult = { pending: false, problems, errors, warnings, severity, owner };
  return lastResult;
}

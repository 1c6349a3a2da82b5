/**
 * Locked elements of an assignment: which of them an edit removed or changed. Apart from the goal
 * evaluation (goals.ts) because the designer's document slice checks every edit with it, and the
 * goals pull in the simulator and the checker.
 */
import type { Topology } from '../model/types.ts';

/** Canonical JSON (sorted keys) for comparing locked elements. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** Of `ids`, those present in `before` that `after` removed or changed (hosts, segments, services, director groups). */
export function changedElements(ids: readonly string[], before: Topology, after: Topology): string[] {
  const out: string[] = [];
  const all = (x: Topology): Map<string, unknown> =>
    new Map<string, unknown>([...x.hosts, ...x.segments, ...x.services, ...(x.directorGroups ?? [])].map((e) => [e.id, e] as const));
  const b0 = all(before);
  const a0 = all(after);
  for (const id of ids) {
    const b = b0.get(id);
    if (b === undefined) continue;
    const a = a0.get(id);
    if (a === b) continue;
    if (a === undefined || canonical(a) !== canonical(b)) out.push(id);
  }
  return out;
}

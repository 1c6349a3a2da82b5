/**
 * The LVS Designer rule checker: `validate(topology)` runs every rule in {@link RULES} over one
 * shared index and returns the problems, errors first, then warnings, then info.
 */
import type { Topology } from '../model/types.ts';
import type { Problem, Rule, Severity } from './rule.ts';
import { buildContext } from './context.ts';
import { RULES } from './rules/index.ts';

export type { Finding, LocalizedFinding, Problem, Rule, Severity } from './rule.ts';
export { SEVERITIES } from './rule.ts';
export type { CheckContext } from './context.ts';
export { buildContext } from './context.ts';
export { RULES } from './rules/index.ts';

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Finds a rule by its id. */
export const ruleById = (id: string): Rule | undefined => RULES.find((r) => r.id === id);

/**
 * Checks a topology against every rule. The result is sorted by severity (error, warning, info);
 * within a severity, problems keep rule order and then the order the rule found them, so the
 * output is stable for a given design.
 * @example validate(file.topology).filter((p) => p.severity === 'error')
 */
export function validate(topology: Topology, rules: readonly Rule[] = RULES): Problem[] {
  const ctx = buildContext(topology);
  const out: Problem[] = [];
  for (const rule of rules) {
    for (const f of rule.check(ctx)) {
      out.push({ rule: rule.id, severity: f.severity ?? rule.severity, message: f.message, fix: f.fix, refs: [...new Set(f.refs)], zh: f.zh });
    }
  }
  // Array.prototype.sort is stable, so equal severities keep rule/finding order.
  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** Counts problems by severity. */
export function countBySeverity(problems: readonly Problem[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const p of problems) counts[p.severity]++;
  return counts;
}

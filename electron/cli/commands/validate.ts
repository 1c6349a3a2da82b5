/**
 * `lvsd validate FILE [--json]` — checks a design with every rule and prints the problems.
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: bad usage or unreadable file.
 */
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { loadDesign } from '../loadDesign.ts';
import { parseCommandLine } from '../options.ts';
import type { Problem, Severity } from '../../../shared/validation/index.ts';
import { countBySeverity, RULES, validate } from '../../../shared/validation/index.ts';

const USAGE = 'usage: lvsd validate FILE [--json]\n       lvsd validate --rules [--json]   (list the rules)\n';

const HEADINGS: Readonly<Record<Severity, string>> = { error: 'Errors', warning: 'Warnings', info: 'Info' };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Human-readable report, grouped by severity. */
export function formatReport(file: string, problems: readonly Problem[]): string {
  const counts = countBySeverity(problems);
  const lines: string[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    const group = problems.filter((p) => p.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${HEADINGS[severity]} (${group.length}):`);
    for (const p of group) {
      lines.push(`  ${severity} [${p.rule}] ${p.message}`);
      lines.push(`    fix: ${p.fix}`);
      if (p.refs.length > 0) lines.push(`    refs: ${p.refs.join(', ')}`);
    }
    lines.push('');
  }
  const summary = `${file}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
  lines.push(counts.error === 0 ? `${summary} — the design has no errors.` : summary);
  return `${lines.join('\n')}\n`;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine({ command: 'validate', usage: USAGE, options: { json: { type: 'boolean', default: false }, rules: { type: 'boolean', default: false } } }, argv, io);
  if (typeof parsed === 'number') return parsed;
  if (parsed.values.rules) {
    if (parsed.positionals.length > 0) return parsed.usageError('--rules takes no FILE');
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify({ rules: RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, description: r.description })) })}\n`);
    } else {
      const width = Math.max(...RULES.map((r) => r.id.length));
      io.stdout(`${RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.title}`).join('\n')}\n${RULES.length} rules; details in docs/rules.md\n`);
    }
    return EXIT.ok;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) return parsed.usageError(file === undefined ? 'missing FILE' : `unexpected argument "${extra[0]}"`);
  const design = await loadDesign('validate', file, io);
  if (!design) return EXIT.unusable;
  const problems = validate(design.topology);
  if (parsed.values.json) {
    const out = { problems: problems.map((p) => ({ rule: p.rule, severity: p.severity, message: p.message, fix: p.fix, refs: [...p.refs] })) };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else {
    io.stdout(formatReport(file, problems));
  }
  return problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
};

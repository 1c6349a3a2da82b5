/**
 * `lvsd validate FILE [--json] [--lang en|zh]` — checks a design with every rule and prints the problems
 * (`--lang zh`: messages, fixes and rule titles in Simplified Chinese).
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: bad usage or unreadable file.
 */
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { loadDesign } from '../loadDesign.ts';
import { parseCommandLine } from '../options.ts';
import type { Problem, Severity } from '../../../shared/validation/index.ts';
import { countBySeverity, RULES, validate } from '../../../shared/validation/index.ts';

const USAGE = 'usage: lvsd validate FILE [--json] [--lang en|zh]\n       lvsd validate --rules [--json] [--lang en|zh]   (list the rules)\n';

type Lang = 'en' | 'zh';

const HEADINGS: Readonly<Record<Lang, Readonly<Record<Severity, string>>>> = {
  en: { error: 'Errors', warning: 'Warnings', info: 'Info' },
  zh: { error: '错误', warning: '警告', info: '提示' },
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Human-readable report, grouped by severity. */
export function formatReport(file: string, problems: readonly Problem[], lang: Lang = 'en'): string {
  const counts = countBySeverity(problems);
  const lines: string[] = [];
  for (const severity of ['error', 'warning', 'info'] as const) {
    const group = problems.filter((p) => p.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${HEADINGS[lang][severity]} (${group.length}):`);
    for (const p of group) {
      const text = lang === 'zh' ? p.zh : p;
      lines.push(`  ${severity} [${p.rule}] ${text.message}`);
      lines.push(`    ${lang === 'zh' ? '修复' : 'fix'}: ${text.fix}`);
      if (p.refs.length > 0) lines.push(`    refs: ${p.refs.join(', ')}`);
    }
    lines.push('');
  }
  if (lang === 'zh') {
    const summary = `${file}：${counts.error} 个错误，${counts.warning} 个警告，${counts.info} 条提示`;
    lines.push(counts.error === 0 ? `${summary}——设计中没有错误。` : summary);
    return `${lines.join('\n')}\n`;
  }
  const summary = `${file}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
  lines.push(counts.error === 0 ? `${summary} — the design has no errors.` : summary);
  return `${lines.join('\n')}\n`;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    { command: 'validate', usage: USAGE, options: { json: { type: 'boolean', default: false }, rules: { type: 'boolean', default: false }, lang: { type: 'string', default: 'en' } } },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const lang = parsed.values.lang;
  if (lang !== 'en' && lang !== 'zh') return parsed.usageError(`--lang must be en or zh, not "${lang}"`);
  if (parsed.values.rules) {
    if (parsed.positionals.length > 0) return parsed.usageError('--rules takes no FILE');
    if (parsed.values.json) {
      io.stdout(`${JSON.stringify({ rules: RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, titleZh: r.titleZh, description: r.description })) })}\n`);
    } else {
      const width = Math.max(...RULES.map((r) => r.id.length));
      const footer = lang === 'zh' ? `共 ${RULES.length} 条规则；详见 docs/rules.md` : `${RULES.length} rules; details in docs/rules.md`;
      io.stdout(`${RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${lang === 'zh' ? r.titleZh : r.title}`).join('\n')}\n${footer}\n`);
    }
    return EXIT.ok;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) return parsed.usageError(file === undefined ? 'missing FILE' : `unexpected argument "${extra[0]}"`);
  const design = await loadDesign('validate', file, io);
  if (!design) return EXIT.unusable;
  const problems = validate(design.topology);
  if (parsed.values.json) {
    // The same keys in both languages; --lang zh puts the Chinese message and fix in them.
    const text = (p: Problem) => (lang === 'zh' ? p.zh : p);
    const out = { problems: problems.map((p) => ({ rule: p.rule, severity: p.severity, message: text(p).message, fix: text(p).fix, refs: [...p.refs] })) };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else {
    io.stdout(formatReport(file, problems, lang));
  }
  return problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
};

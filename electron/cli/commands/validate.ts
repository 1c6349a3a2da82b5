/**
 * `lvsd validate FILE [--json] [--lang en|zh] [--ha]` — checks a design with every rule and prints the problems
 * (`--lang zh`: messages, fixes and rule titles in Simplified Chinese); `--ha` adds the "will it fail over?"
 * table of every HA director group (single and double failures).
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: bad usage or unreadable file.
 */
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { loadDesign } from '../loadDesign.ts';
import { parseCommandLine } from '../options.ts';
import type { Problem, Severity } from '../../../shared/validation/index.ts';
import { countBySeverity, RULES, validate } from '../../../shared/validation/index.ts';
import type { GroupAnalysis } from '../../../shared/ha/analysis.ts';
import { analyseFailover } from '../../../shared/ha/analysis.ts';
import { hostId } from '../../../shared/model/ids.ts';

const USAGE =
  'usage: lvsd validate FILE [--json] [--lang en|zh] [--ha]   (--ha: failover analysis of the HA groups)\n       lvsd validate --rules [--json] [--lang en|zh]   (list the rules)\n';

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

const OUTCOME: Readonly<Record<string, string>> = {
  unchanged: 'ok',
  failover: 'FAILOVER',
  'no-failover': 'NO FAILOVER',
  outage: 'OUTAGE',
  'split-brain': 'SPLIT BRAIN',
  'broken-holder': 'BROKEN',
};

/** The failover table: one line per scenario (failure, VIP holder, outcome, takeover time, connections), then what clients see. */
export function formatHaTable(analyses: readonly GroupAnalysis[], hostName: (id: string) => string): string {
  if (analyses.length === 0) return 'No HA director groups in this design.\n';
  const lines: string[] = [];
  for (const a of analyses) {
    lines.push(`HA group ${a.name}: master when all is well = ${a.steadyHolder ? hostName(a.steadyHolder) : 'none'}`);
    const rows = a.scenarios.map((s) => {
      const failure = s.text.en.split(': ')[0]!;
      const holder = s.holders.length === 0 ? '-' : s.holders.map(hostName).join('+');
      const time = s.takeoverSeconds === null ? '' : `${s.takeoverSeconds.toFixed(3)} s`;
      const conns = s.connectionsSurvive === null ? '' : s.connectionsSurvive ? 'kept' : 'lost';
      return [failure, holder, OUTCOME[s.outcome] ?? s.outcome, time, conns, s.text.en.slice(failure.length + 2)];
    });
    const head = ['failure', 'VIP holder', 'outcome', 'takeover', 'connections'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: readonly string[]) =>
      r
        .slice(0, 5)
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    lines.push(`  ${fmt(head)}`);
    for (const r of rows) lines.push(`  ${fmt(r)}`);
    const bad = a.scenarios.filter((s) => s.outcome !== 'unchanged' && s.outcome !== 'failover');
    if (bad.length > 0) {
      lines.push('  What clients see where it goes wrong:');
      for (const s of bad.filter((x) => x.failures.length === 1)) lines.push(`  - ${s.text.en}`);
      const doubles = bad.filter((x) => x.failures.length > 1).length;
      if (doubles > 0) lines.push(`  - and ${doubles} double failure${doubles === 1 ? '' : 's'} in the table above.`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    {
      command: 'validate',
      usage: USAGE,
      options: {
        json: { type: 'boolean', default: false },
        ha: { type: 'boolean', default: false },
        rules: { type: 'boolean', default: false },
        lang: { type: 'string', default: 'en' },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const lang = parsed.values.lang;
  if (lang !== 'en' && lang !== 'zh') return parsed.usageError(`--lang must be en or zh, not "${lang}"`);
  if (parsed.values.rules) {
    if (parsed.positionals.length > 0) return parsed.usageError('--rules takes no FILE');
    if (parsed.values.json) {
      io.stdout(
        `${JSON.stringify({ rules: RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, titleZh: r.titleZh, description: r.description })) })}\n`,
      );
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
  const ha = parsed.values.ha ? analyseFailover(design.topology) : undefined;
  if (parsed.values.json) {
    // The same keys in both languages; --lang zh puts the Chinese message and fix in them.
    const text = (p: Problem) => (lang === 'zh' ? p.zh : p);
    const out = {
      problems: problems.map((p) => ({ rule: p.rule, severity: p.severity, message: text(p).message, fix: text(p).fix, refs: [...p.refs] })),
      ...(ha ? { ha } : {}),
    };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else {
    if (ha) {
      const names = new Map(design.topology.hosts.map((h) => [h.id, h.name]));
      io.stdout(formatHaTable(ha, (id) => names.get(hostId(id)) ?? id));
    }
    io.stdout(formatReport(file, problems, lang));
  }
  return problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
};

/**
 * `npm run bench`: runs every `tests/bench/*.bench.ts` and prints its table. A bench module exports
 * `default: () => Promise<BenchTable | BenchTable[]>`. Targets are shown in the table, never asserted.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly note?: string;
}

function printTable(t: BenchTable): void {
  const cells = [t.columns.map(String), ...t.rows.map((r) => r.map(String))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n## ${t.title}`);
  console.log(line(cells[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
  if (t.note) console.log(t.note);
}

const dir = resolve('tests/bench');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: () => Promise<BenchTable | BenchTable[]> };
  try {
    const result = await mod.default();
    for (const t of Array.isArray(result) ? result : [result]) printTable(t);
  } catch (e) {
    console.log(`\n## ${f}\nfailed: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

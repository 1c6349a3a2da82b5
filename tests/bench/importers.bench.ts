/**
 * Importer benchmark: pasted text with one very long line (the issue-11 case: 20k characters took
 * 4.2 s, 40k 17.9 s with the old quadratic scan), a whole article many times over, and a large
 * `ipvsadm -L -n` table. Lines are capped at MAX_LINE_CHARS, so the long-line rows must stay flat.
 */
import { readFileSync } from 'node:fs';
import type { BenchTable } from '../../scripts/bench.ts';
import { importConfig } from '../../shared/importers/index.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
function timed(fn: () => unknown, runs = 3): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

export default async function bench(): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  for (const n of [20000, 40000, 1000000]) {
    const word = `${'net.ipv4.'.repeat(Math.floor(n / 9))}ip_forward=1`;
    rows.push([`commands: one line of ${n} characters`, timed(() => importConfig('commands', word)).toFixed(1), '< 100']);
  }
  const article = readFileSync('tests/fixtures/import/seed-article.txt', 'utf8');
  rows.push(['commands: the seed article ×100', timed(() => importConfig('commands', article.repeat(100))).toFixed(1), '< 2000']);
  const list = ['TCP  10.0.0.1:80 wrr'];
  for (let i = 0; i < 10000; i++) list.push(`  -> 10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}:80 Route 1 0 0`);
  rows.push(['ipvsadm -L -n: 10,000 real servers', timed(() => importConfig('ipvsadm-list', list.join('\n'))).toFixed(1), '< 2000']);
  return { title: 'Importers (median of 3, ms)', columns: ['input', 'ms', 'target'], rows };
}

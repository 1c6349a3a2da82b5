/**
 * Rule-checker speed: one full `validate()` (index build + every rule) on generated designs.
 * Targets: 1,000 hosts < 10 ms, 5,000 hosts < 60 ms (median).
 */
import type { BenchTable } from '../../scripts/bench.ts';
import { generateTopology } from '../../shared/model/generate.ts';
import { RULES, validate } from '../../shared/validation/index.ts';
import { buildContext } from '../../shared/validation/context.ts';

const TARGET_MS: Readonly<Record<number, number>> = { 1000: 10, 5000: 60 };

function measure(fn: () => void, runs: number): { median: number; min: number; max: number } {
  // Warm up the JIT so the first runs do not count compilation.
  for (let i = 0; i < 5; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times[times.length - 1]! };
}

const ms = (v: number): string => v.toFixed(2);

export default async function (): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const perRule: (string | number)[][] = [];
  for (const hosts of [10, 100, 1000, 5000]) {
    const t = generateTopology(hosts);
    const runs = hosts >= 5000 ? 21 : 51;
    const problems = validate(t).length;
    const m = measure(() => validate(t), runs);
    const target = TARGET_MS[hosts];
    rows.push([
      hosts,
      t.services.length,
      t.services.reduce((n, s) => n + s.realServers.length, 0),
      runs,
      ms(m.median),
      ms(m.min),
      ms(m.max),
      target === undefined ? '-' : `< ${target}`,
      target === undefined ? '-' : m.median < target ? 'met' : 'MISSED',
      problems,
    ]);
    if (hosts === 5000) {
      perRule.push(['(index build)', ms(measure(() => buildContext(t), 11).median)]);
      const ctx = buildContext(t);
      const timed = RULES.map((r) => ({ id: r.id, t: measure(() => r.check(ctx), 11).median }));
      for (const r of timed.sort((a, b) => b.t - a.t).slice(0, 8)) perRule.push([r.id, ms(r.t)]);
    }
  }
  return [
    {
      title: 'Validation: full rule check of a generated design',
      columns: ['hosts', 'services', 'real servers', 'runs', 'median ms', 'min ms', 'max ms', 'target ms', 'target', 'problems'],
      rows,
      note: 'Designs from shared/model/generate.ts (valid, so every rule runs to completion). Median of the runs after 5 warm-up runs.',
    },
    {
      title: 'Validation: slowest rules on 5,000 hosts',
      columns: ['rule', 'median ms'],
      rows: perRule,
      note: 'Each rule on one prebuilt index (lazy route tables already warm), median of 11 runs.',
    },
  ];
}

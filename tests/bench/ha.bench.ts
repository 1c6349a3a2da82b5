/**
 * "Will it fail over?" analysis speed: every single and double failure of every group, with the
 * design re-checked for each distinct VIP holder. Target: 10 groups × 4 members < 2 s (median).
 */
import type { BenchTable } from '../../scripts/bench.ts';
import { analyseFailover } from '../../shared/ha/analysis.ts';
import { generateHaTopology } from '../../shared/ha/generate.ts';

export default async function (): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  for (const [groups, members, target] of [
    [2, 2, 100],
    [10, 4, 2000],
  ] as const) {
    const t = generateHaTopology(groups, members);
    const times: number[] = [];
    let scenarios = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      scenarios = analyseFailover(t).reduce((n, g) => n + g.scenarios.length, 0);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[2]!;
    rows.push([`${groups} × ${members}`, scenarios, median.toFixed(1), times[0]!.toFixed(1), `< ${target}`, median < target ? 'ok' : 'SLOW']);
  }
  return {
    title: 'HA: failover analysis (single + double failures)',
    columns: ['groups × members', 'scenarios', 'median ms', 'min ms', 'target ms', ''],
    rows,
  };
}

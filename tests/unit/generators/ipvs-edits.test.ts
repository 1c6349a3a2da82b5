/**
 * The in-place IPVS edit planner of apply.sh (the `ipvs_edits` shell function), run with sh on its
 * own: no root and no IPVS needed, so it is checked everywhere.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import { loadExample } from './helpers.ts';

function plannerSource(): string {
  const r = renderHost(loadExample('nat-lab'), 'director');
  if (!r.ok) throw new Error(r.error);
  const apply = r.value.find((f) => f.path === 'apply.sh')!.content;
  const start = apply.indexOf('ipvs_edits() {');
  const end = apply.indexOf('\n}\n', start);
  expect(start).toBeGreaterThan(0);
  return apply.slice(start, end + 3);
}

function edits(current: string[], wanted: string[]): string[] {
  const script = `${plannerSource()}\nipvs_edits "$1" "$2"\n`;
  const r = spawnSync('sh', ['-c', script, 'sh', current.join('\n'), wanted.join('\n')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter((l) => l !== '');
}

const A = '-A -t 10.0.0.1:80 -s wrr';
const r1 = '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1';
const r2 = '-a -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 1';

describe('apply.sh plans in-place IPVS edits', () => {
  it('nothing to do when the tables are equal (in any order)', () => {
    expect(edits([r2, A, r1], [A, r1, r2])).toEqual([]);
  });
  it('a weight change is one -e', () => {
    expect(edits([A, r1, r2], [A, r1, r2.replace('-w 1', '-w 5')])).toEqual(['-e -t 10.0.0.1:80 -r 10.1.0.2:80 -m -w 5']);
  });
  it('removed servers first, then removed services, then service edits, then server adds and edits', () => {
    const B = '-A -u 10.0.0.9:53 -s rr';
    const b1 = '-a -u 10.0.0.9:53 -r 10.2.0.1:53 -g -w 1';
    const out = edits([A, r1, r2, B, b1], [A.replace('wrr', 'rr -p 300'), r1.replace('-m', '-g'), '-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 2']);
    expect(out).toEqual([
      '-d -t 10.0.0.1:80 -r 10.1.0.2:80',
      '-D -u 10.0.0.9:53',
      '-E -t 10.0.0.1:80 -s rr -p 300',
      '-e -t 10.0.0.1:80 -r 10.1.0.1:80 -g -w 1',
      '-a -t 10.0.0.1:80 -r 10.1.0.3:80 -m -w 2',
    ]);
  });
  it('a new service is added with its servers in design order; fwmark services too', () => {
    const F = '-A -f 7 -s wrr';
    const f1 = '-a -f 7 -r 10.3.0.1:0 -g -w 1';
    const f2 = '-a -f 7 -r 10.3.0.2:0 -g -w 1';
    expect(edits([A, r1], [A, r1, F, f2, f1])).toEqual([F, f2, f1]);
    expect(edits([A, r1, F, f1], [A, r1])).toEqual(['-D -f 7']);
  });
  it('an empty wish clears everything', () => {
    expect(edits([A, r1, r2], [])).toEqual(['-D -t 10.0.0.1:80']);
  });
});

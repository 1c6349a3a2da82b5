/**
 * Hostile design files (issue: a 39 KiB file of "__proto__" and 20,000 nested arrays froze the
 * loader for 12 s, a 30 MiB deeply nested one took 36 s and 1.6 GB in JSON.parse). The loader runs
 * in the Electron main process, in `lvsd serve` and in the CLI: such files are refused cheaply, with
 * a clear message, before JSON.parse. The fuzz part re-measures the loader on mutated and hostile
 * inputs: LVSD_FUZZ_CASES (default 2,000, about 10 s here) sets the number of cases — the larger run
 * is `LVSD_FUZZ_CASES=60000 npx vitest run tests/unit/model/file-hostile.test.ts`. Timings are
 * printed, never asserted (speed targets live in benchmarks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, firstTooDeep, parseDesignFile } from '../../../shared/model/file.ts';

const example = readFileSync(join(import.meta.dirname, '../../../examples/nat-lab.lvs.json'), 'utf8');

describe('hostile design files', () => {
  it('"__proto__" under 20,000 nested arrays (39 KiB, and the 78 KiB one) is refused before parsing', () => {
    for (const n of [20_000, 40_000]) {
      const text = `{"format":"lvs-designer","x":${'['.repeat(n)}{"__proto__":1}${']'.repeat(n)}}`;
      const r = parseDesignFile(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(new RegExp(`nested more than ${MAX_NESTING} levels deep`));
    }
  });

  it('a 30 MiB deeply nested file is refused at the first level too deep', () => {
    const text = '['.repeat(30 * 1024 * 1024);
    expect(firstTooDeep(text)).toBe(MAX_NESTING);
    const r = parseDesignFile(text);
    expect(!r.ok && r.error.message).toMatch(/nested more than 64 levels deep \(at character 64\)/);
  });

  it('brackets inside strings (escaped quotes too) do not count; a real file and 64 levels pass the check', () => {
    expect(firstTooDeep(`{"a":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`)).toBe(-1);
    expect(firstTooDeep(`${'['.repeat(64)}${']'.repeat(64)}`)).toBe(-1);
    expect(firstTooDeep(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(64);
    expect(parseDesignFile(example).ok).toBe(true);
  });

  it('"__proto__" is still found, with its path, at any allowed depth', () => {
    const doc = JSON.parse(example) as { topology: { hosts: Record<string, unknown>[] } };
    const text = JSON.stringify(doc).replace('"topology":{', '"topology":{"deep":[[[[{"__proto__":{}}]]]],');
    const r = parseDesignFile(text);
    expect(!r.ok && r.error.message).toBe('topology.deep[0][0][0][0]: the key "__proto__" is not allowed');
  });

  it('fuzz: mutated and hostile inputs never throw, always come back as a result', () => {
    const cases = Number(process.env.LVSD_FUZZ_CASES ?? 2000);
    let seed = 0x5eed;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pieces = ['[', ']', '{', '}', '"__proto__":', '"constructor":', '"', '\\', ',', ':', 'null', '1e309', '-0', '"\\u0000"', '{"a":[', ']}'];
    let refused = 0;
    let accepted = 0;
    let slowest = 0;
    const started = performance.now();
    for (let i = 0; i < cases; i++) {
      let text: string;
      const kind = i % 4;
      if (kind === 0) {
        // Splice random pieces into the example.
        const chars = example.split('');
        // One case in eight only adds whitespace after a comma (still a valid design), the rest breaks it.
        if (i % 8 === 0) for (let k = 0; k < 1 + rnd(8); k++) chars.splice(chars.indexOf(',', rnd(chars.length)) + 1 || chars.length, 0, ' \n');
        else for (let k = 0; k < 1 + rnd(8); k++) chars.splice(rnd(chars.length), rnd(3), pieces[rnd(pieces.length)]!);
        text = chars.join('');
      } else if (kind === 1) {
        // Deep nesting around a __proto__ key, sometimes inside a valid file.
        const n = 1 + rnd(50_000);
        text = `{"format":"lvs-designer","formatVersion":1,"x":${'['.repeat(n)}{"__proto__":{}}${']'.repeat(n)}}`;
      } else if (kind === 2) {
        // Random pieces only.
        text = Array.from({ length: 1 + rnd(2000) }, () => pieces[rnd(pieces.length)]).join('');
      } else {
        // Wide: many siblings with a late __proto__.
        const n = 1 + rnd(20_000);
        text = `{"format":"lvs-designer","x":[${'[1],'.repeat(n)}{"__proto__":1}]}`;
      }
      const t0 = performance.now();
      const r = parseDesignFile(text);
      slowest = Math.max(slowest, performance.now() - t0);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) accepted++;
      else {
        refused++;
        expect(r.error.message.length).toBeGreaterThan(0);
      }
    }
    expect(refused + accepted).toBe(cases);
    console.log(
      `file loader fuzz: ${cases} cases, ${refused} refused, ${accepted} accepted, 0 crashes; slowest ${slowest.toFixed(1)} ms, total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 120_000);
});

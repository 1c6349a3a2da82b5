import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Topology } from '../../../shared/model/types.ts';

export const EXAMPLES_DIR = join(import.meta.dirname, '../../../examples');

/** Example designs by name (`dr-lab`, `nat-lab`, `tun-lab`, `large-cluster`). */
export function loadExamples(): { name: string; topology: Topology }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.lvs.json'))
    .sort()
    .map((f) => {
      const parsed = parseDesignFile(readFileSync(join(EXAMPLES_DIR, f), 'utf8'));
      if (!parsed.ok) throw new Error(`${f}: ${parsed.error.message}`);
      return { name: f.replace(/\.lvs\.json$/, ''), topology: parsed.value.topology };
    });
}

export function loadExample(name: string): Topology {
  const found = loadExamples().find((e) => e.name === name);
  if (!found) throw new Error(`no example ${name}`);
  return found.topology;
}

/** A deep, mutable copy for tests that inject bad values. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

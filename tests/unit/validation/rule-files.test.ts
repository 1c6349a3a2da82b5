import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../shared/validation/index.ts';

const RULES_DIR = join(import.meta.dirname, '../../../shared/validation/rules');

/** Every rule file below rules/, as `area/slug` taken from its path. */
function ruleFiles(): string[] {
  const out: string[] = [];
  for (const area of readdirSync(RULES_DIR, { withFileTypes: true })) {
    if (!area.isDirectory()) continue;
    for (const f of readdirSync(join(RULES_DIR, area.name))) {
      if (f.endsWith('.ts')) out.push(relative(RULES_DIR, join(RULES_DIR, area.name, f)).replace(/\.ts$/, ''));
    }
  }
  return out.sort();
}

describe('rule files', () => {
  it('each rule lives at rules/<area>/<slug>.ts named by its id', () => {
    for (const path of ruleFiles()) {
      const ids = [...readFileSync(join(RULES_DIR, `${path}.ts`), 'utf8').matchAll(/^\s+id: '([^']+)'/gm)].map((m) => m[1]);
      expect(ids, path).toEqual([path]);
    }
  });

  it('every rule file is registered and every registered rule has its file', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual(ruleFiles());
  });

  it('no rule file sits directly in rules/ besides the index', () => {
    const loose = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    expect(loose).toEqual([]);
  });
});

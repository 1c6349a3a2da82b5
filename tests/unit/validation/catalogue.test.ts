import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRuleCatalogue } from '../../../shared/validation/catalogue.ts';
import type { Problem } from '../../../shared/validation/index.ts';
import { RULES, validate } from '../../../shared/validation/index.ts';
import { DEMOS } from './demos.ts';

const docPath = new URL('../../../docs/rules.md', import.meta.url);

/** The first problem each rule reports on its demo design. */
function samples(): Map<string, Problem> {
  const out = new Map<string, Problem>();
  for (const r of RULES) {
    const demo = DEMOS[r.id];
    const p = demo ? validate(demo()).find((x) => x.rule === r.id) : undefined;
    if (p) out.set(r.id, p);
  }
  return out;
}

describe('rule demos', () => {
  it.each(RULES.map((r) => r.id))('%s has a demo design that makes it fire', (id) => {
    const demo = DEMOS[id];
    expect(demo, `add a demo for ${id} in demos.ts`).toBeDefined();
    expect(validate(demo!()).some((p) => p.rule === id)).toBe(true);
  });
  it('has no demo for a rule that does not exist', () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect(Object.keys(DEMOS).filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe('docs/rules.md', () => {
  it('is the rendering of the rule data and demos (regenerate with UPDATE_RULES_DOC=1)', () => {
    const expected = renderRuleCatalogue(RULES, samples());
    if (process.env.UPDATE_RULES_DOC === '1') writeFileSync(docPath, expected);
    expect(readFileSync(docPath, 'utf8')).toBe(expected);
  });
  it('documents every rule with its severity, example, fix and a real message', () => {
    const doc = renderRuleCatalogue(RULES, samples());
    for (const r of RULES) {
      expect(doc).toContain(`### ${r.id}\n`);
      expect(doc).toContain(`| [\`${r.id}\`]`);
      expect(doc).toContain(r.example.fix);
    }
    expect(doc.match(/LVS Designer says/g)).toHaveLength(RULES.length);
  });
});

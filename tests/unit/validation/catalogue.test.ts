import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRuleCatalogue } from '../../../shared/validation/catalogue.ts';
import { RULES } from '../../../shared/validation/index.ts';

const docPath = new URL('../../../docs/rules.md', import.meta.url);

describe('docs/rules.md', () => {
  it('is the rendering of the rule data (regenerate with UPDATE_RULES_DOC=1)', () => {
    const expected = renderRuleCatalogue();
    if (process.env.UPDATE_RULES_DOC === '1') writeFileSync(docPath, expected);
    expect(readFileSync(docPath, 'utf8')).toBe(expected);
  });
  it('documents every rule with its severity, example and fix', () => {
    const doc = renderRuleCatalogue();
    for (const r of RULES) {
      expect(doc).toContain(`### ${r.id}\n`);
      expect(doc).toContain(`| [\`${r.id}\`]`);
      expect(doc).toContain(r.example.fix);
    }
  });
});

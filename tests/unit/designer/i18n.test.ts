import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../../../renderer/i18n/en.ts';
import { zhCN } from '../../../renderer/i18n/zh-CN.ts';

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) ? [p] : [];
  });
}

const enKeys = new Set(keys(en));
// A plural key `x` exists as `x_one` / `x_other`.
const has = (k: string) => enKeys.has(k) || enKeys.has(`${k}_other`);

describe('UI strings', () => {
  it('Chinese has exactly the English keys, all translated', () => {
    expect(keys(zhCN).sort()).toEqual([...enKeys].sort());
    const flat = (o: unknown): string[] => (typeof o === 'string' ? [o] : Object.values(o as object).flatMap(flat));
    const zh = flat(zhCN);
    expect(zh.every((s) => s.trim() !== '')).toBe(true);
    // A few sentences must not be left in English.
    expect(zhCN.toolbar.save).not.toBe(en.toolbar.save);
    expect(zhCN.problems.none).not.toBe(en.problems.none);
  });

  it('every literal key the UI asks for exists', () => {
    const missing: string[] = [];
    // The designer's own folders; features added through plugins register their own strings.
    for (const file of ['app', 'bridge', 'canvas', 'import', 'panels', 'store', 'wizard'].flatMap((d) => sources(join('renderer', d)))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) if (!has(m[1]!)) missing.push(`${file}: ${m[1]}`);
      for (const m of text.matchAll(/titleKey: '([a-zA-Z0-9_.-]+)'/g)) if (!has(m[1]!)) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});

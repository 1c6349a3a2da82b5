// Sums the results of every runner written by scripts/test-all.sh into one closing line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const read = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : null);

if (existsSync(join(dir, 'checks'))) {
  for (const line of readFileSync(join(dir, 'checks'), 'utf8').split('\n')) {
    if (line.endsWith(' passed')) passed++;
    else if (line.endsWith(' failed')) failed++;
  }
}
for (const f of ['vitest-unit.json', 'vitest-int.json']) {
  const r = read(f);
  if (!r) {
    console.log(`(${f}: runner produced no report, counted as 1 failure)`);
    failed++;
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that failed to load or threw outside a test has no failed assertion: count it once.
  failed += (r.testResults ?? []).filter((t) => t.status === 'failed' && !t.assertionResults?.some((a) => a.status === 'failed')).length;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
const pw = read('playwright.json');
if (!pw) {
  console.log('(playwright: runner produced no report, counted as 1 failure)');
  failed++;
} else {
  const s = pw.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  for (const e of pw.errors ?? []) {
    console.log(`(playwright error: ${String(e.message).split('\n')[0]})`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);

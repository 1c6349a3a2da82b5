#!/usr/bin/env bash
# Runs every check and test runner, then prints one line "N passed, N failed, N skipped" summing them.
#   typecheck, lint and the Prettier format check count as one check each; Vitest (unit, then integration + lab serially);
#   Playwright e2e against the built renderer in Debian chromium.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
status=0
run_check() { # name cmd...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then echo "check $name passed" >>"$out/checks"; else echo "check $name failed" >>"$out/checks"; status=1; fi
}
run_check typecheck npm run -s typecheck
run_check lint npm run -s lint
run_check format npm run -s format:check
echo "=== vitest (unit)"
npx vitest run tests/unit --reporter=default --reporter=json --outputFile.json="$out/vitest-unit.json" || status=1
echo "=== vitest (integration and lab, one file at a time)"
npx vitest run tests/integration tests/lab --no-file-parallelism --reporter=default --reporter=json --outputFile.json="$out/vitest-int.json" --passWithNoTests || status=1
run_check build npm run -s build
echo "=== playwright (e2e)"
LVS_E2E_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})") \
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test -c tests/e2e/playwright.config.ts --reporter=list,json || status=1
node scripts/sum-results.mjs "$out"
exit $status

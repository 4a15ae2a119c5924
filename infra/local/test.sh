#!/usr/bin/env bash
# `npm test`: the same setup as `npm start` (install what is missing, start real Postgres, Redis and
# Kafka), then lint, typecheck and every test, the browser tests last. Ends with one line `N passed,
# N failed`, where lint and each typecheck count as one check each, and exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

bash infra/local/install.sh || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }
# npm ci may just have created node_modules/.bin: put the project's Node 24 first from here on.
export PATH="$ROOT/node_modules/.bin:$PATH"
bash infra/local/infra-up.sh || { echo "infrastructure did not start"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck source=/dev/null
source infra/local/env.sh

passed=0
failed=0
check() {
  local name="$1"; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else echo "== $name FAILED"; failed=$((failed + 1)); fi
}
check lint eslint . --max-warnings=0
check typecheck tsc -p tsconfig.json
# The console's SPA has a tsconfig of its own (DOM and JSX), outside the root one.
check typecheck-web tsc -p services/operator-console/web

summary="$ROOT/.data/test-summary.json"
rm -f "$summary"
echo "== tests"
TEST_SUMMARY_FILE="$summary" node --experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning \
  node_modules/jest/bin/jest.js "$@"
jest_status=$?
if [[ -f "$summary" ]]; then
  passed=$((passed + $(node -p "require('$summary').passed")))
  failed=$((failed + $(node -p "require('$summary').failed")))
fi
# jest can fail without a failed test (no tests found, a crash in global setup): still a failure.
if [[ $jest_status -ne 0 && $failed -eq 0 ]]; then failed=1; fi

# The browser tests (Playwright, Debian's chromium, against a real stack of their own); not when the
# arguments chose some jest test files.
if [[ $# -eq 0 ]]; then
  pw_results="$ROOT/.data/playwright-results.json"
  rm -f "$pw_results"
  echo "== browser tests"
  (cd services/operator-console/web && playwright test)
  pw_status=$?
  pw_failed=0
  if [[ -f "$pw_results" ]]; then
    passed=$((passed + $(node -p "require('$pw_results').stats.expected")))
    pw_failed=$(node -p "const s = require('$pw_results').stats; s.unexpected + s.flaky")
  fi
  # A crash in the global setup (the stack did not start) fails no test but is a failure.
  if [[ $pw_status -ne 0 && $pw_failed -eq 0 ]]; then pw_failed=1; fi
  failed=$((failed + pw_failed))
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

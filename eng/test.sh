#!/usr/bin/env bash
# Runs every test of HeartRule: unit tests and the distributed integration tests, which start PostgreSQL,
# Redis, RabbitMQ and the four services from the real AppHost through Aspire.Hosting.Testing. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash eng/install-infra.sh || { echo "0 passed, 1 failed"; exit 1; }

results="$root/.artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# The TypeScript client: its locked packages, its build (dist/, not committed) and its unit tests, counted below.
# Before the .NET tests, which run its system tests against the real gateways with these packages.
ts_status=0
(cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent &&
  npm test --silent -- --reporter=default --reporter=json --outputFile.json="$results/vitest.json") || ts_status=1
# The pages (web/): their locked packages and unit tests, counted the same way; the Gateway's build builds them.
(cd web && npm ci --no-audit --no-fund --loglevel=error &&
  npm test --silent -- --reporter=default --reporter=json --outputFile.json="$results/vitest-web.json") || ts_status=1

dotnet build HeartRule.sln -c Release -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
# One test project at a time: the integration suites start whole systems, and two of them at once on two
# cores make timings (not results) the subject of the test.
dotnet test HeartRule.sln -c Release --no-build -nologo -m:1 \
  --logger "trx" --results-directory "$results" "$@"
status=$?

# The browser tests' screenshots of every page, kept with the results.
shots=tests/HeartRule.IntegrationTests/bin/Release/net10.0/screenshots
if [ -d "$shots" ]; then rm -rf "$root/.artifacts/screenshots"; cp -r "$shots" "$root/.artifacts/screenshots"; fi

passed=0; failed=0
# The repository's one style (.editorconfig), checked as one more test.
if dotnet format HeartRule.sln --verify-no-changes --no-restore -v q; then
  passed=$((passed + 1))
else
  echo "dotnet format: the code does not follow .editorconfig; run 'dotnet format HeartRule.sln' and commit." >&2
  failed=$((failed + 1)); status=1
fi

for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
ts_passed=0; ts_failed=0
for vitest in "$results"/vitest*.json; do
  [ -f "$vitest" ] || continue
  read -r p f < <(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.numPassedTests, r.numFailedTests)' "$vitest")
  ts_passed=$((ts_passed + p)); ts_failed=$((ts_failed + f))
done
passed=$((passed + ts_passed)); failed=$((failed + ts_failed))
# npm ci, a build or a type check failed, or vitest stopped on an error outside any test: one failure at least.
if [ "$ts_status" -ne 0 ]; then
  status=1
  [ "$ts_failed" -gt 0 ] || failed=$((failed + 1))
fi
# A crashed test host records no failure in a .trx; the exit status still counts.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"

#!/usr/bin/env bash
# The GraphQL oracle: runs every corpus document through Tessera.GraphQL and through graphql-js (the reference
# implementation) against the same schema (the SDL printed by Tessera.GraphQL) and the same data, and compares them.
#
#   compat/graphql-oracle/run.sh [--report-only]
#
# Exit code: 0 when every document agrees; 1 when any document disagrees (the details are printed, and written to
# out/report.json); 2 or more when the run itself failed: 2 npm or the corpus, 3 the runner does not build, 4 the
# runner fails before running documents (e.g. Tessera rejects schema.graphql), 5 graphql-js rejects the printed SDL.
# --report-only: print the comparison but exit 0 on disagreements (tool failures still fail).
# ORACLE_TIMEOUT: seconds one runner process may take before the document it is on counts as hung (default 300).
# Needs: node 20 + npm (registry reachable for `npm ci`), the .NET 10 SDK. Takes about a minute, most of it the build.
set -euo pipefail
cd "$(dirname "$0")"
report_only=false
[[ "${1:-}" == "--report-only" ]] && report_only=true

mkdir -p out
rm -f out/tessera.jsonl out/graphql-js.json out/report.json out/schema.printed.graphql

echo "oracle: npm ci"
npm ci --no-audit --no-fund --loglevel=error || { echo "oracle: npm ci failed" >&2; exit 2; }

echo "oracle: corpus"
node oracle.mjs corpus out/corpus.jsonl || { echo "oracle: the corpus does not read" >&2; exit 2; }

echo "oracle: building the Tessera.GraphQL runner"
for attempt in 1 2 3; do
  # The engine project may be built by others at the same moment: retry on a file lock.
  if dotnet build runner/OracleRunner.csproj -c Release --nologo -v quiet -clp:ErrorsOnly > out/build.log 2>&1; then break; fi
  if [[ $attempt == 3 ]]; then cat out/build.log; echo "oracle: the runner does not build" >&2; exit 3; fi
  sleep 5
done
runner=runner/bin/Release/net10.0/OracleRunner.dll

# Each corpus document runs in the runner process; a document that kills the process (stack overflow) or hangs is
# recorded as a crash of that document, and the runner resumes after it.
total=$(wc -l < out/corpus.jsonl)
start=0
: > out/tessera.jsonl
while (( start < total )); do
  set +e
  timeout "${ORACLE_TIMEOUT:-300}" dotnet "$runner" schema.graphql data.json out/corpus.jsonl out/schema.printed.graphql out/tessera.jsonl "$start"
  code=$?
  set -e
  (( code == 0 )) && break
  done_count=$(wc -l < out/tessera.jsonl)
  if (( done_count >= total )); then break; fi
  # 3: Tessera rejects the schema (source or printed); 64: bad arguments. Anything else is a document's crash.
  if (( code == 3 || code == 64 )) || [[ ! -s out/schema.printed.graphql ]]; then
    echo "oracle: the runner failed before running documents (exit $code)" >&2; exit 4
  fi
  node -e '
    const fs = require("fs");
    const [corpus, index, code] = process.argv.slice(1);
    const entry = JSON.parse(fs.readFileSync(corpus, "utf8").split("\n")[Number(index)]);
    const why = code === "124" ? "timed out" : `killed the runner process (exit code ${code})`;
    fs.appendFileSync("out/tessera.jsonl", JSON.stringify({ name: entry.name, result: { crash: why } }) + "\n");
    console.error(`oracle: ${entry.name} ${why}`);
  ' out/corpus.jsonl "$done_count" "$code"
  start=$((done_count + 1))
done

echo "oracle: graphql-js"
node oracle.mjs run out/schema.printed.graphql out/graphql-js.json || { echo "oracle: graphql-js could not run the corpus on the printed schema" >&2; exit 5; }

echo "oracle: compare"
set +e
node compare.mjs out/graphql-js.json out/tessera.jsonl out/report.json
code=$?
set -e
if (( code == 1 )) && $report_only; then exit 0; fi
exit $code

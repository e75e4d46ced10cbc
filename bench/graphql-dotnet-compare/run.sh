#!/usr/bin/env bash
# GraphQL.NET beside Tessera.GraphQL, on the same documents, schema and data (docs/adr/0005-graphql-engine-kept.md).
#
#   bench/graphql-dotnet-compare/run.sh [oracle|bench|all]     (default all)
#
# oracle: runs the compat/graphql-oracle corpus through GraphQL.NET and compares its answers with graphql-js's using
#         the oracle's own compare.mjs (same rules as for Tessera: data deep-equal in order, errors equal in count and
#         in (path, locations)). Needs compat/graphql-oracle/out/graphql-js.json and out/corpus.jsonl: when they are
#         missing, runs compat/graphql-oracle/run.sh --report-only first (which also gives Tessera's figure).
#         Each runner process is bounded: COMPARE_TIMEOUT seconds (default 60) and a GC heap of COMPARE_HEAP
#         (default 0x40000000, 1 GiB). A document that exceeds either is recorded as a crash and the run resumes after
#         it (GraphQL.NET 8.8.5 runs out of memory on at least one corpus document; unbounded, it took 381 s).
# bench:  the four bench/graphql cases (small/large x cold/warm) through GraphQL.NET, Tessera.GraphQL and graphql-js,
#         one after the other, ROUNDS times (default 3), SECONDS each (default 1). Prints one JSON line per case.
#         A plain timed loop, not BenchmarkDotNet: on a shared machine read the ratios, not the absolute numbers.
# Needs node 20 + npm and the .NET 10 SDK; GraphQL 8.8.5 and GraphQL.SystemTextJson 8.8.5 from NuGet. Not in CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
oracle="$repo/compat/graphql-oracle"
what="${1:-all}"
mkdir -p "$here/out"

echo "== nproc: $(nproc); memory: $(free -h | awk '/^Mem:/ {print $2}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building the GraphQL.NET runner"
dotnet build "$here/GraphQLDotNetCompare.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
runner="$here/bin/Release/net10.0/GraphQLDotNetCompare.dll"

if [[ "$what" == oracle || "$what" == all ]]; then
  if [[ ! -s "$oracle/out/graphql-js.json" || ! -s "$oracle/out/corpus.jsonl" ]]; then
    echo "== no graphql-js results yet: compat/graphql-oracle/run.sh --report-only"
    "$oracle/run.sh" --report-only
  fi
  corpus="$oracle/out/corpus.jsonl"
  results="$here/out/graphql-dotnet.jsonl"
  total=$(wc -l < "$corpus")
  : > "$results"
  start=0
  echo "== GraphQL.NET on the oracle corpus ($total documents; ${COMPARE_TIMEOUT:-60} s and heap ${COMPARE_HEAP:-0x40000000} per process)"
  while (( start < total )); do
    set +e
    DOTNET_GCHeapHardLimit="${COMPARE_HEAP:-0x40000000}" timeout "${COMPARE_TIMEOUT:-60}" \
      dotnet "$runner" oracle "$oracle/schema.graphql" "$oracle/data.json" "$corpus" "$results" "$start"
    code=$?
    set -e
    (( code == 0 )) && break
    (( code == 3 || code == 64 )) && { echo "graphql-dotnet: the runner failed before running documents (exit $code)" >&2; exit 4; }
    done_count=$(wc -l < "$results")
    (( done_count >= total )) && break
    node -e '
      const fs = require("fs");
      const [corpus, results, index, code] = process.argv.slice(1);
      const entry = JSON.parse(fs.readFileSync(corpus, "utf8").split("\n")[Number(index)]);
      const why = code === "124" ? "timed out" : `killed the runner process (exit code ${code})`;
      fs.appendFileSync(results, JSON.stringify({ name: entry.name, result: { crash: why } }) + "\n");
      console.error(`graphql-dotnet: ${entry.name} ${why}`);
    ' "$corpus" "$results" "$done_count" "$code"
    start=$((done_count + 1))
  done
  echo "== GraphQL.NET against graphql-js"
  set +e
  node "$oracle/compare.mjs" "$oracle/out/graphql-js.json" "$results" "$here/out/report.json" > "$here/out/compare.txt"
  set -e
  grep -E "^oracle: " "$here/out/compare.txt" | sed -e 's/^oracle:/graphql-dotnet:/' -e 's/vs Tessera.GraphQL/vs GraphQL.NET 8.8.5/'
  echo "   (every mismatch: $here/out/compare.txt; details: $here/out/report.json)"
fi

if [[ "$what" == bench || "$what" == all ]]; then
  echo "== bench/graphql queries: GraphQL.NET, Tessera.GraphQL, graphql-js, ${ROUNDS:-3} rounds of ${SECONDS_PER_CASE:-1} s per case"
  (cd "$repo/bench/graphql/node" && npm ci --no-audit --no-fund --loglevel=error)
  dotnet build "$repo/bench/graphql/Tessera.GraphQL.Bench/Tessera.GraphQL.Bench.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
  : > "$here/out/bench.jsonl"
  for round in $(seq 1 "${ROUNDS:-3}"); do
    echo "-- round $round (load $(cut -d' ' -f1 /proc/loadavg))"
    dotnet "$runner" bench "$oracle/schema.graphql" "$oracle/data.json" "$repo/bench/graphql/queries" "${SECONDS_PER_CASE:-1}" | tee -a "$here/out/bench.jsonl"
    dotnet "$repo/bench/graphql/Tessera.GraphQL.Bench/bin/Release/net10.0/Tessera.GraphQL.Bench.dll" --quick "${SECONDS_PER_CASE:-1}" | tee -a "$here/out/bench.jsonl"
    node "$repo/bench/graphql/node/bench.mjs" --seconds "${SECONDS_PER_CASE:-1}" --rounds 1 | tee -a "$here/out/bench.jsonl"
  done
  echo "== median ops/s per case, and Tessera.GraphQL / GraphQL.NET"
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const side = (e) => e.startsWith("GraphQL.NET") ? "graphql-dotnet" : e.startsWith("Tessera") ? "tessera" : "graphql-js";
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    console.log("| case | GraphQL.NET ops/s | Tessera.GraphQL ops/s | graphql-js ops/s | Tessera / GraphQL.NET |");
    console.log("|---|---:|---:|---:|---:|");
    for (const q of ["small", "large"]) for (const m of ["cold", "warm"]) {
      const ops = (s) => median(lines.filter((l) => l.query === q && l.mode === m && side(l.engine) === s).map((l) => l.opsPerSecond));
      const [d, t, j] = ["graphql-dotnet", "tessera", "graphql-js"].map(ops);
      console.log(`| ${q} ${m} | ${d} | ${t} | ${j} | ${(t / d).toFixed(1)}x |`);
    }
  ' "$here/out/bench.jsonl" | tee "$here/out/bench.md"
fi

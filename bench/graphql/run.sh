#!/usr/bin/env bash
# GraphQL engine benchmark: parse + validate + execute throughput of Tessera.GraphQL and of graphql-js (node) on the
# same queries (queries/), schema and data (compat/graphql-oracle/schema.graphql, data.json).
#
#   bench/graphql/run.sh [rounds]      (default 3 rounds)
#
# 1. BenchmarkDotNet (short job, [MemoryDiagnoser]) for Tessera's mean time and allocations per call.
# 2. Paired rounds for the ratio: each round times the four cases with Tessera (a plain timed loop, `--quick`) and
#    right after with graphql-js (node/bench.mjs), so both sides of a ratio see the same machine load; the table
#    gives the median of the rounds and the range of the per-round ratios.
# Prints a markdown table (also in out/table.md). About two minutes; run it alone, not in CI nor in a loop: the
# machine is shared. Exit code 0 unless a tool fails.
set -euo pipefail
cd "$(dirname "$0")"
rounds="${1:-3}"
mkdir -p out
echo "== nproc: $(nproc); memory: $(free -h | awk '/^Mem:/ {print $2}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"

(cd node && npm ci --no-audit --no-fund --loglevel=error)

echo "== Tessera.GraphQL: BenchmarkDotNet"
rm -rf out/bdn out/paired
dotnet run -c Release --project Tessera.GraphQL.Bench -- --filter '*' --exporters json --artifacts out/bdn

echo "== paired rounds: Tessera.GraphQL then graphql-js"
mkdir -p out/paired
for round in $(seq 1 "$rounds"); do
  echo "-- round $round (load $(cut -d' ' -f1 /proc/loadavg))"
  dotnet Tessera.GraphQL.Bench/bin/Release/net10.0/Tessera.GraphQL.Bench.dll --quick 1 | tee "out/paired/tessera-$round.jsonl"
  node node/bench.mjs --seconds 1 --rounds 1 | tee "out/paired/graphql-js-$round.jsonl"
done

echo "== results (load now $(cut -d' ' -f1-3 /proc/loadavg))"
node report.mjs out/bdn/results/*-report-full-compressed.json out/paired | tee out/table.md

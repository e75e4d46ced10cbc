#!/usr/bin/env bash
# Soak (issue 8): token verification at 64 connections for SOAK (default 10 min) on SQLite, the server's resident
# memory printed every 10 s, then a verdict on growth: the mean of the last minute against the mean of the second
# minute (the first is warm-up: JIT tiering, caches filling).
# Usage: bench/http/soak.sh        (SOAK=600 seconds, CONNECTIONS=64, TOKENS=10000 to override)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SOAK=${SOAK:-600}
CONNECTIONS=${CONNECTIONS:-64}
TOKENS=${TOKENS:-10000}
PROFILES=1000

build
mkdir -p "$work/seed"
init_tessera sqlite
bulk_profiles sqlite 1 "$PROFILES" user 0
start_tessera sqlite
python3 "$here/seed.py" 127.0.0.1 "$tport" "$secret" "$PROFILES" "$TOKENS" 1 "$work/seed"

echo "soak: token verification, $CONNECTIONS connections, ${SOAK}s; RSS every 10 s" >&2
TOKENS_FILE="$work/seed/tokens.txt" WRK_SEED=7 wrk -t1 -c"$CONNECTIONS" -d"${SOAK}s" --latency -s "$here/lua/verify.lua" "http://127.0.0.1:$tport" >"$work/soak.txt" 2>&1 &
soak=$!
samples="$work/rss.tsv"; : >"$samples"
start=$(date +%s)
while kill -0 "$soak" 2>/dev/null; do
  sleep 10
  t=$(( $(date +%s) - start ))
  heap=$(curl -fs "http://127.0.0.1:$tport/metrics" | awk '/^dotnet_gc_heap_bytes / {printf "%.0f", $2 / 1048576}')
  printf "%s\t%s\t%s\n" "$t" "$(rss_mb "$tpid")" "$heap" | tee -a "$samples" >&2
done
wait "$soak" || true

echo
printf "| seconds | RSS MB | managed heap MB |\n|---|---|---|\n"
awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$samples"
echo
awk '/Requests\/sec/ {printf "requests/s %s, ", $2} /p99_ms/ {print}' "$work/soak.txt"
awk -F'\t' '$1 > 60 && $1 <= 120 {a += $2; n++} $1 > '"$((SOAK - 60))"' {b += $2; m++} {if ($2 > peak) peak = $2}
  END {printf "RSS: second minute mean %.0f MB, last minute mean %.0f MB (%+.1f%%), peak %d MB\n", a / n, b / m, (b / m - a / n) * 100 / (a / n), peak}' "$samples"

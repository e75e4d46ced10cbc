#!/usr/bin/env bash
# HTTP load benchmarks: each Tessera scenario beside a bare Kestrel baseline measured in the same run.
# Usage: bench/http/run.sh            (DURATION=10s CONNECTIONS="1 16 64" PROFILES=1000 to override)
# Needs: wrk (apt-get install wrk), PostgreSQL server binaries for the postgres rows.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
PROFILES=${PROFILES:-1000}
TOKENS=${TOKENS:-10000}
TRANSACTIONS=${TRANSACTIONS:-100000}
work="$(mktemp -d)"; chmod 755 "$work"  # the postgres user must reach its data directory
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${pgdata:-}" ] && runuser -u postgres -- pg_ctl -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
for dir in /usr/lib/postgresql/*/bin; do [ -d "$dir" ] && PATH="$PATH:$dir"; done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 150); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

echo "building (Release)..."
dotnet build "$root/src/Tessera" -c Release -o "$work/tessera" -v q -nologo >/dev/null
dotnet build "$here/Baseline" -c Release -o "$work/baseline" -v q -nologo >/dev/null

results="$work/results.tsv"
# measure NAME URL SCRIPT PID CONNECTIONS: one wrk run, one result row.
measure() {
  local name=$1 url=$2 script=$3 pid=$4 c=$5 out
  out=$(wrk -t1 -c"$c" -d"$DURATION" --latency -s "$script" "$url" 2>&1)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$out"); p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out"); errors=${errors:-0}
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$name" "$c" "$rps" "$p50" "$p99" "$errors" "$(peak_rss_mb "$pid")" >>"$results"
}

# Baseline
bport=$(free_port)
"$work/baseline/baseline" --urls "http://127.0.0.1:$bport" >/dev/null 2>&1 & pids+=($!); bpid=$!
wait_up "http://127.0.0.1:$bport/"
for c in $CONNECTIONS; do measure "baseline (bare Kestrel)" "http://127.0.0.1:$bport/" "$here/lua/baseline.lua" "$bpid" "$c"; done

start_tessera() { # DB_ARGS...: starts Tessera, prints nothing; sets tport tpid secret client
  tport=$(free_port)
  local config=("$@" --Tokens:PublicBaseUrl="http://127.0.0.1:$tport" --Logging:LogLevel:Default=Warning
    --Passcodes:ResendCooldown=00:00:00 --Passcodes:MaxSendsPerIpPerHour=1000000 --Passcodes:MaxSendsPerEnvironmentPerHour=100000000
    --Limits:Requests:PerMinute=10000000)
  "$work/tessera/tessera" migrate "${config[@]}" >/dev/null
  local init; init=$("$work/tessera/tessera" init --json "${config[@]}")
  secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"]["secret"])' <<<"$init")
  client=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["emailClient"]["id"])' <<<"$init")
  "$work/tessera/tessera" serve --urls "http://127.0.0.1:$tport" "${config[@]}" >"$work/tessera-$tport.log" 2>&1 & pids+=($!); tpid=$!
  wait_up "http://127.0.0.1:$tport/healthz"
  python3 "$here/seed.py" 127.0.0.1 "$tport" "$secret" "$PROFILES"
  mkdir -p "$work/seed-$tport"
  python3 "$here/seed_graphql.py" 127.0.0.1 "$tport" "$secret" "$PROFILES" "$TOKENS" "$TRANSACTIONS" "$work/seed-$tport"
}

run_scenarios() { # LABEL
  local seed="$work/seed-$tport"
  for c in $CONNECTIONS; do
    TOKENS_FILE="$seed/tokens.txt" measure "token verification ($TOKENS tokens), $1" "http://127.0.0.1:$tport" "$here/lua/verify.lua" "$tpid" "$c"
  done
  for c in $CONNECTIONS; do
    SESSION_TOKEN=$(cat "$seed/owner.txt") PAGE_CURSORS_FILE="$seed/cursors.txt" \
      measure "GraphQL 50-row transactions page with count (profile with $TRANSACTIONS), $1" "http://127.0.0.1:$tport" "$here/lua/graphql-page.lua" "$tpid" "$c"
  done
  for c in $CONNECTIONS; do
    WITH_COUNT=0 SESSION_TOKEN=$(cat "$seed/owner.txt") PAGE_CURSORS_FILE="$seed/cursors.txt" \
      measure "GraphQL 50-row transactions page, no count, $1" "http://127.0.0.1:$tport" "$here/lua/graphql-page.lua" "$tpid" "$c"
  done
  for c in $CONNECTIONS; do
    CLIENT_ID=$client PROFILES=$PROFILES measure "passwordless round trip, $1" "http://127.0.0.1:$tport" "$here/lua/passwordless.lua" "$tpid" "$c"
  done
  kill "$tpid"; wait "$tpid" 2>/dev/null || true
}

echo "sqlite..."
start_tessera --Database:Provider=sqlite --Database:ConnectionString="Data Source=$work/bench.db" --Secrets:KeyFile="$work/master.key"
run_scenarios sqlite

if command -v initdb >/dev/null; then
  echo "postgres..."
  pgdir="$work/pg"; mkdir -p "$pgdir"; pgdata="$pgdir/data"; chown postgres "$pgdir"
  pgport=$(free_port)
  runuser -u postgres -- initdb -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- pg_ctl -D "$pgdata" -l "$pgdir/log" -w -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  start_tessera --Database:Provider=postgres --Database:ConnectionString="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres" \
    --Secrets:MasterKey="$(head -c 32 /dev/urandom | base64)"
  run_scenarios postgres
fi

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; wrk -t1, $DURATION per row; load generator on the same machine"
printf "| scenario | connections | requests/s | p50 ms | p99 ms | non-2xx | server peak RSS MB |\n|---|---|---|---|---|---|---|\n"
awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}' "$results"

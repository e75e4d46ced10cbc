#!/usr/bin/env bash
# bench/subscriptions: idle sockets one instance holds (and its memory), and event latency under them.
# Usage: bench/subscriptions/run.sh [sqlite|postgres]   (SOCKETS=1000,5000,10000 EVENTS=50 by default; ~2 min)
# Needs `ulimit -n` above the socket count times two (client and server share the machine).
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../compat/lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
database="${1:-sqlite}"
# Every idle socket shares one profile: lift the per-profile bound for the measurement.
tessera_extra=(--Subscriptions:MaxSocketsPerProfile=10000 --Subscriptions:MaxSocketsPerInstance=100000 --Limits:Requests:PerMinute=1000000)
start_tessera "$database"
# lib.sh starts the server with its own settings: restart it with the bench's bounds on the same database.
stop_tessera
port=$(free_port)
dotnet "$tessera_bin/tessera.dll" serve --urls "http://127.0.0.1:$port" "${tessera_config[@]}" "${tessera_extra[@]}" >"$tessera_work/bench-server.log" 2>&1 &
tessera_pid=$!
TESSERA_URL="http://127.0.0.1:$port"
for _ in $(seq 1 150); do curl -fs "$TESSERA_URL/healthz" >/dev/null && break; sleep 0.2; done
echo "# $(date -u '+%d %b %Y %H:%M UTC'), $database, .NET $(dotnet --version), $(nproc) cores"
API_SECRET="$(init_field "['apiKey']['secret']")" TESSERA_URL="$TESSERA_URL" SERVER_PID="$tessera_pid" \
  node "$here/bench.mjs" || { tail -n 50 "$tessera_work/bench-server.log"; exit 1; }

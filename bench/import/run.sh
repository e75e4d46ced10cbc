#!/usr/bin/env bash
# Import throughput: POST /v1/import of 100,000 transactions (plus a connection, 10 accounts, 120 balances) to a real
# Tessera server on SQLite and on PostgreSQL; prints records/second for an insert, a no-op re-send and an update.
#
#   bench/import/run.sh [transactions]          (default 100000; about a minute in all)
#
# PostgreSQL: TESSERA_BENCH_POSTGRES=<connection string> to use a server of yours (a database it may use), else a
# throwaway server is started with initdb/pg_ctl (Debian: apt-get install postgresql), with fsync on.
# Run it alone: the machine is shared; do not loop it or run it in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${1:-100000}"
echo "== nproc: $(nproc); memory: $(free -h | awk '/^Mem:/ {print $2}'); $(date -u +%FT%TZ)"
dotnet build -c Release bench/import/Tessera.Import.Bench -v q -nologo >/dev/null
BIN=bench/import/Tessera.Import.Bench/bin/Release/net10.0/Tessera.Import.Bench.dll

echo "== SQLite"
dotnet "$BIN" sqlite "" "$COUNT"

PG="${TESSERA_BENCH_POSTGRES:-}"
if [ -z "$PG" ]; then
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  DIR=$(mktemp -d /tmp/tessera-bench-pg-XXXX); PORT=$((20000 + RANDOM % 20000))
  AS=(); if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; AS=(runuser -u postgres --); fi
  "${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
  trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null; rm -rf "$DIR"' EXIT
  PG="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"
fi
echo "== PostgreSQL"
dotnet "$BIN" postgres "$PG" "$COUNT"

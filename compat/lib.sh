# Shared by the compat suites: builds Tessera and starts a throwaway server (sandbox) on a free port, on SQLite or on
# a throwaway PostgreSQL this script starts itself.
# After `start_tessera [sqlite|postgres]`: TESSERA_URL, TESSERA_INIT (the `tessera init --json` output), TESSERA_DB,
# `tessera ARGS...` runs the CLI against the same database. `stop_tessera` stops the server (a suite may start
# another, e.g. on the other database); the server, the database server and their files are removed on exit.
# TESSERA_PREBUILT=<dir with tessera.dll> skips the build (for reruns by hand; CI always builds).
set -euo pipefail
compat_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tessera_work="$(mktemp -d)"
chmod 755 "$tessera_work"
tessera_pid=""
tessera_pid_2=""
tessera_bin="${TESSERA_PREBUILT:-$tessera_work/bin}"
postgres_dir=""

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# PostgreSQL's tools, as the postgres user when running as root (PostgreSQL refuses to run as root).
pg_tool() {
  local tool="$1"; shift
  local path
  path=$(command -v "$tool" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$tool" 2>/dev/null | sort -V | tail -n 1)
  [ -n "$path" ] || { echo "$tool not found: install PostgreSQL (apt-get install postgresql)" >&2; return 1; }
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$path" "$@"; else "$path" "$@"; fi
}

# A throwaway PostgreSQL: initdb in a directory the postgres user owns, on a free loopback port, trust auth, its
# socket in that directory. Sets POSTGRES_CONNECTION. Stopped and deleted by stop_postgres (and on exit).
start_postgres() {
  postgres_dir="$(mktemp -d /tmp/tessera-compat-pg-XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres "$postgres_dir"
  local port; port=$(free_port)
  pg_tool initdb -D "$postgres_dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$tessera_work/initdb.log" 2>&1 \
    || { echo "initdb failed:" >&2; cat "$tessera_work/initdb.log" >&2; return 1; }
  pg_tool pg_ctl -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -t 60 \
    -o "-p $port -k $postgres_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null \
    || { echo "PostgreSQL did not start:" >&2; cat "$postgres_dir/server.log" >&2; return 1; }
  POSTGRES_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

stop_postgres() {
  [ -n "$postgres_dir" ] || return 0
  pg_tool pg_ctl -D "$postgres_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$postgres_dir"; postgres_dir=""
}

stop_tessera() {
  if [ -n "$tessera_pid" ]; then kill "$tessera_pid" 2>/dev/null || true; wait "$tessera_pid" 2>/dev/null || true; fi
  if [ -n "$tessera_pid_2" ]; then kill "$tessera_pid_2" 2>/dev/null || true; wait "$tessera_pid_2" 2>/dev/null || true; fi
  tessera_pid=""; tessera_pid_2=""
}
cleanup() { stop_tessera; stop_postgres; rm -rf "$tessera_work"; }
trap cleanup EXIT

tessera() { dotnet "$tessera_bin/tessera.dll" "$@" "${tessera_config[@]}"; }

build_tessera() {
  [ -f "$tessera_bin/tessera.dll" ] && return 0
  if ! dotnet build "$compat_root/src/Tessera" -c Release -o "$tessera_bin" -v q -nologo >"$tessera_work/build.log" 2>&1; then
    echo "Tessera does not build:" >&2; grep -E "error|Error" "$tessera_work/build.log" | sort -u | head -20 >&2; return 1
  fi
}

start_tessera() {
  local database="${1:-sqlite}"
  build_tessera
  stop_tessera
  local port; port=$(free_port)
  local run="$tessera_work/$database"
  mkdir -p "$run"
  tessera_config=(--Secrets:KeyFile="$run/master.key" --Tokens:PublicBaseUrl="http://127.0.0.1:$port")
  case "$database" in
    sqlite) tessera_config+=(--Database:ConnectionString="Data Source=$run/tessera.db") ;;
    postgres)
      [ -n "$postgres_dir" ] || start_postgres
      # PostgreSQL means instances may share the database, so Tessera wants the master key given, not a key file.
      tessera_config=(--Secrets:MasterKey="$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')" \
        --Tokens:PublicBaseUrl="http://127.0.0.1:$port" --Database:Provider=postgres --Database:ConnectionString="$POSTGRES_CONNECTION")
      tessera migrate >"$run/migrate.log" 2>&1 || { echo "tessera migrate failed:" >&2; cat "$run/migrate.log" >&2; return 1; } ;;
    *) echo "start_tessera: unknown database $database (sqlite or postgres)" >&2; return 1 ;;
  esac
  TESSERA_DB="$database"
  TESSERA_INIT=$(tessera init --json)
  dotnet "$tessera_bin/tessera.dll" serve --urls "http://127.0.0.1:$port" "${tessera_config[@]}" >"$run/server.log" 2>&1 &
  tessera_pid=$!
  tessera_log="$run/server.log"
  TESSERA_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do curl -fs "$TESSERA_URL/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "Tessera did not start:" >&2; cat "$tessera_log" >&2; return 1
}

init_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <<<"$TESSERA_INIT"; }
server_log() { tail -n 50 "$tessera_log"; }

# A second instance on the database of the running one (PostgreSQL: instances behind one balancer), for suites that
# check what crosses instances. Sets TESSERA_URL_2; stopped with the first.
start_second_tessera() {
  [ "$TESSERA_DB" = postgres ] || { echo "start_second_tessera: instances share PostgreSQL only" >&2; return 1; }
  local port; port=$(free_port)
  tessera_log_2="$tessera_work/$TESSERA_DB/server-2.log"
  dotnet "$tessera_bin/tessera.dll" serve --urls "http://127.0.0.1:$port" "${tessera_config[@]}" >"$tessera_log_2" 2>&1 &
  tessera_pid_2=$!
  TESSERA_URL_2="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do curl -fs "$TESSERA_URL_2/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "The second Tessera did not start:" >&2; cat "$tessera_log_2" >&2; return 1
}

# Shared by the compat suites: builds Tessera and starts a throwaway server (SQLite, sandbox) on a free port.
# After `start_tessera`: TESSERA_URL, TESSERA_INIT (the `tessera init --json` output), `tessera ARGS...` runs the CLI
# against the same database. The server and its files are removed on exit.
set -euo pipefail
compat_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tessera_work="$(mktemp -d)"
tessera_pid=""
stop_tessera() { [ -n "$tessera_pid" ] && kill "$tessera_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tessera_work"; }
trap stop_tessera EXIT

tessera() { dotnet "$tessera_work/bin/tessera.dll" "$@" "${tessera_config[@]}"; }

start_tessera() {
  if ! dotnet build "$compat_root/src/Tessera" -c Release -o "$tessera_work/bin" -v q -nologo >"$tessera_work/build.log" 2>&1; then
    echo "Tessera does not build:" >&2; grep -E "error|Error" "$tessera_work/build.log" | sort -u | head -20 >&2; return 1
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  tessera_config=(--Database:ConnectionString="Data Source=$tessera_work/tessera.db" --Secrets:KeyFile="$tessera_work/master.key" --Tokens:PublicBaseUrl="http://127.0.0.1:$port")
  TESSERA_INIT=$(tessera init --json)
  dotnet "$tessera_work/bin/tessera.dll" serve --urls "http://127.0.0.1:$port" "${tessera_config[@]}" >"$tessera_work/server.log" 2>&1 &
  tessera_pid=$!
  TESSERA_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fs "$TESSERA_URL/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "Tessera did not start:" >&2; cat "$tessera_work/server.log" >&2; return 1
}

init_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <<<"$TESSERA_INIT"; }
server_log() { tail -n 50 "$tessera_work/server.log"; }

#!/usr/bin/env bash
# Starts a throwaway Tessera (SQLite, sandbox) and drives it with the official @quiltt/core SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

(cd "$here" && npm ci --silent --no-audit --no-fund)
dotnet build "$root/src/Tessera" -c Release -o "$work/bin" -v q -nologo >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
config=(--Database:ConnectionString="Data Source=$work/tessera.db" --Secrets:KeyFile="$work/master.key" --Tokens:PublicBaseUrl="http://127.0.0.1:$port")

init=$(dotnet "$work/bin/tessera.dll" init --json "${config[@]}")
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)" <<<"$init"; }
dotnet "$work/bin/tessera.dll" serve --urls "http://127.0.0.1:$port" "${config[@]}" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

cli=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' dotnet "$work/bin/tessera.dll" "${config[@]}")
TESSERA_URL="http://127.0.0.1:$port" TESSERA_CLI="$cli" \
CLIENT_ID="$(json "['emailClient']['id']")" ENVIRONMENT_ID="$(json "['environment']['id']")" API_SECRET="$(json "['apiKey']['secret']")" \
  node "$here/sdk-compat.mjs" || { echo "--- server log"; tail -n 50 "$work/server.log"; exit 1; }

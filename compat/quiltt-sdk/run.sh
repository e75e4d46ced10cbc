#!/usr/bin/env bash
# Starts a throwaway Tessera (SQLite, sandbox) and drives it with the official @quiltt/core SDK.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
start_tessera
cli=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' dotnet "$tessera_bin/tessera.dll" "${tessera_config[@]}")
TESSERA_CLI="$cli" CLIENT_ID="$(init_field "['emailClient']['id']")" ENVIRONMENT_ID="$(init_field "['environment']['id']")" \
API_SECRET="$(init_field "['apiKey']['secret']")" TESSERA_URL="$TESSERA_URL" \
  node "$here/sdk-compat.mjs" || { echo "--- server log"; server_log; exit 1; }

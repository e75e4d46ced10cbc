#!/usr/bin/env bash
# Builds examples/react once (the official @quiltt/react SDK, unmodified) and drives it in Debian's headless Chromium
# (no browser download) against a live Tessera: on SQLite, then on two instances sharing one PostgreSQL, the page's
# HTTP going to the first and its WebSocket to the second. Screenshots of each step: compat/react-example/artifacts/.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
app_src="$here/../../examples/react"
# How long each part took, for the CI budget (the suite should stay well under two minutes).
phase_start=$SECONDS
phase() { echo "# $1: $((SECONDS - phase_start)) s"; phase_start=$SECONDS; }
(cd "$here" && npm ci --silent --no-audit --no-fund)
(cd "$app_src" && npm ci --silent --no-audit --no-fund)
phase "npm ci (test and app)"

chromium_path="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium_path" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
artifacts="$here/artifacts"
rm -rf "$artifacts"; mkdir -p "$artifacts"

# The SDK's domain is fixed when the app is built, so the port the test's proxy will listen on is chosen first:
# the page is at localhost:PORT and the SDK's auth./api./cdn.localhost:PORT hosts reach Tessera through the proxy.
proxy_port=$(free_port)
app_dir="$tessera_work/react-app"
(cd "$app_src" && QUILTT_API_DOMAIN="localhost:$proxy_port" npx vite build --outDir "$app_dir" --emptyOutDir --logLevel warn) \
  || { echo "examples/react does not build" >&2; exit 1; }

drive() { # LABEL HTTP_BACKEND SOCKET_BACKEND
  local cli; cli=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' dotnet "$tessera_bin/tessera.dll" "${tessera_config[@]}")
  LABEL="$1" HTTP_BACKEND="$2" SOCKET_BACKEND="$3" APP_DIR="$app_dir" PROXY_PORT="$proxy_port" ARTIFACTS="$artifacts" \
  CHROMIUM="$chromium_path" TESSERA_CLI="$cli" CLIENT_ID="$(init_field "['emailClient']['id']")" \
  ENVIRONMENT_ID="$(init_field "['environment']['id']")" API_SECRET="$(init_field "['apiKey']['secret']")" \
  CONNECTOR_ID="$(connector_id)" node "$here/react-example.mjs"
}

# A Connector for the sandbox's email client: the id QuilttButton opens.
connector_id() {
  tessera connectors create --client "$(init_field "['emailClient']['id']")" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

phase "app build"
build_tessera
phase "Tessera build"
start_tessera sqlite
drive sqlite "$TESSERA_URL" "$TESSERA_URL" || { echo "--- server log"; server_log; exit 1; }
phase "SQLite: start and drive"

# Two instances on one PostgreSQL (same master key and database): HTTP to the first, the WebSocket to the second.
start_tessera postgres
start_second_tessera
drive postgres-two-instances "$TESSERA_URL" "$TESSERA_URL_2" \
  || { echo "--- server log (HTTP instance)"; server_log; echo "--- server log (WebSocket instance)"; tail -n 50 "$tessera_log_2"; exit 1; }
phase "PostgreSQL, two instances: start and drive"

# A set of screenshots for docs/: `COPY_SCREENSHOTS=1 bash compat/react-example/run.sh` refreshes docs/images/react-example/.
if [ "${COPY_SCREENSHOTS:-}" = 1 ]; then
  rm -rf "$here/../../docs/images/react-example"; cp -r "$artifacts/postgres-two-instances" "$here/../../docs/images/react-example"
fi
echo "screenshots: $artifacts"

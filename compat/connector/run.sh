#!/usr/bin/env bash
# The self-hosted Connector in headless Chromium (Debian's `chromium`, no browser download): a host page on another
# origin loads /v1/connector.js as @quiltt/react does, connects the SANDBOX mock bank in a modal and sees
# `exited.successful` with a connection GraphQL then has; a PRODUCTION connector inline sends `exited.errored`.
# Screenshots in compat/connector/artifacts/.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
chromium_path="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium_path" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
mkdir -p "$here/artifacts"
start_tessera
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
host_port=$(free_port)

# SANDBOX: the init's email client gets a connector; a session for a new profile.
sandbox_connector=$(tessera connectors create --client "$(init_field "['emailClient']['id']")" --json | json "['id']")
sandbox_token=$(curl -fs -X POST "$TESSERA_URL/v1/users/sessions" -H "Authorization: Bearer $(init_field "['apiKey']['secret']")" \
  -H 'Content-Type: application/json' -d '{}' | json "['token']")

# PRODUCTION: its own key, a client allowing only the host page's origin, a connector, a session.
tessera environments create --name production --mode production --json >/dev/null
production_secret=$(tessera api-keys create --environment production --json | json "['secret']")
production_client=$(tessera clients create --environment production --strategy email --json | json "['id']")
tessera clients update "$production_client" --allowed-origins "http://localhost:$host_port" --json >/dev/null
production_connector=$(tessera connectors create --client "$production_client" --json | json "['id']")
production_token=$(curl -fs -X POST "$TESSERA_URL/v1/users/sessions" -H "Authorization: Bearer $production_secret" \
  -H 'Content-Type: application/json' -d '{}' | json "['token']")

CHROMIUM="$chromium_path" TESSERA_URL="$TESSERA_URL" HOST_PORT="$host_port" ARTIFACTS="$here/artifacts" \
SANDBOX_TOKEN="$sandbox_token" SANDBOX_CONNECTOR="$sandbox_connector" \
PRODUCTION_TOKEN="$production_token" PRODUCTION_CONNECTOR="$production_connector" \
node "$here/connector.mjs" || { echo "--- server log"; server_log; exit 1; }

#!/usr/bin/env bash
# Starts a throwaway Tessera (SQLite, sandbox), validates its /openapi/v1.json with an OpenAPI schema validator from
# npm, checks the document covers every operation and matches what the server answers, and renders the API reference
# at /docs in headless Chromium (Debian's `chromium`, installed by .ci/run) with every non-loopback request refused.
# The screenshot is kept in compat/openapi/artifacts/.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
chromium_path="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium_path" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
mkdir -p "$here/artifacts"
start_tessera
CHROMIUM="$chromium_path" TESSERA_URL="$TESSERA_URL" API_SECRET="$(init_field "['apiKey']['secret']")" \
SCREENSHOT="$here/artifacts/docs.png" node "$here/openapi.mjs" || { echo "--- server log"; server_log; exit 1; }

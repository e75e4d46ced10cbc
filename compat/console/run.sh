#!/usr/bin/env bash
# Drives the operator console (/console) in headless Chromium (Debian's `chromium`; no browser download) against a
# live Tessera on SQLite, then on PostgreSQL: opens it with a `tessera console open` link, creates an API key, finds a
# profile and revokes its sessions, replays a webhook delivery, and checks each result through the API.
# Screenshots go to compat/console/artifacts/<database>/; `SCREENSHOTS=docs/console compat/console/run.sh sqlite`
# refreshes the ones the README links to. Arguments: the databases to run on (default: sqlite postgres).
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
chromium_path="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium_path" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
# The suite's webhook receiver listens on loopback, which only an operator's setting lets Tessera deliver to.
export Webhooks__AllowPrivateTargets=true
for database in "${@:-sqlite postgres}"; do
  for db in $database; do
    shots="${SCREENSHOTS:-$here/artifacts/$db}"
    mkdir -p "$shots"
    start_tessera "$db"
    link=$(tessera console open --role admin --operator ci --url "$TESSERA_URL" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')
    CHROMIUM="$chromium_path" TESSERA_URL="$TESSERA_URL" API_SECRET="$(init_field "['apiKey']['secret']")" \
    ENVIRONMENT_ID="$(init_field "['environment']['id']")" CONSOLE_LINK="$link" SCREENSHOTS="$shots" \
      node "$here/console.mjs" || { echo "--- server log ($db)"; server_log; exit 1; }
    echo "console suite passed on $db"
    stop_tessera
  done
done

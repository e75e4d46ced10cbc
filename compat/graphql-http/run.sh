#!/usr/bin/env bash
# The graphql-http GraphQL-over-HTTP audits against a throwaway Tessera, with a session token.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
start_tessera
token=$(curl -fs -X POST "$TESSERA_URL/v1/users/sessions" -H "Authorization: Bearer $(init_field "['apiKey']['secret']")" \
  -H 'Content-Type: application/json' -d '{}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
TESSERA_URL="$TESSERA_URL" SESSION_TOKEN="$token" node "$here/audit.mjs" || { echo "--- server log"; server_log; exit 1; }

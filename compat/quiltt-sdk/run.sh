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

# Again with the sandbox signing ES256 (the SDK only decodes the payload, so the algorithm must not matter).
tessera environments rotate-key sandbox --algorithm es256 --retire-after 0s >/dev/null
# The server hears of the rotation through the revocation log (a poll every 250 ms): bounded wait for ES256 tokens.
alg_of_new_token() {
  curl -fs -X POST "$TESSERA_URL/v1/users/sessions" -H "Authorization: Bearer $(init_field "['apiKey']['secret']")" -H 'Content-Type: application/json' \
    -d "{\"email\":\"probe-$RANDOM$RANDOM@example.com\"}" \
    | python3 -c 'import base64,json,sys; h=json.load(sys.stdin)["token"].split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h+"="*(-len(h)%4)))["alg"])'
}
for _ in $(seq 1 50); do [ "$(alg_of_new_token)" = ES256 ] && break; sleep 0.1; done
TESSERA_CLI="$cli" CLIENT_ID="$(init_field "['emailClient']['id']")" ENVIRONMENT_ID="$(init_field "['environment']['id']")" \
API_SECRET="$(init_field "['apiKey']['secret']")" TESSERA_URL="$TESSERA_URL" EXPECT_ALG=ES256 \
  node "$here/sdk-compat.mjs" || { echo "--- server log (ES256)"; server_log; exit 1; }

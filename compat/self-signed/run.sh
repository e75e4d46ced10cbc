#!/usr/bin/env bash
# The README's Node minting example (docs/examples/mint-self-signed.mjs, with jsonwebtoken) against a live Tessera:
# its token must be accepted, revocable by jti, and refused once its signing secret is revoked.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
start_tessera
secret_json=$(tessera signing-secrets create --environment sandbox --json)
secret_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$secret_json")
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <<<"$secret_json")
api="$(init_field "['apiKey']['secret']")"
profile=$(curl -fs -X POST "$TESSERA_URL/v1/profiles" -H "Authorization: Bearer $api" -H 'Content-Type: application/json' -d '{}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# The example lives in docs/; node resolves its import from this suite's node_modules.
cp "$compat_root/docs/examples/mint-self-signed.mjs" "$here/mint-self-signed.mjs"
trap 'rm -f "$here/mint-self-signed.mjs"; cleanup' EXIT
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
fail() { echo "FAIL: $*"; server_log; exit 1; }

token=$(node "$here/mint-self-signed.mjs" "$secret_id" "$secret" "$profile")
[ "$(status "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 200 ] || fail "a minted token is accepted"
echo "ok - the Node example's token is accepted"
[ "$(status -X DELETE "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 204 ] || fail "revoke by jti"
[ "$(status "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 401 ] || fail "revoked token refused"
echo "ok - it is revoked by its jti"
token=$(node "$here/mint-self-signed.mjs" "$secret_id" "$secret" "$profile")
tessera signing-secrets revoke "$secret_id" >/dev/null
for _ in $(seq 1 20); do [ "$(status "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 401 ] && break; sleep 0.1; done
[ "$(status "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 401 ] || fail "tokens of a revoked secret refused within 2 s"
echo "ok - revoking the secret (from the CLI, another process) kills its tokens on the server"

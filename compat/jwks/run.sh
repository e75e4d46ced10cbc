#!/usr/bin/env bash
# Stock verification of Tessera's ES256 tokens with jose (createRemoteJWKSet + jwtVerify, verify.mjs) against a live
# Tessera on SQLite and on PostgreSQL, before and after a key rotation; and the README's public-key self-signed
# example (docs/examples/mint-self-signed-public-key.mjs) with an ES256 and an RS256 key made by openssl.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
cp "$compat_root/docs/examples/mint-self-signed-public-key.mjs" "$here/mint-self-signed-public-key.mjs"
keys="$(mktemp -d)"
trap 'rm -rf "$here/mint-self-signed-public-key.mjs" "$keys"; cleanup' EXIT
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
fail() { echo "FAIL: $*"; server_log; exit 1; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
issue() {
  curl -fs -X POST "$TESSERA_URL/v1/users/sessions" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$RANDOM$RANDOM@example.com\"}" | field "['token']"
}
kid() { python3 -c 'import base64,json,sys; h=sys.argv[1].split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h+"="*(-len(h)%4)))["kid"])' "$1"; }

verify_on() {
  start_tessera "$1"
  local es other es_key other_key token rotated
  es=$(tessera environments create --name es --algorithm es256 --json | field "['id']")
  other=$(tessera environments create --name other --algorithm es256 --json | field "['id']")
  es_key=$(tessera api-keys create --environment es --json | field "['secret']")
  other_key=$(tessera api-keys create --environment other --json | field "['secret']")
  token=$(issue "$es_key")
  export ISSUER="$TESSERA_URL/environments/$es" AUDIENCE="$TESSERA_URL/v1" TOKEN="$token" OTHER_TOKEN="$(issue "$other_key")" \
    HS512_TOKEN="$(issue "$(init_field "['apiKey']['secret']")")"
  tessera environments rotate-key es --retire-after 1h >/dev/null
  # The server hears of the rotation through the revocation log (a poll every 250 ms): bounded wait for the new key.
  for _ in $(seq 1 50); do rotated=$(issue "$es_key"); [ "$(kid "$rotated")" != "$(kid "$token")" ] && break; sleep 0.1; done
  [ "$(kid "$rotated")" != "$(kid "$token")" ] || fail "the rotated key signs within 5 s"
  ROTATED_TOKEN="$rotated" node "$here/verify.mjs" || fail "jose verification on $1"
  echo "ok - jose verifies on $1"
}

verify_on sqlite

# Public-key self-signed sessions: Tessera holds only the public key.
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$keys/ec.pem"
openssl pkey -in "$keys/ec.pem" -pubout -out "$keys/ec.pub.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/rsa.pem" 2>/dev/null
openssl pkey -in "$keys/rsa.pem" -pubout -out "$keys/rsa.pub.pem"
api="$(init_field "['apiKey']['secret']")"
profile=$(curl -fs -X POST "$TESSERA_URL/v1/profiles" -H "Authorization: Bearer $api" -H 'Content-Type: application/json' -d '{}' | field "['id']")
for alg in ES256 RS256; do
  pair=$([ $alg = ES256 ] && echo ec || echo rsa)
  id=$(tessera signing-secrets create --environment sandbox --public-key "$keys/$pair.pub.pem" --json | field "['id']")
  token=$(node "$here/mint-self-signed-public-key.mjs" "$id" "$keys/$pair.pem" "$profile" "$alg")
  [ "$(status "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 200 ] || fail "a $alg self-signed token is accepted"
  [ "$(status -X DELETE "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 204 ] || fail "revoke by jti"
  [ "$(status "$TESSERA_URL/v1/users/session" -H "Authorization: Bearer $token")" = 401 ] || fail "revoked $alg token refused"
  echo "ok - the Node example's $alg token (public key registered from PEM) is accepted and revoked by its jti"
done
tessera signing-secrets create --environment sandbox --public-key "$keys/ec.pem" >/dev/null 2>&1 && fail "a private key is refused at registration"
echo "ok - a private key is refused at registration"

stop_tessera
verify_on postgres

#!/usr/bin/env bash
# The Quiltt SDK's subscription link against a live Tessera: on SQLite (one instance), then on two instances sharing
# PostgreSQL, the socket on one and the writes on the other.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)

start_tessera sqlite
echo "# SQLite, one instance"
API_SECRET="$(init_field "['apiKey']['secret']")" TESSERA_URL="$TESSERA_URL" \
  node "$here/subscriptions-compat.mjs" || { echo "--- server log"; server_log; exit 1; }

start_tessera postgres
start_second_tessera
echo "# PostgreSQL, two instances: socket on the second, writes on the first"
API_SECRET="$(init_field "['apiKey']['secret']")" TESSERA_URL="$TESSERA_URL" SOCKET_URL="$TESSERA_URL_2" \
  node "$here/subscriptions-compat.mjs" || { echo "--- server logs"; server_log; tail -n 50 "$tessera_log_2"; exit 1; }

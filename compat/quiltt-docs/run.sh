#!/usr/bin/env bash
# Runs the GraphQL operations of Quiltt's documentation (operations/) against a throwaway Tessera on SQLite, then on
# a throwaway PostgreSQL: one line per operation, a total per database, non-zero exit on any failure.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
status=0
for database in sqlite postgres; do
  start_tessera "$database"
  TESSERA_DB="$database" TESSERA_URL="$TESSERA_URL" API_SECRET="$(init_field "['apiKey']['secret']")" \
    node "$here/docs-compat.mjs" || { status=1; echo "--- $database server log"; server_log; }
  stop_tessera
done
exit $status

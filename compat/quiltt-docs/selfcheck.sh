#!/usr/bin/env bash
# Checks the runner itself against a live Tessera (SQLite): selfcheck/must-pass must pass, and every operation of
# selfcheck/must-fail must fail (each for the reason its source line gives). Not a CI check; run it after changing
# docs-compat.mjs.
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib.sh"
(cd "$here" && npm ci --silent --no-audit --no-fund)
start_tessera sqlite
run() { TESSERA_DB=selfcheck TESSERA_URL="$TESSERA_URL" API_SECRET="$(init_field "['apiKey']['secret']")" OPERATIONS="$here/selfcheck/$1" node "$here/docs-compat.mjs"; }
status=0
run must-pass || { echo "selfcheck: must-pass failed"; status=1; }
output=$(run must-fail) && { echo "selfcheck: must-fail exited 0"; status=1; }
echo "$output"
expected=$(ls "$here/selfcheck/must-fail"/*.graphql | wc -l)
[ "$(grep -c '^FAIL' <<<"$output")" = "$expected" ] || { echo "selfcheck: not every must-fail operation failed"; status=1; }
[ $status = 0 ] && echo "selfcheck: ok"
exit $status

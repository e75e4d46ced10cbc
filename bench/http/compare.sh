#!/usr/bin/env bash
# A write scenario (passwordless round trip or issuance, SQLite or PostgreSQL, 16 connections) for the working tree and a git
# revision, interleaved on one machine: a before/after comparison that the machine's swings between runs (30-40% on
# the shared VMs here) do not decide. Each build gets a fresh database per round and the scenario's warm-up.
# SCENARIO=graphql is the 50-row transactions page (no count) of a profile holding TRANSACTIONS transactions: a read,
# so the database is seeded once and both builds serve it side by side, measured in turn.
# Usage: bench/http/compare.sh REF   e.g. SCENARIO=issuance ROUNDS=3 bench/http/compare.sh main
# Env: SCENARIO=passwordless|issuance|graphql (passwordless), BACKEND=sqlite|postgres (sqlite), ROUNDS=2, DURATION=10s, CONNECTIONS=16, SCENARIO_WARMUP=40s,
#      PROFILES (1,000 for passwordless and graphql, 100,000 for issuance), TRANSACTIONS=100000 (graphql). Needs wrk,
#      sqlite3, python3 (and, for PostgreSQL, its server binaries; run as root).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ref=${1:?usage: bench/http/compare.sh GIT_REF}
SCENARIO=${SCENARIO:-passwordless}
ROUNDS=${ROUNDS:-2}
BACKEND=${BACKEND:-sqlite}
case $BACKEND in sqlite|postgres) ;; *) echo "BACKEND must be sqlite or postgres" >&2; exit 1 ;; esac
CONNECTIONS=${CONNECTIONS:-16}
case $SCENARIO in
  passwordless) PROFILES=${PROFILES:-1000} ;;
  issuance) PROFILES=${PROFILES:-100000} ;;
  graphql) PROFILES=${PROFILES:-1000} ;;
  *) echo "SCENARIO must be passwordless, issuance or graphql" >&2; exit 1 ;;
esac

build
mv "$work/tessera" "$work/build-worktree"
build_revision "$ref" "$work/build-ref"
label_ref="$ref $(git -C "$root" rev-parse --short "$ref")"
[ "$BACKEND" = postgres ] && start_postgres

if [ "$SCENARIO" = graphql ]; then
  ln -s "$work/build-ref" "$work/tessera"
  init_tessera "$BACKEND"
  bulk_profiles "$BACKEND" 1 "$PROFILES" user 0
  start_tessera "$BACKEND"; ref_port=$tport; ref_pid=$tpid
  mkdir -p "$work/seed"
  python3 "$here/seed.py" 127.0.0.1 "$tport" "$secret" "$PROFILES" 100 "${TRANSACTIONS:-100000}" "$work/seed"
  rm "$work/tessera"; ln -s "$work/build-worktree" "$work/tessera"
  start_tessera "$BACKEND"; worktree_port=$tport; worktree_pid=$tpid
  export WITH_COUNT=0 SESSION_TOKEN=$(cat "$work/seed/owner.txt") PAGE_CURSORS_FILE="$work/seed/cursors.txt"
  script="$here/lua/graphql-page.lua"
  warm "$SCENARIO_WARMUP" "$CONNECTIONS" "$script" "http://127.0.0.1:$ref_port"
  warm "$SCENARIO_WARMUP" "$CONNECTIONS" "$script" "http://127.0.0.1:$worktree_port"
  for round in $(seq 1 "$ROUNDS"); do
    measure "graphql page, $label_ref, round $round" "$BACKEND" "$CONNECTIONS" "$script" "http://127.0.0.1:$ref_port" "$ref_pid"
    measure "graphql page, working tree, round $round" "$BACKEND" "$CONNECTIONS" "$script" "http://127.0.0.1:$worktree_port" "$worktree_pid"
  done
  echo
  print_table "build"
  exit 0
fi

for round in $(seq 1 "$ROUNDS"); do
  for which in ref worktree; do
    [ -n "${tpid:-}" ] && stop_pid "$tpid"
    rm -rf "$work/tessera" "$work"/bench.db*; ln -s "$work/build-$which" "$work/tessera"
    [ "$BACKEND" = postgres ] && psql -q -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c 'SET client_min_messages = warning' -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
    init_tessera "$BACKEND"
    if [ "$SCENARIO" = passwordless ]; then
      bulk_profiles "$BACKEND" 1 "$PROFILES" user 0
      start_tessera "$BACKEND"
      script="$here/lua/passwordless.lua"; export CLIENT_ID=$client PROFILES
    else
      bulk_profiles "$BACKEND" 1 "$PROFILES" bulk 1
      start_tessera "$BACKEND"
      script="$here/lua/issuance.lua"; export API_SECRET=$secret FIRST_PROFILE=1 PROFILES
    fi
    name="$SCENARIO, $([ "$which" = ref ] && echo "$label_ref" || echo "working tree"), round $round"
    warm "$SCENARIO_WARMUP" "$CONNECTIONS" "$script" "http://127.0.0.1:$tport"
    WARMUP=0 measure "$name" "$BACKEND" "$CONNECTIONS" "$script" "http://127.0.0.1:$tport" "$tpid"
  done
done

echo
print_table "build"

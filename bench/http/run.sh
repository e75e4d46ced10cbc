#!/usr/bin/env bash
# HTTP load benchmarks (issue 8): every scenario beside a bare Kestrel baseline measured in the same run, on SQLite
# and on PostgreSQL, with a small database (1,000 profiles) and then a large one (1,000,000 more profiles, each with
# a live session), and two instances on one PostgreSQL against one. Prints a Markdown table (bench/README.md).
# Usage: bench/http/run.sh                     ~55 min (VERIFY_ROUNDS=1: ~45 min)
#   DURATION=10s WARMUP=3s SCENARIO_WARMUP=40s CONNECTIONS="1 16 64" BACKENDS="sqlite postgres" LARGE=1000000 TOKENS=10000 TRANSACTIONS=100000
#   VERIFY_ROUNDS=3 (baseline and verification rows measured back to back this many times; the median ratio is printed)
#   SCENARIOS="verify graphql passwordless issuance instances" (any subset)
# Needs: wrk, sqlite3, PostgreSQL server binaries (apt-get install wrk sqlite3 postgresql), run as root (postgres
# runs as the postgres user; the two-instance rows cap CPU with a cgroup).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
BACKENDS=${BACKENDS:-"sqlite postgres"}
SCENARIOS=${SCENARIOS:-"verify graphql passwordless issuance instances"}
SMALL=1000
LARGE=${LARGE:-1000000}
TOKENS=${TOKENS:-10000}
TRANSACTIONS=${TRANSACTIONS:-100000}
VERIFY_ROUNDS=${VERIFY_ROUNDS:-3}
wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }

build
start_baseline

# The scenarios that read: verification, GraphQL page and profile query. SIZE labels the rows.
read_scenarios() { # BACKEND SIZE
  local url="http://127.0.0.1:$tport" seed="$work/seed"
  # The baseline row right before each verification row: the ratio of the two is the figure the target reads, and on
  # a shared machine the baseline itself moves by 30% from one minute to the next, so the pair is measured
  # VERIFY_ROUNDS times back to back and ratio_summary gives the median.
  # Tier-1 JIT takes more than a row's WARMUP to settle on two busy cores: warm both once, at length, first.
  if wants verify; then
    warm 15s 64 "$here/lua/baseline.lua" "http://127.0.0.1:$bport"
    TOKENS_FILE="$seed/tokens.txt" warm 15s 64 "$here/lua/verify.lua" "$url"
  fi
  for c in $CONNECTIONS; do
    for _ in $(seq 1 "$VERIFY_ROUNDS"); do
      measure "baseline (bare Kestrel)" "-" "$c" "$here/lua/baseline.lua" "http://127.0.0.1:$bport" "$bpid"
      if wants verify; then TOKENS_FILE="$seed/tokens.txt" measure "token verification, $2" "$1" "$c" "$here/lua/verify.lua" "$url" "$tpid"; fi
      wants verify || break
    done
  done
  if wants graphql; then
    for c in $CONNECTIONS; do
      WITH_COUNT=0 SESSION_TOKEN=$(cat "$seed/owner.txt") PAGE_CURSORS_FILE="$seed/cursors.txt" \
        measure "GraphQL 50-row page of $TRANSACTIONS transactions, $2" "$1" "$c" "$here/lua/graphql-page.lua" "$url" "$tpid"
    done
    for c in $CONNECTIONS; do
      SESSION_TOKEN=$(cat "$seed/owner.txt") PAGE_CURSORS_FILE="$seed/cursors.txt" \
        measure "GraphQL 50-row page + count, $2" "$1" "$c" "$here/lua/graphql-page.lua" "$url" "$tpid"
    done
    for c in $CONNECTIONS; do
      TOKENS_FILE="$seed/tokens.txt" measure "GraphQL profile query, $2" "$1" "$c" "$here/lua/graphql-profile.lua" "$url" "$tpid"
    done
  fi
}

for backend in $BACKENDS; do
  echo "$backend: seeding $SMALL profiles, $TOKENS tokens, $TRANSACTIONS transactions..." >&2
  rm -rf "$work/seed" "$work"/bench.db*; mkdir -p "$work/seed"
  [ "$backend" = postgres ] && start_postgres
  init_tessera "$backend"
  bulk_profiles "$backend" 1 "$SMALL" user 0
  start_tessera "$backend"
  python3 "$here/seed.py" 127.0.0.1 "$tport" "$secret" "$SMALL" "$TOKENS" "$TRANSACTIONS" "$work/seed"

  read_scenarios "$backend" "$SMALL profiles"
  if wants passwordless; then
    CLIENT_ID=$client PROFILES=$SMALL warm "$SCENARIO_WARMUP" 16 "$here/lua/passwordless.lua" "http://127.0.0.1:$tport"
    for c in $CONNECTIONS; do
      CLIENT_ID=$client PROFILES=$SMALL measure "passwordless round trip (2 requests), $SMALL profiles" "$backend" "$c" "$here/lua/passwordless.lua" "http://127.0.0.1:$tport" "$tpid"
    done
  fi

  echo "$backend: adding $LARGE profiles, each with a live session..." >&2
  bulk_profiles "$backend" $((SMALL + 1)) $((SMALL + LARGE)) bulk 1
  read_scenarios "$backend" "$((SMALL + LARGE)) profiles"
  if wants issuance; then
    API_SECRET=$secret FIRST_PROFILE=$((SMALL + 1)) PROFILES=$LARGE warm "$SCENARIO_WARMUP" 16 "$here/lua/issuance.lua" "http://127.0.0.1:$tport"
    for c in $CONNECTIONS; do
      API_SECRET=$secret FIRST_PROFILE=$((SMALL + 1)) PROFILES=$LARGE \
        measure "issuance for existing profiles, $((SMALL + LARGE)) profiles" "$backend" "$c" "$here/lua/issuance.lua" "http://127.0.0.1:$tport" "$tpid"
    done
  fi

  if [ "$backend" = postgres ] && wants instances; then
    # Two instances against one on the verification scenario, 64 connections split across the instances. On 2
    # cores shared with wrk, one instance already keeps every core busy, so the uncapped pair can only show that;
    # each instance capped at half a core (a cgroup) shows what a second machine would add. Both instances of a
    # comparison are started and warmed together before either row, so "one" and "two" are the same warm servers.
    tokens="$work/seed/tokens.txt"
    one_port=$tport; one_pid=$tpid
    start_tessera "$backend"; two_port=$tport; two_pid=$tpid
    TOKENS_FILE=$tokens warm 10s 64 "$here/lua/verify.lua" "http://127.0.0.1:$one_port http://127.0.0.1:$two_port"
    TOKENS_FILE=$tokens measure "verification, one instance" "$backend" 64 "$here/lua/verify.lua" "http://127.0.0.1:$one_port" "$one_pid"
    TOKENS_FILE=$tokens measure "verification, two instances" "$backend" 64 "$here/lua/verify.lua" \
      "http://127.0.0.1:$one_port http://127.0.0.1:$two_port" "$one_pid $two_pid"
    stop_pid "$two_pid"; stop_pid "$one_pid"

    start_tessera "$backend" 0.5; one_port=$tport; one_pid=$tpid
    start_tessera "$backend" 0.5; two_port=$tport; two_pid=$tpid
    both="http://127.0.0.1:$one_port http://127.0.0.1:$two_port"
    TOKENS_FILE=$tokens warm 20s 64 "$here/lua/verify.lua" "$both"
    API_SECRET=$secret FIRST_PROFILE=$((SMALL + 1)) PROFILES=$LARGE warm 20s 64 "$here/lua/issuance.lua" "$both"
    TOKENS_FILE=$tokens measure "verification, one instance capped at 0.5 core" "$backend" 64 "$here/lua/verify.lua" "http://127.0.0.1:$one_port" "$one_pid"
    TOKENS_FILE=$tokens measure "verification, two instances capped at 0.5 core each" "$backend" 64 "$here/lua/verify.lua" "$both" "$one_pid $two_pid"
    API_SECRET=$secret FIRST_PROFILE=$((SMALL + 1)) PROFILES=$LARGE measure "issuance, one instance capped at 0.5 core" "$backend" 64 "$here/lua/issuance.lua" \
      "http://127.0.0.1:$one_port" "$one_pid"
    API_SECRET=$secret FIRST_PROFILE=$((SMALL + 1)) PROFILES=$LARGE measure "issuance, two instances capped at 0.5 core each" "$backend" 64 "$here/lua/issuance.lua" \
      "$both" "$one_pid $two_pid"
    stop_pid "$two_pid"; tpid=$one_pid
  fi
  stop_pid "$tpid"
  if [ "$backend" = postgres ]; then runuser -u postgres -- pg_ctl -D "$pgdata" -m fast stop >/dev/null; pgdata=; rm -rf "$work/pg"; fi
done

echo
echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem/ {print $2}') GiB;" \
  "wrk -t1 per instance, $DURATION per row, load generator on the same machine; $(date -u +%F)"
print_table "scenario"
echo
ratio_summary

#!/usr/bin/env bash
# Write scenarios on PostgreSQL: CPU per request of Tessera, PostgreSQL and wrk, and pg_stat_statements per request.
# Usage (run as root; builds made beforehand, e.g. dotnet build src/Tessera -c Release -o /tmp/before):
#   BUILDS="before=/tmp/before after=/tmp/after" ROUNDS=3 CONNS="16 64" OUT=/tmp/pg-writes bench/http/pg-writes.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BUILDS=${BUILDS:?BUILDS="label=dir ..." of Release builds}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-16}
SCENS=${SCENS:-"issuance passwordless"}
LARGE=${LARGE:-1000000}
SCENARIO_WARMUP=${SCENARIO_WARMUP:-30s}
OUT=${OUT:-/tmp/pg-writes}; mkdir -p "$OUT"; : >"$OUT/rows.tsv"
SMALL=1000

start_postgres() { # as lib.sh, plus pg_stat_statements
  local pgdir="$work/pg"; mkdir -p "$pgdir"; pgdata="$pgdir/data"; chown postgres "$pgdir"
  pgport=$(free_port)
  runuser -u postgres -- initdb -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- pg_ctl -D "$pgdata" -l "$pgdir/log" -w -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.max=2000 -c pg_stat_statements.track_planning=on" start >/dev/null
  pgconn="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"
}
psqlc() { psql -X -q -A -t -F $'\t' -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# CPU seconds of every PostgreSQL process: "backends all" (client backends; all = postmaster + every child).
pg_cpu() {
  local pm; pm=$(head -1 "$pgdata/postmaster.pid")
  { echo "$pm postmaster"; ps -o pid=,args= --ppid "$pm"; } | while read -r pid args; do
    [ -r "/proc/$pid/stat" ] || continue
    local line; line=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    line=${line##*) }; set -- $line   # $1 = state (field 3); utime=field14 -> $12, stime -> $13
    local kind=aux; [[ "$args" == *"postgres postgres 127.0.0.1"* ]] && kind=backend
    echo "$kind $(( ${12} + ${13} ))"
  done | awk -v hz="$(getconf CLK_TCK)" '{all += $2; if ($1 == "backend") b += $2} END {printf "%.3f %.3f\n", b / hz, all / hz}'
}
shell_children_cpu() { local line; line=$(</proc/$$/stat); line=${line##*) }; set -- $line; echo $(( ${14} + ${15} )); }  # cutime+cstime (fields 16,17)

start_build() { # LABEL DIR: sets tport tpid
  local config; read -ra config <<<"$(bench_config postgres | tr '\n' ' ')"
  tport=$(free_port)
  "$2/tessera" serve --urls "http://127.0.0.1:$tport" --Tokens:PublicBaseUrl=http://bench.test "${config[@]}" >"$work/tessera-$1.log" 2>&1 & pids+=($!); tpid=$!
  wait_up "http://127.0.0.1:$tport/healthz" || { tail -30 "$work/tessera-$1.log" >&2; return 1; }
}

scen_env() { # SCENARIO: the Lua script and its environment
  case $1 in
    issuance) script="$here/lua/issuance.lua"; export API_SECRET=$secret FIRST_PROFILE=$((SMALL + 1)) PROFILES=$LARGE ;;
    passwordless) script="$here/lua/passwordless.lua"; export CLIENT_ID=$client PROFILES=$SMALL; unset FIRST_PROFILE ;;
  esac
}

pgmeasure() { # SCENARIO BUILD C ROUND
  local scen=$1 build=$2 c=$3 round=$4 url="http://127.0.0.1:${port[$2]}" tp=${tpidof[$2]}
  scen_env "$scen"
  warm "$WARMUP" "$c" "$script" "$url"
  psqlc -c "SELECT pg_stat_statements_reset(); SELECT pg_stat_reset_shared('wal'); SELECT pg_stat_reset();" >/dev/null
  sleep 0.6  # let the stats collector settle
  local lsn0 lsn1 x0 x1 pg0 pg1 t0 t1 tc0 tc1 w0 w1 m0 m1
  lsn0=$(psqlc -c "SELECT pg_current_wal_insert_lsn()")
  x0=$(psqlc -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'postgres'")
  pg0=$(pg_cpu); tc0=$(cpu_seconds "$tp"); m0=$(machine_jiffies); w0=$(shell_children_cpu); t0=$(date +%s.%N)
  run_wrk "$DURATION" "$c" "$script" "$work/wrk" "$url"
  t1=$(date +%s.%N); w1=$(shell_children_cpu); m1=$(machine_jiffies); tc1=$(cpu_seconds "$tp"); pg1=$(pg_cpu)
  lsn1=$(psqlc -c "SELECT pg_current_wal_insert_lsn()")
  sleep 0.6
  x1=$(psqlc -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'postgres'")
  local out="$work/wrk.0" reqs rps p50 p99 non2xx
  reqs=$(awk '/requests in/ {print $1}' "$out"); rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out")
  p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' "$out"); p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out" | grep . || echo 0)
  local walb; walb=$(psqlc -c "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')")
  local tag="$scen-$build-c$c-r$round"
  psqlc -c "SELECT calls, plans, round((calls::numeric / $reqs), 3), round(mean_exec_time::numeric * 1000, 1), round(rows::numeric / NULLIF(calls, 0), 2),
      round(shared_blks_hit::numeric / NULLIF(calls, 0), 2), round(shared_blks_read::numeric / NULLIF(calls, 0), 3), round(shared_blks_dirtied::numeric / NULLIF(calls, 0), 3),
      round(shared_blks_written::numeric / NULLIF(calls, 0), 3), round(wal_bytes::numeric / NULLIF(calls, 0), 0), round(total_exec_time::numeric * 1000 / $reqs, 1), round(total_plan_time::numeric * 1000 / $reqs, 1),
      regexp_replace(query, '\s+', ' ', 'g')
    FROM pg_stat_statements WHERE calls > 0 ORDER BY calls DESC, total_exec_time DESC" >"$OUT/stmts-$tag.tsv"
  awk -F'\t' -v OFS='\t' -v tag="$tag" -v scen="$scen" -v build="$build" -v c="$c" -v r="$round" -v reqs="$reqs" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v e="$non2xx" \
    -v pg0="$pg0" -v pg1="$pg1" -v tc0="$tc0" -v tc1="$tc1" -v w0="$w0" -v w1="$w1" -v hz="$(getconf CLK_TCK)" -v m0="$m0" -v m1="$m1" -v n="$(nproc)" \
    -v t0="$t0" -v t1="$t1" -v walb="$walb" -v x0="$x0" -v x1="$x1" 'BEGIN {
      split(pg0, a, " "); split(pg1, b, " "); split(m0, x, " "); split(m1, y, " "); d = t1 - t0
      tess = (tc1 - tc0) / reqs * 1e6; pgb = (b[1] - a[1]) / reqs * 1e6; pga = (b[2] - a[2]) / reqs * 1e6; wrk = (w1 - w0) / hz / reqs * 1e6
      mach = n * (y[1] - x[1]) / (y[2] - x[2]); machus = mach * d / reqs * 1e6
      print scen, build, c, r, rps, p50, p99, e, sprintf("%.0f", tess), sprintf("%.0f", pgb), sprintf("%.0f", pga), sprintf("%.0f", wrk), sprintf("%.0f", machus),
        sprintf("%.2f", (tc1 - tc0) / d), sprintf("%.2f", (b[2] - a[2]) / d), sprintf("%.2f", (w1 - w0) / hz / d), sprintf("%.2f", mach),
        sprintf("%.0f", walb / reqs), sprintf("%.3f", (x1 - x0) / reqs), reqs }' >>"$OUT/rows.tsv"
  tail -1 "$OUT/rows.tsv" | awk -F'\t' '{printf "  %s %s c=%s r%s: %s req/s p50 %s p99 %s non2xx %s | µs/req tessera %s pg-backends %s pg-all %s wrk %s machine %s | cores t %s pg %s wrk %s machine %s | WAL %s B/req xacts/req %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19}' >&2
}

for b in $BUILDS; do [ -x "${b#*=}/tessera" ] || { echo "missing build ${b#*=}" >&2; exit 1; }; done
first=${BUILDS%% *}; ln -s "${first#*=}" "$work/tessera"
start_postgres
psqlc -c "CREATE EXTENSION pg_stat_statements" >/dev/null
init_tessera postgres
echo "seeding $SMALL + $LARGE profiles..." >&2
bulk_profiles postgres 1 "$SMALL" user 0
bulk_profiles postgres $((SMALL + 1)) $((SMALL + LARGE)) bulk 1
psqlc -c "SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers','synchronous_commit','fsync','wal_level','max_wal_size','server_version')" >"$OUT/settings.tsv"
psqlc -c "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relname IN ('profiles','sessions','audit_log','audit_events','passcode_challenges','outbox_messages') " >"$OUT/sizes.tsv" || true
declare -A port tpidof
for b in $BUILDS; do start_build "${b%%=*}" "${b#*=}"; port[${b%%=*}]=$tport; tpidof[${b%%=*}]=$tpid; done
for scen in $SCENS; do
  scen_env "$scen"
  for b in $BUILDS; do warm "$SCENARIO_WARMUP" 16 "$script" "http://127.0.0.1:${port[${b%%=*}]}"; done
done
for c in $CONNS; do
  for r in $(seq 1 "$ROUNDS"); do
    for scen in $SCENS; do
      for b in $BUILDS; do pgmeasure "$scen" "${b%%=*}" "$c" "$r"; done
    done
  done
done
cp "$work"/tessera-*.log "$OUT/" 2>/dev/null || true
for b in $BUILDS; do stop_pid "${tpidof[${b%%=*}]}"; done
runuser -u postgres -- pg_ctl -D "$pgdata" -m fast stop >/dev/null; pgdata=
echo done >&2

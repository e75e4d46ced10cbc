# Shared pieces of the HTTP benchmarks (sourced by run.sh and soak.sh): build, start servers, seed, measure.
# Every wrk run appends one row to $results: scenario, backend, connections, requests/s, p50, p99, non-2xx, SQL per
# request (from the server's /metrics), server CPU (cores busy), the whole machine's CPU (cores busy: server, database,
# load generator and whatever else runs; at nproc the machine is the bottleneck), server peak RSS during the row,
# server CPU per request (µs) and managed allocations per request (KB, from the server's /metrics).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION=${DURATION:-10s}
# Each row is preceded by an unrecorded run of the same load, so a row measures a warm server (JIT tiering, caches,
# connection pools), not the first seconds of an instance or a scenario.
WARMUP=${WARMUP:-3s}
# The write scenarios (issuance, passwordless) run far more code per request (EF Core's save pipeline among it), and
# on two saturated cores the runtime's tier-1 JIT takes tens of seconds to catch up: PostgreSQL issuance measured
# 1,016 req/s in its first 5 s and 2,913 in its eighth. Each is warmed this long once, before its first row.
SCENARIO_WARMUP=${SCENARIO_WARMUP:-40s}
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/http needs $tool (apt-get install wrk sqlite3 postgresql)" >&2; exit 1; }
done
work="$(mktemp -d)"; chmod 755 "$work"  # the postgres user must reach its data directory
results="$work/results.tsv"; : >"$results"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${pgdata:-}" ] && runuser -u postgres -- pg_ctl -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  for group in /sys/fs/cgroup/cpu/tessera-bench-$$-*; do rmdir "$group" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
for dir in /usr/lib/postgresql/*/bin; do [ -d "$dir" ] && PATH="$PATH:$dir"; done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }

build() {
  echo "building (Release)..." >&2
  dotnet build "$root/src/Tessera" -c Release -o "$work/tessera" -v q -nologo >/dev/null
  dotnet build "$here/Baseline" -c Release -o "$work/baseline" -v q -nologo >/dev/null
}

# build_revision REF OUT: a Release build of Tessera at git revision REF into OUT (for before/after comparisons).
build_revision() {
  local src="$work/src-${1//\//_}"; mkdir -p "$src"
  git -C "$root" archive "$1" | tar -x -C "$src"
  # The GraphiQL bundle is not part of the comparison: reuse the working tree's node_modules instead of npm ci.
  [ -d "$root/src/Tessera/GraphQL/Explorer/node_modules" ] && ln -s "$root/src/Tessera/GraphQL/Explorer/node_modules" "$src/src/Tessera/GraphQL/Explorer/node_modules"
  dotnet build "$src/src/Tessera" -c Release -o "$2" -v q -nologo >/dev/null
}

# Server CPU seconds (user+system) and peak RSS, read from /proc; the peak is reset before each row
# (clear_refs 5) so a row reports its own peak, not seeding's.
cpu_seconds() { local total=0 pid; for pid in "$@"; do total=$(awk -v t="$total" -v hz="$(getconf CLK_TCK)" '{print t + ($14 + $15) / hz}' "/proc/$pid/stat"); done; echo "$total"; }
reset_peak() { local pid; for pid in "$@"; do echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true; done; }
peak_rss_mb() { local max=0 pid v; for pid in "$@"; do v=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status"); [ "$v" -gt "$max" ] && max=$v; done; echo "$max"; }
# Busy and total jiffies of the whole machine, from /proc/stat's cpu line (idle and iowait count as not busy).
machine_jiffies() { awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6}' /proc/stat; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# counters URL...: "requests request_sql allocated_bytes" summed over the servers' /metrics.
counters() {
  local url r=0 q=0 a=0 text
  for url in "$@"; do
    text=$(curl -fs "$url/metrics" || true)  # the baseline has none: its counters stay 0
    r=$((r + $(awk '/^tessera_http_requests_total / {v = $2} END {print v + 0}' <<<"$text")))
    q=$((q + $(awk '/^tessera_db_commands_total\{source="request"\}/ {v = $2} END {print v + 0}' <<<"$text")))
    a=$((a + $(awk '/^dotnet_gc_allocated_bytes_total / {v = $2} END {printf "%.0f", v + 0}' <<<"$text")))
  done
  echo "$r $q $a"
}

# measure NAME BACKEND CONNECTIONS SCRIPT "URL..." "PID...": wrk against each URL at once (connections split evenly),
# one row for the lot. Extra environment for the Lua script is passed through by the caller.
measure() {
  local name=$1 backend=$2 c=$3 script=$4 urls=($5) spids=($6) rps=0 p50=0 p99=0 errors=0 before after cpu0 cpu1 t0 t1 m0 m1
  [ "$WARMUP" = 0 ] || warm "$WARMUP" "$c" "$script" "${urls[*]}"
  reset_peak "${spids[@]}"
  before=$(counters "${urls[@]}"); cpu0=$(cpu_seconds "${spids[@]}"); m0=$(machine_jiffies); t0=$(date +%s.%N)
  local outs=() i out
  for i in "${!urls[@]}"; do outs+=("$work/wrk.$i"); done
  run_wrk "$DURATION" "$c" "$script" "$work/wrk" "${urls[@]}"
  t1=$(date +%s.%N); m1=$(machine_jiffies); cpu1=$(cpu_seconds "${spids[@]}"); after=$(counters "${urls[@]}")
  for out in "${outs[@]}"; do
    rps=$(awk -v a="$rps" '/Requests\/sec/ {printf "%.0f", a + $2}' "$out")
    # With several generators, latency percentiles are the worst of them (a conservative reading).
    p50=$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' "$out" | awk -v a="$p50" '{print ($1 > a ? $1 : a)}')
    p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' "$out" | awk -v a="$p99" '{print ($1 > a ? $1 : a)}')
    errors=$((errors + $(awk '/Non-2xx/ {print $5}' "$out" | grep . || echo 0)))
  done
  local sql alloc cores machine cpu_us
  sql=$(awk -v b="$before" -v a="$after" 'BEGIN {split(b, x, " "); split(a, y, " "); r = y[1] - x[1]; if (r > 0) printf "%.2f", (y[2] - x[2]) / r; else printf "-"}')
  alloc=$(awk -v b="$before" -v a="$after" 'BEGIN {split(b, x, " "); split(a, y, " "); r = y[1] - x[1]; if (r > 0) printf "%.1f", (y[3] - x[3]) / r / 1024; else printf "-"}')
  cores=$(awk -v c0="$cpu0" -v c1="$cpu1" -v t0="$t0" -v t1="$t1" 'BEGIN {printf "%.2f", (c1 - c0) / (t1 - t0)}')
  # The server's CPU time per request answered: steadier than req/s on a shared machine, since it does not depend
  # on how much CPU the load generator and the neighbours left the server (the rows' ratio of it is what to compare).
  cpu_us=$(awk -v c0="$cpu0" -v c1="$cpu1" -v t0="$t0" -v t1="$t1" -v r="$rps" 'BEGIN {n = r * (t1 - t0); if (n > 0) printf "%.1f", (c1 - c0) / n * 1e6; else printf "-"}')
  machine=$(awk -v a="$m0" -v b="$m1" -v n="$(nproc)" 'BEGIN {split(a, x, " "); split(b, y, " "); t = y[2] - x[2]; printf "%.2f", (t > 0 ? n * (y[1] - x[1]) / t : 0)}')
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$name" "$backend" "$c" "$rps" "$p50" "$p99" "$errors" "$sql" "$cores" "$machine" "$(peak_rss_mb "${spids[@]}")" "$cpu_us" "$alloc" >>"$results"
  printf "  %-58s %-8s c=%-3s %8s req/s  p50 %6s ms  p99 %7s ms  non-2xx %s  SQL/req %s  cores %s/%s  CPU %s us/req  alloc %s KB/req  peak %s MB\n" \
    "$name" "$backend" "$c" "$rps" "$p50" "$p99" "$errors" "$sql" "$cores" "$machine" "$cpu_us" "$alloc" "$(peak_rss_mb "${spids[@]}")" >&2
}
# warm DURATION CONNECTIONS SCRIPT "URL...": the same load as measure, not recorded.
warm() { run_wrk "$1" "$2" "$3" "" $4; }
# run_wrk DURATION CONNECTIONS SCRIPT OUT URL...: one wrk per URL at once, the connections split evenly, each drawing
# its own random sequence; wrk i writes to OUT.i (nowhere when OUT is empty). Returns when all have finished.
run_wrk() {
  local duration=$1 c=$2 script=$3 out=$4 n i=0 url target; shift 4
  n=$#
  for url in "$@"; do
    target=/dev/null; [ -z "$out" ] || target="$out.$i"
    WRK_SEED=$((RANDOM * 32768 + RANDOM)) wrk -t1 -c"$((c / n > 0 ? c / n : 1))" -d"$duration" --latency -s "$script" "$url" >"$target" 2>&1 &
    i=$((i + 1))
  done
  wait_wrk
}
wait_wrk() { local job; for job in $(jobs -p); do case " ${pids[*]} " in *" $job "*) ;; *) wait "$job" || true ;; esac; done; }

start_baseline() { # sets bport bpid
  bport=$(free_port)
  "$work/baseline/baseline" --urls "http://127.0.0.1:$bport" >/dev/null 2>&1 & pids+=($!); bpid=$!
  wait_up "http://127.0.0.1:$bport/"
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

start_postgres() { # sets pgport pgconn
  local pgdir="$work/pg"; mkdir -p "$pgdir"; pgdata="$pgdir/data"; chown postgres "$pgdir"
  pgport=$(free_port)
  runuser -u postgres -- initdb -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- pg_ctl -D "$pgdata" -l "$pgdir/log" -w -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  pgconn="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"
}

# The settings every benchmarked instance runs with: quiet logs, and the per-IP and per-credential guards that a
# single load generator on 127.0.0.1 would otherwise trip opened up (the per-profile issuance limit stays as shipped).
bench_config() { # BACKEND
  case $1 in
    sqlite) echo --Database:Provider=sqlite --Database:ConnectionString=DataSource=$work/bench.db --Secrets:KeyFile="$work/master.key" ;;
    postgres) echo --Database:Provider=postgres "--Database:ConnectionString=$pgconn" --Secrets:MasterKey="$pg_master_key" ;;
  esac
  echo --Logging:LogLevel:Default=Warning --Passcodes:ResendCooldown=00:00:00 --Passcodes:MaxSendsPerIpPerHour=1000000 \
    --Passcodes:MaxSendsPerEnvironmentPerHour=100000000 --Limits:Requests:PerMinute=10000000
}
pg_master_key=$(head -c 32 /dev/urandom | base64)

init_tessera() { # BACKEND: migrates and creates the sandbox; sets secret client environment
  local config; read -ra config <<<"$(bench_config "$1" | tr '\n' ' ')"
  "$work/tessera/tessera" migrate "${config[@]}" >/dev/null
  local init; init=$("$work/tessera/tessera" init --json "${config[@]}")
  secret=$(json_field apiKey.secret <<<"$init"); client=$(json_field emailClient.id <<<"$init"); environment=$(json_field environment.id <<<"$init")
}

start_tessera() { # BACKEND [CPU_QUOTA_CORES]: one more instance; sets tport tpid
  local config; read -ra config <<<"$(bench_config "$1" | tr '\n' ' ')"
  tport=$(free_port)
  # A capped instance joins its cgroup before exec, as in a container: the runtime reads the quota at start
  # (Environment.ProcessorCount, GC heaps, thread-pool spinning) instead of sizing itself for the whole machine.
  local group=""; [ -n "${2:-}" ] && group=$(cpu_group "$2")
  GROUP=$group bash -c '[ -z "$GROUP" ] || echo $$ >"$GROUP/cgroup.procs"; exec "$@"' tessera \
    "$work/tessera/tessera" serve --urls "http://127.0.0.1:$tport" --Tokens:PublicBaseUrl=http://bench.test "${config[@]}" >"$work/tessera-$tport.log" 2>&1 & pids+=($!); tpid=$!
  wait_up "http://127.0.0.1:$tport/healthz" || { tail -30 "$work/tessera-$tport.log" >&2; return 1; }
}

# cpu_group CORES: a new cgroup (v1 cpu controller) allowing at most CORES of CPU time; prints its path.
cpu_group() {
  local group="/sys/fs/cgroup/cpu/tessera-bench-$$-$RANDOM$RANDOM"
  mkdir -p "$group"
  echo 100000 >"$group/cpu.cfs_period_us"; awk -v c="$1" 'BEGIN {printf "%d\n", c * 100000}' >"$group/cpu.cfs_quota_us"
  echo "$group"
}

# bulk_profiles BACKEND FROM TO EMAIL_PREFIX WITH_SESSION: inserts profiles FROM..TO straight into the database
# (the API would take minutes for a million): uuid 00000000-0000-4000-8000-<i as 12 hex digits>, email
# <prefix><i>@bench.test, verified; WITH_SESSION=1 also gives each a live session issued an hour ago.
bulk_profiles() {
  local backend=$1 from=$2 to=$3 prefix=$4 with_session=$5 profiles sessions=""
  case $backend in
    sqlite)
      profiles="WITH RECURSIVE n(i) AS (SELECT $from UNION ALL SELECT i + 1 FROM n WHERE i < $to)
INSERT INTO profiles (id, environment_id, uuid, email, email_verified_at, created_at, updated_at)
SELECT printf('p_bench%015d', i), '$environment', printf('00000000-0000-4000-8000-%012X', i), '$prefix' || i || '@bench.test',
       strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now') FROM n;"
      [ "$with_session" = 1 ] && sessions="WITH RECURSIVE n(i) AS (SELECT $from UNION ALL SELECT i + 1 FROM n WHERE i < $to)
INSERT INTO sessions (id, environment_id, profile_id, kind, issued_by, issued_at, expires_at)
SELECT printf('5E550000-0000-4000-8000-%012X', i), '$environment', printf('p_bench%015d', i), 'Api', 'api_bench',
       strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour'), strftime('%Y-%m-%d %H:%M:%f', 'now', '+23 hours') FROM n;"
      printf 'PRAGMA busy_timeout=60000;\nBEGIN;\n%s\n%s\nCOMMIT;\nANALYZE;\n' "$profiles" "$sessions" | sqlite3 "$work/bench.db" >/dev/null
      ;;
    postgres)
      profiles="INSERT INTO profiles (id, environment_id, uuid, email, email_verified_at, created_at, updated_at)
SELECT 'p_bench' || lpad(i::text, 15, '0'), '$environment', ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
       '$prefix' || i || '@bench.test', now(), now(), now() FROM generate_series($from, $to) AS i;"
      [ "$with_session" = 1 ] && sessions="INSERT INTO sessions (id, environment_id, profile_id, kind, issued_by, issued_at, expires_at)
SELECT ('5e550000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '$environment', 'p_bench' || lpad(i::text, 15, '0'), 'Api', 'api_bench',
       now() - interval '1 hour', now() + interval '23 hours' FROM generate_series($from, $to) AS i;"
      printf 'BEGIN;\n%s\n%s\nCOMMIT;\nVACUUM ANALYZE profiles;\nVACUUM ANALYZE sessions;\n' "$profiles" "$sessions" \
        | psql -q -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null
      ;;
  esac
}

# print_table FIRST_COLUMN_TITLE: the rows of $results as the Markdown table of bench/README.md.
print_table() {
  printf "| %s | db | conns | req/s | p50 ms | p99 ms | non-2xx | SQL/req | server cores | machine cores | peak RSS MB | server CPU µs/req | alloc KB/req |\n" "$1"
  printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13}' "$results"
}

# ratio_summary: each row "token verification …" or "tessera …" (verify.sh's builds) paired with the latest baseline
# row before it at the same connection count in $results: the pair's ratio of requests/s and of server CPU per
# request, and their median per label and connection count. One pair says little on a shared machine (neighbours come and go within a minute); the median
# of pairs measured back to back is the figure the verification target is read against.
ratio_summary() {
  awk -F'\t' '
    $1 ~ /^baseline/ { base_rps = $4; base_us = $12; base_c = $3; next }
    $1 ~ /^(token verification|tessera)/ && $3 == base_c && base_rps > 0 {
      key = $1 " | " $2 " | c=" $3
      if (!(key in n)) order[++keys] = key
      n[key]++; rps[key, n[key]] = $4 / base_rps; us[key, n[key]] = ($12 > 0 ? base_us / $12 : 0)
    }
    function median(arr, key, count,   i, j, t, v) {
      for (i = 1; i <= count; i++) v[i] = arr[key, i]
      for (i = 2; i <= count; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
    }
    END {
      if (!keys) exit
      print "| rows (each right after its own baseline row) | pairs | req/s ÷ baseline, each pair | median | baseline µs/req ÷ server µs/req, median |"
      print "|---|---|---|---|---|"
      for (k = 1; k <= keys; k++) {
        key = order[k]; list = ""
        for (i = 1; i <= n[key]; i++) list = list (i > 1 ? ", " : "") sprintf("%.0f%%", 100 * rps[key, i])
        printf "| %s | %d | %s | **%.0f%%** | %.0f%% |\n", key, n[key], list, 100 * median(rps, key, n[key]), 100 * median(us, key, n[key])
      }
    }' "$results"
}


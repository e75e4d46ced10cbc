#!/usr/bin/env bash
# The token verification scenario alone (GET /v1/users/session with TOKENS distinct tokens, SQLite), beside the bare
# Kestrel baseline, optionally for several builds in the same run so a before/after comparison sees the same machine.
# Usage: bench/http/verify.sh [GIT_REF...]   e.g. bench/http/verify.sh main   (the working tree is always measured)
# Env: DURATION=10s WARMUP=3s VERIFY_WARMUP=15s CONNECTIONS="1 16 64" TOKENS=10000 ROUNDS=3. Needs wrk, python3.
# Rows are interleaved (baseline, then each build, per connection count and round) so load from elsewhere on the
# machine falls on all of them alike. The builds share one seeded database (a copy each) and master key.
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # work dir, cleanup, free_port, wait_up
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
TOKENS=${TOKENS:-10000}
ROUNDS=${ROUNDS:-3}

labels=(); dirs=()
echo "building (Release)..."
dotnet build "$here/Baseline" -c Release -o "$work/baseline" -v q -nologo >/dev/null
dotnet build "$root/src/Tessera" -c Release -o "$work/build-worktree" -v q -nologo >/dev/null
labels+=("tessera (working tree)"); dirs+=("$work/build-worktree")
for ref in "$@"; do
  build_revision "$ref" "$work/build-${ref//\//_}"
  labels+=("tessera ($ref $(git -C "$root" rev-parse --short "$ref"))"); dirs+=("$work/build-${ref//\//_}")
done

config=(--Logging:LogLevel:Default=Warning --Limits:Requests:PerMinute=10000000 --Secrets:KeyFile="$work/master.key")
seed_port=$(free_port)
seed_config=("${config[@]}" --Database:ConnectionString="Data Source=$work/seed.db" --Tokens:PublicBaseUrl="http://127.0.0.1:$seed_port")

echo "seeding $TOKENS tokens..."
tessera="${dirs[0]}/tessera"
"$tessera" migrate "${seed_config[@]}" >/dev/null
secret=$("$tessera" init --json "${seed_config[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["apiKey"]["secret"])')
"$tessera" serve --urls "http://127.0.0.1:$seed_port" "${seed_config[@]}" >"$work/seed.log" 2>&1 & seed_pid=$!; pids+=($seed_pid)
wait_up "http://127.0.0.1:$seed_port/healthz"
python3 - "$seed_port" "$secret" "$TOKENS" "$work/tokens.txt" <<'EOF'
import http.client, json, sys, uuid
port, secret, count, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
with open(out, "w") as f:
    for i in range(count):
        conn.request("POST", "/v1/users/sessions", json.dumps({"uuid": str(uuid.UUID(int=i + 1))}),
                     {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
        r = conn.getresponse(); body = r.read()
        if r.status != 201: sys.exit(f"seeding failed at {i}: HTTP {r.status} {body[:200]!r}")
        f.write(json.loads(body)["token"] + "\n")
EOF
kill "$seed_pid"; wait "$seed_pid" 2>/dev/null || true

# Every build serves a copy of the seeded database under the same issuer/audience (the tokens name the seed's).
ports=(); tpids=()
for i in "${!dirs[@]}"; do
  cp "$work/seed.db" "$work/db-$i.db"
  port=$(free_port)
  "${dirs[$i]}/tessera" serve --urls "http://127.0.0.1:$port" "${config[@]}" --Database:ConnectionString="Data Source=$work/db-$i.db" \
    --Tokens:PublicBaseUrl="http://127.0.0.1:$seed_port" >"$work/tessera-$i.log" 2>&1 & pids+=($!); tpids+=($!)
  ports+=("$port")
  wait_up "http://127.0.0.1:$port/healthz"
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/users/session" -H "Authorization: Bearer $(head -n 1 "$work/tokens.txt")")
  [ "$status" = 200 ] || { echo "${labels[$i]}: GET /v1/users/session answered $status" >&2; exit 1; }
done
bport=$(free_port)
"$work/baseline/baseline" --urls "http://127.0.0.1:$bport" >/dev/null 2>&1 & pids+=($!); bpid=$!
wait_up "http://127.0.0.1:$bport/"

# Tier-1 JIT takes more than a row's WARMUP to settle on two busy cores: warm every server once, at length, first.
echo "warming every server (${VERIFY_WARMUP:-15s} each)..."
warm "${VERIFY_WARMUP:-15s}" 64 "$here/lua/baseline.lua" "http://127.0.0.1:$bport"
for i in "${!dirs[@]}"; do TOKENS_FILE="$work/tokens.txt" warm "${VERIFY_WARMUP:-15s}" 64 "$here/lua/verify.lua" "http://127.0.0.1:${ports[$i]}"; done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1, $DURATION per row"
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do
    measure "baseline (bare Kestrel)" "-" "$c" "$here/lua/baseline.lua" "http://127.0.0.1:$bport" "$bpid"
    for i in "${!dirs[@]}"; do
      TOKENS_FILE="$work/tokens.txt" measure "${labels[$i]}" sqlite "$c" "$here/lua/verify.lua" "http://127.0.0.1:${ports[$i]}" "${tpids[$i]}"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
print_table "server"
echo
ratio_summary

#!/usr/bin/env bash
# Grab load through a running fleet's load balancer (load-tests/fleet.sh up, same FLEET_PORT / FLEET_BASE_PORT) on two
# campaigns of 1,000,000 units, one of 1 bucket and one of 8 (docs/benchmarks.md, issue 16): per round and campaign
# a 10 s warm-up, INFO commandstats reset on every primary, 20 s of wrk (2 threads, 64 connections, 1,000 members,
# a fresh Idempotency-Key per request), a wait until the persisters stored everything (their scripts count with the
# run), then evalsha+eval calls per primary. Env: ROUNDS (default "1 2 3"), NOWARM=1 (no warm-up), C1 / C8 (reuse
# campaigns), WORK (token file directory).
set -euo pipefail
LB=http://127.0.0.1:${FLEET_PORT:-8080}
W=${WORK:-$(mktemp -d)}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BASE=${FLEET_BASE_PORT:-27000}
ADMIN=$(curl -fsS "$LB/api/v1/dev/tokens" -H 'Content-Type: application/json' -d '{"subject":"b2-admin","roles":["ADMIN"]}' | jq -r .token)
if [ ! -s "$W/tokens.txt" ]; then
  seq 1 1000 | xargs -P 4 -I{} sh -c "curl -fsS $LB/api/v1/dev/tokens -H 'Content-Type: application/json' -d '{\"subject\":\"b2m-{}\",\"roles\":[\"MEMBER\"]}' | jq -r .token" > "$W/tokens.txt"
fi
wc -l "$W/tokens.txt" >&2
now=$(date -u +%Y-%m-%dT%H:%M:%SZ); later=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ); week=$(date -u -d '+7 days' +%Y-%m-%dT%H:%M:%SZ)
create() { # BUCKETS -> id
  curl -fsS "$LB/api/v1/campaigns" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "{\"name\":\"b2 $1\",\"stock\":1000000,\"perMemberLimit\":100,\"grabStartsAt\":\"$now\",\"grabEndsAt\":\"$later\",\"redeemStartsAt\":\"$now\",\"redeemEndsAt\":\"$week\",\"discount\":{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":100,\"minSpendCents\":0},\"buckets\":$1}" | jq -r .id
}
primaries() { for i in 1 2 3 4 5 6; do p=$((BASE+i)); redis-cli -p $p role | head -1 | grep -q master && echo $p; done; true; }
PRIM=$(primaries | tr '\n' ' ')
echo "primaries: $PRIM" >&2
declare -A CAMP
CAMP[1]=${C1:-$(create 1)}; CAMP[8]=${C8:-$(create 8)}
echo "campaigns: 1 bucket ${CAMP[1]}, 8 buckets ${CAMP[8]}" >&2
run() { # BUCKETS SECONDS TAG
  wrk -t2 -c64 -d"$2"s --timeout 10s -s "$REPO/load-tests/bench/wrk-fairrush.lua" "$LB" -- grab "/api/v1/campaigns/${CAMP[$1]}/grabs" "$W/tokens.txt" "$3" | grep '^RESULT' | sed 's/^RESULT //'
}
for round in ${ROUNDS:-1 2 3}; do
  for b in 1 8; do
    [ -n "${NOWARM:-}" ] || run $b 10 "w$round-$b" >/dev/null
    for p in $PRIM; do redis-cli -p $p config resetstat >/dev/null; done
    R=$(run $b 20 "m$round-$b")
    # Until the persisters stored this run's claims: their scripts (acknowledge, clear) count with the run.
    for t in $(seq 1 120); do
      pend=$(curl -fsS "$LB/api/v1/ops/reconciliation" -H "Authorization: Bearer $ADMIN" | jq '[.consumerLag] + [.pools[].pendingNotStored] | add')
      [ "$pend" = "0" ] && break; sleep 1
    done
    calls=$(for p in $PRIM; do s=$(redis-cli -p $p info commandstats | tr -d '\r'); e=$(grep -E '^cmdstat_evalsha:' <<<"$s" | sed -E 's/^cmdstat_evalsha:calls=([0-9]+),.*/\1/'); v=$(grep -E '^cmdstat_eval:' <<<"$s" | sed -E 's/^cmdstat_eval:calls=([0-9]+),.*/\1/'); echo "${e:-0}+${v:-0}"; done | tr '\n' ' ' )
    echo "round $round buckets $b: $(jq -c '{rps,p50_ms,p99_ms,status,socket_errors}' <<<"$R") evalsha+eval per primary (${PRIM}) $calls load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done

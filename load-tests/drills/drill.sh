#!/usr/bin/env bash
# A fault drill on the running fleet (load-tests/fleet.sh up): a voucher rush through the load balancer, one
# fault in the middle of it, then the invariants of docs/design.md section 3 checked once the sale has settled:
#   - every claim acknowledged to a client (201) is stored in Postgres, once;
#   - stored vouchers <= stock, and no member above the limit (1);
#   - reconciliation holds: stock = remaining in Redis + stored + pending (the pool's difference is 0);
#   - no undersell: with stock left, every API instance grants a grab to a new member;
#   - no member's last answer a server error (5xx): the driver retries 503 with the same key, as an app does.
# usage: load-tests/drills/drill.sh SCENARIO [--members N] [--stock S] [--concurrency C]
#   api        SIGKILL API instance 2 at 3 s (HAProxy moves its traffic; restarted after the rush)
#   kafka      SIGKILL Kafka broker 2 at 3 s (restarted 10 s later)
#   persister  SIGKILL persister 1 at 3 s, in the middle of its batches (another takes its partitions, or it is restarted)
#   redis      SIGKILL the Redis primary of the campaign's slot at 3 s: its replica takes over after the node timeout (2 s), with what
#              asynchronous replication had sent it (restarted after the rush: it rejoins as a replica)
#   failover   fleet.sh failover of the campaign's primary at 3 s (a coordinated failover: the replica catches up first)
#   none       no fault (the reference)
# Prints one JSON line (also appended to load-tests/target/drills/results.jsonl); exits 1 when an invariant fails.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../lib/stack.sh"
FLEET="$HERE/../fleet.sh"
DIR=${FLEET_DIR:-${TMPDIR:-/tmp}/fairrush-fleet}
[ -f "$DIR/fleet.env" ] || die "no fleet runs (load-tests/fleet.sh up first)"
# shellcheck disable=SC1091
source "$DIR/fleet.env"

SCENARIO=${1:-}; shift || true
MEMBERS=3000 STOCK=5000 CONCURRENCY=32
while [ $# -gt 0 ]; do
  case $1 in
    --members) MEMBERS=$2; shift 2 ;;
    --stock) STOCK=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
case $SCENARIO in api | kafka | persister | redis | failover | none) ;; *) sed -n '2,19p' "$0" >&2; exit 2 ;; esac

LB="http://127.0.0.1:$FLEET_PORT"
RUN="d$(date +%s)"
OUT="$ROOT/load-tests/target/drills/$RUN-$SCENARIO"
mkdir -p "$OUT"
psql_fleet() { psql -h "${PG_ADDR%:*}" -p "${PG_ADDR#*:}" -U postgres -d "$PG_DB" -v ON_ERROR_STOP=1 -qtA "$@"; }
token() { curl -fsS "$LB/api/v1/dev/tokens" -H 'Content-Type: application/json' -d "{\"subject\":\"$1\",\"roles\":[\"$2\"]}" | jq -r .token; }
ADMIN=$(token "drill-admin" ADMIN)
now=$(date -u -d '-1 min' +%FT%TZ) end=$(date -u -d '+1 day' +%FT%TZ)
CAMPAIGN=$(curl -fsS "$LB/api/v1/campaigns" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Drill $SCENARIO $RUN\",\"stock\":$STOCK,\"perMemberLimit\":1,\"grabStartsAt\":\"$now\",\"grabEndsAt\":\"$end\",\"redeemStartsAt\":\"$now\",\"redeemEndsAt\":\"$end\",\"discount\":{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":2000,\"minSpendCents\":3000}}" | jq -r .id)
log "drill $SCENARIO: campaign $CAMPAIGN, stock $STOCK, $MEMBERS members, $CONCURRENCY at a time"

# The Redis primary that holds the campaign's slot (its keys share the hash tag {c:<id}).
campaign_primary() {
  local slot port
  slot=$(redis-cli -p "$((BASE + 2))" cluster keyslot "fr:{c:$CAMPAIGN}:meta" 2>/dev/null || redis-cli -p "$((BASE + 1))" cluster keyslot "fr:{c:$CAMPAIGN}:meta")
  port=$(redis-cli -p "$((BASE + 2))" cluster nodes 2>/dev/null | awk -v slot="$slot" '$3 ~ /master/ && $8 == "connected" {
      for (i = 9; i <= NF; i++) { split($i, r, "-"); if (r[2] == "") r[2] = r[1]; if (slot >= r[1] && slot <= r[2]) { split($2, a, "[:@]"); print a[2] } } }')
  echo $((port - BASE))
}
PRIMARY=$(campaign_primary)
log "the campaign's keys are on Redis primary redis $PRIMARY"
java "$HERE/RushDriver.java" "$LB" "$CAMPAIGN" "$MEMBERS" "$CONCURRENCY" "$DIR/dev-token-keys.txt" "$RUN" "$OUT" >"$OUT/driver.log" 2>&1 &
DRIVER=$!
sleep 3
RESTART=()
case $SCENARIO in
  api) "$FLEET" kill api 2; RESTART=(api 2) ;;
  kafka) "$FLEET" kill kafka 2; ( sleep 10; "$FLEET" start kafka 2 ) >"$OUT/restart.log" 2>&1 & ;;
  persister) "$FLEET" kill persister 1; RESTART=(persister 1) ;;
  redis) "$FLEET" kill redis "$PRIMARY"; RESTART=(redis "$PRIMARY") ;;
  failover) "$FLEET" failover redis "$PRIMARY" ;;
  none) ;;
esac
wait "$DRIVER" || die "the driver failed (see $OUT/driver.log)"
RUSH_END=$(date +%s.%N)
log "rush over: $(cat "$OUT/summary.json")"

# Settled: the persisters drained Kafka and the pool's numbers add up (or 180 s passed).
report() { curl -fsS -m 20 "$LB/api/v1/ops/reconciliation" -H "Authorization: Bearer $ADMIN" 2>/dev/null \
  | jq -c --arg c "$CAMPAIGN" '{lag: .consumerLag, pool: (.pools[] | select(.kind == "c" and .scope == $c))}' 2>/dev/null || true; }
for ((i = 0; i < 180; i++)); do
  R=$(report)
  [ -n "$R" ] && [ "$(jq -r '.lag == 0 and .pool.pendingNotStored == 0' <<<"$R")" = true ] && break
  sleep 1
done
SETTLED_S=$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $RUSH_END}")
log "settled after ${SETTLED_S}s: $R"
wait || true   # a delayed restart still running
[ ${#RESTART[@]} -eq 0 ] || "$FLEET" start "${RESTART[@]}" >"$OUT/restart.log" 2>&1 || log "could not restart ${RESTART[*]} (see $OUT/restart.log)"

# The invariants.
psql_fleet -c "set client_min_messages = warning; create table if not exists drill_ack (run text, id uuid)" >/dev/null
psql_fleet -c "\\copy drill_ack (id) from '$OUT/acknowledged.txt'" >/dev/null
psql_fleet -c "update drill_ack set run = '$RUN' where run is null" >/dev/null
ACKED=$(wc -l < "$OUT/acknowledged.txt")
LOST=$(psql_fleet -c "select count(*) from drill_ack a where a.run = '$RUN' and not exists (select 1 from voucher v where v.id = a.id)")
STORED=$(psql_fleet -c "select count(*) from voucher where campaign_id = $CAMPAIGN")
MOST=$(psql_fleet -c "select coalesce(max(n), 0) from (select count(*) n from voucher where campaign_id = $CAMPAIGN group by member_id) m")
REMAINING=$(curl -fsS "$LB/api/v1/campaigns/$CAMPAIGN" -H "Authorization: Bearer $ADMIN" | jq -r .remaining)
NO_REPORT='{}'
DIFFERENCE=$(jq -r '.pool.difference // "none"' <<<"${R:-$NO_REPORT}")
# A difference at lag 0 is what Redis lost (e.g. writes a dying primary had not replicated): the runbook's
# repair (docs/operations.md section 8, "Redis lost") rebuilds the pool from Postgres; it must then add up.
REPAIRED=null
if [ "$DIFFERENCE" != 0 ]; then
  log "reconciliation difference $DIFFERENCE: rebuilding campaign $CAMPAIGN from Postgres"
  REPAIRED=$(curl -sS -m 120 -X POST "$LB/api/v1/campaigns/$CAMPAIGN/rebuild" -H "Authorization: Bearer $ADMIN" | jq -r '.difference // "none"')
  log "after the rebuild: difference $REPAIRED"
fi
# No undersell: every API instance grants a new member while stock remains.
GRANTS=0 INSTANCES=0
for ((i = 1; i <= API; i++)); do
  INSTANCES=$((INSTANCES + 1))
  M=$(token "$RUN-late-$i" MEMBER)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$((BASE + 200 + i))/api/v1/campaigns/$CAMPAIGN/grabs" \
    -H "Authorization: Bearer $M" -H "Idempotency-Key: late-$RUN-$i" || true)
  [ "$code" = 201 ] && GRANTS=$((GRANTS + 1))
done
# No member left with a server error as its last answer: a member's app retries 503 with the same key, not 500
# (a Redis primary's death once ended 142 members' grabs with 500 while the drill still said ok).
SERVER_ERRORS=$(jq '[.final | to_entries[] | select(.key | test("^5")) | .value] | add // 0' "$OUT/summary.json")
OK=true
[ "$SERVER_ERRORS" = 0 ] || OK=false
[ "$LOST" = 0 ] || OK=false
[ "$STORED" -le "$STOCK" ] || OK=false
[ "$MOST" -le 1 ] || OK=false
[ "$DIFFERENCE" = 0 ] || [ "$REPAIRED" = 0 ] || OK=false
if [ "$REMAINING" -gt "$API" ]; then [ "$GRANTS" = "$INSTANCES" ] || OK=false; fi
RESULT=$(jq -c -n --arg scenario "$SCENARIO" --arg run "$RUN" --argjson campaign "$CAMPAIGN" --argjson stock "$STOCK" \
  --argjson driver "$(cat "$OUT/summary.json")" --argjson acked "$ACKED" --argjson lost "$LOST" --argjson stored "$STORED" \
  --argjson most "$MOST" --argjson remaining "$REMAINING" --arg difference "$DIFFERENCE" --argjson grants "$GRANTS" \
  --argjson instances "$INSTANCES" --arg repaired "$REPAIRED" --arg settled "$SETTLED_S" --argjson ok "$OK" \
  --argjson server_errors "$SERVER_ERRORS" \
  '{scenario: $scenario, run: $run, campaign: $campaign, stock: $stock, client: $driver, final_server_errors: $server_errors, acknowledged: $acked,
    acknowledged_not_stored: $lost, stored_before_late_grabs: $stored, most_per_member: $most, remaining: $remaining,
    reconciliation_difference: $difference, difference_after_rebuild: $repaired, late_grants: "\($grants)/\($instances)", settled_after_s: $settled, ok: $ok}')
echo "$RESULT" | tee -a "$ROOT/load-tests/target/drills/results.jsonl"
[ "$OK" = true ]

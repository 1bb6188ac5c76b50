#!/usr/bin/env bash
# The season soak of issue 14, in one command (not part of ./mvnw verify): SALES sales in a row against one
# instance of the service (API and persister) with a short retention. Each sale is a voucher campaign rushed with
# wrk until sold out, and a small fair (one category, more merchants than stalls: a waiting list), then closed,
# stored and retired from Redis. It checks and reports:
#   - Redis memory (INFO used_memory) and key count (DBSIZE) after the season, against the baseline taken after a
#     warm-up sale was retired: within 5 %;
#   - the background loops' Redis commands per second on an idle service (INFO commandstats over IDLE seconds),
#     at the baseline and after the season: they do not grow with the number of past sales;
#   - Postgres keeps everything and every read answers as before retirement: each campaign (GET), the campaign
#     list, a member's wallet, each fair (GET), its registrations list and one waiting registration are read
#     while the sale is still in Redis and again once it left Redis, and compared byte for byte (jq -S).
# usage: load-tests/soak.sh [-n SALES] [-s STOCK] [-w WINDOW] [-r RETENTION] [-i IDLE] [-o FILE]
#   -n  sales (default 20); -s vouchers per campaign (default 500); -w grab window in seconds (default 12)
#   -r  fairrush.rush.retention (and idempotency-ttl) of the run (default PT30S: long enough to read each sale
#       before it leaves Redis on a busy machine); -i idle seconds per ops/s
#       measurement (default 30); -o a markdown file for the results table (default load-tests/target/soak/soak.md)
# Needs wrk, jq, redis-cli and psql (installed with apt-get when missing). Stops everything it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

SALES=20 STOCK=500 WINDOW=12 RETENTION=PT30S IDLE=30
WORK="$ROOT/load-tests/target/soak"
OUT="$WORK/soak.md"
while [ $# -gt 0 ]; do
  case $1 in
    -n) SALES=$2; shift 2 ;;
    -s) STOCK=$2; shift 2 ;;
    -w) WINDOW=$2; shift 2 ;;
    -r) RETENTION=$2; shift 2 ;;
    -i) IDLE=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
done
MEMBERS=$(( STOCK + STOCK / 4 ))
rm -rf "$WORK" && mkdir -p "$WORK/reads"
trap 'stop_apps' EXIT
trap 'exit 130' INT TERM

missing=()
for tool in wrk jq redis-cli psql; do command -v $tool >/dev/null || missing+=($tool); done
if [ ${#missing[@]} -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sed 's/redis-cli/redis-tools/; s/psql/postgresql-client/' | tr '\n' ' ')
  log "installing $packages"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  { apt-get install -y -q $packages >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $packages >/dev/null; }; } \
    || die "could not install $packages"
fi

RUN="s$(date +%s)"
log "building the service"
prepare_classpath
servers_up "$WORK/servers.log" "fairrush-soak-servers-$RUN" -Xms768m -Xmx768m
PORT=$(free_port 18280)
SPRING_R2DBC_URL="r2dbc:postgresql://$PG/postgres" SPRING_DATA_REDIS_URL="redis://$REDIS" SPRING_KAFKA_BOOTSTRAPSERVERS="$KAFKA" \
  FAIRRUSH_RUSH_RETENTION=$RETENTION FAIRRUSH_RUSH_IDEMPOTENCYTTL=$RETENTION FAIRRUSH_RUSH_RETIREINTERVAL=PT1S \
  FAIRRUSH_WEB_PERADDRESS_CAPACITY=1000000 \
  start_app_java "$PORT" "$WORK/api.log" "fairrush-soak-api-$RUN" -Xms768m -Xmx768m
wait_healthy "$PORT" 300 || { tail -40 "$WORK/api.log" >&2; die "the service did not start"; }
BASE="http://127.0.0.1:$PORT"

rcli() { redis-cli -h "${REDIS%:*}" -p "${REDIS#*:}" "$@"; }
psql_soak() { psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
token() { curl -fsS "$BASE/api/v1/dev/tokens" -H 'Content-Type: application/json' -d "{\"subject\":\"$1\",\"roles\":[\"$2\"]}" | jq -r .token; }
call() { # METHOD PATH TOKEN [BODY]: the JSON answer (any status)
  curl -sS -X "$1" "$BASE$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -H "Idempotency-Key: soak-$RANDOM$RANDOM$RANDOM" ${4:+-d "$4"}
}
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
PREFIX=$(rcli --scan --pattern '*:pools' | head -1 | sed 's/:pools$//')
[ -n "$PREFIX" ] || die "no pool registry in Redis"
scope_keys() { rcli --scan --pattern "$PREFIX:{$1}:*" | wc -l; }
used_memory() { rcli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }
dbsize() { rcli dbsize; }

ADMIN=$(token soak-admin ADMIN)
log "issuing $MEMBERS member tokens"
python3 "$ROOT/load-tests/bench/tokens.py" "$BASE/api/v1/dev/tokens" "sm-$RUN-" MEMBER "$MEMBERS" > "$WORK/tokens.txt"
MEMBER1=$(head -1 "$WORK/tokens.txt")
MERCHANTS=()
for m in 1 2 3 4 5; do MERCHANTS+=("$(token "sme-$RUN-$m" MERCHANT)"); done

# wait_until SECONDS COMMAND...: until COMMAND succeeds.
wait_until() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 4; i++)); do "$@" && return 0; sleep 0.25; done
  return 1
}
stored_campaign() { # ID: the reconciliation lists the pool as ok with nothing pending (everything in Postgres)
  call GET /api/v1/ops/reconciliation "$ADMIN" \
    | jq -e --arg id "$1" '.pools[] | select(.kind == "c" and .scope == $id) | select(.ok and .pendingNotStored == 0)' >/dev/null
}
gone() { [ "$(scope_keys "$1")" = 0 ]; }
past() { [ "$(date +%s)" -gt "$1" ]; }

# read_all SALE CAMPAIGN FAIR WAITING_REGISTRATION: every read the soak compares, sorted JSON, one file.
read_all() {
  {
    call GET "/api/v1/campaigns/$2" "$ADMIN" | jq -S .
    call GET /api/v1/campaigns "$ADMIN" | jq -S --argjson id "$2" '.[] | select(.id == $id)'
    call GET /api/v1/me/vouchers "$MEMBER1" | jq -S --argjson id "$2" '[.[] | select(.campaignId == $id)]'
    call GET "/api/v1/fairs/$3" "$ADMIN" | jq -S .
    call GET "/api/v1/fairs/$3/registrations" "$ADMIN" | jq -S .
    call GET "/api/v1/fairs/$3/registrations/$4" "$ADMIN" | jq -S .
  }
}

# sale N: a campaign and a fair, rushed, closed, stored, retired; prints one JSON line.
sale() {
  local n=$1 now closes campaign fair body answers waiting i started retired_after
  now=$(date +%s) closes=$(( $(date +%s) + WINDOW ))
  body=$(printf '{"name":"Soak %s sale %d","stock":%d,"perMemberLimit":1,"grabStartsAt":"%s","grabEndsAt":"%s","redeemStartsAt":"%s","redeemEndsAt":"%s","discount":{"type":"AMOUNT_OFF","amountOffCents":2000,"minSpendCents":3000}}' \
    "$RUN" "$n" "$STOCK" "$(iso $((now - 5)))" "$(iso "$closes")" "$(iso $((now - 5)))" "$(iso $((now + 86400 * 30)))")
  campaign=$(call POST /api/v1/campaigns "$ADMIN" "$body" | jq -r .id)
  body=$(printf '{"name":"Soak fair %d","theme":"Food","venue":"Hall","startsAt":"%s","endsAt":"%s","registrationOpensAt":"%s","registrationClosesAt":"%s","allocation":"FIRST_COME","categories":[{"code":"FOOD","name":"Food","stalls":3,"feeCents":15000}]}' \
    "$n" "$(iso $((closes + 1)))" "$(iso $((closes + 2)))" "$(iso $((now - 5)))" "$(iso "$closes")")
  fair=$(call POST /api/v1/fairs "$ADMIN" "$body" | jq -r .id)
  [ "$campaign" != null ] && [ "$fair" != null ] || die "sale $n: could not create the campaign or the fair"
  for i in 0 1 2 3 4; do
    answers=$(call POST "/api/v1/fairs/$fair/registrations" "${MERCHANTS[$i]}" "{\"category\":\"FOOD\",\"merchantName\":\"Merchant $i\",\"specialOffer\":false}")
    [ "$i" = 4 ] && waiting=$(jq -r .registrationId <<<"$answers")
  done
  answers=$(wrk -t2 -c32 -d"$(( WINDOW - 4 ))s" --timeout 10s -s "$ROOT/load-tests/bench/wrk-fairrush.lua" "$BASE" -- \
    grab "/api/v1/campaigns/$campaign/grabs" "$WORK/tokens.txt" "$RUN-$n" | sed -n 's/^RESULT //p')
  wait_until 60 past "$closes" || die "sale $n: the window did not close"
  wait_until 120 stored_campaign "$campaign" || die "sale $n: campaign $campaign not stored"
  [ "$(scope_keys "c:$campaign")" -gt 0 ] || die "sale $n: campaign $campaign left Redis before it was read"
  read_all "$n" "$campaign" "$fair" "$waiting" > "$WORK/reads/$n-before.json"
  started=$(date +%s)
  wait_until 180 gone "c:$campaign" || die "sale $n: campaign $campaign not retired"
  wait_until 180 gone "f:$fair" || die "sale $n: fair $fair not retired"
  retired_after=$(( $(date +%s) - started ))
  read_all "$n" "$campaign" "$fair" "$waiting" > "$WORK/reads/$n-after.json"
  local same=true
  cmp -s "$WORK/reads/$n-before.json" "$WORK/reads/$n-after.json" || same=false
  local vouchers
  vouchers=$(psql_soak -c "select count(*) from voucher where campaign_id = $campaign")
  jq -cn --argjson sale "$n" --argjson campaign "$campaign" --argjson fair "$fair" --argjson vouchers "$vouchers" \
    --argjson stock "$STOCK" --argjson same "$same" --argjson wrk "${answers:-null}" --argjson retiredAfter "$retired_after" \
    --argjson keys "$(dbsize)" --argjson memory "$(used_memory)" \
    '{sale: $sale, campaign: $campaign, fair: $fair, stock: $stock, vouchers: $vouchers, readsSame: $same,
      grabRequests: ($wrk.requests // null), retiredAfterSeconds: $retiredAfter, keys: $keys, usedMemory: $memory}'
}

# background_ops LABEL: Redis commands per second of an idle service over IDLE seconds, and the top commands.
background_ops() {
  rcli config resetstat >/dev/null
  sleep "$IDLE"
  rcli info commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\),.*/\1 \2/p' \
    | jq -Rn --arg what "$1" --argjson seconds "$IDLE" '[inputs | split(" ") | {command: .[0], calls: (.[1] | tonumber)}]
        | map(select((.command | startswith("config")) or .command == "info" | not)) as $c
        | {"label": $what, opsPerSecond: (($c | map(.calls) | add // 0) / $seconds * 100 | round / 100),
           top: ($c | sort_by(-.calls) | .[:6] | map("\(.command) \(.calls / $seconds * 100 | round / 100)/s") | join(", "))}'
}

key_kinds() { # the keys by kind (hash tags and idempotency keys folded), to see what a difference is made of
  rcli --scan | sed -E 's/\{[^}]*\}/{*}/; s/:idem:.*/:idem:*/' | sort | uniq -c | sort -rn | awk '{printf "%s %s; ", $1, $2}'
}

keys_at_most() { [ "$(dbsize)" -le "$1" ]; }

settle() { # LABEL [MAX_KEYS]: lets the last sale's idempotency keys and rate-limit buckets expire, then counts
  sleep 20
  [ -z "${2:-}" ] || wait_until 120 keys_at_most "$2" || true
  jq -cn --arg what "$1" --argjson keys "$(dbsize)" --argjson memory "$(used_memory)" --arg kinds "$(key_kinds)" \
    '{"label": $what, keys: $keys, usedMemory: $memory, kinds: $kinds}'
}

log "warm-up sale (scripts loaded, connections and caches in their steady state), then the baseline"
sale 0 > "$WORK/sale-0.json"
BASELINE=$(settle baseline)
OPS_BEFORE=$(background_ops "after the warm-up sale")
log "baseline: $BASELINE; $OPS_BEFORE"
: > "$WORK/sales.jsonl"
for ((s = 1; s <= SALES; s++)); do
  sale "$s" | tee -a "$WORK/sales.jsonl" >&2
done
AFTER=$(settle "after $SALES sales" "$(jq '.keys * 105 / 100 | floor' <<<"$BASELINE")")
OPS_AFTER=$(background_ops "after $SALES sales")
log "after: $AFTER; $OPS_AFTER"

STORED=$(psql_soak -c "select count(*) from voucher v join campaign c on c.id = v.campaign_id where c.name like 'Soak $RUN%'")
EXPECTED=$(cat "$WORK/sale-0.json" "$WORK/sales.jsonl" | jq -s 'map(.vouchers) | add')
ALL_SAME=$(jq -s 'all(.readsSame)' "$WORK/sales.jsonl")
KEYS_DELTA=$(jq -n --argjson a "$AFTER" --argjson b "$BASELINE" '($a.keys - $b.keys) / $b.keys * 10000 | round / 100')
MEM_DELTA=$(jq -n --argjson a "$AFTER" --argjson b "$BASELINE" '($a.usedMemory - $b.usedMemory) / $b.usedMemory * 10000 | round / 100')
OPS_RATIO=$(jq -n --argjson a "$OPS_AFTER" --argjson b "$OPS_BEFORE" 'if $b.opsPerSecond > 0 then ($a.opsPerSecond / $b.opsPerSecond * 100 | round / 100) else null end')
{
  echo "Season soak $(date -u +'%Y-%m-%d %H:%M UTC'): $SALES sales (campaign of $STOCK vouchers rushed by wrk + fair of 3 stalls and 5 merchants each), retention $RETENTION, $(nproc) cores"
  echo
  echo "| sale | vouchers stored | grab requests | retired after (s) | reads identical | Redis keys | used_memory (bytes) |"
  echo "|---:|---:|---:|---:|:---:|---:|---:|"
  jq -r '"| \(.sale) | \(.vouchers) | \(.grabRequests) | \(.retiredAfterSeconds) | \(.readsSame) | \(.keys) | \(.usedMemory) |"' "$WORK/sales.jsonl"
  echo
  echo "| | Redis keys | used_memory (bytes) | background Redis ops/s (idle, ${IDLE} s) | top commands |"
  echo "|---|---:|---:|---:|---|"
  echo "| baseline (after the warm-up sale) | $(jq .keys <<<"$BASELINE") | $(jq .usedMemory <<<"$BASELINE") | $(jq .opsPerSecond <<<"$OPS_BEFORE") | $(jq -r .top <<<"$OPS_BEFORE") |"
  echo "| after $SALES sales | $(jq .keys <<<"$AFTER") | $(jq .usedMemory <<<"$AFTER") | $(jq .opsPerSecond <<<"$OPS_AFTER") | $(jq -r .top <<<"$OPS_AFTER") |"
  echo "| change | ${KEYS_DELTA} % | ${MEM_DELTA} % | x ${OPS_RATIO} | |"
  echo
  echo "Keys at the baseline: $(jq -r .kinds <<<"$BASELINE")"
  echo "Keys after the season: $(jq -r .kinds <<<"$AFTER")"
  echo
  echo "Postgres: $STORED vouchers of the soak's campaigns stored, warm-up sale included ($EXPECTED counted sale by sale); every read identical before and after retirement: $ALL_SAME."
} > "$OUT"
cat "$OUT"
jq -en --argjson k "$KEYS_DELTA" --argjson m "$MEM_DELTA" '($k | fabs) <= 5 and ($m | fabs) <= 5' >/dev/null \
  || die "Redis did not return within 5 % of the baseline (keys ${KEYS_DELTA} %, memory ${MEM_DELTA} %)"
[ "$ALL_SAME" = true ] || die "some reads changed after retirement (see $WORK/reads)"
[ "$STORED" = "$EXPECTED" ] || die "Postgres holds $STORED vouchers, the sales counted $EXPECTED"
log "soak passed"

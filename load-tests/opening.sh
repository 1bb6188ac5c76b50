#!/usr/bin/env bash
# The opening second (issue 13, goal 7) on one instance: VoucherRushSimulation at its default sizes (2,000 members
# signing in while the page counts down, then pressing "grab" within one second of the opening, 500 vouchers, limit 1)
# against the service started as bench.sh starts it (plain java, full JIT, the development stack's servers in a JVM
# of their own) but with the persister on, as one instance runs in production. Before the rushes the service serves
# sign-ins and page reads, WARM seconds of durable grabs, then sold-out and over-the-limit answers (a freshly
# started JVM is still compiling what a rush calls). Prints each rush's p50/p99 and its gates; the Gatling reports stay in
# load-tests/target/gatling.
#
# usage: load-tests/opening.sh [ROUNDS]        (default 3 rushes, one after the other, on the same JVM)
# Environment: OPENING_WARM (seconds of warm-up grabs, default 60), OPENING_JVM_OPTS (added to the service's JVM),
#   OPENING_SIM_OPTS (added to the simulation, e.g. -Dmembers=1000), OPENING_SIM_OPTS_B (when set, rounds alternate
#   between OPENING_SIM_OPTS (A, odd rounds) and these (B, even rounds): an A/B of the simulation on one warm JVM),
#   OPENING_PORT (first port tried, default 18380).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

ROUNDS=${1:-3}
WARM=${OPENING_WARM:-60}
WORK="$ROOT/load-tests/target/opening"
RUN="opening-$(date +%s)"
trap stop_apps EXIT INT TERM
for tool in wrk jq curl; do command -v "$tool" >/dev/null || die "$tool is needed (apt-get install $tool)"; done
rm -rf "$WORK" && mkdir -p "$WORK"

log "building the service"
prepare_classpath
servers_up "$WORK/servers.log" "fairrush-opening-servers" -Xms1g -Xmx1g
PORT=$(free_port "${OPENING_PORT:-18380}")
BASE="http://127.0.0.1:$PORT"

# The warm-up's member tokens, signed with a key the service trusts (the simulation's members sign in themselves).
NIMBUS=$(awk -v RS=: '/nimbus-jose-jwt/ { print; exit }' "$ROOT/target/fairrush-dev.classpath")
java -cp "$NIMBUS" "$ROOT/load-tests/bench/SignTokens.java" "$WORK/dev-token-keys" "$WORK/tokens.txt" "$RUN-" 2000 2000 \
  || die "could not sign the warm-up's tokens"
# shellcheck disable=SC2086
SPRING_R2DBC_URL="r2dbc:postgresql://$PG/postgres" SPRING_DATA_REDIS_URL="redis://$REDIS" SPRING_KAFKA_BOOTSTRAPSERVERS="$KAFKA" \
  start_app_java "$PORT" "$WORK/api.log" "fairrush-opening-api" -Xms1g -Xmx1g ${OPENING_JVM_OPTS:-} \
  "-Dfairrush.dev-tokens.key-file=$WORK/dev-token-keys"
wait_healthy "$PORT" 300 || { tail -40 "$WORK/api.log" >&2; die "the service did not start"; }

admin=$(curl -fsS "$BASE/api/v1/dev/tokens" -H 'Content-Type: application/json' \
  -d '{"subject":"opening-admin","roles":["ADMIN"]}' | jq -r .token) || die "no admin token"
campaign() { # STOCK LIMIT: a campaign open now, its id
  http_json POST /api/v1/campaigns "$admin" "$(campaign_body "$1" "$2")" | jq -r .id
}
warm() { # LABEL SECONDS CONNECTIONS [wrk-fairrush.lua arguments]: WARM-UP serves them for SECONDS
  local label=$1 seconds=$2 connections=$3 result
  shift 3
  result=$(wrk_result "$BASE" "$seconds" 1 "$connections" "$@")
  log "warm-up, $label: $(jq -c '{rps, p99_ms, status}' <<<"$result")"
}
# A rush answers more than grants: the warm-up rehearses all it serves (a fresh JVM compiles each path on first use):
# members signing in and opening the campaign's page (8 connections, under the address's limit of the other routes),
# a third of WARM each; grants for WARM seconds, then sold-out and over-the-limit answers for a third of that each.
grants=$(campaign 1000000 100) || die "could not create the warm-up's campaigns"
gone=$(campaign 1 1) || die "could not create the warm-up's campaigns"
limited=$(campaign 1000000 1) || die "could not create the warm-up's campaigns"
warm sign-ins $((WARM / 3)) 8 signin /api/v1/dev/tokens "$RUN"
warm campaign-page $((WARM / 3)) 8 read "/api/v1/campaigns/$grants" "$WORK/tokens.txt" "$RUN"
warm grants "$WARM" 32 grab "/api/v1/campaigns/$grants/grabs" "$WORK/tokens.txt" grants
warm sold-out $((WARM / 3)) 32 grab "/api/v1/campaigns/$gone/grabs" "$WORK/tokens.txt" sold-out
warm over-the-limit $((WARM / 3)) 32 grab "/api/v1/campaigns/$limited/grabs" "$WORK/tokens.txt" over-the-limit

failed=0
for ((round = 1; round <= ROUNDS; round++)); do
  options=${OPENING_SIM_OPTS:-} label=""
  if [ -n "${OPENING_SIM_OPTS_B:-}" ]; then
    if ((round % 2 == 0)); then options=$OPENING_SIM_OPTS_B label=" (B)"; else label=" (A)"; fi
  fi
  # shellcheck disable=SC2086
  if ( cd "$ROOT" && ./mvnw -B -q -f load-tests/pom.xml gatling:test -Dgatling.simulationClass=org.fairrush.load.VoucherRushSimulation \
      "-Dfairrush.baseUrl=$BASE" $options ) > "$WORK/rush-$round.log" 2>&1; then verdict=passed; else verdict=FAILED; failed=1; fi
  percentiles=$(awk -F'|' '/response time (50th|99th) percentile/ { gsub(/ /, "", $2); v = v " " $2 } END { print v }' "$WORK/rush-$round.log")
  log "rush $round$label: $verdict; all requests p50/p99 (ms):$percentiles; $(grep -E 'grab: 99th percentile|count of failed|percentage of failed' "$WORK/rush-$round.log" | sed 's/ is less than or equal to / <= /' | tr '\n' ';')"
done
exit "$failed"

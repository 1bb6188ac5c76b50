# Shared shell functions of smoke.sh and bench.sh: start the development stack, wait for it, stop it.
# Sourced, not run. Every process started here runs in its own session (setsid) and is stopped by
# process group in stop_app, which the calling script's EXIT trap runs.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STARTED_GROUPS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# start_app_maven PORT LOG: ./mvnw spring-boot:test-run in the background (extra env passes through).
start_app_maven() {
  local port=$1 logfile=$2
  ( cd "$ROOT" && SERVER_PORT=$port exec setsid ./mvnw -B -q spring-boot:test-run </dev/null >"$logfile" 2>&1 ) &
  STARTED_GROUPS+=("$!")
  log "started ./mvnw spring-boot:test-run (pid $!) on port $port, log $logfile"
}

# prepare_classpath: compiles the app and its test classes once and writes the java argument file
# of org.fairrush.TestApplication (target/fairrush-dev.args) for start_app_java.
prepare_classpath() {
  ( cd "$ROOT" && ./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/fairrush-dev.classpath ) >&2 || die "could not build the service"
  printf -- '-cp %s:%s:%s\norg.fairrush.TestApplication\n' "$ROOT/target/test-classes" "$ROOT/target/classes" \
    "$(cat "$ROOT/target/fairrush-dev.classpath")" > "$ROOT/target/fairrush-dev.args"
}

# start_app_java PORT LOG TAG [JVM options...]: the same development stack as spring-boot:test-run,
# started with plain java and full JIT (spring-boot:run's optimized launch stops at C1, which would
# understate every number). TAG appears on the command line: pgrep -f TAG finds it.
start_app_java() {
  local port=$1 logfile=$2 tag=$3
  shift 3
  ( cd "$ROOT" && SERVER_PORT=$port exec setsid java "-Dfairrush.process=$tag" "$@" "@$ROOT/target/fairrush-dev.args" \
      </dev/null >"$logfile" 2>&1 ) &
  STARTED_GROUPS+=("$!")
  log "started the service (pid $!, tag $tag) on port $port, log $logfile"
}

# start_servers_java LOG TAG [JVM options...]: only the development stack's servers (embedded Postgres, Redis,
# Kafka; TestApplication --servers-only), in a JVM of their own, so that a service started against them
# (SPRING_R2DBC_URL, SPRING_DATA_REDIS_URL, SPRING_KAFKA_BOOTSTRAPSERVERS) shares neither heap nor GC with the
# Kafka broker, as in production. Waits until they print their endpoints (devstack_endpoint reads them).
start_servers_java() {
  local logfile=$1 tag=$2 i
  shift 2
  ( cd "$ROOT" && exec setsid java "-Dfairrush.process=$tag" "$@" "@$ROOT/target/fairrush-dev.args" --servers-only \
      </dev/null >"$logfile" 2>&1 ) &
  STARTED_GROUPS+=("$!")
  log "started the development stack's servers (pid $!, tag $tag), log $logfile"
  for ((i = 0; i < 300; i++)); do
    grep -q 'Development stack running' "$logfile" 2>/dev/null && return 0
    sleep 1
  done
  return 1
}

# servers_up LOG TAG [JVM options...]: start_servers_java, then their endpoints in REDIS, PG and KAFKA (host:port);
# dies with the log's tail if they do not start.
servers_up() {
  local logfile=$1
  start_servers_java "$@" || { tail -40 "$logfile" >&2; die "the development stack's servers did not start"; }
  REDIS=$(devstack_endpoint "$logfile" redis)
  PG=$(devstack_endpoint "$logfile" postgres)
  KAFKA=$(devstack_endpoint "$logfile" kafka)
  [ -n "$REDIS" ] && [ -n "$PG" ] && [ -n "$KAFKA" ] || die "could not find the embedded servers in $logfile"
  log "embedded servers: redis $REDIS, postgres $PG, kafka $KAFKA"
}

# wrk_result BASE_URL SECONDS THREADS CONNECTIONS [wrk-fairrush.lua arguments]: one run of load-tests/bench/
# wrk-fairrush.lua against BASE_URL, its RESULT JSON line (throughput, latency percentiles, answers by status);
# nothing when wrk failed.
wrk_result() {
  local base=$1 seconds=$2 threads=$3 connections=$4
  shift 4
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$ROOT/load-tests/bench/wrk-fairrush.lua" "$base" -- "$@" \
    | sed -n 's/^RESULT //p'
}

# rate_result SIMULATION BASE_URL RATE SECONDS WARMUP LOGFILE [-Dname=value...]: one of the fixed-rate Gatling
# simulations (load-tests/src/test/java/org/fairrush/load/FixedRate.java: requests arriving at RATE a second for
# SECONDS after a ramp-up of WARMUP seconds that is not counted; an open model, arrivals do not wait for answers):
# GrabRateSimulation (-DcampaignId, -DtokensFile) or PlainRateSimulation (-Dpath), as JSON {rps, p50_ms, p99_ms,
# failed_pct}; nothing when Gatling gave no numbers (its output in LOGFILE; its JVM's collector logs to LOGFILE.gc).
# A failed gate of the simulation's own still prints the figures.
rate_result() {
  local simulation=$1 base=$2 rate=$3 seconds=$4 warmup=$5 logfile=$6 rps p50 p99 failed
  shift 6
  ( cd "$ROOT" && ./mvnw -B -q -f load-tests/pom.xml gatling:test -Dgatling.simulationClass="org.fairrush.load.$simulation" \
      -Dgatling.jvmArgs="-Xlog:gc:file=$logfile.gc" -Dfairrush.baseUrl="$base" -Drate="$rate" \
      -DdurationSeconds="$seconds" -DwarmupSeconds="$warmup" "$@" </dev/null ) > "$logfile" 2>&1 || true
  actual() { grep -F "$1" "$logfile" | sed -n 's/.*(actual : \([0-9.]*\)).*/\1/p' | head -1; }
  rps=$(actual "mean requests per second") p50=$(actual "50th percentile") p99=$(actual "99th percentile")
  failed=$(actual "percentage of failed events")
  [ -n "$rps" ] && [ -n "$p99" ] || return 0
  jq -n --argjson rps "$rps" --argjson p50 "${p50:-0}" --argjson p99 "$p99" --argjson failed "${failed:-0}" \
    '{rps: $rps, p50_ms: $p50, p99_ms: $p99, failed_pct: $failed}'
}

# wait_quiet [PERCENT] [MAX_SECONDS]: waits until the whole machine used less than PERCENT (default 15) of its
# cores over one second, at most MAX_SECONDS (default 60); prints the seconds waited. A JVM that has just served a
# warm-up keeps its JIT compiler threads busy for seconds after it: a step measured then shares the cores with them
# (one run measured the plain reference at 9,235/s right after fairrush's warm-up and 33,235/s later in the run).
wait_quiet() {
  local percent=${1:-15} max=${2:-60} waited=0 a b
  while [ "$waited" -lt "$max" ]; do
    a=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
    sleep 1
    b=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat)
    waited=$((waited + 1))
    awk -v a="$a" -v b="$b" -v p="$percent" 'BEGIN { split(a, x, " "); split(b, y, " ");
      total = y[2] - x[2]; exit !(total > 0 && 100 * (y[1] - x[1]) / total < p) }' && break
  done
  echo "$waited"
}

# http_json METHOD PATH TOKEN [BODY]: a JSON call to the service at $BASE, with an Idempotency-Key of its own.
http_json() {
  curl -fsS -X "$1" "$BASE$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: bench-$RANDOM$RANDOM$RANDOM" ${4:+-d "$4"}
}

# campaign_body STOCK LIMIT [BUCKETS]: a campaign named after the run ($RUN) whose grab window is open now.
campaign_body() {
  local now end
  now=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)
  end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  printf '{"name":"Benchmark %s","stock":%d,"perMemberLimit":%d,"grabStartsAt":"%s","grabEndsAt":"%s","redeemStartsAt":"%s","redeemEndsAt":"%s","discount":{"type":"AMOUNT_OFF","amountOffCents":2000,"minSpendCents":3000}%s}' \
    "$RUN" "$1" "$2" "$now" "$end" "$now" "$(date -u -d '+7 day' +%Y-%m-%dT%H:%M:%SZ)" "${3:+,\"buckets\":$3}"
}

# wait_healthy PORT SECONDS: until /actuator/health says UP.
wait_healthy() {
  local port=$1 seconds=$2 i
  for ((i = 0; i < seconds; i++)); do
    if curl -fsS "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then
      log "service on port $port is UP after ${i}s"
      return 0
    fi
    sleep 1
  done
  return 1
}

# stop_apps: TERM to every process group started here, then KILL what is left after 30 s.
stop_apps() {
  local pid i alive
  for pid in "${STARTED_GROUPS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < 30; i++)); do
    alive=0
    for pid in "${STARTED_GROUPS[@]}"; do
      if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi
    done
    [ "$alive" = 0 ] && break
    sleep 1
  done
  for pid in "${STARTED_GROUPS[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  STARTED_GROUPS=()
}

# free_port FROM: the first port from FROM up that nothing listens on.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

# devstack_endpoint LOG NAME: an embedded server's address as the development stack logged it
# (NAME: redis, postgres, kafka).
devstack_endpoint() {
  local logfile=$1 name=$2
  case $name in
    redis) grep -o 'embedded Redis listening on [0-9.:]*' "$logfile" | head -1 | awk '{print $NF}' ;;
    postgres) grep -o 'embedded PostgreSQL listening on [0-9.:]*' "$logfile" | head -1 | awk '{print $NF}' ;;
    kafka) grep -o 'embedded Kafka broker at [^ ]*' "$logfile" | head -1 | awk '{print $NF}' ;;
  esac
}

# prepare_reference: builds the reference apps of load-tests/reference (plain WebFlux; the same plus the
# actuator) and writes their java argument files, target/reference-{plain,actuator}.args.
prepare_reference() {
  local ref="$ROOT/load-tests/reference" variant
  ( cd "$ROOT" && ./mvnw -B -q -f "$ref/pom.xml" compile dependency:build-classpath -Dmdep.outputFile=target/plain.classpath \
      && ./mvnw -B -q -f "$ref/pom.xml" -Pactuator dependency:build-classpath -Dmdep.outputFile=target/actuator.classpath ) >&2 \
    || die "could not build the reference apps"
  for variant in plain actuator; do
    printf -- '-cp %s:%s\norg.fairrush.reference.ReferenceApplication\n' "$ref/target/classes" \
      "$(cat "$ref/target/$variant.classpath")" > "$ROOT/target/reference-$variant.args"
  done
}

# start_reference_java VARIANT PORT LOG TAG [JVM options...]: a reference app (plain or actuator) started the
# way start_app_java starts the service (plain java, full JIT).
start_reference_java() {
  local variant=$1 port=$2 logfile=$3 tag=$4
  shift 4
  ( cd "$ROOT" && SERVER_PORT=$port exec setsid java "-Dfairrush.process=$tag" "$@" "@$ROOT/target/reference-$variant.args" \
      </dev/null >"$logfile" 2>&1 ) &
  STARTED_GROUPS+=("$!")
  log "started the $variant reference app (pid $!, tag $tag) on port $port, log $logfile"
}

# wait_url URL SECONDS: until URL answers 2xx.
wait_url() {
  local url=$1 seconds=$2 i
  for ((i = 0; i < seconds; i++)); do
    curl -fsS "$url" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

#!/usr/bin/env bash
# The production topology on one machine (docs/operations.md, "The local fleet"), for tests, load tests and
# fault drills:
#   - a Redis Cluster of 3 primaries with a replica each (Debian's redis-server),
#   - 3 KRaft Kafka brokers (each also a controller; replication 3, min.insync.replicas 2), from the Kafka
#     jars Maven fetched for the tests,
#   - Postgres: a database of its own on the machine's server (FLEET_PG, default 127.0.0.1:5432, user
#     postgres), or the development stack's embedded one when that server does not answer,
#   - N API instances (persister off) and M persisters (persister on) as separate JVMs with full JIT,
#   - HAProxy (Debian package) on FLEET_PORT spreading requests over the API instances.
# Every instance runs the service with the test profile's development token issuer and one shared signing
# key, so a token from any instance (or through the load balancer) is valid on all of them.
#
# usage: load-tests/fleet.sh up [--api N] [--persisters M] [--cold]
#                                                             (defaults 3 and 2; returns when healthy and warm)
#        load-tests/fleet.sh warm [SECONDS]                   (every API instance serves sign-ins, page reads, registrations and grabs; 20 s)
#        load-tests/fleet.sh status                           (JSON, see below)
#        load-tests/fleet.sh kill ROLE I | start ROLE I       (ROLE: api, persister, redis, kafka; I from 1; kill = SIGKILL)
#        load-tests/fleet.sh failover redis I                 (a replica of primary redis I takes over)
#        load-tests/fleet.sh env                              (the SPRING_* variables that point a service at the fleet)
#        load-tests/fleet.sh down                             (stops everything it started, removes its data)
# status: {"lb": port, "processes": [{"role", "index", "pid", "port", "up", "primary" (redis only)}]}
# Environment: FLEET_PORT (load balancer, default 8080), FLEET_BASE_PORT (first of the other ports, default 27000:
#   redis BASE+1.., their cluster bus BASE+51.., kafka BASE+101.., controllers BASE+111.., api BASE+201..,
#   persisters BASE+301..), FLEET_DIR (all data, default $TMPDIR/fairrush-fleet), FLEET_PG (host:port),
#   FLEET_API_HEAP / FLEET_PERSISTER_HEAP (default 384m), FLEET_JVM_OPTS (added to API and persister JVMs),
#   FLEET_JVM_CPUS (the cores each API and persister JVM sizes its threads for, as a pod requesting that many would;
#   default 0: the machine's count),
#   FLEET_APP_ENV (extra VAR=value words for API and persister JVMs, e.g. "FAIRRUSH_RUSH_REDISREPLICAACKS=1").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

FLEET_PORT=${FLEET_PORT:-8080}
BASE=${FLEET_BASE_PORT:-27000}
DIR=${FLEET_DIR:-${TMPDIR:-/tmp}/fairrush-fleet}
STATE="$DIR/fleet.env"
REDIS_NODES=6 KAFKA_NODES=3

redis_port() { echo $((BASE + $1)); }
kafka_port() { echo $((BASE + 100 + $1)); }
controller_port() { echo $((BASE + 110 + $1)); }
api_port() { echo $((BASE + 200 + $1)); }
persister_port() { echo $((BASE + 300 + $1)); }
role_port() { "${1}_port" "$2"; }
pidfile() { echo "$DIR/pids/$1-$2.pid"; }
alive() { [ -f "$(pidfile "$1" "$2")" ] && kill -0 "$(cat "$(pidfile "$1" "$2")")" 2>/dev/null; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
rcli() { redis-cli -h 127.0.0.1 -p "$(redis_port "$1")" "${@:2}"; }

ensure_tools() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v jq >/dev/null || missing+=(jq)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v wrk >/dev/null || missing+=(wrk)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
      || die "could not install ${missing[*]}"
  fi
  # The package starts its own HAProxy and Redis services where an init system runs; the fleet starts its own.
  PATH="$PATH:/usr/sbin"
}

# spawn ROLE I LOG COMMAND...: COMMAND in a session of its own, its pid in the role's pid file.
spawn() {
  local role=$1 index=$2 logfile=$3
  shift 3
  ( exec setsid "$@" </dev/null >>"$logfile" 2>&1 ) &
  echo $! > "$(pidfile "$role" "$index")"
}

# ---- Redis Cluster ---------------------------------------------------------------------------------------
start_redis() {
  local i=$1 port
  port=$(redis_port "$i")
  mkdir -p "$DIR/redis-$i"
  spawn redis "$i" "$DIR/redis-$i/redis.log" redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR/redis-$i" \
    --cluster-enabled yes --cluster-port $((port + 50)) --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --save '' --appendonly no --protected-mode no --daemonize no
}

wait_port() { # PORT SECONDS
  local i
  for ((i = 0; i < $2 * 5; i++)); do listening "$1" && return 0; sleep 0.2; done
  return 1
}

up_redis() {
  local i nodes=()
  for ((i = 1; i <= REDIS_NODES; i++)); do start_redis "$i"; nodes+=("127.0.0.1:$(redis_port "$i")"); done
  for ((i = 1; i <= REDIS_NODES; i++)); do wait_port "$(redis_port "$i")" 20 || die "redis $i did not start"; done
  # The first three become primaries, the others their replicas.
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/redis-create.log" 2>&1 \
    || { cat "$DIR/redis-create.log" >&2; die "could not create the Redis Cluster"; }
  for ((i = 0; i < 100; i++)); do
    [ "$(redis_cluster_ok)" = "$REDIS_NODES" ] && { log "Redis Cluster ready: ${nodes[*]}"; return 0; }
    sleep 0.3
  done
  die "the Redis Cluster did not settle (see $DIR/redis-create.log)"
}

redis_cluster_ok() { # how many nodes report cluster_state:ok
  local i n=0
  for ((i = 1; i <= REDIS_NODES; i++)); do
    rcli "$i" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && n=$((n + 1))
  done
  echo "$n"
}

redis_is_primary() { rcli "$1" role 2>/dev/null | head -1 | grep -q master; }

failover_redis() {
  local i=$1 port replica j
  port=$(redis_port "$i")
  redis_is_primary "$i" || die "redis $i is not a primary now (see fleet.sh status)"
  replica=""
  for ((j = 1; j <= REDIS_NODES; j++)); do
    [ "$j" = "$i" ] && continue
    if rcli "$j" role 2>/dev/null | tr '\n' ' ' | grep -q "^slave 127.0.0.1 $port "; then replica=$j; break; fi
  done
  [ -n "$replica" ] || die "redis $i has no replica"
  rcli "$replica" cluster failover >/dev/null
  for ((j = 0; j < 50; j++)); do
    redis_is_primary "$replica" && { log "redis $replica took over from redis $i"; return 0; }
    sleep 0.2
  done
  die "redis $replica did not take over from redis $i"
}

# ---- Kafka -----------------------------------------------------------------------------------------------
kafka_config() {
  local i=$1 voters="" j
  for ((j = 1; j <= KAFKA_NODES; j++)); do voters+="${voters:+,}$j@127.0.0.1:$(controller_port "$j")"; done
  cat <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$i"),CONTROLLER://127.0.0.1:$(controller_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DIR/kafka-$i/data
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
num.partitions=6
EOF
}

start_kafka() {
  local i=$1
  spawn kafka "$i" "$DIR/kafka-$i/kafka.log" java -Dfairrush.process="fleet-kafka-$i" -Xms256m -Xmx384m \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$(cat "$DIR/classpath")" kafka.Kafka "$DIR/kafka-$i/server.properties"
}

up_kafka() {
  local i cluster_id formats=() pid
  # An id that starts with '-' would be read as an option by the storage tool: draw again.
  cluster_id=-
  while [ "${cluster_id:0:1}" = "-" ]; do cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='); done
  for ((i = 1; i <= KAFKA_NODES; i++)); do
    mkdir -p "$DIR/kafka-$i"
    kafka_config "$i" > "$DIR/kafka-$i/server.properties"
    java -Xmx256m -XX:TieredStopAtLevel=1 -cp "$(cat "$DIR/classpath")" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$DIR/kafka-$i/server.properties" >>"$DIR/kafka-$i/kafka.log" 2>&1 &
    formats+=($!)
  done
  for pid in "${formats[@]}"; do wait "$pid" || die "could not format the Kafka log directories (see $DIR/kafka-*/kafka.log)"; done
  for ((i = 1; i <= KAFKA_NODES; i++)); do start_kafka "$i"; done
  for ((i = 1; i <= KAFKA_NODES; i++)); do wait_port "$(kafka_port "$i")" 120 || die "kafka $i did not start (see $DIR/kafka-$i/kafka.log)"; done
  log "Kafka brokers ready: $(kafka_servers)"
}

kafka_servers() {
  local i s=""
  for ((i = 1; i <= KAFKA_NODES; i++)); do s+="${s:+,}127.0.0.1:$(kafka_port "$i")"; done
  echo "$s"
}

redis_nodes() {
  local i s=""
  for ((i = 1; i <= REDIS_NODES; i++)); do s+="${s:+,}127.0.0.1:$(redis_port "$i")"; done
  echo "$s"
}

# ---- Postgres --------------------------------------------------------------------------------------------
up_postgres() {
  local pg=${FLEET_PG:-127.0.0.1:5432}
  PG_DB="fairrush_fleet_$BASE"
  if psql -h "${pg%:*}" -p "${pg#*:}" -U postgres -d postgres -qtAc 'select 1' >/dev/null 2>&1; then
    psql -h "${pg%:*}" -p "${pg#*:}" -U postgres -d postgres -qc "drop database if exists $PG_DB with (force)" -c "create database $PG_DB" >/dev/null
    PG_ADDR=$pg PG_EMBEDDED=0
    log "Postgres: database $PG_DB on $pg"
  else
    # Only Postgres is missing from what the development stack is told: it starts just that one.
    mkdir -p "$DIR/postgres"
    spawn postgres 1 "$DIR/postgres/postgres.log" env SPRING_DATA_REDIS_URL="redis://127.0.0.1:$(redis_port 1)" \
      SPRING_KAFKA_BOOTSTRAPSERVERS="$(kafka_servers)" java -Dfairrush.process=fleet-postgres -Xmx256m \
      -cp "$(cat "$DIR/classpath")" org.fairrush.TestApplication --servers-only
    local i
    for ((i = 0; i < 300; i++)); do grep -q 'Development stack running' "$DIR/postgres/postgres.log" 2>/dev/null && break; sleep 1; done
    PG_ADDR=$(devstack_endpoint "$DIR/postgres/postgres.log" postgres)
    [ -n "$PG_ADDR" ] || die "the embedded Postgres did not start (see $DIR/postgres/postgres.log)"
    PG_DB=postgres PG_EMBEDDED=1
    log "Postgres: embedded, $PG_ADDR"
  fi
  printf 'PG_ADDR=%s\nPG_DB=%s\nPG_EMBEDDED=%s\n' "$PG_ADDR" "$PG_DB" "$PG_EMBEDDED" >> "$STATE"
}

# ---- the service -----------------------------------------------------------------------------------------
dev_token_keys() { # the shared signing key of the development token issuer: PKCS#8 and X.509, base64, one a line
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DIR/dev-token-key.pem" 2>/dev/null
  { openssl pkcs8 -topk8 -nocrypt -in "$DIR/dev-token-key.pem" -outform DER | base64 -w0; echo
    openssl pkey -in "$DIR/dev-token-key.pem" -pubout -outform DER | base64 -w0; echo; } > "$DIR/dev-token-keys.txt"
}

# The environment that points a service at the fleet (Boot's own property names).
fleet_env() {
  # shellcheck disable=SC1090
  source "$STATE"
  cat <<EOF
SPRING_DATA_REDIS_CLUSTER_NODES=$(redis_nodes)
SPRING_DATA_REDIS_LETTUCE_CLUSTER_REFRESH_ADAPTIVE=true
SPRING_DATA_REDIS_LETTUCE_CLUSTER_REFRESH_PERIOD=5s
SPRING_KAFKA_BOOTSTRAPSERVERS=$(kafka_servers)
SPRING_R2DBC_URL=r2dbc:postgresql://$PG_ADDR/$PG_DB
SPRING_R2DBC_USERNAME=postgres
EOF
}

# FLEET_JVM_CPUS=1: each service JVM sizes its event loops, compiler and GC threads for one core, as in a pod that
# requests one, instead of each for all of the machine's (docs/operations.md, session f: no clear gain on 2 cores).
jvm_cpus() {
  local cpus=${FLEET_JVM_CPUS:-0}
  [ "$cpus" = 0 ] || echo "-XX:ActiveProcessorCount=$cpus"
}

start_service() { # ROLE I
  local role=$1 i=$2 port heap persister
  port=$(role_port "$role" "$i")
  if [ "$role" = api ]; then heap=${FLEET_API_HEAP:-384m} persister=false; else heap=${FLEET_PERSISTER_HEAP:-384m} persister=true; fi
  mkdir -p "$DIR/$role-$i"
  # shellcheck disable=SC2046,SC2086
  spawn "$role" "$i" "$DIR/$role-$i/service.log" env $(fleet_env) FAIRRUSH_RUSH_PERSISTER_ENABLED=$persister \
    SERVER_PORT="$port" ${FLEET_APP_ENV:-} \
    java -Dfairrush.process="fleet-$role-$i" -Xms"$heap" -Xmx"$heap" -XX:+ExitOnOutOfMemoryError $(jvm_cpus) ${FLEET_JVM_OPTS:-} \
    -Dfairrush.dev-tokens.key-file="$DIR/dev-token-keys.txt" -Dspring.profiles.active=test \
    -cp "$(cat "$DIR/classpath")" org.fairrush.FairrushApplication
}

wait_service() { # ROLE I SECONDS
  local port
  port=$(role_port "$1" "$2")
  wait_healthy "$port" "$3" >/dev/null 2>&1 || { tail -30 "$DIR/$1-$2/service.log" >&2; die "$1 $2 did not become healthy on port $port"; }
}

# ---- HAProxy ---------------------------------------------------------------------------------------------
up_haproxy() {
  local i code
  # What the load balancer answers itself (no instance ready, a queue or server timeout) is a problem+json like the
  # service's own, 503 BUSY with Retry-After, so a member's app retries with the same Idempotency-Key instead of
  # failing on an HTML page.
  for code in 502 503 504; do
    printf 'HTTP/1.1 %s Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{"type":"about:blank","title":"Service Unavailable","status":503,"code":"BUSY","detail":"The service is busy; try again in a second with the same Idempotency-Key"}\n' \
      503 > "$DIR/error-$code.http"
  done
  {
    cat <<EOF
global
    maxconn 8000
    pidfile $DIR/haproxy.pid
defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 30s
    # Under a rush on few cores a readiness probe can take seconds: a slow answer must not take every instance out
    # of the rotation at once (HAProxy then answers everyone itself).
    timeout check 5s
    errorfile 502 $DIR/error-502.http
    errorfile 503 $DIR/error-503.http
    errorfile 504 $DIR/error-504.http
    # A connection refused or cut before an answer goes to another instance. A grab carries an
    # Idempotency-Key, so the service answers a retried one with the first result.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response
frontend api
    bind 127.0.0.1:$FLEET_PORT
    default_backend api
backend api
    balance roundrobin
    option httpchk GET /actuator/health/readiness
    http-check expect status 200
    default-server inter 1s fall 5 rise 2 maxconn 2000
EOF
    for ((i = 1; i <= API; i++)); do echo "    server api$i 127.0.0.1:$(api_port "$i") check"; done
  } > "$DIR/haproxy.cfg"
  haproxy -c -q -f "$DIR/haproxy.cfg" || die "invalid HAProxy configuration $DIR/haproxy.cfg"
  spawn haproxy 1 "$DIR/haproxy.log" haproxy -db -f "$DIR/haproxy.cfg"
  wait_port "$FLEET_PORT" 20 || die "HAProxy did not listen on $FLEET_PORT (see $DIR/haproxy.log)"
}

# ---- commands --------------------------------------------------------------------------------------------
up() {
  API=3 PERSISTERS=2
  local cold=0
  while [ $# -gt 0 ]; do
    case $1 in
      --api) API=$2; shift 2 ;;
      --persisters) PERSISTERS=$2; shift 2 ;;
      --cold) cold=1; shift ;;
      *) die "unknown argument $1" ;;
    esac
  done
  [ "$API" -ge 1 ] && [ "$PERSISTERS" -ge 1 ] || die "at least one API instance and one persister"
  if [ -f "$STATE" ]; then die "a fleet runs already from $DIR (fleet.sh down first)"; fi
  listening "$FLEET_PORT" && die "port $FLEET_PORT is taken (set FLEET_PORT)"
  ensure_tools
  mkdir -p "$DIR/pids"
  printf 'API=%s\nPERSISTERS=%s\nFLEET_PORT=%s\nBASE=%s\n' "$API" "$PERSISTERS" "$FLEET_PORT" "$BASE" > "$STATE"
  log "building the service"
  ( cd "$ROOT" && ./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$DIR/dependencies.classpath" ) >&2 || die "could not build the service"
  # Its own copy of the classes, so that a rebuild of the working tree leaves the running fleet alone.
  cp -r "$ROOT/target/classes" "$DIR/classes" && cp -r "$ROOT/target/test-classes" "$DIR/test-classes"
  echo "$DIR/test-classes:$DIR/classes:$(cat "$DIR/dependencies.classpath")" > "$DIR/classpath"
  dev_token_keys
  up_redis
  up_kafka
  up_postgres
  # The first instance migrates the database and creates the topics; the others then start together.
  start_service api 1
  wait_service api 1 300
  local i
  for ((i = 2; i <= API; i++)); do start_service api "$i"; done
  for ((i = 1; i <= PERSISTERS; i++)); do start_service persister "$i"; done
  for ((i = 2; i <= API; i++)); do wait_service api "$i" 300; done
  for ((i = 1; i <= PERSISTERS; i++)); do wait_service persister "$i" 300; done
  up_haproxy
  [ "$cold" = 1 ] || warm 20
  log "fleet up: http://127.0.0.1:$FLEET_PORT ($API API, $PERSISTERS persisters)"
  status
}

# Every API instance, directly on its port and all at once, serves what a rush brings (wrk, 8 connections per
# instance): sign-ins and reads of the fair's and the campaign's page for SECONDS/2 each (members and merchants open
# the page before the opening), then stall registrations and voucher grabs for SECONDS each, at a fair and a campaign
# of their own ("fleet warm-up"), so that its JIT has compiled the rush paths before a rush arrives; the persisters
# and brokers store what they grant.
# A JVM that has served a few hundred requests still spends a third of its CPU compiling, which on 2 cores queued
# the stall rush's 3 s burst for seconds (docs/operations.md section 10). Run it again after `start api I`.
warm() { # SECONDS
  local seconds=${1:-20} admin now end fair campaign i url pids=()
  load_state
  ensure_tools
  local lb="http://127.0.0.1:$FLEET_PORT" work="$DIR/warm"
  mkdir -p "$work"
  admin=$(curl -fsS "$lb/api/v1/dev/tokens" -H 'Content-Type: application/json' \
    -d '{"subject":"fleet-warm-up","roles":["ADMIN"]}' | jq -r .token) || die "warm-up: no admin token"
  now=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ) end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  fair=$(curl -fsS -X POST "$lb/api/v1/fairs" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"name\":\"fleet warm-up\",\"theme\":\"warm-up\",\"venue\":\"none\",\"startsAt\":\"$(date -u -d '+8 day' +%Y-%m-%dT%H:%M:%SZ)\",\"endsAt\":\"$(date -u -d '+9 day' +%Y-%m-%dT%H:%M:%SZ)\",\"registrationOpensAt\":\"$now\",\"registrationClosesAt\":\"$end\",\"allocation\":\"FIRST_COME\",\"categories\":[{\"code\":\"FOOD\",\"name\":\"Food\",\"stalls\":1,\"feeCents\":0}]}" \
    | jq -r .id) || die "warm-up: could not create its fair"
  campaign=$(curl -fsS -X POST "$lb/api/v1/campaigns" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: warm-$RANDOM$RANDOM" \
    -d "{\"name\":\"fleet warm-up\",\"stock\":1000000,\"perMemberLimit\":100,\"grabStartsAt\":\"$now\",\"grabEndsAt\":\"$end\",\"redeemStartsAt\":\"$now\",\"redeemEndsAt\":\"$end\",\"discount\":{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":2000,\"minSpendCents\":3000}}" \
    | jq -r .id) || die "warm-up: could not create its campaign"
  # Tokens signed with the fleet's key: a merchant of its own per registration (up to 1,500 per instance; past
  # that a merchant registers again and is refused, which still runs the claim script), 2,000 members.
  local nimbus
  # (awk reads the file itself: grep -m1 after tr could end first and fail the pipeline with tr's SIGPIPE, exit 141)
  nimbus=$(awk -v RS=: '/nimbus-jose-jwt/ { print; exit }' "$DIR/classpath")
  java -cp "$nimbus" "$ROOT/load-tests/bench/SignTokens.java" "$DIR/dev-token-keys.txt" "$work/members.txt" \
    "warm-$(date +%s)-" 2000 2000 $((API * 1500)) "$work/merchants.txt" || die "warm-up: could not sign its tokens"
  log "warm-up: $API API instances, $((seconds / 2))s each of sign-ins and page reads, ${seconds}s of registrations (fair $fair), then ${seconds}s of grabs (campaign $campaign)"
  for ((i = 1; i <= API; i++)); do
    alive api "$i" || continue
    url="http://127.0.0.1:$(api_port "$i")"
    sed -n "$(( (i - 1) * 1500 + 1 )),$(( i * 1500 ))p" "$work/merchants.txt" > "$work/merchants-$i.txt"
    { wrk_result "$url" $((seconds / 2)) 1 8 signin /api/v1/dev/tokens "warm$i" | sed 's/^/sign-in /'
      wrk_result "$url" $((seconds / 2)) 1 8 read "/api/v1/fairs/$fair" "$work/merchants-$i.txt" "warm$i" | sed 's/^/fair-page /'
      wrk_result "$url" $((seconds / 2)) 1 8 read "/api/v1/campaigns/$campaign" "$work/members.txt" "warm$i" | sed 's/^/campaign-page /'
      wrk_result "$url" "$seconds" 1 8 register "/api/v1/fairs/$fair/registrations" "$work/merchants-$i.txt" "warm$i" 1 | sed 's/^/register /'
      wrk_result "$url" "$seconds" 1 8 grab "/api/v1/campaigns/$campaign/grabs" "$work/members.txt" "warm$i" | sed 's/^/grab /'
    } > "$work/api-$i.txt" 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  for ((i = 1; i <= API; i++)); do
    alive api "$i" || continue
    grep -q '^grab ' "$work/api-$i.txt" || die "warm-up of api $i failed: $(cat "$work/api-$i.txt")"
    log "warm-up api $i: sign-ins $(sed -n 's/^sign-in //p' "$work/api-$i.txt" | jq -c '{rps, status}'), page reads $(sed -n 's/^\(fair\|campaign\)-page //p' "$work/api-$i.txt" | jq -c '.rps' | tr '\n' ' ')/s, registrations $(sed -n 's/^register //p' "$work/api-$i.txt" | jq -c '{rps, status}'), grabs $(sed -n 's/^grab //p' "$work/api-$i.txt" | jq -c '{rps, status}')"
  done
}

load_state() {
  [ -f "$STATE" ] || die "no fleet runs from $DIR (fleet.sh up)"
  # shellcheck disable=SC1090
  source "$STATE"
  PATH="$PATH:/usr/sbin"
}

count() { case $1 in api) echo "$API" ;; persister) echo "$PERSISTERS" ;; redis) echo "$REDIS_NODES" ;; kafka) echo "$KAFKA_NODES" ;; *) echo 0 ;; esac; }

status() {
  load_state
  local role i pid port up entries=()
  for role in redis kafka postgres api persister; do
    local n
    if [ "$role" = postgres ]; then n=1; else n=$(count "$role"); fi
    for ((i = 1; i <= n; i++)); do
      if [ "$role" = postgres ]; then
        port=${PG_ADDR#*:}
        pid=$( [ "$PG_EMBEDDED" = 1 ] && cat "$(pidfile postgres 1)" 2>/dev/null || echo null)
      else
        port=$(role_port "$role" "$i")
        pid=$(cat "$(pidfile "$role" "$i")" 2>/dev/null || echo null)
      fi
      up=false
      if [ "$role" = api ] || [ "$role" = persister ]; then
        alive "$role" "$i" && curl -fsS -m 2 "http://127.0.0.1:$port/actuator/health" 2>/dev/null | grep -q '"status":"UP"' && up=true
      elif [ "$pid" = null ] || kill -0 "$pid" 2>/dev/null; then
        listening "$port" && up=true
      fi
      local extra=""
      if [ "$role" = redis ]; then
        extra=', "primary": false'
        [ "$up" = true ] && redis_is_primary "$i" && extra=', "primary": true'
      fi
      entries+=("{\"role\": \"$role\", \"index\": $i, \"pid\": $pid, \"port\": $port, \"up\": $up$extra}")
    done
  done
  local IFS=,
  jq -n "{\"lb\": $FLEET_PORT, \"processes\": [${entries[*]}]}"
}

kill_one() { # ROLE I
  load_state
  valid "$1" "$2"
  alive "$1" "$2" || die "$1 $2 is not running"
  local pid
  pid=$(cat "$(pidfile "$1" "$2")")
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  log "$1 $2 (pid $pid) killed"
}

start_one() { # ROLE I
  load_state
  valid "$1" "$2"
  alive "$1" "$2" && die "$1 $2 runs already"
  case $1 in
    redis) start_redis "$2"; wait_port "$(redis_port "$2")" 20 || die "redis $2 did not start" ;;
    kafka) start_kafka "$2"; wait_port "$(kafka_port "$2")" 120 || die "kafka $2 did not start" ;;
    api | persister) start_service "$1" "$2"; wait_service "$1" "$2" 300 ;;
  esac
  log "$1 $2 started"
}

valid() {
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le "$(count "$1")" ] || die "no $1 $2 in this fleet"
}

down() {
  [ -f "$STATE" ] || { log "no fleet runs from $DIR"; rm -rf "$DIR"; return 0; }
  # shellcheck disable=SC1090
  source "$STATE"
  local f pid i
  # Services first (graceful), then the servers under them.
  for pass in "api persister haproxy" "postgres kafka redis"; do
    for f in "$DIR"/pids/*.pid; do
      [ -f "$f" ] || continue
      [[ " $pass " == *" $(basename "$f" | cut -d- -f1) "* ]] || continue
      pid=$(cat "$f")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for ((i = 0; i < 30; i++)); do
      local left=0
      for f in "$DIR"/pids/*.pid; do
        [ -f "$f" ] && [[ " $pass " == *" $(basename "$f" | cut -d- -f1) "* ]] && kill -0 "$(cat "$f")" 2>/dev/null && left=1
      done
      [ "$left" = 0 ] && break
      sleep 1
    done
    for f in "$DIR"/pids/*.pid; do
      [ -f "$f" ] && [[ " $pass " == *" $(basename "$f" | cut -d- -f1) "* ]] && kill -KILL -- "-$(cat "$f")" 2>/dev/null || true
    done
  done
  if [ "${PG_EMBEDDED:-1}" = 0 ]; then
    psql -h "${PG_ADDR%:*}" -p "${PG_ADDR#*:}" -U postgres -d postgres -qc "drop database if exists $PG_DB with (force)" >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  log "fleet down"
}

case ${1:-} in
  up) shift; up "$@" ;;
  status) status ;;
  warm) warm "${2:-20}" ;;
  env) load_state; fleet_env ;;
  kill) [ $# -eq 3 ] || die "usage: fleet.sh kill ROLE I"; kill_one "$2" "$3" ;;
  start) [ $# -eq 3 ] || die "usage: fleet.sh start ROLE I"; start_one "$2" "$3" ;;
  failover) [ $# -eq 3 ] && [ "$2" = redis ] || die "usage: fleet.sh failover redis I"; load_state; failover_redis "$3" ;;
  down) down ;;
  *) sed -n '2,25p' "$0" >&2; exit 2 ;;
esac

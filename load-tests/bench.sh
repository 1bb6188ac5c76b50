#!/usr/bin/env bash
# The benchmark of issues 8 and 13 in one command, against one build of the service, on this machine:
#   (0a) reference: a plain WebFlux app answering "ok" (load-tests/reference, no actuator)          wrk
#   (0b) reference: plain Spring Boot webflux + actuator, GET /actuator/health/liveness             wrk
#        (both of the same Boot version, started like the service; every HTTP step is also given as a
#        ratio to them; they run whenever step 1, 2, 3 or 5 runs, or with -s r)
#   (1) a trivial endpoint of the app (GET /actuator/health/liveness)        wrk
#   (2) the durable grab path (Lua + Kafka ack + 201) on a large stock         wrk
#   (2f) the same with a fresh token on every request (the token cache never hits)   wrk
#   (3) the sold-out path                                                       wrk
#   (4) Redis itself running the same claim.lua by EVALSHA                      redis-benchmark
#   (5) a naive peer behind the same HTTP stack: one conditional Postgres UPDATE + INSERT per grab   wrk
#       (and, for information, the same SQL straight over the Postgres protocol)                    pgbench
#   (6) the persister: claims stored per second from the topic step (2) filled  SQL count over time
#       (Postgres flushing its commits; (6') again with fsync off, for information; BENCH_PERSIST_B_OPTS: an A/B)
# and writes the table with ratios into docs/benchmarks.md (see that file for the method).
#
# usage: load-tests/bench.sh [-d SECONDS] [-c CONNECTIONS] [-t THREADS] [-n NOTE] [-o FILE] [-s STEPS] [--jfr] [--profile] [--profile-trivial] [--profile-soldout] [--profile-reference]
#   -d  seconds per measured step (default 30; warm-up before each step: a third of it, 5..10 s)
#   -c  connections of wrk, pgbench and redis-benchmark (default 64); -t wrk threads (default 2)
#   -n  a note printed beside the run (e.g. "preliminary, machine busy")
#   -o  the markdown file (default docs/benchmarks.md); --jfr records a JFR profile of the API during (2)
#   --profile: after (2), a separate grab run under async-profiler (CPU samples, from Maven Central), whose
#       flame graph lands in load-tests/target/bench/profile-grab.html (copy it to docs/ by hand)
#   --profile-trivial: the same for GET /actuator/health/liveness (profile-trivial.html)
#   --profile-soldout: the same for grabs of the sold-out campaign (profile-soldout.html)
#   --profile-reference: the same for plain Boot's liveness, the (0b) reference app (profile-reference.html), to set
#       beside --profile-trivial's: what fairrush's liveness pays that plain Boot's does not
#   -s  the steps to run, comma-separated (default r,1,2,2f,2b,3,4,5,6; 2b needs 2; r, the reference apps, runs with any of 1,2,3,5), e.g. -s 6 for the persister
#       alone (its topic is then filled by grabs first); a partial run is for trying, not for the table
# Environment: BENCH_API_JVM_OPTS adds options to the API JVM (e.g. "-XX:+UseZGC"), noted in the run's settings.
#   BENCH_PG_DURABLE=off runs Postgres with fsync and synchronous_commit off (the development stack's default) for
#   every step; by default they are on, as in production, and only (5') and (6') turn them off.
#   BENCH_PERSIST_CLAIMS, BENCH_PERSIST_FILL_SECONDS: claims to top the topic up to for (6), and the longest top-up.
#   BENCH_PERSIST_B_OPTS (and BENCH_PERSIST_A_OPTS, BENCH_PERSIST_ROUNDS, default 3): persister JVM options to
#   compare, drain against drain on the same topic (e.g. "-Dfairrush.webhooks.enabled=false").
#   BENCH_PERSIST_PROFILE=1: (6)'s persister under async-profiler (load-tests/target/bench/profile-persister.collapsed)
#   BENCH_PERSIST_BUCKETS (e.g. "1 8") and BENCH_PERSIST_PERSISTERS (e.g. "1 2", default 1): (6) becomes the drain of one
#   campaign over one or several partitions (issue 16, docs/benchmarks.md): per bucket count, a campaign of that many
#   buckets filled by grabs into topics of its own (prefix fairrush.b<N>., the API restarted for each), then
#   BENCH_PERSIST_ROUNDS rounds draining each campaign with each number of persister JVMs (one consumer group), the
#   order reversed every other round, Postgres flushing; each drain reports the records per partition and per persister
#   (bench/TopicSpread.java), each persister JVM's CPU, and checks every claim stored exactly once. (6') is not run.
#   BENCH_PORT: the first port tried for the API (default 18180; persisters and reference apps take the ones above).
#   BENCH_PROFILE_EVENT, BENCH_PROFILE_INTERVAL: what the --profile* runs sample (async-profiler's event and interval; default
#   cpu every 1ms; e.g. BENCH_PROFILE_EVENT=alloc BENCH_PROFILE_INTERVAL=512k for where the API allocates).
#   BENCH_PERSIST_JFR=1: (6)'s persister recorded by JFR instead (load-tests/target/bench/persister.jfr; jfr-top.py reads it)
# Installs wrk, redis-tools and postgresql-client with apt-get when they are missing. Stops everything
# it started on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

DURATION=30 CONNECTIONS=64 THREADS=2 NOTE="" OUT="$ROOT/docs/benchmarks.md" JFR=0 PROFILE=0 PROFILE_TRIVIAL=0 PROFILE_SOLDOUT=0 PROFILE_REFERENCE=0 STEPS=r,1,2,2f,2b,3,4,5,6
while [ $# -gt 0 ]; do
  case $1 in
    -d) DURATION=$2; shift 2 ;;
    -c) CONNECTIONS=$2; shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    -n) NOTE=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    -s) STEPS=$2; shift 2 ;;
    --jfr) JFR=1; shift ;;
    --profile) PROFILE=1; shift ;;
    --profile-trivial) PROFILE_TRIVIAL=1; shift ;;
    --profile-soldout) PROFILE_SOLDOUT=1; shift ;;
    --profile-reference) PROFILE_REFERENCE=1; shift ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
done
WARMUP=$(( DURATION / 3 < 5 ? 5 : (DURATION / 3 > 10 ? 10 : DURATION / 3) ))
BENCH="$ROOT/load-tests/bench"
WORK="$ROOT/load-tests/target/bench"
RESULTS="$WORK/results"
rm -rf "$WORK" && mkdir -p "$RESULTS"
trap 'stop_apps' EXIT
trap 'exit 130' INT TERM

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  command -v pgbench >/dev/null || missing+=(postgresql-client)
  command -v jq >/dev/null || missing+=(jq)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
      || die "could not install ${missing[*]}"
  fi
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
want() { [[ ",$STEPS," == *",$1,"* ]]; }

# cpu_before / cpu_after STEP: CPU time by process group over a step (bench/cpu-by-process.py), per answered
# request, logged and kept in $RESULTS/cpu_STEP.txt: which process saturates the machine.
# BENCH_CPU_TAG: another run's service JVMs on the machine (someone else's bench.sh or ab.sh) count as "other".
cpu_before() { BENCH_CPU_TAG=$RUN python3 "$BENCH/cpu-by-process.py" snapshot $$ > "$WORK/cpu-before.json"; }
cpu_after() { # STEP [COUNT]: COUNT answered requests or stored claims (default: every answer of the step)
  BENCH_CPU_TAG=$RUN python3 "$BENCH/cpu-by-process.py" snapshot $$ > "$WORK/cpu-after.json"
  python3 "$BENCH/cpu-by-process.py" diff "$WORK/cpu-before.json" "$WORK/cpu-after.json" \
    "${2:-$(jq -r '[.status[]] | add' "$RESULTS/$1.json")}" > "$RESULTS/cpu_$1.txt"
  log "$1: $(cat "$RESULTS/cpu_$1.txt")"
}

# settle: before a measured step, wait (at most a minute) until the machine is idle, the JIT compiler threads that
# the warm-up set going included, and log how long that took; every step, the reference apps' and fairrush's, alike.
settle() { log "machine quiet after $(wait_quiet 15 60) s"; }

# save STEP JSON ANSWERS: one step's result with the load average before it.
save() {
  jq --arg answers "$3" --arg loadavg "$LOAD_BEFORE" '. + {answers: $answers, loadavg: $loadavg}' <<<"$2" > "$RESULTS/$1.json"
  log "$1: $(jq -c '{rps, p50_ms, p99_ms, answers}' "$RESULTS/$1.json")"
}

wrk_run() { # SECONDS ARGS...: prints the RESULT JSON of the lua script
  wrk_at "$BASE" "$@"
}

wrk_at() { # BASE_URL SECONDS ARGS...: wrk_run against another app (the reference apps)
  wrk_result "$1" "$2" "$THREADS" "$CONNECTIONS" "${@:3}"
}

psql_bench() { psql -h "${PG%:*}" -p "${PG#*:}" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
claims_now() { echo $(( 1000000 - $(http_json GET "/api/v1/campaigns/$BIG" "$ADMIN" | jq -r .remaining) + 1 )); }
stored() { psql_bench -d postgres -c "select count(*) from voucher where campaign_id in (${STORED_IN:-$BIG, $GONE})"; }

ensure_tools
RUN="b$(date +%s)"
log "building the service"
prepare_classpath
want_refs() { want r || want 1 || want 2 || want 2f || want 3 || want 5; }
want_refs && { log "building the reference apps"; prepare_reference; }

# ---- the servers, then the API instance against them: persister off, so step (2) fills the topic that
# step (6) drains. The servers run in a JVM of their own (as in production the broker is not in the API's heap).
servers_up "$WORK/servers.log" "fairrush-bench-servers-$RUN" -Xms1g -Xmx1g
# pg_durable on|off: the stack's Postgres flushing its commits as production does (fsync, synchronous_commit and
# full_page_writes on), or not (the development stack's default); ALTER SYSTEM and a reload, no restart.
pg_durable() {
  psql_bench -d postgres -c "ALTER SYSTEM SET fsync = $1" -c "ALTER SYSTEM SET synchronous_commit = $1" \
    -c "ALTER SYSTEM SET full_page_writes = $1" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  log "postgres: fsync $(psql_bench -d postgres -c 'show fsync'), synchronous_commit $(psql_bench -d postgres -c 'show synchronous_commit')"
}
PG_DURABLE=${BENCH_PG_DURABLE:-on}
pg_durable "$PG_DURABLE"
# against_servers COMMAND...: runs COMMAND with the environment that points a service at those servers.
against_servers() {
  SPRING_R2DBC_URL="r2dbc:postgresql://$PG/postgres" SPRING_DATA_REDIS_URL="redis://$REDIS" SPRING_KAFKA_BOOTSTRAPSERVERS="$KAFKA" "$@"
}
PORT=$(free_port "${BENCH_PORT:-18180}")
# BENCH_API_JVM_OPTS adds options to the API JVM (e.g. another collector), for trying; the run notes them.
JVM=(-Xms1g -Xmx1g ${BENCH_API_JVM_OPTS:-} "-Xlog:gc:file=$WORK/api-gc.log:uptime,level")
# Member tokens, signed here with a key the service is told to trust (as the development issuer would sign
# them, without one HTTP call each): one per member for the steps that reuse them, and for (2f) a fresh one
# for every request, rotating over the same members.
# Every grab of the big campaign with these tokens counts against the members' limit of 100 across the whole run
# (warm-ups, (2), (2b) with its ramp-up, the top-ups for (6)): enough members for 10,000 grabs a second over all of it.
# (Sized for (2) alone, a faster grab ran the members into their limit: (2b) answered 69 % LIMIT_REACHED, fast.)
MEMBERS=$(( (3 * WARMUP + 2 * DURATION + 30) * 10000 / 100 + 200 ))
FRESH=0
want 2f && FRESH=$(( DURATION * 6000 ))
log "signing $(( MEMBERS + FRESH )) member tokens"
# (awk reads the file itself: grep -m1 after tr could end first and fail the pipeline with tr's SIGPIPE, exit 141)
NIMBUS=$(awk -v RS=: '/nimbus-jose-jwt/ { print; exit }' "$ROOT/target/fairrush-dev.classpath")
java -cp "$NIMBUS" "$BENCH/SignTokens.java" "$WORK/dev-token-keys" "$WORK/all-tokens.txt" "bm-$RUN-" "$MEMBERS" $(( MEMBERS + FRESH )) \
  || die "could not sign the member tokens"
head -n "$MEMBERS" "$WORK/all-tokens.txt" > "$WORK/tokens.txt"
tail -n +$(( MEMBERS + 1 )) "$WORK/all-tokens.txt" > "$WORK/fresh-tokens.txt"
JVM+=("-Dfairrush.dev-tokens.key-file=$WORK/dev-token-keys")
# start_api [TOPIC_PREFIX]: the API instance, persister off, publishing claims to the topics of TOPIC_PREFIX (default the
# service's own, fairrush.); restart_api TOPIC_PREFIX stops it first (the bucket drains fill a topic per campaign).
start_api() {
  FAIRRUSH_RUSH_PERSISTER_ENABLED=false FAIRRUSH_RUSH_TOPICPREFIX="${1:-fairrush.}" \
    against_servers start_app_java "$PORT" "$WORK/api.log" "fairrush-bench-api-$RUN" "${JVM[@]}"
  API_GROUP=${STARTED_GROUPS[-1]} API_PREFIX=${1:-fairrush.}
  wait_healthy "$PORT" 300 || { tail -40 "$WORK/api.log" >&2; die "the service did not start"; }
}
restart_api() {
  kill -TERM -- "-$API_GROUP" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 -- "-$API_GROUP" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$API_GROUP" 2>/dev/null || true
  mv "$WORK/api.log" "$WORK/api-$API_GROUP.log"
  start_api "$1"
}
# With BENCH_PERSIST_BUCKETS and step 6 alone, the first campaign's topics from the start (one restart fewer; the
# sold-out campaign's one claim then sits in them too, a record of another campaign that no drain counts).
if [ -n "${BENCH_PERSIST_BUCKETS:-}" ] && [ "$STEPS" = 6 ]; then start_api "fairrush.b${BENCH_PERSIST_BUCKETS%% *}."; else start_api; fi
BASE="http://127.0.0.1:$PORT"
# The reference apps: same heap as the API, plain java, idle while fairrush is measured (and fairrush idle
# while they are).
if want_refs; then
  REF_PLAIN_PORT=$(free_port $((PORT + 10)))
  start_reference_java plain "$REF_PLAIN_PORT" "$WORK/ref-plain.log" "fairrush-bench-ref-plain-$RUN" -Xms1g -Xmx1g
  REF_ACT_PORT=$(free_port $((REF_PLAIN_PORT + 1)))
  start_reference_java actuator "$REF_ACT_PORT" "$WORK/ref-actuator.log" "fairrush-bench-ref-actuator-$RUN" -Xms1g -Xmx1g
  REF_PLAIN="http://127.0.0.1:$REF_PLAIN_PORT" REF_ACT="http://127.0.0.1:$REF_ACT_PORT"
  wait_url "$REF_PLAIN/ok" 120 || { tail -20 "$WORK/ref-plain.log" >&2; die "the plain reference app did not start"; }
  wait_url "$REF_ACT/actuator/health/liveness" 120 || { tail -20 "$WORK/ref-actuator.log" >&2; die "the actuator reference app did not start"; }
fi
RH=${REDIS%:*} RP=${REDIS#*:}

ADMIN=$(curl -fsS "$BASE/api/v1/dev/tokens" -H 'Content-Type: application/json' -d '{"subject":"bench-admin","roles":["ADMIN"]}' | jq -r .token)
BIG=$(http_json POST /api/v1/campaigns "$ADMIN" "$(campaign_body 1000000 100)" | jq -r .id)
GONE=$(http_json POST /api/v1/campaigns "$ADMIN" "$(campaign_body 1 1)" | jq -r .id)
FIRST=$(head -1 "$WORK/tokens.txt")
http_json POST "/api/v1/campaigns/$GONE/grabs" "$FIRST" >/dev/null   # the only voucher of the sold-out campaign
jq -n --arg date "$(date -u +'%Y-%m-%d %H:%M UTC')" --arg note "$NOTE" \
  --arg machine "$(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)" \
  --arg java "$(java -version 2>&1 | head -1)" --arg loadavg "$(loadavg)" \
  --arg settings "${DURATION}s per step after ${WARMUP}s warm-up, $CONNECTIONS connections, wrk $THREADS threads; API JVM -Xms1g -Xmx1g${BENCH_API_JVM_OPTS:+ $BENCH_API_JVM_OPTS}, persister off during (1)-(5); dev stack's servers (embedded Postgres with fsync and synchronous_commit $PG_DURABLE but for (5'), Redis, KRaft Kafka) in a JVM of their own; every HTTP path warmed up for ${WARMUP}s before step (1)" \
  '{date: $date, note: $note, machine: $machine, java: $java, loadavg: $loadavg, settings: $settings}' > "$RESULTS/run.json"

# ---- (0a), (0b) the reference apps, each warmed up for as long as fairrush's paths --------------------
# step_refs SUFFIX: measured before step (1) (SUFFIX empty, after a warm-up) and again after the last HTTP
# step (SUFFIX _end); the ratios use the higher of the two (report.py), and both are shown, so a machine that got busier
# in between shows.
# Each reference is warmed up for twice the warm-up of a step before its first measurement: every path of fairrush has
# had that much of its own load by its measurement (warm_all, then the step's warm-up). With one warm-up the first
# measurement of the plain handler came out at 50-80 % of the second (its JIT still compiling), which flattered the
# ratios then taken against the mean of the two (the higher since session j).
step_refs() {
  local suffix=${1:-}
  [ -z "$suffix" ] && wrk_at "$REF_PLAIN" $((2 * WARMUP)) get /ok >/dev/null
  settle; LOAD_BEFORE=$(loadavg)
  R=$(wrk_at "$REF_PLAIN" "$DURATION" get /ok)
  save "ref_plain$suffix" "$R" "$(jq -r '"\(.status["2xx"]) 200, \(.status.other + .socket_errors) errors"' <<<"$R")"
  [ -z "$suffix" ] && wrk_at "$REF_ACT" $((2 * WARMUP)) get /actuator/health/liveness >/dev/null
  settle; LOAD_BEFORE=$(loadavg)
  R=$(wrk_at "$REF_ACT" "$DURATION" get /actuator/health/liveness)
  save "ref_liveness$suffix" "$R" "$(jq -r '"\(.status["2xx"]) 200, \(.status.other + .socket_errors) errors"' <<<"$R")"
}

# ---- (1) trivial endpoint ---------------------------------------------------------------------------
step_trivial() {
  wrk_run "$WARMUP" get /actuator/health/liveness >/dev/null
  settle; LOAD_BEFORE=$(loadavg)
  cpu_before
  R=$(wrk_run "$DURATION" get /actuator/health/liveness)
  save trivial "$R" "$(jq -r '"\(.status["2xx"]) 200, \(.status.other + .socket_errors) errors"' <<<"$R")"
  cpu_after trivial
}

# ---- (2) durable grab -------------------------------------------------------------------------------
step_grab() {
  wrk_run "$WARMUP" grab "/api/v1/campaigns/$BIG/grabs" "$WORK/tokens.txt" "w$RUN" >/dev/null
  settle; LOAD_BEFORE=$(loadavg)
  cpu_before
  R=$(wrk_run "$DURATION" grab "/api/v1/campaigns/$BIG/grabs" "$WORK/tokens.txt" "m$RUN")
  save grab "$R" "$(jq -r '"\(.status["201"]) 201, \(.status["409"]) 409, \(.status["503"]) 503, \(.status.other + .socket_errors) errors"' <<<"$R")"
  cpu_after grab
}

# ---- (2f) durable grab, a fresh token on every request (no token seen before: the verified-token cache
# never hits; the worst case for the JWT check) ----------------------------------------------------------
step_grab_fresh() {
  settle; LOAD_BEFORE=$(loadavg)
  R=$(wrk_run "$DURATION" fresh "/api/v1/campaigns/$BIG/grabs" "$WORK/fresh-tokens.txt" "mf$RUN" "$THREADS")
  save grab_fresh "$R" "$(jq -r '"\(.status["201"]) 201, \(.status["409"]) 409, \(.status["503"]) 503, \(.status.other + .socket_errors) errors; \(.token_reuses) requests reused a token"' <<<"$R")"
}

# ---- (2b) durable grab at half of (2)'s throughput, arriving at a fixed rate (open model, Gatling) -------
step_grab_half() {
  local r
  HALF=$(jq -r '(.rps / 2 | floor)' "$RESULTS/grab.json")
  settle; LOAD_BEFORE=$(loadavg)
  r=$(rate_result GrabRateSimulation "$BASE" "$HALF" "$DURATION" "$WARMUP" "$WORK/gatling-half.log" \
    -DcampaignId="$BIG" -DtokensFile="$WORK/tokens.txt" -Dp99Millis=50)
  if [ -n "$r" ]; then
    # failed_pct travels with the figure: a p99 over answers that failed (a refusal is answered fast, a timeout slow)
    # is not the grab's, and the report says so beside it. rps is the rate offered.
    save grab_half "$(jq --argjson rps "$HALF" '. + {rps: $rps}' <<<"$r")" \
      "offered $HALF/s after ${WARMUP}s of ramp-up (not counted); $(jq -r .failed_pct <<<"$r")% failed"
  else
    log "the fixed-rate run gave no numbers, see $WORK/gatling-half.log"
  fi
  # the reference at the same rate: the plain handler's p99 is what the load tool (a JVM on the same cores, its
  # own collector's pauses included) and the machine add to any answer at that rate, the floor under (2b)'s
  if [ -n "${REF_PLAIN:-}" ]; then
    settle; LOAD_BEFORE=$(loadavg)
    r=$(rate_result PlainRateSimulation "$REF_PLAIN" "$HALF" "$DURATION" "$WARMUP" "$WORK/gatling-half-plain.log")
    if [ -n "$r" ]; then
      save ref_plain_half "$(jq --argjson rps "$HALF" '. + {rps: $rps}' <<<"$r")" \
        "offered $HALF/s after ${WARMUP}s of ramp-up (not counted); $(jq -r .failed_pct <<<"$r")% failed"
    else
      log "the fixed-rate run of the plain handler gave no numbers, see $WORK/gatling-half-plain.log"
    fi
  fi
}

# ---- --jfr: a separate grab run under JFR ----------------------------------------------------------
step_jfr() {
  API_PID=$(pgrep -f "fairrush.process=fairrush-bench-api-$RUN" | head -1)
  jcmd "$API_PID" JFR.start name=bench settings="$BENCH/cpu-samples.jfc" filename="$WORK/api-grab.jfr" >"$WORK/jfr.out" || log "JFR.start failed: $(cat "$WORK/jfr.out")"
  R=$(wrk_run "$DURATION" grab "/api/v1/campaigns/$BIG/grabs" "$WORK/tokens.txt" "j$RUN")
  jcmd "$API_PID" JFR.stop name=bench >>"$WORK/jfr.out" || log "JFR.stop failed: $(cat "$WORK/jfr.out")"
  log "grab while recording JFR (not in the table): $(jq -c '{rps, p50_ms, p99_ms}' <<<"$R")"
}

# ---- --profile: a separate grab run under async-profiler, CPU flame graph ------------------------------
ASYNC_PROFILER_VERSION=4.1
async_profiler_lib() { # prints the path of libasyncProfiler.so for this machine, fetched once from Maven Central
  local dir="$ROOT/load-tests/target/async-profiler" arch
  arch=$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
  if [ ! -f "$dir/linux-$arch/libasyncProfiler.so" ]; then
    ( cd "$ROOT" && ./mvnw -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" \
        -DoutputDirectory="$dir" ) >&2 || die "could not fetch async-profiler"
    ( cd "$dir" && unzip -o -q "async-profiler-$ASYNC_PROFILER_VERSION.jar" "linux-$arch/*" ) || die "no linux-$arch library in async-profiler"
  fi
  echo "$dir/linux-$arch/libasyncProfiler.so"
}
step_profile() { # NAME WRK-ARGS...: one run of wrk under async-profiler, flame graph $WORK/profile-NAME.html
  # (PROFILE_TARGET=reference: the (0b) reference app instead of the API)
  local lib pid name=$1 base=$BASE
  shift
  lib=$(async_profiler_lib)
  if [ "${PROFILE_TARGET:-api}" = reference ]; then
    pid=$(pgrep -f "fairrush-bench-ref-actuator-$RUN" | head -1) base=$REF_ACT
  else
    pid=$(pgrep -f "fairrush.process=fairrush-bench-api-$RUN" | head -1)
  fi
  profiler() { java "$BENCH/AttachAgent.java" "$pid" "$lib" "$1" >>"$WORK/profile.out" 2>&1 || log "profiler $1 failed: $(cat "$WORK/profile.out")"; }
  profiler "start,event=${BENCH_PROFILE_EVENT:-cpu},interval=${BENCH_PROFILE_INTERVAL:-1ms}"
  R=$(wrk_at "$base" "$DURATION" "$@")
  profiler "collapsed,file=$WORK/profile-$name.collapsed"
  profiler "stop,title=fairrush $name (bench.sh --profile),file=$WORK/profile-$name.html"
  log "$name while profiling (not in the table): $(jq -c '{rps, p50_ms, p99_ms}' <<<"$R"); flame graph $WORK/profile-$name.html"
}

# ---- (3) sold-out path ------------------------------------------------------------------------------
step_soldout() {
  wrk_run "$WARMUP" grab "/api/v1/campaigns/$GONE/grabs" "$WORK/tokens.txt" "x$RUN" >/dev/null
  settle; LOAD_BEFORE=$(loadavg)
  cpu_before
  R=$(wrk_run "$DURATION" grab "/api/v1/campaigns/$GONE/grabs" "$WORK/tokens.txt" "s$RUN")
  save soldout "$R" "$(jq -r '"\(.status["409"]) 409, \(.status["201"]) 201, \(.status.other + .socket_errors) errors"' <<<"$R")"
  cpu_after soldout
}

# ---- (4) Redis ceiling: claim.lua by EVALSHA on a prepared pool ---------------------------------------
step_redis() {
  SHA=$(redis-cli -h "$RH" -p "$RP" SCRIPT LOAD "$(cat "$ROOT/src/main/resources/lua/claim.lua")")
  K="bench:{c:rb$RUN}"
  redis-cli -h "$RH" -p "$RP" EVAL "$(cat "$ROOT/src/main/resources/lua/define-pool.lua")" 2 "$K:meta" "$K:stock" \
    0 99999999999999 1 0 1000000000 >/dev/null
  CLAIM='{"schemaVersion":1,"eventId":"00000000-0000-4000-8000-__rand_int__","occurredAt":"2026-01-01T00:00:00Z","kind":"c","scope":"rb","pool":"","actorId":"m-__rand_int__","item":null,"seq":0,"status":null,"attributes":{"code":"FR-__rand_int__"}}'
  redis_bench() { # REQUESTS
    redis-benchmark -h "$RH" -p "$RP" -c "$CONNECTIONS" -n "$1" -r 1000000000 --csv \
      EVALSHA "$SHA" 9 "$K:meta" "$K:stock" "$K:holders" "$K:pending" "$K:idem:__rand_int__" "$K:wait" "$K:confirmed" "$K:claims" "$K:unsent" \
      "$(date +%s%3N)" "m-__rand_int__" "$CLAIM" 86400 | tail -1
  }
  # The CSV's first column repeats the command (commas and all): read the numbers from the end of the line.
  csv_field() { tr -d '"' <<<"$1" | awk -F, -v back="$2" '{print $(NF - back)}'; }
  CAL=$(redis_bench 20000)   # warm-up and calibration: how many requests fill DURATION seconds
  RATE=$(csv_field "$CAL" 6 | cut -d. -f1)
  settle; LOAD_BEFORE=$(loadavg)
  ROW=$(redis_bench $(( RATE * DURATION > 20000 ? RATE * DURATION : 20000 )))
  rps=$(csv_field "$ROW" 6) p50=$(csv_field "$ROW" 3) p99=$(csv_field "$ROW" 1)
  LEFT=$(redis-cli -h "$RH" -p "$RP" GET "$K:stock")
  save redis "$(jq -n --argjson rps "$rps" --argjson p50 "$p50" --argjson p99 "$p99" '{rps: $rps, p50_ms: $p50, p99_ms: $p99}')" \
    "$(( 1000000000 - LEFT )) claims granted in total"
}

# naive_run NAME on|off: step (5) against the stack's Postgres with durability on or off (a fresh campaign each)
naive_run() {
  local name=$1 durable=$2 naive
  pg_durable "$durable"
  naive=$(date +%s%N | cut -c1-15)
  psql_bench -d postgres -c "insert into bench_naive_campaign values ($naive, 'Naive $RUN', 100000000, 2000, 3000, now(), now() + interval '7 days')"
  wrk_run "$WARMUP" grab "/api/v1/bench/naive-campaigns/$naive/grabs" "$WORK/tokens.txt" "nw$durable$RUN" >/dev/null
  settle; LOAD_BEFORE=$(loadavg)
  R=$(wrk_run "$DURATION" grab "/api/v1/bench/naive-campaigns/$naive/grabs" "$WORK/tokens.txt" "n$durable$RUN")
  save "$name" "$R" "$(jq -r '"\(.status["201"]) 201, \(.status["409"]) 409, \(.status.other + .socket_errors) errors"' <<<"$R"); $(psql_bench -d postgres -c "select count(*) || ' vouchers stored, ' || (100000000 - min(c.remaining)) || ' taken' from bench_naive_voucher v join bench_naive_campaign c on c.id = v.campaign_id where c.id = $naive"); fsync $durable"
}

# ---- (5) naive peer over the same HTTP stack: JWT, one Postgres statement per grab, 201 / 409 --------
# (test sources' org.fairrush.bench.NaiveGrabConfiguration), driven by the same wrk script as (2), against Postgres
# flushing its commits (fsync, synchronous_commit on: production's settings), then with them off (5', information).
# Then, for information, the same SQL by pgbench straight over the Postgres protocol (no HTTP, JSON or JWT),
# with the durability of the run (BENCH_PG_DURABLE, default on).
step_naive() {
  naive_run naive on
  naive_run naive_nofsync off
  pg_durable "$PG_DURABLE"
  psql_bench -d postgres -c "DROP DATABASE IF EXISTS fairrush_naive_bench" -c "CREATE DATABASE fairrush_naive_bench"
  psql_bench -d fairrush_naive_bench -f "$BENCH/naive-schema.sql" >/dev/null
  pg_run() { # SECONDS LOGPREFIX
    pgbench -h "${PG%:*}" -p "${PG#*:}" -U postgres -n -c "$CONNECTIONS" -j "$THREADS" -T "$1" -f "$BENCH/naive-grab.sql" \
      -l --log-prefix="$2" fairrush_naive_bench >"$2.out" 2>&1 || { cat "$2.out" >&2; die "pgbench failed"; }
  }
  pg_run "$WARMUP" "$WORK/pgwarm"
  settle; LOAD_BEFORE=$(loadavg)
  pg_run "$DURATION" "$WORK/pgbench"
  R=$(python3 "$BENCH/percentiles.py" "$DURATION" "$WORK"/pgbench.*[0-9])
  save naive_pgbench "$R" "$(psql_bench -d fairrush_naive_bench -c "select count(*) || ' vouchers, ' || (100000000 - remaining) || ' taken' from bench_voucher, bench_campaign group by remaining")"
  psql_bench -d postgres -c "DROP DATABASE IF EXISTS fairrush_naive_bench"
}

# ---- (6) persister: a second instance drains the topic into Postgres -----------------------------------
# drain NAME DURABLE [JVM options...]: one drain of the whole topic by a fresh persister instance, timed, with
# Postgres flushing its commits (DURABLE on) or not (off). The voucher table starts empty (TRUNCATE: no dead rows
# or bloated indexes left by an earlier drain) and the persister, and the webhook recorder that runs beside it,
# read under consumer groups of their own (new groups start at the earliest position), so every drain stores the
# same claims from the same topic; storing is idempotent and confirm.lua confirms a claim again harmlessly.
# The instance is stopped afterwards; its CPU per stored claim counts from its first stored row (start-up left out).
DRAINS=0
opts_label() { # JVM options as the run's answers column shows them (the profiler's agent by name only)
  local opt label=""
  for opt in "$@"; do
    case $opt in -agentpath:*) label+="; under async-profiler" ;; *) label+="; $opt" ;; esac
  done
  printf '%s' "$label"
}
# DRAIN_PERSISTERS (default 1): persister JVMs started together in the drain's consumer group; DRAIN_TOPIC_PREFIX: the
# topics they read (default the service's own); STORED_IN: the campaigns whose rows are counted (stored()).
jvm_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }
drain() {
  local name=$1 durable=$2 port n last since deadline i k=${DRAIN_PERSISTERS:-1} pids=() ports=() ticks=() group up_at=0 up=0
  shift 2
  DRAINS=$((DRAINS + 1))
  pg_durable "$durable"
  psql_bench -d postgres -c "TRUNCATE voucher CASCADE" -c "CHECKPOINT" >/dev/null
  LOAD_BEFORE=$(loadavg)
  group="bench-persister-$RUN-$DRAINS"
  for ((i = 1; i <= k; i++)); do
    port=$(free_port $((PORT + 10 * (i + 1))))
    FAIRRUSH_RUSH_PERSISTER_ENABLED=true FAIRRUSH_RUSH_PERSISTER_GROUPID="$group" \
      FAIRRUSH_WEBHOOKS_GROUPID="bench-webhooks-$RUN-$DRAINS" FAIRRUSH_RUSH_TOPICPREFIX="${DRAIN_TOPIC_PREFIX:-fairrush.}" \
      against_servers start_app_java "$port" "$WORK/persister-$name$([ "$i" -gt 1 ] && echo "-$i").log" \
      "fairrush-bench-persister-$RUN-$DRAINS-$i" -Xms1g -Xmx1g "-Dfairrush.dev-tokens.key-file=$WORK/dev-token-keys" "$@"
    pids+=("${STARTED_GROUPS[-1]}") ports+=("$port")
  done
  : > "$WORK/persister-$name-progress.txt"
  rm -f "$WORK/cpu-before.json"
  # Done when every claim is stored, or when the count stood still for 20 s (90 s with several JVMs) once rows had arrived (claims
  # whose request was cut before the Kafka send stay PENDING in Redis; see the invariants below).
  deadline=$(( $(date +%s) + 300 + CLAIMS / 1000 )) last=-1 since=$(date +%s)
  while :; do
    n=$(stored)
    echo "$(date +%s.%N) $n" >> "$WORK/persister-$name-progress.txt"
    if [ "$last" -le 0 ] && [ "$n" -gt 0 ]; then
      cpu_before
      ticks=()
      for i in "${pids[@]}"; do ticks+=("$(jvm_ticks "$i")"); done
    fi
    # With several persisters: when the last of them was UP (its consumer started before its web server), so the
    # rate with all of them draining can be told from the first one's head start (the broker starts a new group's
    # first assignment at once, and rebalances when the next member joins).
    if [ "$k" -gt 1 ] && [ "$up" -lt "$k" ]; then
      up=0
      for i in "${ports[@]}"; do curl -fsS -m 1 "http://127.0.0.1:$i/actuator/health" 2>/dev/null | grep -q '"status":"UP"' && up=$((up + 1)); done
      [ "$up" -eq "$k" ] && up_at=$(date +%s.%N)
    fi
    [ "$n" -ge "$CLAIMS" ] && break
    if [ "$n" != "$last" ]; then last=$n since=$(date +%s); fi
    # Several persister JVMs in one group stand still while the group rebalances (tens of seconds on a busy machine).
    [ "$n" -gt 0 ] && [ $(( $(date +%s) - since )) -ge $((k > 1 ? 90 : 20)) ] && { log "persister $name: $n of $CLAIMS stored, no change for $((k > 1 ? 90 : 20)) s"; break; }
    [ "$(date +%s)" -ge "$deadline" ] && { log "persister $name: only $n of $CLAIMS stored before the deadline"; break; }
    sleep 0.2
  done
  # Rate over the stretch where rows were arriving: from the last sample before the first row to the first
  # sample that holds the final count.
  R=$(awk -v total="$CLAIMS" -v up_at="$up_at" '
    { t[NR] = $1; n[NR] = $2 }
    END {
      s = 0; for (i = 1; i <= NR; i++) if (n[i] == n[1]) s = i
      e = NR; for (i = NR; i >= 1; i--) if (n[i] == n[NR]) e = i
      secs = t[e] - t[s]; if (secs <= 0) secs = 0.001
      h = e; for (i = s; i <= e; i++) if (n[i] - n[s] >= (n[e] - n[s]) / 2) { h = i; break }
      half = t[e] - t[h]; if (half <= 0) half = 0.001
      printf "{\"rps\": %.1f, \"rows\": %d, \"seconds\": %.3f, \"second_half_rps\": %.1f", (n[e] - n[s]) / secs, n[e] - n[s], secs, (n[e] - n[h]) / half
      # With several persisters: rows stored before all were UP, and the rate from then on.
      if (up_at > 0) {
        u = e; for (i = s; i <= e; i++) if (t[i] >= up_at) { u = i; break }
        after = t[e] - t[u]
        printf ", \"rows_before_all_up\": %d, \"all_up_rps\": %.1f", n[u] - n[s], (after > 0 ? (n[e] - n[u]) / after : 0)
      }
      printf "}"
    }' "$WORK/persister-$name-progress.txt")
  save "$name" "$R" "$(jq -r '"\(.rows) rows in \(.seconds) s (second half of the rows: \(.second_half_rps | floor)/s, after the fresh JVM warmed up)"' <<<"$R"); fsync $durable$( [ "$k" -gt 1 ] && echo "; $k persister JVMs")$(opts_label "$@")"
  # No row stored (a machine too busy for the instance to start before the deadline): no CPU per claim to give.
  if [ -f "$WORK/cpu-before.json" ]; then cpu_after "$name" "$(stored)"; else log "$name: no row stored, no CPU per claim"; fi
  if [ "$k" -gt 1 ] || [ -n "${DRAIN_TOPIC_PREFIX:-}" ]; then
    # Each persister JVM's CPU per stored claim over the drain (milliseconds; from the first stored row), and how the
    # topic's records spread over its partitions and over the group's members.
    local hz per=() claims_stored
    hz=$(getconf CLK_TCK) claims_stored=$(stored)
    for i in "${!pids[@]}"; do
      per+=("$(awk -v a="${ticks[$i]:-0}" -v b="$(jvm_ticks "${pids[$i]}")" -v hz="$hz" -v n="$claims_stored" \
        'BEGIN { printf "%.4f", 1000 * (b - a) / hz / (n > 0 ? n : 1) }')")
    done
    java -cp "$KAFKA_CLIENT_CP" "$BENCH/TopicSpread.java" "$KAFKA" "${DRAIN_TOPIC_PREFIX:-fairrush.}voucher-claims" "$group" \
      > "$RESULTS/spread_$name.json" 2>>"$WORK/topic-spread.log" || log "TopicSpread failed (see $WORK/topic-spread.log)"
    jq --argjson cpu "[$(IFS=,; echo "${per[*]}")]" '. + {persister_cpu_ms_per_claim: $cpu}' "$RESULTS/spread_$name.json" \
      > "$RESULTS/spread_$name.tmp" && mv "$RESULTS/spread_$name.tmp" "$RESULTS/spread_$name.json"
    log "$name: $(jq -c '{partitions, members: [.members[] | {partitions, records}], persister_cpu_ms_per_claim}' "$RESULTS/spread_$name.json")"
  fi
  for i in "${pids[@]}"; do kill -TERM -- "-$i" 2>/dev/null || true; done
  for i in "${pids[@]}"; do
    for _ in $(seq 1 30); do kill -0 -- "-$i" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$i" 2>/dev/null || true
  done
}

step_persister() {
  # Claims in the topic: every grant of (2) and its warm-up, and the sold-out campaign's voucher. Topped
  # up with more grabs (rounds of 10 s, at most PERSIST_CAP seconds) so the drain lasts long enough to time.
  PERSIST_TARGET=${BENCH_PERSIST_CLAIMS:-$(( DURATION >= 30 ? 100000 : 20000 ))}
  PERSIST_CAP=${BENCH_PERSIST_FILL_SECONDS:-$(( DURATION >= 30 ? 180 : 60 ))}
  FILL_END=$(( $(date +%s) + PERSIST_CAP )) ROUND=0
  while [ "$(claims_now)" -lt "$PERSIST_TARGET" ] && [ "$(date +%s)" -lt "$FILL_END" ]; do
    ROUND=$((ROUND + 1))
    wrk_run 10 grab "/api/v1/campaigns/$BIG/grabs" "$WORK/tokens.txt" "f$ROUND$RUN" >/dev/null
  done
  CLAIMS=$(claims_now)
  log "persister: $CLAIMS claims wait in the topic; $(stored) stored so far"
  # BENCH_PERSIST_B_OPTS: A/B of a persister setting on the same topic, before the table's drains: rounds of
  # drain A (BENCH_PERSIST_A_OPTS, default none) then B, the first of the two alternating per round, Postgres
  # flushing its commits; the report gives each drain and the median of the per-round ratios B/A.
  if [ -n "${BENCH_PERSIST_B_OPTS:-}" ]; then
    local round
    for round in $(seq 1 "${BENCH_PERSIST_ROUNDS:-3}"); do
      if (( round % 2 )); then
        drain "persister_a$round" on ${BENCH_PERSIST_A_OPTS:-}
        drain "persister_b$round" on $BENCH_PERSIST_B_OPTS
      else
        drain "persister_b$round" on $BENCH_PERSIST_B_OPTS
        drain "persister_a$round" on ${BENCH_PERSIST_A_OPTS:-}
      fi
    done
  fi
  # (6') first, with Postgres not flushing (information), then (6) as production runs it; the last drain leaves
  # every claim stored for the invariants.
  drain persister_nofsync off
  # BENCH_PERSIST_PROFILE=1: (6)'s persister JVM runs under async-profiler from its start (CPU samples per thread,
  # written when it stops): $WORK/profile-persister.collapsed and .html; the drain's threads are the consumer's,
  # Lettuce's and r2dbc's, start-up is main and the JIT's.
  local profile=()
  if [ -n "${BENCH_PERSIST_PROFILE:-}" ]; then
    profile=("-agentpath:$(async_profiler_lib)=start,event=cpu,interval=1ms,threads,collapsed,file=$WORK/profile-persister.collapsed")
  elif [ -n "${BENCH_PERSIST_JFR:-}" ]; then
    profile=("-XX:StartFlightRecording=filename=$WORK/persister.jfr,settings=$BENCH/cpu-samples.jfc")
  fi
  drain persister on "${profile[@]}"
  pg_durable "$PG_DURABLE"
}

# ---- (6) as issue 16's drain of one campaign over one or several partitions (BENCH_PERSIST_BUCKETS) ------------------
# Per bucket count B: the API restarted to publish to topics of their own (fairrush.bB.), a campaign of B buckets and
# 1,000,000 units filled by grabs like (6) (up to BENCH_PERSIST_CLAIMS, at most BENCH_PERSIST_FILL_SECONDS), then a wait
# until none of its claims waits for Kafka (every bucket's unsent set empty: cut requests republished by the sweeper
# of the same API), so the topic holds every claim granted. Then rounds of drains, every (buckets, persisters) pair once
# a round, the order reversed every other round, Postgres flushing; after each drain, the checks of exactly once.
granted() { echo $(( 1000000 - $(http_json GET "/api/v1/campaigns/$1" "$ADMIN" | jq -r .remaining) )); }
unsent_of() { # CAMPAIGN BUCKETS: claims of the campaign not yet known to be in Kafka, over its buckets
  local b n=0 tag
  for ((b = 0; b < $2; b++)); do
    tag="c:$1"; [ "$b" -gt 0 ] && tag="c:$1~$b"
    n=$(( n + $(redis-cli -h "$RH" -p "$RP" ZCARD "fr:{$tag}:unsent") ))
  done
  echo "$n"
}
# exactly_once NAME CAMPAIGN GRANTED: after a drain, every granted claim stored once and nobody over the limit.
exactly_once() {
  local row verdict rows ids codes slots most
  row=$(psql_bench -d postgres -F ' ' -c "select count(*), count(distinct id), count(distinct code), count(distinct (member_id, seq)),
    coalesce((select max(c) from (select count(*) c from voucher where campaign_id = $2 group by member_id) m), 0)
    from voucher where campaign_id = $2")
  read -r rows ids codes slots most <<<"$row"
  verdict=ok
  [ "$rows" -eq "$3" ] && [ "$ids" -eq "$rows" ] && [ "$codes" -eq "$rows" ] && [ "$slots" -eq "$rows" ] && [ "$most" -le 100 ] \
    || { verdict=FAILED; BUCKET_CHECKS_FAILED=1; }
  jq -n --arg v "$verdict" --argjson rows "$rows" --argjson granted "$3" --argjson ids "$ids" --argjson codes "$codes" \
    --argjson slots "$slots" --argjson most "$most" \
    '{verdict: $v, rows: $rows, granted: $granted, distinct_ids: $ids, distinct_codes: $codes, distinct_member_seq: $slots, most_per_member: $most}' \
    > "$RESULTS/check_$1.json"
  log "$1: $verdict: $rows rows for $3 claims granted; distinct ids $ids, codes $codes, (member, seq) $slots; most vouchers of one member $most (limit 100)"
}
step_bucket_drains() {
  local b k round id pairs=() order pair
  declare -gA CAMPAIGN_OF GRANTED_OF
  BUCKET_CHECKS_FAILED=0
  PERSIST_TARGET=${BENCH_PERSIST_CLAIMS:-$(( DURATION >= 30 ? 100000 : 20000 ))}
  PERSIST_CAP=${BENCH_PERSIST_FILL_SECONDS:-$(( DURATION >= 30 ? 180 : 60 ))}
  KAFKA_CLIENT_CP=$(tr ':' '\n' < "$ROOT/target/fairrush-dev.classpath" | grep -E '/(kafka-clients|slf4j-api)-[0-9.]+\.jar$' | paste -sd:)
  for b in $BENCH_PERSIST_BUCKETS; do
    [ "$API_PREFIX" = "fairrush.b$b." ] || restart_api "fairrush.b$b."
    id=$(http_json POST /api/v1/campaigns "$ADMIN" "$(campaign_body 1000000 100 "$b")" | jq -r .id)
    [ -n "$id" ] && [ "$id" != null ] || die "could not create the campaign of $b buckets"
    FILL_END=$(( $(date +%s) + PERSIST_CAP )) ROUND=0
    while [ "$(granted "$id")" -lt "$PERSIST_TARGET" ] && [ "$(date +%s)" -lt "$FILL_END" ]; do
      ROUND=$((ROUND + 1))
      wrk_run 10 grab "/api/v1/campaigns/$id/grabs" "$WORK/tokens.txt" "fb$b-$ROUND$RUN" >/dev/null
    done
    for _ in $(seq 1 60); do [ "$(unsent_of "$id" "$b")" -eq 0 ] && break; sleep 1; done
    [ "$(unsent_of "$id" "$b")" -eq 0 ] || die "claims of campaign $id still wait for Kafka after 60 s"
    CAMPAIGN_OF[$b]=$id GRANTED_OF[$b]=$(granted "$id")
    log "bucket drains: campaign $id of $b buckets, ${GRANTED_OF[$b]} claims granted, all of them in fairrush.b$b.voucher-claims"
    for k in $BENCH_PERSIST_PERSISTERS; do pairs+=("$b:$k"); done
  done
  for round in $(seq 1 "${BENCH_PERSIST_ROUNDS:-3}"); do
    order=("${pairs[@]}")
    (( round % 2 )) || { order=(); for ((pair = ${#pairs[@]} - 1; pair >= 0; pair--)); do order+=("${pairs[$pair]}"); done; }
    for pair in "${order[@]}"; do
      b=${pair%:*} k=${pair#*:}
      DRAIN_TOPIC_PREFIX="fairrush.b$b." DRAIN_PERSISTERS=$k STORED_IN=${CAMPAIGN_OF[$b]} CLAIMS=${GRANTED_OF[$b]} \
        drain "bucket_b${b}_p${k}_r$round" on
      STORED_IN=${CAMPAIGN_OF[$b]} exactly_once "bucket_b${b}_p${k}_r$round" "${CAMPAIGN_OF[$b]}" "${GRANTED_OF[$b]}"
    done
  done
  pg_durable "$PG_DURABLE"
}

# ---- invariants: nothing oversold, nothing lost ------------------------------------------------------
step_checks() {
  FINAL=$(stored)
  PENDING=$(redis-cli -h "$RH" -p "$RP" HLEN "fr:{c:$BIG}:pending")
  # Acknowledged (201) but not stored = lost: a PENDING claim that is also in the confirmed set.
  LOST=$(redis-cli -h "$RH" -p "$RP" EVAL "local n = 0 for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
    if redis.call('SISMEMBER', KEYS[2], id) == 1 then n = n + 1 end end return n" 2 "fr:{c:$BIG}:pending" "fr:{c:$BIG}:confirmed")
  OVERSOLD=$(psql_bench -d postgres -c "select count(*) from (select campaign_id, member_id from voucher where campaign_id in ($BIG, $GONE) group by 1, 2 having count(*) > 100) over_limit")
  GONE_LEFT=$(http_json GET "/api/v1/campaigns/$GONE" "$ADMIN" | jq -r .remaining)
  SUMMARY="stock - remaining = $CLAIMS claims; $FINAL stored in Postgres, $PENDING still PENDING in Redis, $(( CLAIMS - FINAL - PENDING )) unaccounted; acknowledged but not stored (lost): $LOST; sold-out campaign remaining $GONE_LEFT; members over the limit of 100: $OVERSOLD"
  jq -n --arg summary "$SUMMARY" '{summary: $summary}' > "$RESULTS/checks.json"
  log "$SUMMARY"
}

# JIT warm-up of every HTTP path measured, before the first step: otherwise (1), the first, pays for compiling
# the whole application while later steps find it compiled (one run measured the sold-out path at 1.5x (1)).
warm_all() {
  log "warming up every HTTP path for ${WARMUP}s each"
  wrk_run "$WARMUP" get /actuator/health/liveness >/dev/null
  wrk_run "$WARMUP" grab "/api/v1/campaigns/$BIG/grabs" "$WORK/tokens.txt" "wa$RUN" >/dev/null
  wrk_run "$WARMUP" grab "/api/v1/campaigns/$GONE/grabs" "$WORK/tokens.txt" "wx$RUN" >/dev/null
}

{ want 1 || want 2 || want 3; } && warm_all
want_refs && step_refs
want 1 && step_trivial
want 2 && step_grab
want 2f && step_grab_fresh
want 2b && want 2 && step_grab_half
[ "$JFR" = 1 ] && step_jfr
[ "$PROFILE" = 1 ] && step_profile grab grab "/api/v1/campaigns/$BIG/grabs" "$WORK/tokens.txt" "p$RUN"
[ "$PROFILE_TRIVIAL" = 1 ] && step_profile trivial get /actuator/health/liveness
[ "$PROFILE_REFERENCE" = 1 ] && want_refs && PROFILE_TARGET=reference step_profile reference get /actuator/health/liveness
[ "$PROFILE_SOLDOUT" = 1 ] && step_profile soldout grab "/api/v1/campaigns/$GONE/grabs" "$WORK/tokens.txt" "ps$RUN"
want 3 && step_soldout
want 4 && step_redis
want 5 && step_naive
want_refs && step_refs _end
BUCKET_DRAINS=0
[ -n "${BENCH_PERSIST_BUCKETS:-}" ] && BUCKET_DRAINS=1
want 6 && [ "$BUCKET_DRAINS" = 1 ] && step_bucket_drains
want 6 && [ "$BUCKET_DRAINS" = 0 ] && step_persister
want 6 && [ "$BUCKET_DRAINS" = 0 ] && step_checks

python3 "$BENCH/report.py" "$RESULTS" "$OUT"
if [ "$JFR" = 1 ] && [ -f "$WORK/api-grab.jfr" ]; then
  python3 "$BENCH/jfr-top.py" "$WORK/api-grab.jfr" > "$WORK/profile-grab.md" && log "JFR of step (2): $WORK/api-grab.jfr, summary $WORK/profile-grab.md"
fi
if want 6 && [ "$BUCKET_DRAINS" = 1 ]; then
  [ "$BUCKET_CHECKS_FAILED" = 0 ] || die "a drain did not store every claim exactly once (see $RESULTS/check_*.json)"
elif want 6; then
  [ $(( FINAL + PENDING )) -eq "$CLAIMS" ] && [ "$LOST" -eq 0 ] && [ "$GONE_LEFT" -eq 0 ] && [ "$OVERSOLD" -eq 0 ] || die "an invariant does not hold: $SUMMARY"
  [ "$PENDING" -eq 0 ] || log "note: $PENDING claims stayed PENDING: requests cut by wrk at the end of a step after the Lua claim, before the Kafka send (never answered 201); the sweeper publishes them after fairrush.rush.sweep-after"
fi
log "done: $OUT"

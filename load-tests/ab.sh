#!/usr/bin/env bash
# A change measured back to back on this shared machine: two builds of the service (before and after) run side
# by side against one set of servers, next to the reference apps of load-tests/reference, and wrk measures them
# in alternating short rounds (plain handler, Boot liveness, A, B, then again), so that the background load of
# the moment weighs on A and B alike. Reports, per path, the median throughput of each and the median of the
# per-round ratios B/A, A/(0a), B/(0a), A/(0b), B/(0b). Throughput on a machine that others load to a load average
# of 40 says more about the scheduler than about the code, so it also reports the CPU time each JVM spent per
# answered request (utime + stime from /proc, over the measurement), which the others' load disturbs far less.
# Results in load-tests/target/ab/ab.md.
#
# usage: load-tests/ab.sh [-d SECONDS] [-r ROUNDS] [-c CONNECTIONS] [-w WHAT] BEFORE [AFTER]
#   BEFORE, AFTER: git revisions of this repository, or "." for the working tree (AFTER defaults to ".")
#   -d seconds per measurement (default 5), -r rounds (default 5), -c wrk connections (default 64)
#   -w what to measure, comma-separated (default trivial,grab,soldout): trivial (GET /actuator/health/liveness),
#      grab (durable grab, one token per member reused), fresh (durable grab, a fresh token every request),
#      phones (the durable grab, each member from an address of its own: X-Forwarded-For through 127.0.0.1, which A and
#      B then trust as their proxy, so the per-address limit is a bucket per member as behind a real load balancer,
#      not the one shared bucket of the other paths; a campaign of its own per side and round),
#      soldout (409 SOLD_OUT), register (a stall registration with its JSON body, a merchant of its own each request:
#      201 WAITLISTED behind the fair's one stall, durable as a grab), rate (the durable grab's p50 and p99 with grabs
#      arriving at a fixed rate, Gatling's GrabRateSimulation as bench.sh's step (2b): half of the round's grab
#      throughput, the lower of A's and B's, so list grab before it; or AB_RATE grabs a second; beside them the plain
#      handler's p99 at the same rate, PlainRateSimulation: the load tool's and the machine's share)
# Environment: A_OPTS, B_OPTS add JVM options to A or B (e.g. the same revision twice with a property changed);
#   A_JAVA, B_JAVA the java launcher of A or B (default: java on the PATH);
#   AB_KEEP_BUILDS=1 reuses the two builds of the previous run instead of building again.
# Both instances run with the persister off; the claims they make stay in the topic. Their collectors log to
# load-tests/target/ab/fairrush-ab-{a,b}-gc.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

SECONDS_PER=5 ROUNDS=5 CONNECTIONS=64 WHAT=trivial,grab,soldout
while getopts "d:r:c:w:" opt; do
  case $opt in
    d) SECONDS_PER=$OPTARG ;;
    r) ROUNDS=$OPTARG ;;
    c) CONNECTIONS=$OPTARG ;;
    w) WHAT=$OPTARG ;;
    *) die "unknown option (see the header of $0)" ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || die "usage: $0 [-d SECONDS] [-r ROUNDS] [-c CONNECTIONS] [-w WHAT] BEFORE [AFTER]"
BEFORE=$1 AFTER=${2:-.}
WORK="$ROOT/load-tests/target/ab"
BENCH="$ROOT/load-tests/bench"
# AB_KEEP_BUILDS=1 measures again the builds a previous run left in $WORK (same revisions), without rebuilding.
if [ "${AB_KEEP_BUILDS:-0}" = 1 ] && [ -f "$WORK/a/target/fairrush-dev.args" ] && [ -f "$WORK/b/target/fairrush-dev.args" ]; then
  find "$WORK" -mindepth 1 -maxdepth 1 ! -name a ! -name b -exec rm -rf {} +
else
  AB_KEEP_BUILDS=0
  rm -rf "$WORK" && mkdir -p "$WORK"
fi
trap 'stop_apps' EXIT
trap 'exit 130' INT TERM
command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }
wants() { [[ ",$WHAT," == *",$1,"* ]]; }

checkout() { # REV DIR: the revision's files (or the working tree's) in DIR, built, with DIR/target/fairrush-dev.args
  local rev=$1 dir=$2
  mkdir -p "$dir"
  if [ "$rev" = . ]; then
    tar -C "$ROOT" --exclude=./target --exclude=./load-tests/target --exclude=./.git -cf - . | tar -C "$dir" -xf -
  else
    git -C "$ROOT" archive "$rev" | tar -C "$dir" -xf -
  fi
  ( cd "$dir" && ./mvnw -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/fairrush-dev.classpath ) >&2 || die "could not build $rev"
  printf -- '-cp %s:%s:%s\norg.fairrush.TestApplication\n' "$dir/target/test-classes" "$dir/target/classes" \
    "$(cat "$dir/target/fairrush-dev.classpath")" > "$dir/target/fairrush-dev.args"
}

start_build() { # DIR PORT TAG JAVA OPTS...: the service of a build, started as start_app_java starts it
  local dir=$1 port=$2 tag=$3 java=$4
  shift 4
  ( cd "$dir" && SERVER_PORT=$port FAIRRUSH_RUSH_PERSISTER_ENABLED=false SPRING_R2DBC_URL="r2dbc:postgresql://$PG/postgres" \
      SPRING_DATA_REDIS_URL="redis://$REDIS" SPRING_KAFKA_BOOTSTRAPSERVERS="$KAFKA" \
      exec setsid "$java" "-Dfairrush.process=$tag" -Xms1g -Xmx1g "-Xlog:gc:file=$WORK/$tag-gc.log" "-Dfairrush.dev-tokens.key-file=$WORK/keys" "$@" \
      "@$dir/target/fairrush-dev.args" </dev/null >"$WORK/$tag.log" 2>&1 ) &
  STARTED_GROUPS+=("$!")
  log "started $tag (pid $!) on port $port"
}

if [ "$AB_KEEP_BUILDS" = 0 ]; then
  log "building $BEFORE and $AFTER"
  checkout "$BEFORE" "$WORK/a"
  if [ "$AFTER" = "$BEFORE" ]; then ln -s "$WORK/a" "$WORK/b"; else checkout "$AFTER" "$WORK/b"; fi
fi
mkdir -p "$ROOT/target"
prepare_reference

cp "$WORK/b/target/fairrush-dev.args" "$ROOT/target/fairrush-dev.args"   # servers_up runs the dev stack of B
servers_up "$WORK/servers.log" "fairrush-ab-servers" -Xms1g -Xmx1g

MEMBERS=2000 FRESH=0 MERCHANTS=0
# Enough for 1,000 fresh-token grabs/s each for A and B (signing costs about 1-4 ms a token here); past that
# a token is sent again, and the answers say how often.
wants fresh && FRESH=$(( ROUNDS * SECONDS_PER * 2000 ))
# Registrations: each run of wrk registers its merchants at a fair of its own (one per round, one for the warm-up),
# each merchant once, up to 1,000/s for the longest run (the warm-up's); past that a merchant is sent again and is
# ALREADY_REGISTERED, and the answers say how often. Halves for A and B, so neither sees the other's merchants.
wants register && MERCHANTS=$(( 2 * SECONDS_PER * 2 * 1000 ))
log "signing $(( MEMBERS + FRESH )) member tokens and $MERCHANTS merchant tokens"
# (awk reads the file itself: grep -m1 after tr could end first and fail the pipeline with tr's SIGPIPE, exit 141)
NIMBUS=$(awk -v RS=: '/nimbus-jose-jwt/ { print; exit }' "$WORK/b/target/fairrush-dev.classpath")
java -cp "$NIMBUS" "$BENCH/SignTokens.java" "$WORK/keys" "$WORK/all-tokens.txt" "ab-$(date +%s)-" "$MEMBERS" $(( MEMBERS + FRESH )) \
  "$MERCHANTS" "$WORK/merchant-tokens.txt"
head -n "$MEMBERS" "$WORK/all-tokens.txt" > "$WORK/tokens.txt"
if wants register; then
  head -n $(( MERCHANTS / 2 )) "$WORK/merchant-tokens.txt" > "$WORK/merchants-a.txt"
  tail -n +$(( MERCHANTS / 2 + 1 )) "$WORK/merchant-tokens.txt" > "$WORK/merchants-b.txt"
fi
tail -n +$(( MEMBERS + 1 )) "$WORK/all-tokens.txt" > "$WORK/fresh-tokens.txt"

# phones: wrk stands for the proxy in front of the service, forwarding each member's address.
PROXY=()
wants phones && PROXY=(-Dfairrush.web.trusted-proxies=127.0.0.1/32)
PA=$(free_port 18280) && start_build "$WORK/a" "$PA" fairrush-ab-a "${A_JAVA:-java}" "${PROXY[@]}" ${A_OPTS:-}
PB=$(free_port $((PA + 1))) && start_build "$WORK/b" "$PB" fairrush-ab-b "${B_JAVA:-java}" "${PROXY[@]}" ${B_OPTS:-}
P0=$(free_port $((PB + 1))) && start_reference_java plain "$P0" "$WORK/ref-plain.log" fairrush-ab-ref-plain -Xms1g -Xmx1g
P1=$(free_port $((P0 + 1))) && start_reference_java actuator "$P1" "$WORK/ref-actuator.log" fairrush-ab-ref-actuator -Xms1g -Xmx1g
for port in "$PA" "$PB"; do wait_healthy "$port" 300 || die "the service on $port did not start"; done
wait_url "http://127.0.0.1:$P0/ok" 120 && wait_url "http://127.0.0.1:$P1/actuator/health/liveness" 120 || die "a reference app did not start"

A="http://127.0.0.1:$PA" B="http://127.0.0.1:$PB"
ADMIN=$(curl -fsS "$A/api/v1/dev/tokens" -H 'Content-Type: application/json' -d '{"subject":"ab-admin","roles":["ADMIN"]}' | jq -r .token)
campaign() { # STOCK LIMIT: a campaign's id
  local now end
  now=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ) end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  curl -fsS -X POST "$A/api/v1/campaigns" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: ab-$RANDOM$RANDOM" -d "{\"name\":\"ab\",\"stock\":$1,\"perMemberLimit\":$2,\"grabStartsAt\":\"$now\",\"grabEndsAt\":\"$end\",\"redeemStartsAt\":\"$now\",\"redeemEndsAt\":\"$end\",\"discount\":{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":2000,\"minSpendCents\":3000}}" | jq -r .id
}
fair() { # a first-come fair open for registration now, with one FOOD stall: its id
  local now end starts ends
  now=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ) end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  starts=$(date -u -d '+8 day' +%Y-%m-%dT%H:%M:%SZ) ends=$(date -u -d '+9 day' +%Y-%m-%dT%H:%M:%SZ)
  curl -fsS -X POST "$A/api/v1/fairs" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"ab\",\"theme\":\"bench\",\"venue\":\"bench hall\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"registrationOpensAt\":\"$now\",\"registrationClosesAt\":\"$end\",\"allocation\":\"FIRST_COME\",\"categories\":[{\"code\":\"FOOD\",\"name\":\"Food\",\"stalls\":1,\"feeCents\":5000}]}" | jq -r .id
}
BIG=$(campaign 1000000 100) BIG_B=$(campaign 1000000 100) GONE=$(campaign 1 1) FAIR=0 PHONES=0 PHONES_B=0
wants phones && PHONES=$(campaign 1000000 100) PHONES_B=$(campaign 1000000 100)
wants register && FAIR=$(fair)
[ -n "$BIG" ] && [ -n "$BIG_B" ] && [ -n "$GONE" ] || die "could not create the campaigns"
for base in "$A" "$B"; do   # the sold-out campaign's only voucher, then each instance learns it is gone
  curl -s -o /dev/null -X POST "$base/api/v1/campaigns/$GONE/grabs" -H "Authorization: Bearer $(head -1 "$WORK/tokens.txt")" -H "Idempotency-Key: ab-gone-$RANDOM$RANDOM"
done

cpu_ticks() { # TAG: user + system CPU time of that JVM so far, in clock ticks
  awk '{print $14 + $15}' "/proc/$(pgrep -f "fairrush.process=$1" | head -1)/stat"
}
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))
measure() { # TAG BASE SECONDS ARGS...: the RESULT JSON of bench's wrk script plus cpu_ms_per_request of TAG's JVM
  local tag=$1 before r after
  shift
  before=$(cpu_ticks "$tag")
  r=$(wrk_on "$@")
  after=$(cpu_ticks "$tag")
  jq --argjson ticks $(( after - before )) --argjson tick "$TICK_MS" \
    '. + {cpu_ms_per_request: (if .requests > 0 then $ticks * $tick / .requests else null end)}' <<<"$r"
}

wrk_on() { # BASE SECONDS ARGS...: the RESULT JSON of bench's wrk script
  wrk_result "$1" "$2" 2 "$CONNECTIONS" "${@:3}"
}
args_for() { # WHAT ROUND [a|b]: wrk arguments of one path
  local big=$BIG phones=$PHONES
  [ "${3:-}" = b ] && big=$BIG_B phones=$PHONES_B
  case $1 in
    trivial) echo "get /actuator/health/liveness" ;;
    grab) echo "grab /api/v1/campaigns/$big/grabs $WORK/tokens.txt r$2" ;;
    phones) echo "phones /api/v1/campaigns/$phones/grabs $WORK/tokens.txt p$2" ;;
    fresh) echo "fresh /api/v1/campaigns/$BIG/grabs $WORK/fresh-tokens.txt f$2 2" ;;
    soldout) echo "grab /api/v1/campaigns/$GONE/grabs $WORK/tokens.txt s$2" ;;
    register) echo "register /api/v1/fairs/$FAIR/registrations $WORK/merchants-$3.txt g$2 2" ;;
  esac
}

log "warm-up: every path of A and B, and the reference apps, for ${SECONDS_PER}s x 2 each"
if wants rate; then
  ( cd "$ROOT" && ./mvnw -B -q -f load-tests/pom.xml test-compile ) >&2 || die "could not build the Gatling simulations"
  [ -n "${AB_RATE:-}" ] || [[ ",$WHAT," == *,grab,*rate,* ]] || die "-w rate needs grab listed before it, or AB_RATE"
fi
for w in ${WHAT//,/ }; do
  [ "$w" = fresh ] || [ "$w" = rate ] && continue
  for side in a b; do
    base=$A
    [ "$side" = b ] && base=$B
    # shellcheck disable=SC2046
    wrk_on "$base" $((SECONDS_PER * 2)) $(args_for "$w" warm "$side") >/dev/null
  done
done
wrk_on "http://127.0.0.1:$P0" $((SECONDS_PER * 2)) get /ok >/dev/null
wrk_on "http://127.0.0.1:$P1" $((SECONDS_PER * 2)) get /actuator/health/liveness >/dev/null

: > "$WORK/rounds.tsv"
: > "$WORK/rates.tsv"
# Fresh tokens are shared out between A and B by halves, so neither sees a token twice.
if wants fresh; then
  HALF=$(( $(wc -l < "$WORK/fresh-tokens.txt") / 2 ))
  head -n "$HALF" "$WORK/fresh-tokens.txt" > "$WORK/fresh-a.txt"
  tail -n +$(( HALF + 1 )) "$WORK/fresh-tokens.txt" > "$WORK/fresh-b.txt"
fi
rate_round() { # ROUND: A's and B's grab latency at one fixed arrival rate, into rates.tsv
  local round=$1 rate order entry name base r campaign warmup
  # a campaign of its own: the round's grabs and these together could run the 2,000 members into their limit
  campaign=$(campaign 1000000 100)
  [ -n "$campaign" ] || die "could not create round $round's campaign for the fixed rate"
  rate=${AB_RATE:-$(awk -F'\t' -v r="$round" '$1 == r && $2 == "grab" { v = int($4 / 2); if (m == "" || v < m) m = v } END { print m }' "$WORK/rounds.tsv")}
  warmup=$(( SECONDS_PER > 6 ? SECONDS_PER / 2 : 3 ))
  # the plain handler at the same rate first: what the load tool and the machine add to any answer at that rate
  r=$(rate_result PlainRateSimulation "http://127.0.0.1:$P0" "$rate" "$SECONDS_PER" "$warmup" "$WORK/gatling-${round}plain.log")
  [ -n "$r" ] || die "round $round: the fixed-rate run of the plain handler gave no numbers, see $WORK/gatling-${round}plain.log"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" plain "$rate" "$(jq .p50_ms <<<"$r")" "$(jq .p99_ms <<<"$r")" \
    "$(jq .failed_pct <<<"$r")" >> "$WORK/rates.tsv"
  log "round $round rate plain: offered $rate/s, $(jq -c '{p50_ms, p99_ms, failed_pct}' <<<"$r")"
  order=("A $A" "B $B")
  (( round % 2 == 0 )) && order=("B $B" "A $A")
  for entry in "${order[@]}"; do
    name=${entry%% *} base=${entry#* }
    r=$(rate_result GrabRateSimulation "$base" "$rate" "$SECONDS_PER" "$warmup" "$WORK/gatling-$round$name.log" \
      -DcampaignId="$campaign" -DtokensFile="$WORK/tokens.txt")
    [ -n "$r" ] || die "round $round: the fixed-rate run of $name gave no numbers, see $WORK/gatling-$round$name.log"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rate" "$(jq .p50_ms <<<"$r")" "$(jq .p99_ms <<<"$r")" \
      "$(jq .failed_pct <<<"$r")" >> "$WORK/rates.tsv"
    log "round $round rate $name: offered $rate/s, $(jq -c '{p50_ms, p99_ms, failed_pct}' <<<"$r")"
  done
}

for ((round = 1; round <= ROUNDS; round++)); do
  # A campaign of its own per round and side (BIG for A's grabs, BIG_B for B's): 2,000 members at 100 each would
  # otherwise run out of limit on a fast machine (two sides of 20 s at 5,000 grabs/s reach the 200,000), and a
  # round would then measure LIMIT_REACHED refusals, answered fast, instead of grants.
  BIG=$(campaign 1000000 100) BIG_B=$(campaign 1000000 100)
  [ -n "$BIG" ] && [ -n "$BIG_B" ] || die "could not create round $round's campaigns"
  if wants register; then FAIR=$(fair) && [ -n "$FAIR" ] || die "could not create round $round's fair"; fi
  if wants phones; then
    PHONES=$(campaign 1000000 100) PHONES_B=$(campaign 1000000 100)
    [ -n "$PHONES" ] && [ -n "$PHONES_B" ] || die "could not create round $round's phones campaigns"
  fi
  P=$(measure fairrush-ab-ref-plain "http://127.0.0.1:$P0" "$SECONDS_PER" get /ok)
  L=$(measure fairrush-ab-ref-actuator "http://127.0.0.1:$P1" "$SECONDS_PER" get /actuator/health/liveness)
  plain=$(jq .rps <<<"$P") live=$(jq .rps <<<"$L") plain_cpu=$(jq .cpu_ms_per_request <<<"$P") live_cpu=$(jq .cpu_ms_per_request <<<"$L")
  for w in ${WHAT//,/ }; do
    if [ "$w" = rate ]; then
      rate_round "$round"
      continue
    fi
    # A and B in turns, the first of each round alternating, so neither always follows the references
    order=("A $A" "B $B")
    (( round % 2 == 0 )) && order=("B $B" "A $A")
    for entry in "${order[@]}"; do
      name=${entry%% *} base=${entry#* } tag=fairrush-ab-$(tr 'AB' 'ab' <<<"${entry%% *}")
      # shellcheck disable=SC2046
      if [ "$w" = fresh ]; then
        file="$WORK/fresh-$(tr 'AB' 'ab' <<<"$name").txt"
        R=$(measure "$tag" "$base" "$SECONDS_PER" fresh "/api/v1/campaigns/$BIG/grabs" "$file" "f$round$name" 2)
      else
        R=$(measure "$tag" "$base" "$SECONDS_PER" $(args_for "$w" "$round$name" "$(tr 'AB' 'ab' <<<"$name")"))
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$w" "$name" "$(jq .rps <<<"$R")" "$plain" "$live" \
        "$(jq -c '.status + {token_reuses}' <<<"$R")" "$(jq .cpu_ms_per_request <<<"$R")" "$plain_cpu" "$live_cpu" >> "$WORK/rounds.tsv"
      log "round $round $w $name: $(jq -c '{rps, p50_ms, cpu_ms_per_request, status}' <<<"$R") (plain $plain/s $plain_cpu ms, Boot liveness $live/s $live_cpu ms)"
    done
  done
done

python3 - "$WORK/rounds.tsv" "$WORK/rates.tsv" "$BEFORE${A_JAVA:+ on $A_JAVA}${A_OPTS:+ $A_OPTS}" "$AFTER${B_JAVA:+ on $B_JAVA}${B_OPTS:+ $B_OPTS}" "$SECONDS_PER" "$ROUNDS" "$CONNECTIONS" > "$WORK/ab.md" <<'PY'
import collections, statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
rates = [line.rstrip("\n").split("\t") for line in open(sys.argv[2])]
a_name, b_name, secs, rounds, conns = sys.argv[3:8]
by = collections.defaultdict(dict)
for rnd, what, name, rps, plain, live, status, cpu, plain_cpu, live_cpu in rows:
    by[(what, rnd)][name] = dict(rps=float(rps), plain=float(plain), live=float(live), status=status,
                                 cpu=float(cpu), plain_cpu=float(plain_cpu), live_cpu=float(live_cpu))
print(f"A = {a_name}, B = {b_name}; {rounds} rounds of {secs} s per measurement, wrk -t2 -c{conns}; medians over the rounds")
print()
print("Throughput (requests/s, and per-round ratios):")
print()
print("| path | A /s | B /s | B/A | A/(0a) | B/(0a) | A/(0b) | B/(0b) | (0a) plain /s | (0b) Boot liveness /s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
whats = list(dict.fromkeys(w for w, _ in by))
def rounds_of(what):
    return [v for (w, _), v in by.items() if w == what and "A" in v and "B" in v]
for what in whats:
    rs = rounds_of(what)
    med = lambda f: statistics.median(f(r) for r in rs)
    print(f"| {what} | {med(lambda r: r['A']['rps']):,.0f} | {med(lambda r: r['B']['rps']):,.0f} | {med(lambda r: r['B']['rps'] / r['A']['rps']):.2f} | "
          f"{med(lambda r: r['A']['rps'] / r['A']['plain']):.3f} | {med(lambda r: r['B']['rps'] / r['B']['plain']):.3f} | "
          f"{med(lambda r: r['A']['rps'] / r['A']['live']):.2f} | {med(lambda r: r['B']['rps'] / r['B']['live']):.2f} | "
          f"{med(lambda r: r['A']['plain']):,.0f} | {med(lambda r: r['A']['live']):,.0f} |")
print()
print("CPU time of each JVM per answered request (ms; lower is better), and the references' cost over it")
print("(the ratio a throughput ratio would be if CPU were all that limited it):")
print()
print("| path | A ms | B ms | A/B | (0a)/A | (0a)/B | (0b)/A | (0b)/B | (0a) plain ms | (0b) Boot liveness ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for what in whats:
    rs = rounds_of(what)
    med = lambda f: statistics.median(f(r) for r in rs)
    print(f"| {what} | {med(lambda r: r['A']['cpu']):.3f} | {med(lambda r: r['B']['cpu']):.3f} | {med(lambda r: r['A']['cpu'] / r['B']['cpu']):.2f} | "
          f"{med(lambda r: r['A']['plain_cpu'] / r['A']['cpu']):.3f} | {med(lambda r: r['B']['plain_cpu'] / r['B']['cpu']):.3f} | "
          f"{med(lambda r: r['A']['live_cpu'] / r['A']['cpu']):.2f} | {med(lambda r: r['B']['live_cpu'] / r['B']['cpu']):.2f} | "
          f"{med(lambda r: r['A']['plain_cpu']):.3f} | {med(lambda r: r['A']['live_cpu']):.3f} |")
if rates:
    by_round = collections.defaultdict(dict)
    for rnd, name, rate, p50, p99, failed in rates:
        by_round[rnd][name] = dict(rate=float(rate), p50=float(p50), p99=float(p99), failed=float(failed))
    rs = [v for v in by_round.values() if "A" in v and "B" in v and "plain" in v]
    med = lambda f: statistics.median(f(r) for r in rs)
    print()
    print("The durable grab at a fixed arrival rate (Gatling, open model; ms; the offered rate is the same for A and B in a round):")
    print()
    print("| offered /s | A p50 | B p50 | A p99 | B p99 | B/A p99 | rounds with B's p99 lower | (0a) plain handler p99 at the rate | most failed % | p99 by round, A / B / plain |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    print(f"| {med(lambda r: r['A']['rate']):,.0f} | {med(lambda r: r['A']['p50']):.0f} | {med(lambda r: r['B']['p50']):.0f} | "
          f"{med(lambda r: r['A']['p99']):.0f} | {med(lambda r: r['B']['p99']):.0f} | {med(lambda r: r['B']['p99'] / max(r['A']['p99'], 1)):.2f} | "
          f"{sum(r['B']['p99'] < r['A']['p99'] for r in rs)} of {len(rs)} | {med(lambda r: r['plain']['p99']):.0f} | "
          f"{max(max(r['A']['failed'], r['B']['failed']) for r in rs):.1f} | "
          + ", ".join(f"{r['A']['p99']:.0f} / {r['B']['p99']:.0f} / {r['plain']['p99']:.0f}" for r in rs) + " |")
print()
last = max((int(r[0]) for r in rows), default=0)
print("Answers in the last round: " + "; ".join(f"{w} {n}: {s}" for rnd, w, n, _, _, _, s, *_ in rows if int(rnd) == last))
PY
cat "$WORK/ab.md"

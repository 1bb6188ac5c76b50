#!/usr/bin/env bash
# Smoke load test for CI: starts the development stack (./mvnw spring-boot:test-run), waits until it is
# healthy, runs org.fairrush.load.SmokeSimulation (a voucher rush of a few hundred requests whose
# invariants are checked afterwards through the API), stops the stack, and exits non-zero when the
# service did not come up or the simulation's assertions failed.
#   load-tests/smoke.sh                  port from SMOKE_PORT (default: the first free one from 18090)
#   SMOKE_SIMULATION=org.fairrush.load.RandomizedOpeningSimulation SMOKE_ARGS="-Dmembers=100 -Dstock=30" load-tests/smoke.sh
#                                        another simulation, with its sizes, on the same short-lived stack
# Safe without a terminal (CI=true, no stdin) and as root; everything it starts is stopped on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

PORT="${SMOKE_PORT:-$(free_port 18090)}"
WORK="$ROOT/load-tests/target/smoke"
mkdir -p "$WORK"
trap 'stop_apps' EXIT
trap 'exit 130' INT TERM

start_app_maven "$PORT" "$WORK/service.log"
if ! wait_healthy "$PORT" "${SMOKE_START_TIMEOUT:-300}"; then
  tail -50 "$WORK/service.log" >&2 || true
  die "the service did not become healthy on port $PORT"
fi

status=0
( cd "$ROOT" && ./mvnw -B -f load-tests/pom.xml gatling:test \
    -Dgatling.simulationClass="${SMOKE_SIMULATION:-org.fairrush.load.SmokeSimulation}" ${SMOKE_ARGS:-} \
    -Dfairrush.baseUrl="http://127.0.0.1:$PORT" </dev/null ) || status=$?

if [ "$status" -ne 0 ]; then
  log "smoke simulation failed (exit $status); service log: $WORK/service.log"
  exit "$status"
fi
log "smoke simulation passed"

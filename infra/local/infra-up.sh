#!/usr/bin/env bash
# Installs what is missing and starts Postgres, Redis and Kafka on 127.0.0.1.
# Idempotent: with everything installed and running it is a fast no-op.
#   infra/local/infra-up.sh
# Exit status is non-zero, with the failing piece named and the end of its
# log shown, when anything cannot be installed or started.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COMPONENTS=(postgres redis kafka)

t0="$(now_ms)"
ensure_dirs

if ! "$INFRA_DIR/install.sh"; then
  die "infra-up: the install step failed (see above); nothing was started"
fi

# The three servers share nothing, and Kafka's JVM start is the long pole:
# starting them side by side makes the total about the time of the slowest.
# Leaves the components that failed in the array `failed`.
run_components up "${COMPONENTS[@]}"

if ((${#failed[@]} > 0)); then
  for c in "${failed[@]}"; do
    printf '[infra] FAILED: %s did not start; its log: %s\n' "$c" "$LOG_DIR/$c.log" >&2
  done
  die "infra-up: ${failed[*]} failed to start"
fi

elapsed=$(($(now_ms) - t0))
log "up in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s: postgres $INFRA_HOST:$PG_PORT, redis $INFRA_HOST:$REDIS_PORT, kafka $INFRA_HOST:$KAFKA_PORT (source infra/local/env.sh for the URLs)"

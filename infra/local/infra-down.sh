#!/usr/bin/env bash
# Stops the local Postgres, Redis and Kafka cleanly. Data under .data/ stays,
# so the next infra-up.sh is a warm start. Idempotent.
#   infra/local/infra-down.sh
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COMPONENTS=(postgres redis kafka)

t0="$(now_ms)"
ensure_dirs
# Leaves the components that failed in the array `failed`.
run_components down "${COMPONENTS[@]}"

((${#failed[@]} == 0)) || die "infra-down: ${failed[*]} did not stop cleanly"
elapsed=$(($(now_ms) - t0))
log "down in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s"

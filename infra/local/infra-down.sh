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
# Per-run output files: two runs at once (say `npm test` and a terminal)
# must not write into each other's.
out_dir="$(mktemp -d "$RUN_DIR/down.XXXXXX")"
trap 'rm -rf "$out_dir"' EXIT
declare -A pids=()
for c in "${COMPONENTS[@]}"; do
  "$INFRA_DIR/$c.sh" down >"$out_dir/$c.out" 2>&1 &
  pids[$c]=$!
done

failed=()
for c in "${COMPONENTS[@]}"; do
  rc=0
  wait "${pids[$c]}" || rc=$?
  cat "$out_dir/$c.out" >&2
  ((rc == 0)) || failed+=("$c")
done

((${#failed[@]} == 0)) || die "infra-down: ${failed[*]} did not stop cleanly"
elapsed=$(($(now_ms) - t0))
log "down in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))s"

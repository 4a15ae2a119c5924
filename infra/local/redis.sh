#!/usr/bin/env bash
# Local Redis for development and tests (nonce store, idempotency fast path).
#   infra/local/redis.sh up|down|status
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_DIR="$DATA_DIR/redis"
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_PID="$RUN_DIR/redis.pid"
REDIS_LOG="$LOG_DIR/redis.log"

redis_cli() { redis-cli -h "$INFRA_HOST" -p "$REDIS_PORT" "$@"; }

redis_ready() { [[ "$(redis_cli ping 2>/dev/null)" == "PONG" ]]; }

redis_ours() { pid_alive "$REDIS_PID" "redis-server"; }

write_config() {
  mkdir -p "$REDIS_DIR"
  cat >"$REDIS_CONF" <<EOF
# Written by infra/local/redis.sh on every start; edits here are lost.
bind $INFRA_HOST
port $REDIS_PORT
protected-mode yes
daemonize yes
dir "$REDIS_DIR"
pidfile "$REDIS_PID"
logfile "$REDIS_LOG"
# No persistence: Redis only speeds things up here and Postgres holds the
# truth (a flush must never change an outcome), so snapshots would only cost
# forks and disk during tests.
save ""
appendonly no
EOF
}

cmd_up() {
  command -v redis-server >/dev/null 2>&1 || die "redis: redis-server is not installed; run infra/local/install.sh"
  take_lock redis
  ensure_dirs
  if redis_ready; then
    if ! redis_ours; then
      log "redis: something else answers on $INFRA_HOST:$REDIS_PORT ($(port_owner "$REDIS_PORT")); using it"
    else
      log "redis: already running on $INFRA_HOST:$REDIS_PORT"
    fi
    return 0
  fi
  if port_open "$INFRA_HOST" "$REDIS_PORT"; then
    die "redis: port $REDIS_PORT is taken by another process ($(port_owner "$REDIS_PORT")); stop it and retry"
  fi
  write_config
  local log_offset
  log_offset="$(file_size "$REDIS_LOG")"
  log "redis: starting"
  # With daemonize the command returns once the server has forked; a bad
  # config makes it exit non-zero here.
  if ! without_lock redis-server "$REDIS_CONF" >"$LOG_DIR/redis-start.out" 2>&1; then
    cat "$LOG_DIR/redis-start.out" >&2 || true
    show_log_since "$REDIS_LOG" "$log_offset"
    die "redis: redis-server failed to start"
  fi
  if ! wait_for 30 "redis to answer PING" redis_ready; then
    show_log_since "$REDIS_LOG" "$log_offset"
    die "redis: did not become ready"
  fi
  log "redis: ready on $INFRA_HOST:$REDIS_PORT"
}

cmd_down() {
  take_lock redis
  if ! redis_ours; then
    rm -f "$REDIS_PID"
    log "redis: not running"
    return 0
  fi
  local pid
  pid="$(<"$REDIS_PID")"
  log "redis: stopping"
  # SHUTDOWN NOSAVE: nothing to persist (see save "" above); falls back to
  # signals if the server does not answer.
  redis_cli shutdown nosave >/dev/null 2>&1 || true
  wait_for 10 "redis to exit" _pid_gone "$pid" || stop_pid "$pid" redis 20
  rm -f "$REDIS_PID"
  log "redis: stopped"
}

cmd_status() {
  if redis_ready; then
    echo "redis: running on $INFRA_HOST:$REDIS_PORT"
  else
    echo "redis: not running"
    return 3
  fi
}

component_main "$@"

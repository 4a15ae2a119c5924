# shellcheck shell=bash
# Shared helpers for the local-infrastructure scripts. Sourced, never run.
# Everything the scripts create lives under $DATA_DIR (git-ignored), so deleting
# that folder (with the servers stopped) is a full reset.
# Overridable, to run a second, separate stack beside the usual one (e.g. to
# try a change without disturbing running tests): INFRA_DATA_DIR, PG_PORT,
# REDIS_PORT, KAFKA_PORT, KAFKA_CONTROLLER_PORT. env.sh does not follow them.

if [[ -n "${_INFRA_LIB_LOADED:-}" ]]; then return 0; fi
_INFRA_LIB_LOADED=1

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"
DATA_DIR="${INFRA_DATA_DIR:-$REPO_ROOT/.data}"
LOG_DIR="$DATA_DIR/logs"
RUN_DIR="$DATA_DIR/run"

# shellcheck disable=SC2034 # used by the scripts that source this file
# Loopback only: these servers have dev passwords (or none) and must never be
# reachable from the network.
INFRA_HOST=127.0.0.1
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# The local Kafka's super user: the scripts and the test infrastructure only, never a service.
# env.sh exports the same two for the tests.
KAFKA_ADMIN_USERNAME="${KAFKA_ADMIN_USERNAME:-admin}"
KAFKA_ADMIN_PASSWORD="${KAFKA_ADMIN_PASSWORD:-admin-local}"

# The local password of a service's Kafka user and Postgres role (both named after it). Local only:
# the scripts create them and start.sh hands them to the services; elsewhere they come from secrets.
local_service_password() { printf '%s-local' "$1"; }

log() { printf '[infra] %s\n' "$*" >&2; }

die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

# Prints the tail of a log file under a header, for failure messages: the
# person reading a CI log has nothing else to go on.
show_log_tail() {
  local file="$1" lines="${2:-30}"
  if [[ -s "$file" ]]; then
    printf '[infra] ---- last %s lines of %s ----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2 || true
    printf '[infra] ---- end of %s ----\n' "$file" >&2
  fi
}

# Like show_log_tail, but only what was written after byte offset $2, so a
# failed start shows its own lines and not the previous run's. A log that has
# rolled over since (now shorter than the offset) is shown from its start.
show_log_since() {
  local file="$1" offset="$2" lines="${3:-40}" size
  [[ -s "$file" ]] || return 0
  size="$(stat -c %s "$file")"
  ((size >= offset)) || offset=0
  ((size > offset)) || return 0
  printf '[infra] ---- last lines of %s (this start) ----\n' "$file" >&2
  tail -c +"$((offset + 1))" "$file" | tail -n "$lines" >&2 || true
  printf '[infra] ---- end of %s ----\n' "$file" >&2
}

file_size() { if [[ -f "$1" ]]; then stat -c %s "$1"; else echo 0; fi; }

ensure_dirs() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
}

# True when something accepts TCP connections on host:port. Uses bash's
# /dev/tcp so no client tool is needed; the subshell keeps a refused
# connection's error off the terminal.
port_open() {
  local host="$1" port="$2"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# Names whatever holds a listening port, so a clash gives an actionable message.
port_owner() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*",pid=[0-9]*\).*/\1/p' | head -n1
  fi
}

# wait_for <timeout-seconds> <description> <command...>
# Polls the command until it succeeds. Readiness is observed, never assumed
# from a fixed sleep: a fixed sleep is both too long on a fast machine and too
# short on a loaded CI box.
wait_for() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  local delay=0.05
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      printf '[infra] timed out after %ss waiting for %s\n' "$timeout" "$what" >&2
      return 1
    fi
    sleep "$delay"
    # Back off gently: fast answers for quick things, little CPU burnt on slow ones.
    case "$delay" in 0.05) delay=0.1 ;; 0.1) delay=0.2 ;; *) delay=0.25 ;; esac
  done
}

# True when the pid in the file is alive and its command line contains the
# marker. The marker check stops a recycled pid (after a reboot or a crash)
# from being mistaken for our server.
pid_alive() {
  local pidfile="$1" marker="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# Sends SIGTERM, waits for the process to exit (so the server can shut down
# cleanly and flush), and only then falls back to SIGKILL.
stop_pid() {
  local pid="$1" what="$2" timeout="${3:-60}"
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_for "$timeout" "$what to exit" _pid_gone "$pid"; then
    log "$what did not exit within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 10 "$what to die" _pid_gone "$pid" || true
  fi
}

_pid_gone() {
  # A zombie still has a /proc entry; count it as gone.
  [[ ! -e "/proc/$1" ]] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# Serialises up/down of one component, so two scripts (say `npm test` and a
# developer's terminal) starting the same server at once do not both start it.
# The lock is released when the calling script exits.
take_lock() {
  local name="$1"
  ensure_dirs
  exec {_infra_lock_fd}>"$RUN_DIR/$name.lock"
  if ! flock -w 300 "$_infra_lock_fd"; then
    die "could not take the $name lock ($RUN_DIR/$name.lock) within 300s"
  fi
}

# Runs a command that may leave a daemon behind, without handing it our lock
# fd: a server inheriting it would hold the lock for its whole life.
without_lock() {
  if [[ -n "${_infra_lock_fd:-}" ]]; then
    "$@" {_infra_lock_fd}>&-
  else
    "$@"
  fi
}

# Runs a command as the given system user when we are root (servers such as
# Postgres refuse to run as root); as ourselves otherwise.
run_as() {
  local user="$1"
  shift
  if ((EUID == 0)); then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# Milliseconds since the epoch, for the timings the scripts print.
now_ms() { date +%s%3N; }

# run_components <up|down> <component>...
# Runs "<component>.sh <up|down>" for every component at once and then prints
# each one's output. The components named in the array `failed` are the ones
# whose script exited non-zero.
run_components() {
  local action="$1" c rc
  shift
  # Per-run output files: two runs at once (say `npm test` and a terminal)
  # must not write into each other's. Global, for the EXIT trap.
  _infra_out_dir="$(mktemp -d "$RUN_DIR/$action.XXXXXX")"
  trap 'rm -rf "$_infra_out_dir"' EXIT
  local -A pids=()
  for c in "$@"; do
    "$INFRA_DIR/$c.sh" "$action" >"$_infra_out_dir/$c.out" 2>&1 &
    pids[$c]=$!
  done

  failed=()
  for c in "$@"; do
    rc=0
    wait "${pids[$c]}" || rc=$?
    # Each server's own messages, in a fixed order rather than interleaved.
    cat "$_infra_out_dir/$c.out" >&2
    ((rc == 0)) || failed+=("$c")
  done
}

# The command line of postgres.sh, redis.sh and kafka.sh: runs the script's
# cmd_up, cmd_down or cmd_status; its status is the script's exit status
# (cmd_status: 3 when not running).
component_main() {
  case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *)
      echo "usage: $0 up|down|status" >&2
      exit 2
      ;;
  esac
}

#!/usr/bin/env bash
# Local Postgres for development and tests: one server, one database per
# service, each owned by that service's own login role (which can connect to no
# other service's database); `gateway` is the superuser the tests and tools use.
#   infra/local/postgres.sh up|down|status
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGDATA="$DATA_DIR/postgres"
PG_LOG="$LOG_DIR/postgres.log"
PG_USER=postgres
# service (its role's name) : its database
SERVICE_DATABASES=(billing:billing payment-orchestration:payments bank-adapter:bank_adapter notification:notification)
DATABASES=()
for entry in "${SERVICE_DATABASES[@]}"; do DATABASES+=("${entry#*:}"); done

# Unix sockets have a ~107-byte path limit; a deep checkout would exceed it,
# so such checkouts fall back to a per-checkout folder under /tmp.
pg_socket_dir() {
  local dir="$DATA_DIR/pg-socket"
  if ((${#dir} + 16 > 100)); then
    dir="/tmp/gateway-pg-$(printf '%s' "$DATA_DIR" | md5sum | cut -c1-12)"
  fi
  printf '%s' "$dir"
}
PG_SOCKET_DIR="$(pg_socket_dir)"

# Debian keeps each major version under /usr/lib/postgresql/<major>/bin and
# does not put initdb/pg_ctl on PATH. An existing cluster can only be run by
# its own major version; a new one gets the newest installed.
pg_bin_dir() {
  local dir="" d
  if [[ -f "$PGDATA/PG_VERSION" ]]; then
    d="/usr/lib/postgresql/$(<"$PGDATA/PG_VERSION")/bin"
    [[ -x "$d/pg_ctl" ]] || die "postgres: $PGDATA was made by Postgres $(<"$PGDATA/PG_VERSION"), which is not installed; install it, or delete $PGDATA to start afresh"
    printf '%s' "$d"
    return 0
  fi
  while read -r d; do
    if [[ -x "$d/pg_ctl" ]]; then dir="$d"; fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  [[ -n "$dir" ]] || die "postgres: no server binaries under /usr/lib/postgresql/*/bin; run infra/local/install.sh"
  printf '%s' "$dir"
}

# Postgres refuses to run as root: when we are root it runs as the `postgres`
# user the Debian package creates, otherwise as the caller.
as_pg() { run_as "$PG_USER" "$@"; }

# The postgres user has to reach its data dir through the checkout, which may
# sit under a folder only root can enter. Granting search (x) but not read on
# the ancestors is the least that works.
ensure_traversable() {
  ((EUID == 0)) || return 0
  local dir="$DATA_DIR"
  local -a chain=()
  while [[ "$dir" != "/" && -n "$dir" ]]; do
    chain=("$dir" "${chain[@]}")
    dir="$(dirname "$dir")"
  done
  for dir in "${chain[@]}"; do
    if ! runuser -u "$PG_USER" -- test -x "$dir" 2>/dev/null; then
      log "postgres: granting o+x on $dir so the postgres user can reach its data"
      chmod o+x "$dir"
    fi
  done
}

prepare_dirs() {
  ensure_dirs
  chmod 755 "$DATA_DIR"
  ensure_traversable
  mkdir -p "$PG_SOCKET_DIR"
  touch "$PG_LOG"
  if ((EUID == 0)); then
    chown "$PG_USER:" "$PG_SOCKET_DIR" "$PG_LOG"
  fi
  chmod 755 "$PG_SOCKET_DIR"
}

pg_ready() {
  "$PG_BIN/pg_isready" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" -d postgres -U postgres
}

pg_running() {
  [[ -f "$PGDATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

init_cluster() {
  [[ -f "$PGDATA/PG_VERSION" ]] && return 0
  log "postgres: initialising a new cluster in $PGDATA"
  # initdb into a scratch folder and rename, so an interrupted initdb never
  # leaves a half-made cluster that a later run would mistake for a good one.
  local tmp="$PGDATA.init"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ((EUID == 0)); then chown "$PG_USER:" "$tmp"; fi
  chmod 700 "$tmp"
  if ! as_pg "$PG_BIN/initdb" -D "$tmp" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$LOG_DIR/initdb.log" 2>&1; then
    show_log_tail "$LOG_DIR/initdb.log"
    die "postgres: initdb failed"
  fi
  # Our settings live in a file we rewrite on every start (write_config), so
  # changing them here takes effect without a re-init.
  echo "include_if_exists = 'gateway.conf'" >>"$tmp/postgresql.conf"
  rm -rf "$PGDATA"
  mv "$tmp" "$PGDATA"
}

write_config() {
  local conf
  conf="$(
    cat <<EOF
# Written by infra/local/postgres.sh on every start; edits here are lost.
listen_addresses = '$INFRA_HOST'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
# Each test file gets its own pool and database, and four services run beside them.
max_connections = 300
EOF
  )"
  local hba
  hba="$(
    cat <<'EOF'
# Written by infra/local/postgres.sh on every start; edits here are lost.
# The socket lives inside the checkout, so only local users reach it: trust.
# TCP (what the services and tests use) needs the password.
local   all  all                 trust
host    all  all  127.0.0.1/32   scram-sha-256
host    all  all  ::1/128        scram-sha-256
EOF
  )"
  as_pg tee "$PGDATA/gateway.conf" >/dev/null <<<"$conf"
  as_pg tee "$PGDATA/pg_hba.conf" >/dev/null <<<"$hba"
}

# A Debian cluster (say 15/main, made by the package install) listening on our
# port would be mistaken for ours by every client; we never use it, so stop it.
stop_debian_cluster_on_port() {
  ((EUID == 0)) || return 0
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  local ver name port status
  while read -r ver name port status _; do
    if [[ "$port" == "$PG_PORT" && "$status" == online* ]]; then
      log "postgres: stopping Debian's cluster $ver/$name, which holds port $PG_PORT (this project runs its own in $PGDATA)"
      pg_ctlcluster "$ver" "$name" stop || true
    fi
  done < <(pg_lsclusters -h 2>/dev/null || true)
}

provision() {
  # Idempotent: role and databases are created only when missing. The role is
  # SUPERUSER because the tests create and drop databases from templates.
  local sql
  sql="$(
    cat <<'EOF'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gateway') THEN
    CREATE ROLE gateway LOGIN SUPERUSER PASSWORD 'gateway';
  END IF;
END
$$;
EOF
    for db in "${DATABASES[@]}"; do
      printf "SELECT 'CREATE DATABASE %s OWNER gateway' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '%s')\\\\gexec\n" "$db" "$db"
    done
  )"
  if ! "$PG_BIN/psql" -X -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<<"$sql" >"$LOG_DIR/postgres-provision.log" 2>&1; then
    show_log_tail "$LOG_DIR/postgres-provision.log"
    die "postgres: creating the gateway role or databases failed"
  fi
  local entry
  for entry in "${SERVICE_DATABASES[@]}"; do
    provision_service_role "${entry%%:*}" "${entry#*:}"
  done
}

# One login role per service, owning its database and everything in it, and allowed into no other:
# CONNECT is revoked from PUBLIC, so only the owner (and superusers: gateway, for tests and tools)
# gets in. Idempotent; objects an earlier version created as gateway are handed to the service's
# role, which has to own the tables its migrations alter.
provision_service_role() {
  local role="$1" db="$2" sql
  sql="$(
    cat <<EOF
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
ALTER ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
ALTER DATABASE :"db" OWNER TO :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SELECT format('ALTER %s %s OWNER TO %I',
         CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
         c.oid::regclass, :'role')
  FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace
   AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :'role')
   -- A serial or identity column's sequence moves with its table.
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))\gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'role')
  FROM pg_proc p
 WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = :'role')\gexec
SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, :'role')
  FROM pg_type t
 WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> (SELECT oid FROM pg_roles WHERE rolname = :'role')
   AND (t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))\gexec
EOF
  )"
  if ! "$PG_BIN/psql" -X -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d "$db" -v ON_ERROR_STOP=1 \
    -v role="$role" -v db="$db" -v password="$(local_service_password "$role")" <<<"$sql" >>"$LOG_DIR/postgres-provision.log" 2>&1; then
    show_log_tail "$LOG_DIR/postgres-provision.log"
    die "postgres: provisioning the role $role for database $db failed"
  fi
}

cmd_up() {
  local log_offset=0
  PG_BIN="$(pg_bin_dir)"
  take_lock postgres
  prepare_dirs
  if pg_ready; then
    provision
    log "postgres: already running on $INFRA_HOST:$PG_PORT"
    return 0
  fi
  if port_open "$INFRA_HOST" "$PG_PORT"; then
    stop_debian_cluster_on_port
    if port_open "$INFRA_HOST" "$PG_PORT"; then
      die "postgres: port $PG_PORT is taken by another process ($(port_owner "$PG_PORT")); stop it and retry"
    fi
  fi
  init_cluster
  write_config
  if pg_running; then
    # Started but not yet accepting connections (another run is starting it,
    # or it is in crash recovery): just wait below.
    :
  else
    log_offset="$(file_size "$PG_LOG")"
    log "postgres: starting ($PG_BIN)"
    # pg_ctl -w polls the server itself and gives up as soon as the
    # postmaster dies, so a bad config fails fast instead of timing out.
    if ! without_lock as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$PGDATA" -l "$PG_LOG" >/dev/null 2>&1; then
      show_log_since "$PG_LOG" "$log_offset"
      die "postgres: pg_ctl start failed"
    fi
  fi
  if ! wait_for 60 "postgres to accept connections" pg_ready; then
    show_log_since "$PG_LOG" "$log_offset"
    die "postgres: did not become ready"
  fi
  provision
  log "postgres: ready on $INFRA_HOST:$PG_PORT (databases: ${DATABASES[*]})"
}

cmd_down() {
  PG_BIN="$(pg_bin_dir)"
  take_lock postgres
  if [[ ! -f "$PGDATA/postmaster.pid" ]]; then
    log "postgres: not running"
    return 0
  fi
  log "postgres: stopping"
  # fast: roll back open transactions and close sessions, but shut down
  # cleanly (checkpoint) so the next start needs no recovery.
  if ! as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t 60 >/dev/null 2>&1; then
    if pg_running; then
      show_log_tail "$PG_LOG"
      die "postgres: did not stop within 60s"
    fi
  fi
  log "postgres: stopped"
}

cmd_status() {
  PG_BIN="$(pg_bin_dir)"
  if pg_ready; then
    echo "postgres: running on $INFRA_HOST:$PG_PORT (data $PGDATA)"
  else
    echo "postgres: not running"
    return 3
  fi
}

component_main "$@"

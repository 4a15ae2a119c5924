#!/usr/bin/env bash
# Local Apache Kafka 4 in KRaft combined mode (one JVM: broker + controller),
# run straight from the jars install.sh resolved with Maven.
#   infra/local/kafka.sh up|down|status
# KAFKA_HEAP_OPTS / KAFKA_JVM_OPTS override the JVM settings (e.g. full JIT for
# benchmarks: KAFKA_JVM_OPTS='-XX:+UseSerialGC').
# One node of a several-node cluster (kafka-cluster.sh sets these, with INFRA_DATA_DIR and the ports
# per node): KAFKA_NODE_ID, KAFKA_QUORUM_VOTERS, KAFKA_CLUSTER_ID (the same for every node),
# KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS, and KAFKA_LIBS_DIR (the jars install.sh
# resolved, shared by the nodes).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_HOME="$DATA_DIR/kafka"
KAFKA_LIBS="${KAFKA_LIBS_DIR:-$KAFKA_HOME/libs}"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_CONF="$KAFKA_HOME/server.properties"
KAFKA_CLUSTER_ID_FILE="$KAFKA_HOME/cluster-id"
# The SCRAM users the data folder has (one name a line). Its absence beside a formatted folder marks
# one formatted by an earlier, plaintext version of this script: that folder is formatted afresh.
KAFKA_USERS_FILE="$KAFKA_HOME/scram-users"
# Client settings for Kafka's own tools as the admin user (kafka-tool.sh passes them).
KAFKA_ADMIN_CONF="$KAFKA_HOME/admin-client.properties"
KAFKA_ACLS_SCRIPT="$INFRA_DIR/kafka-acls.ts"
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_OUT="$LOG_DIR/kafka.out"
KAFKA_LOG="$LOG_DIR/kafka.log"
TEMPLATE="$INFRA_DIR/kafka/server.properties.template"
LOG4J_CONF="$INFRA_DIR/kafka/log4j2.properties"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_QUORUM_VOTERS="${KAFKA_QUORUM_VOTERS:-$KAFKA_NODE_ID@$INFRA_HOST:$KAFKA_CONTROLLER_PORT}"
KAFKA_REPLICATION_FACTOR="${KAFKA_REPLICATION_FACTOR:-1}"
KAFKA_MIN_INSYNC_REPLICAS="${KAFKA_MIN_INSYNC_REPLICAS:-1}"

# Small heap: a dev broker holds little. Serial GC and C1-only JIT start
# markedly faster on two cores, at some cost in peak throughput.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"

kafka_ours() { pid_alive "$KAFKA_PID" "kafka.Kafka"; }

kafka_started_msg() { grep -q 'Kafka Server started' "$KAFKA_OUT" 2>/dev/null; }

# Ready = our JVM is alive, it logged the end of its start-up (the controller
# has elected itself and the broker is unfenced), and the port answers.
kafka_ready() {
  kafka_ours && kafka_started_msg && port_open "$INFRA_HOST" "$KAFKA_PORT"
}

# The wait ends early when the JVM dies, so a broken config fails at once
# instead of after the whole timeout.
kafka_ready_or_dead() { ! kafka_ours || kafka_ready; }

# For the one-off storage tool: its log goes to stderr, not the broker's file.
kafka_java() {
  java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$INFRA_DIR/kafka/tools-log4j2.properties" \
    -Dlog4j2.shutdownHookEnabled=false -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "$@"
}

write_config() {
  mkdir -p "$KAFKA_DATA"
  sed -e "s|@HOST@|$INFRA_HOST|g" \
    -e "s|@PORT@|$KAFKA_PORT|g" \
    -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@NODE_ID@|$KAFKA_NODE_ID|g" \
    -e "s|@QUORUM_VOTERS@|$KAFKA_QUORUM_VOTERS|g" \
    -e "s|@REPLICATION_FACTOR@|$KAFKA_REPLICATION_FACTOR|g" \
    -e "s|@MIN_INSYNC@|$KAFKA_MIN_INSYNC_REPLICAS|g" \
    -e "s|@DATA@|$KAFKA_DATA|g" \
    -e "s|@ADMIN_USER@|$KAFKA_ADMIN_USERNAME|g" \
    -e "s|@ADMIN_PASSWORD@|$KAFKA_ADMIN_PASSWORD|g" \
    "$TEMPLATE" >"$KAFKA_CONF.tmp"
  mv "$KAFKA_CONF.tmp" "$KAFKA_CONF"
  cat >"$KAFKA_ADMIN_CONF.tmp" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USERNAME" password="$KAFKA_ADMIN_PASSWORD";
EOF
  mv "$KAFKA_ADMIN_CONF.tmp" "$KAFKA_ADMIN_CONF"
}

# Node 24 from the project (it strips the script's types); the machine's own node may be older.
project_node() {
  if [[ -x "$REPO_ROOT/node_modules/.bin/node" ]]; then
    "$REPO_ROOT/node_modules/.bin/node" --disable-warning=TimeoutNegativeWarning "$@"
  else
    node --disable-warning=TimeoutNegativeWarning "$@"
  fi
}

# The services' principals, derived from the topic catalogue by kafka-acls.ts.
kafka_principals() {
  [[ -d "$REPO_ROOT/node_modules" ]] || die "kafka: no node_modules; run infra/local/install.sh"
  project_node "$KAFKA_ACLS_SCRIPT" principals
}

scram_arg() { printf 'SCRAM-SHA-512=[name=%s,password=%s]' "$1" "$2"; }

# A folder formatted by the plaintext version of this script has no SCRAM users and would let
# nobody in: it is local data (topics, offsets), so it is formatted afresh rather than patched.
drop_plaintext_storage() {
  if [[ -f "$KAFKA_DATA/meta.properties" && ! -f "$KAFKA_USERS_FILE" ]]; then
    log "kafka: $KAFKA_DATA was formatted without SASL users (by an earlier version); formatting it afresh, local topics and offsets are dropped"
    rm -rf "$KAFKA_DATA"
    mkdir -p "$KAFKA_DATA"
  fi
}

# Formatting writes meta.properties with the cluster id; it happens once per
# data folder. The id is kept beside it so a wiped data folder is formatted
# again under the same id.
format_storage() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cluster_id
  if [[ -n "${KAFKA_CLUSTER_ID:-}" ]]; then
    cluster_id="$KAFKA_CLUSTER_ID"
  elif [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    cluster_id="$(<"$KAFKA_CLUSTER_ID_FILE")"
  else
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log" | tail -n1)"
    [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || {
      show_log_tail "$LOG_DIR/kafka-format.log"
      die "kafka: could not generate a cluster id (got '$cluster_id')"
    }
    printf '%s\n' "$cluster_id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  # The admin user has to exist before the broker starts (the broker logs itself in with it); the
  # services' users are created in the same step, since it costs nothing here.
  local -a principals scram=(--add-scram "$(scram_arg "$KAFKA_ADMIN_USERNAME" "$KAFKA_ADMIN_PASSWORD")")
  local p
  mapfile -t principals < <(kafka_principals)
  ((${#principals[@]} > 0)) || die "kafka: could not list the services' principals"
  for p in "${principals[@]}"; do scram+=(--add-scram "$(scram_arg "$p" "$(local_service_password "$p")")"); done
  log "kafka: formatting storage in $KAFKA_DATA (cluster id $cluster_id; users $KAFKA_ADMIN_USERNAME ${principals[*]})"
  # -g: a folder that is already formatted is skipped, not an error.
  if ! kafka_java kafka.tools.StorageTool format -g -t "$cluster_id" -c "$KAFKA_CONF" "${scram[@]}" \
    >>"$LOG_DIR/kafka-format.log" 2>&1; then
    show_log_tail "$LOG_DIR/kafka-format.log"
    die "kafka: formatting storage failed"
  fi
  printf '%s\n' "${principals[@]}" >"$KAFKA_USERS_FILE"
}

# Users for principals added since the folder was formatted (a new service), created through the
# running broker as the admin; then the ACLs, made to match the topic catalogue. Both idempotent.
provision() {
  local -a principals
  local p
  mapfile -t principals < <(kafka_principals)
  for p in "${principals[@]}"; do
    grep -qxF -- "$p" "$KAFKA_USERS_FILE" 2>/dev/null && continue
    log "kafka: creating the SCRAM user $p"
    if ! kafka_java org.apache.kafka.tools.ConfigCommand --bootstrap-server "$INFRA_HOST:$KAFKA_PORT" \
      --command-config "$KAFKA_ADMIN_CONF" --alter --entity-type users --entity-name "$p" \
      --add-config "SCRAM-SHA-512=[password=$(local_service_password "$p")]" >>"$LOG_DIR/kafka-provision.log" 2>&1; then
      show_log_tail "$LOG_DIR/kafka-provision.log"
      die "kafka: creating the SCRAM user $p failed"
    fi
    printf '%s\n' "$p" >>"$KAFKA_USERS_FILE"
  done
  if ! KAFKA_BROKERS="$INFRA_HOST:$KAFKA_PORT" KAFKA_ADMIN_USERNAME="$KAFKA_ADMIN_USERNAME" KAFKA_ADMIN_PASSWORD="$KAFKA_ADMIN_PASSWORD" \
    project_node "$KAFKA_ACLS_SCRIPT" apply >>"$LOG_DIR/kafka-provision.log" 2>&1; then
    show_log_tail "$LOG_DIR/kafka-provision.log"
    die "kafka: writing the ACLs failed"
  fi
}

# A class-data archive is only valid for the JVM and the jars it was made
# with, so its name carries a hash of both; an old one is dropped.
cds_archive() {
  local java_bin jvm_lib key
  java_bin="$(readlink -f "$(command -v java)")"
  jvm_lib="$(dirname "$java_bin")/../lib/server/libjvm.so"
  key="$(
    {
      echo "$java_bin"
      stat -c %Y "$java_bin" "$jvm_lib" 2>/dev/null || true
      find "$KAFKA_LIBS" -maxdepth 1 -name '*.jar' -printf '%f %s\n' | sort
      echo "$KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS"
    } | md5sum | cut -c1-12
  )"
  printf '%s' "$KAFKA_HOME/kafka-$key.jsa"
}

start_broker() {
  local -a cds=()
  local archive old
  archive="$(cds_archive)"
  for old in "$KAFKA_HOME"/kafka-*.jsa; do
    if [[ -e "$old" && "$old" != "$archive" ]]; then rm -f "$old"; fi
  done
  # Class-data sharing: the first clean shutdown dumps the classes the broker
  # loaded into an archive; later starts map it instead of loading and
  # verifying thousands of classes from the jars, which halves start-up.
  if [[ -s "$archive" ]]; then
    cds=(-XX:SharedArchiveFile="$archive" -Xshare:auto)
  else
    cds=(-XX:ArchiveClassesAtExit="$archive")
  fi
  : >"$KAFKA_OUT"
  rm -f "$KAFKA_PID"
  # setsid -f: the broker runs in its own session, so Ctrl-C in the terminal
  # that ran `npm start` reaches the scripts (which stop it cleanly), not the
  # JVM; and it forks, so no shell of ours stays behind as the JVM's parent
  # (holding our lock). The inner shell writes its own pid and then becomes
  # the JVM, so the pid file names the JVM.
  # shellcheck disable=SC2086,SC2016 # opts split on purpose; $$ is the inner shell's
  without_lock setsid -f bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID" \
    java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS "${cds[@]}" \
    -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF" \
    >>"$KAFKA_OUT" 2>&1 </dev/null
  # The pid file appears a moment later, written by the child itself.
  wait_for 10 "the kafka pid file" test -s "$KAFKA_PID" || die "kafka: the JVM did not start"
}

cmd_up() {
  command -v java >/dev/null 2>&1 || die "kafka: java is not installed; run infra/local/install.sh"
  compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null || die "kafka: no jars in $KAFKA_LIBS; run infra/local/install.sh"
  take_lock kafka
  ensure_dirs
  if kafka_ready; then
    write_config
    if [[ -f "$KAFKA_USERS_FILE" ]]; then
      provision
    else
      log "kafka: running from data formatted without SASL (an earlier version); run infra/local/kafka.sh down and up again to secure it"
    fi
    log "kafka: already running on $INFRA_HOST:$KAFKA_PORT"
    return 0
  fi
  local log_offset
  log_offset="$(file_size "$KAFKA_LOG")"
  if ! kafka_ours; then
    local port
    for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      if port_open "$INFRA_HOST" "$port"; then
        die "kafka: port $port is taken by another process ($(port_owner "$port")); stop it and retry"
      fi
    done
    write_config
    drop_plaintext_storage
    format_storage
    log "kafka: starting"
    start_broker
  fi
  if ! wait_for 120 "kafka to start" kafka_ready_or_dead || ! kafka_ready; then
    show_log_tail "$KAFKA_OUT" 40
    show_log_since "$KAFKA_LOG" "$log_offset" 40
    if kafka_ours; then
      die "kafka: did not become ready within 120s (still running as pid $(<"$KAFKA_PID"))"
    fi
    die "kafka: the broker exited during start-up"
  fi
  provision
  log "kafka: ready on $INFRA_HOST:$KAFKA_PORT"
}

cmd_down() {
  take_lock kafka
  if ! kafka_ours; then
    rm -f "$KAFKA_PID"
    log "kafka: not running"
    return 0
  fi
  log "kafka: stopping"
  # SIGTERM runs the broker's controlled shutdown (and the class-data dump);
  # SIGKILL only if that hangs.
  stop_pid "$(<"$KAFKA_PID")" kafka 60
  rm -f "$KAFKA_PID"
  log "kafka: stopped"
}

cmd_status() {
  if kafka_ready; then
    echo "kafka: running on $INFRA_HOST:$KAFKA_PORT (pid $(<"$KAFKA_PID"))"
  elif kafka_ours; then
    echo "kafka: starting (pid $(<"$KAFKA_PID"))"
    return 3
  else
    echo "kafka: not running"
    return 3
  fi
}

component_main "$@"

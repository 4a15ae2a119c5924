#!/usr/bin/env bash
# Local Apache Kafka 4 in KRaft combined mode (one JVM: broker + controller),
# run straight from the jars install.sh resolved with Maven.
#   infra/local/kafka.sh up|down|status
# KAFKA_HEAP_OPTS / KAFKA_JVM_OPTS override the JVM settings (e.g. full JIT for
# benchmarks: KAFKA_JVM_OPTS='-XX:+UseSerialGC').
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_HOME="$DATA_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_CONF="$KAFKA_HOME/server.properties"
KAFKA_CLUSTER_ID_FILE="$KAFKA_HOME/cluster-id"
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_OUT="$LOG_DIR/kafka.out"
KAFKA_LOG="$LOG_DIR/kafka.log"
TEMPLATE="$INFRA_DIR/kafka/server.properties.template"
LOG4J_CONF="$INFRA_DIR/kafka/log4j2.properties"

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
    -e "s|@DATA@|$KAFKA_DATA|g" \
    "$TEMPLATE" >"$KAFKA_CONF.tmp"
  mv "$KAFKA_CONF.tmp" "$KAFKA_CONF"
}

# Formatting writes meta.properties with the cluster id; it happens once per
# data folder. The id is kept beside it so a wiped data folder is formatted
# again under the same id.
format_storage() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cluster_id
  if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    cluster_id="$(<"$KAFKA_CLUSTER_ID_FILE")"
  else
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log" | tail -n1)"
    [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || {
      show_log_tail "$LOG_DIR/kafka-format.log"
      die "kafka: could not generate a cluster id (got '$cluster_id')"
    }
    printf '%s\n' "$cluster_id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  log "kafka: formatting storage in $KAFKA_DATA (cluster id $cluster_id)"
  # -g: a folder that is already formatted is skipped, not an error.
  if ! kafka_java kafka.tools.StorageTool format -g -t "$cluster_id" -c "$KAFKA_CONF" \
    >>"$LOG_DIR/kafka-format.log" 2>&1; then
    show_log_tail "$LOG_DIR/kafka-format.log"
    die "kafka: formatting storage failed"
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

#!/usr/bin/env bash
# A three-node local Kafka for the cluster profile (`npm run start:cluster`) and its test: each node
# is kafka.sh (the same broker, SASL users and ACLs as `npm start`'s) with a node id, ports and a data
# folder of its own, all three combined broker+controller voters, replication factor 3 and
# min.insync.replicas 2.
#   infra/local/kafka-cluster.sh up|down|status
# KAFKA_CLUSTER_DIR (default .data/cluster/kafka) holds the nodes' folders; KAFKA_CLUSTER_BASE_PORT
# (default 9192): node n listens for clients on base+2(n-1) and for the quorum on the port after, so
# 9192/9193, 9194/9195, 9196/9197 beside `npm start`'s single broker on 9092/9093.
# KAFKA_HEAP_OPTS defaults to 256 MB a node here: three JVMs share the machine.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES=3
CLUSTER_DIR="${KAFKA_CLUSTER_DIR:-$DATA_DIR/cluster/kafka}"
BASE_PORT="${KAFKA_CLUSTER_BASE_PORT:-9192}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx256m}"

client_port() { echo $((BASE_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((BASE_PORT + 2 * ($1 - 1) + 1)); }

voters() {
  local n out=()
  for ((n = 1; n <= NODES; n++)); do out+=("$n@$INFRA_HOST:$(controller_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

# Every node of one cluster is formatted with the same id; it is kept beside the nodes' folders.
cluster_id() {
  local file="$CLUSTER_DIR/cluster-id" id
  if [[ ! -s "$file" ]]; then
    mkdir -p "$CLUSTER_DIR"
    # Kafka's ids are 16 random bytes in URL-safe base64 without padding (22 characters), and never
    # begin with '-' (it would read as a command-line option).
    id='-'
    while [[ "$id" == -* ]]; do id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"; done
    printf '%s\n' "$id" >"$file"
  fi
  cat "$file"
}

# run_node <n> <up|down|status>: kafka.sh for node n.
run_node() {
  local n="$1" action="$2"
  INFRA_DATA_DIR="$CLUSTER_DIR/node-$n" KAFKA_LIBS_DIR="$DATA_DIR/kafka/libs" \
    KAFKA_PORT="$(client_port "$n")" KAFKA_CONTROLLER_PORT="$(controller_port "$n")" \
    KAFKA_NODE_ID="$n" KAFKA_QUORUM_VOTERS="$(voters)" KAFKA_CLUSTER_ID="$(cluster_id)" \
    KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2 \
    "$INFRA_DIR/kafka.sh" "$action"
}

brokers() {
  local n out=()
  for ((n = 1; n <= NODES; n++)); do out+=("$INFRA_HOST:$(client_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

# All nodes at once: a node finishes its start only when a majority of the voters is up. Each node's
# messages go to a file and are shown after, prefixed: a pipe would be held open by the JVMs.
all() {
  local action="$1" n rc=0 out
  local -a pids=()
  ensure_dirs
  out="$(mktemp -d "$RUN_DIR/kafka-cluster.XXXXXX")"
  for ((n = 1; n <= NODES; n++)); do
    run_node "$n" "$action" >"$out/$n" 2>&1 &
    pids+=("$!")
  done
  for ((n = 1; n <= NODES; n++)); do
    wait "${pids[n - 1]}" || rc=1
    sed "s/^/[node $n] /" "$out/$n" >&2
  done
  rm -rf "$out"
  return "$rc"
}

case "${1:-}" in
  up)
    cluster_id >/dev/null
    all up || die "kafka-cluster: a node did not start (see above)"
    log "kafka-cluster: ready, brokers $(brokers)"
    ;;
  down) all down ;;
  status) all status ;;
  brokers) brokers ;;
  node) run_node "$2" "$3" ;;
  *)
    echo "usage: $0 up|down|status|brokers|node <n> <up|down|status>" >&2
    exit 2
    ;;
esac

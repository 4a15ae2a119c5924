#!/usr/bin/env bash
# Runs one of Kafka's own command-line tools against the local broker, from
# the jars install.sh resolved (there is no Kafka distribution with bin/*.sh
# here). Short names for the common ones; anything else is a main class.
#   infra/local/kafka-tool.sh topics --list
#   infra/local/kafka-tool.sh topics --create --topic t1 --partitions 3
#   infra/local/kafka-tool.sh console-producer --topic t1
#   infra/local/kafka-tool.sh console-consumer --topic t1 --from-beginning
#   infra/local/kafka-tool.sh consumer-groups --list
#   infra/local/kafka-tool.sh org.apache.kafka.tools.GetOffsetShell --topic t1
# --bootstrap-server is added when not given, and so is the admin login (the
# broker lets no one in without one) as the tool's client config.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_LIBS="$DATA_DIR/kafka/libs"
compgen -G "$KAFKA_LIBS/kafka-tools-*.jar" >/dev/null || die "kafka-tool: no Kafka tools jar in $KAFKA_LIBS; run infra/local/install.sh"

(($# >= 1)) || {
  sed -n '2,12p' "$0" >&2
  exit 2
}
tool="$1"
shift
case "$tool" in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  configs) main=org.apache.kafka.tools.ConfigCommand ;;
  get-offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  metadata-quorum) main=org.apache.kafka.tools.MetadataQuorumCommand ;;
  *) main="$tool" ;;
esac

args=("$@")
has_bootstrap=0
for a in "${args[@]}"; do
  if [[ "$a" == --bootstrap-server* || "$a" == --bootstrap-controller* ]]; then has_bootstrap=1; fi
done
((has_bootstrap)) || args=(--bootstrap-server "$INFRA_HOST:$KAFKA_PORT" "${args[@]}")

# Written by kafka.sh (write_config) with the admin user's SCRAM login.
admin_conf="$DATA_DIR/kafka/admin-client.properties"
has_config=0
for a in "${args[@]}"; do
  case "$a" in --command-config* | --producer.config* | --consumer.config* | --producer-property* | --consumer-property*) has_config=1 ;; esac
done
if ((!has_config)) && [[ -f "$admin_conf" ]]; then
  case "$tool" in
    console-producer) args+=(--producer.config "$admin_conf") ;;
    console-consumer) args+=(--consumer.config "$admin_conf") ;;
    *) args+=(--command-config "$admin_conf") ;;
  esac
fi

# A tool is a short-lived JVM: C1-only and serial GC make it start faster.
# No log4j shutdown hook: a client thread logging while the JVM exits would
# otherwise print a warning about failing to register it.
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
  -Dlog4j2.configurationFile="$INFRA_DIR/kafka/tools-log4j2.properties" -Dlog4j2.shutdownHookEnabled=false \
  -cp "$KAFKA_LIBS/*" "$main" "${args[@]}"

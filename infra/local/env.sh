# shellcheck shell=bash
# Connection settings for the local infrastructure started by infra-up.sh.
#   source infra/local/env.sh
# A variable already set (by CI, a developer, or testcontainers) wins.
export DATABASE_ADMIN_URL="${DATABASE_ADMIN_URL:-postgres://gateway:gateway@127.0.0.1:5432/postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
# The local Kafka's super user, for the tests and tools only (infra/local/lib.sh makes it). A service
# logs in as its own principal: KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD, which start.sh sets.
export KAFKA_ADMIN_USERNAME="${KAFKA_ADMIN_USERNAME-admin}"
export KAFKA_ADMIN_PASSWORD="${KAFKA_ADMIN_PASSWORD:-admin-local}"

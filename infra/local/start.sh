#!/usr/bin/env bash
# `npm start`: install what is missing, start Postgres, Redis and Kafka, then every service on the
# ports of docs/api.md (each migrates its own database and creates its topics as it boots). Ctrl-C stops
# the services gracefully, then the infrastructure this script started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

bash infra/local/install.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
# local_service_password: the local password of each service's Postgres role and Kafka user.
# shellcheck source=lib.sh
source infra/local/lib.sh

# Leave running what was already running before us; stop only what we started.
was_up=()
for piece in postgres redis kafka; do
  if bash "infra/local/$piece.sh" status >/dev/null 2>&1; then was_up+=("$piece"); fi
done
bash infra/local/infra-up.sh
# shellcheck source=/dev/null
source infra/local/env.sh

mkdir -p .data/logs
# name:port:database (database empty for a service without one)
SERVICES=(
  "billing:3001:billing"
  "payment-orchestration:3002:payments"
  "bank-adapter:3003:bank_adapter"
  "notification:3004:notification"
)
pids=()
sim_pids=()
stopping=0
stop_all() {
  [[ $stopping -eq 1 ]] && return
  stopping=1
  echo
  echo "[start] stopping services…"
  # Services first, simulators after: a service draining its last SMS or debit still has its SMSC or bank.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${sim_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${sim_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for piece in kafka redis postgres; do
    if [[ ! " ${was_up[*]} " =~ " $piece " ]]; then bash "infra/local/$piece.sh" down || true; fi
  done
  echo "[start] stopped"
}
trap 'stop_all; exit 0' INT TERM

# Simulators first, so the services find their bank and SMSC at once.
# The channel simulators (one bank, two wallets) stand in for the external banks and wallets.
setsid node --disable-warning=TimeoutNegativeWarning simulators/channel-simulator/src/main.ts &
sim_pids+=("$!")
# The SMSC simulator stands in for the telecom's SMSC: SMPP on :2775, what it received on :4010.
setsid node --disable-warning=TimeoutNegativeWarning simulators/smsc-simulator/src/main.ts &
sim_pids+=("$!")

for entry in "${SERVICES[@]}"; do
  IFS=: read -r name port db <<<"$entry"
  # setsid: a terminal's Ctrl-C reaches only this script, which then sends each service ONE SIGTERM
  # (a second signal would make a service skip its graceful drain). Log lines carry the service name.
  # Each service logs in as itself: its own Postgres role (owner of its database only) and Kafka
  # principal (writes only the topics it owns), as postgres.sh and kafka.sh create them.
  password="$(local_service_password "$name")"
  HTTP_PORT="$port" DATABASE_URL="postgres://$name:$password@127.0.0.1:5432/$db" \
    KAFKA_SASL_USERNAME="$name" KAFKA_SASL_PASSWORD="$password" \
    setsid node --disable-warning=TimeoutNegativeWarning "services/$name/src/main.ts" &
  pids+=("$!")
done

# A service that dies at boot has already printed its one-line reason; stop the rest too.
wait_ready() {
  local name="$1" port="$2"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  if ! curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "[start] $name did not become ready on :$port" >&2
    stop_all
    exit 1
  fi
}
for entry in "${SERVICES[@]}" "channel-simulator bank-alpha:4001:" "channel-simulator wallet-one:4002:" "channel-simulator wallet-two:4003:" "smsc-simulator:4010:"; do
  IFS=: read -r name port _ <<<"$entry"
  wait_ready "$name" "$port"
done

# The operator console last, once the services it calls answer. It has no database (only Redis, for
# sessions); it signs its calls with its own operator key in clients.json, and reads Kafka for the live
# overview as its own principal (read-only, infra/local/kafka-acls.ts).
HTTP_PORT=3000 KAFKA_SASL_USERNAME=operator-console KAFKA_SASL_PASSWORD="$(local_service_password operator-console)" \
  setsid node --disable-warning=TimeoutNegativeWarning services/operator-console/src/main.ts &
pids+=("$!")
wait_ready operator-console 3000

cat <<MSG

  operator console        http://127.0.0.1:3000   sign in with a demo operator (README, "Operator console")
  billing                 http://127.0.0.1:3001   docs http://127.0.0.1:3001/docs
  payment-orchestration   http://127.0.0.1:3002   docs http://127.0.0.1:3002/docs
  bank-adapter            http://127.0.0.1:3003   docs http://127.0.0.1:3003/docs
  notification            http://127.0.0.1:3004   docs http://127.0.0.1:3004/docs
  each also serves /healthz, /readyz and /metrics

  channel simulators      bank-alpha http://127.0.0.1:4001, wallet-one :4002, wallet-two :4003
                          POST /control for faults, GET /transactions for what was really debited
  SMSC simulator          SMPP 127.0.0.1:2775, HTTP http://127.0.0.1:4010 (GET /messages?to=+9639…)

  Ctrl-C stops everything.
MSG
wait

#!/usr/bin/env bash
# `npm run chaos [-- --short] [--seed N] [--keep-data]`: the fault suite (chaos/main.ts). It runs its own
# Postgres, Redis, Kafka, simulators and services on ports of its own in .data/chaos, so a running
# `npm start` or test run is not disturbed. Installs what is missing first, as start.sh does.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

bash infra/local/install.sh
# Node 24 from the project (it strips the scripts' types); the machine's own node may be older.
export PATH="$ROOT/node_modules/.bin:$PATH"
# One run at a time: a second would wipe .data/chaos, and the servers in it, under the first.
mkdir -p .data
exec 9>.data/chaos.lock
if ! flock -n 9; then
  echo "[chaos] another fault suite run holds .data/chaos.lock; wait for it to end" >&2
  exit 1
fi
exec node --disable-warning=TimeoutNegativeWarning chaos/main.ts "$@"

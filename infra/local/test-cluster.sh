#!/usr/bin/env bash
# `npm run test:cluster`: the cluster profile's own tests (infra/local/test/*.cluster-test.ts), apart
# from `npm test` because they start three Kafka JVMs of their own (about a minute on two cores). The
# shared Postgres, Redis and Kafka are started as for `npm test`; the tests' own brokers use ports and
# a folder of their own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash infra/local/install.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
bash infra/local/infra-up.sh
# shellcheck source=/dev/null
source infra/local/env.sh
exec node --experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning \
  node_modules/jest/bin/jest.js --testMatch '<rootDir>/infra/local/test/**/*.cluster-test.ts' "$@"

#!/usr/bin/env bash
# `npm run setup`: install what is missing and start the local infrastructure.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/infra-up.sh" "$@"

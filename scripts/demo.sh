#!/usr/bin/env bash
# Quick start: set up, start the local stack and run one example task end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/swarm.js demo "$@"

#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm packages and the pinned Temporal CLI.
# Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/install-temporal.sh >/dev/null

#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm packages, the pinned Temporal CLI and the
# pinned coding-agent CLIs the tests run.
# Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund >&2
fi
bash scripts/install-temporal.sh >/dev/null
# The real coding-agent CLIs the tests drive (pinned in scripts/agent-clis.json; ~25 s and ~900 MB once).
node scripts/install-agent-clis.mjs >/dev/null

# The sandbox for agent commands and checks (process/sandbox.ts) needs bubblewrap's `bwrap`.
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing bubblewrap (the sandbox for agent commands and checks)" >&2
    apt-get install -y --no-install-recommends bubblewrap >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends bubblewrap >&2; }
  else
    echo "setup: bubblewrap is missing: agent commands and checks run in a bwrap sandbox, and workers refuse to start without it." >&2
    echo "setup: install it (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap)," >&2
    echo "setup: or set SWARM_SANDBOX=none to run them unconfined with the worker's privileges (see README, Security model)." >&2
  fi
fi

# The dashboard's browser tests (test/dashboard/) drive Debian's Chromium through playwright-core.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium (the dashboard's browser tests)" >&2
    apt-get install -y --no-install-recommends chromium >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2; }
  else
    echo "setup: chromium is missing: the dashboard's browser tests need it (Debian/Ubuntu: sudo apt-get install chromium)." >&2
  fi
fi

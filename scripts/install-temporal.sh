#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI) into a user-level cache.
# Skips the build when the pinned binary is already there.
set -euo pipefail

TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
CACHE_ROOT="${JETPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jetpack-cloud}"
BIN_DIR="$CACHE_ROOT/temporal-cli/$TEMPORAL_CLI_VERSION"
BIN="$BIN_DIR/temporal"

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ -x "$TEMPORAL_CLI_PATH" ]; then echo "$TEMPORAL_CLI_PATH"; exit 0; fi
  echo "install-temporal: TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2
  exit 1
fi

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-temporal: Go is not installed; it is needed once to build the Temporal CLI $TEMPORAL_CLI_VERSION." >&2
  echo "install-temporal: install Go 1.22+ (https://go.dev/doc/install) or set TEMPORAL_CLI_PATH to an existing temporal binary." >&2
  exit 1
fi

mkdir -p "$BIN_DIR"
echo "install-temporal: building temporal CLI $TEMPORAL_CLI_VERSION into $BIN_DIR (one time, a few minutes)" >&2
GOBIN="$BIN_DIR" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
"$BIN" --version >&2
echo "$BIN"

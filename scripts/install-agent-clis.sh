#!/usr/bin/env bash
# Installs the coding-agent CLIs the tests run for real (Claude Code, Codex, Gemini CLI), each at its
# pinned version, into a user-level cache: <cache>/agent-clis/<name>/<version>/node_modules/.bin/<bin>.
# Skips a CLI whose pinned version is already there; npm's install scripts are denied (none is needed:
# the native binaries come as platform packages). Prints the cache directory.
set -euo pipefail

CACHE_ROOT="${JETPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jetpack-cloud}"
ROOT="$CACHE_ROOT/agent-clis"

# name package version extra npm flags
CLIS=(
  "claude-code @anthropic-ai/claude-code 2.1.332"
  "codex @openai/codex 0.171.0"
  "gemini-cli @google/gemini-cli 0.61.0 --omit=optional"
)

for entry in "${CLIS[@]}"; do
  read -r name pkg version flags <<<"$entry"
  dir="$ROOT/$name/$version"
  if [ -f "$dir/.installed" ]; then continue; fi
  echo "install-agent-clis: installing $pkg@$version into $dir" >&2
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  printf '{"private":true}\n' >"$dir.partial/package.json"
  # shellcheck disable=SC2086
  npm install --prefix "$dir.partial" --save-exact --ignore-scripts --no-audit --no-fund --loglevel=error \
    ${flags:-} "$pkg@$version" >&2
  touch "$dir.partial/.installed"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
done
echo "$ROOT"

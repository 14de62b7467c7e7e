#!/usr/bin/env bash
# Fails when dist/ differs from what src/ builds to: GitHub runs dist/, not src/. The bundles'
# chunks (dist/NNN.index.js, dist/cli/NNN.index.js) count: a chunk the build adds shows up as
# untracked, one it no longer emits as deleted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/package.sh
if [ -n "$(git status --porcelain -- dist)" ]; then
  git status --short -- dist >&2
  git diff --stat -- dist >&2 || true
  echo "dist/ is out of date with src/: run 'npm run package' and commit dist/ with its new and removed chunks (git add -A dist)." >&2
  exit 1
fi
echo "dist/ is in sync with src/."

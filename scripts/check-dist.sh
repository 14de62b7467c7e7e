#!/usr/bin/env bash
# Fails when dist/ differs from what src/ builds to: GitHub runs dist/, not src/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/package.sh
if [ -n "$(git status --porcelain -- dist)" ]; then
  git status --short -- dist >&2
  git diff --stat -- dist >&2 || true
  echo "dist/ is out of date with src/: run 'npm run package' and commit dist/." >&2
  exit 1
fi
echo "dist/ is in sync with src/."

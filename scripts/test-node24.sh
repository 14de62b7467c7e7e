#!/usr/bin/env bash
# Runs the whole test suite again on Node 24, which GitHub uses for `using: node20` actions now.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-tools.sh
node24="$PWD/.tools/node24/bin/node"
if [ ! -x "$node24" ]; then
  echo "test-node24: no Node 24 for this platform (scripts/install-tools.sh fetches it on linux x64 only)" >&2
  exit 0
fi
echo "test-node24: $("$node24" --version)"
PATH="$(dirname "$node24"):$PATH" NODE_OPTIONS=--experimental-vm-modules "$node24" node_modules/jest/bin/jest.js "$@"

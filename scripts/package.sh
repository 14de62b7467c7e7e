#!/usr/bin/env bash
# Builds what GitHub runs: dist/index.js (the action) and dist/cli/index.js (the CLI). tsc
# typechecks all of the project and emits src/ as ES modules into build/; ncc bundles those.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.json --noEmit
rm -rf build dist
npx tsc -p tsconfig.build.json
npx ncc build build/index.js -o dist --license licenses.txt --quiet
npx ncc build build/cli-entry.js -o dist/cli --quiet

#!/usr/bin/env bash
# Builds what GitHub runs: dist/index.js (the action), dist/cli/index.js (the CLI) and
# dist/builtin/ (the built-in policy library compiled to WASM). tsc typechecks the project and
# emits src/ as ES modules into build/; ncc bundles those.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-tools.sh
npx tsc -p tsconfig.json --noEmit
rm -rf build
npx tsc -p tsconfig.build.json
# The library is rebuilt only when its key changes (see src/build-builtin.ts).
if [ -d dist/builtin ]; then cp -r dist/builtin build/builtin-previous; fi
rm -rf dist
npx ncc build build/index.js -o dist --license licenses.txt --quiet
npx ncc build build/cli-entry.js -o dist/cli --quiet
node build/build-builtin.js .tools/bin/opa policy dist/builtin build/builtin-previous

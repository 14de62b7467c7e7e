#!/usr/bin/env bash
# Builds what GitHub runs: dist/index.js (the action) and dist/cli/index.js (the CLI), bundled
# with ncc from src/. Typechecks first, so a type error never reaches dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npx tsc -p tsconfig.build.json
rm -rf dist
npx ncc build src/index.ts -o dist --license licenses.txt --quiet
npx ncc build src/cli-entry.ts -o dist/cli --quiet

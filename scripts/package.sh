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
# dist/ is emptied first, so chunks a previous build emitted do not linger.
rm -rf dist
# Each dynamic import() in src/ (the dependencies loaded only when needed: @actions/cache,
# Octokit, @actions/tool-cache, tar) becomes a chunk beside its bundle, dist/NNN.index.js and
# dist/cli/NNN.index.js, which the bundle imports relative to itself; the ids are stable hashes.
npx ncc build build/index.js -o dist --stats-out build/ncc-stats.json --quiet
npx ncc build build/cli-entry.js -o dist/cli --quiet
node scripts/licenses.mjs build/ncc-stats.json dist/licenses.txt
# @cdktf/hcl2json's Go/WASM converter is loaded at run time from beside the bundle (src/documents/hcl.ts).
mkdir -p dist/hcl2json/wasm
cp node_modules/@cdktf/hcl2json/main.wasm.gz dist/hcl2json/
cp node_modules/@cdktf/hcl2json/wasm/wasm_exec.js dist/hcl2json/wasm/
node -e "const p=require('./node_modules/@cdktf/hcl2json/package.json');console.log(p.name+' '+p.version+', licensed '+p.license+' ('+(p.repository?.url||p.homepage||'')+'): main.wasm.gz and wasm/wasm_exec.js are copied unmodified from the npm package.')" > dist/hcl2json/NOTICE
node build/build-builtin.js .tools/bin/opa policy dist/builtin build/builtin-previous

// Applies patches/ to node_modules: @actions/core loads its OIDC client on first use (start-up),
// and the opa-wasm SDK fix that lets host built-ins take Rego values (unused since the engine
// drives OPA's WASM ABI itself, in src/evaluate/wasm.ts). dist/ is bundled from the patched
// code, so an install without devDependencies (from git, say) has no patch-package and nothing
// to patch: it says so and carries on.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import process from 'node:process'
import console from 'node:console'

const bin = 'node_modules/patch-package/index.js'
if (!existsSync(bin)) {
  console.log(
    'policy-gate: patch-package is not installed (no devDependencies); using dist/ as built'
  )
  process.exit(0)
}
const result = spawnSync(process.execPath, [bin, '--error-on-fail'], { stdio: 'inherit' })
process.exit(result.status ?? 1)

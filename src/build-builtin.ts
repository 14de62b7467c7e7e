/**
 * Compiles the built-in policy library into dist/builtin (run by scripts/package.sh from build/):
 * `node build/build-builtin.js <opa> <policy dir> <out dir> [<previous bundle dir>]`.
 *
 * `opa build -t wasm` does not produce the same bytes twice for the same policies, so the
 * previous bundle is kept when its key (the policies' content, OPA's and the engine's versions)
 * is still the one the policies give: dist/ then changes exactly when the library does.
 */
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadBuiltinBundle, writeBuiltinBundle, type BuiltinManifest } from './builtin.js'
import { HOST_BUILTIN_NAMES } from './gate.js'
import { cacheKey, compilePolicies, type CompileOptions } from './opa/compile.js'
import { findPolicyFiles } from './opa/policy-files.js'
import { DEFAULT_OPA_VERSION } from './settings.js'

const [opaPath, policyDir, outDir, previousDir] = process.argv.slice(2)
if (!opaPath || !policyDir || !outDir) {
  console.error(
    'usage: node build/build-builtin.js <opa> <policy dir> <out dir> [<previous bundle dir>]'
  )
  process.exit(2)
}
const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'policy-gate-builtin-'))
try {
  const options: CompileOptions = {
    opa: async () => opaPath,
    opaVersion: DEFAULT_OPA_VERSION,
    policyPaths: [policyDir],
    cwd: process.cwd(),
    hostBuiltins: HOST_BUILTIN_NAMES,
    cacheDir
  }
  const key = cacheKey(await findPolicyFiles(options.policyPaths, options.cwd), options)
  if (previousDir && existsSync(path.join(previousDir, 'manifest.json'))) {
    const previous = JSON.parse(
      await readFile(path.join(previousDir, 'manifest.json'), 'utf8')
    ) as BuiltinManifest
    // loadBuiltinBundle verifies the module against its manifest's digest.
    if (previous.key === key && (await loadBuiltinBundle(previousDir))) {
      await cp(previousDir, outDir, { recursive: true })
      console.log(`built-in library unchanged (${key.slice(0, 12)}): kept ${outDir}`)
      process.exit(0)
    }
  }
  const compiled = await compilePolicies(options)
  await writeBuiltinBundle(outDir, compiled)
  console.log(
    `built-in library: ${compiled.modules.filter(m => !m.test).length} modules compiled → ${outDir}`
  )
} finally {
  await rm(cacheDir, { recursive: true, force: true })
}

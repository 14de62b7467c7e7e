import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { restrictCapabilities } from '../evaluate/capabilities.js'
import { planNamespaces, renderEntrypointModules, type PolicyPlan } from '../evaluate/plan.js'
import { inspectModules, PolicyError, type PolicyDiagnostic, type RegoVersion } from './inspect.js'
import { findPolicyFiles, type PolicyFile } from './policy-files.js'

const execFileAsync = promisify(execFile)

/** Bumped whenever the generated bundle's layout or the plan's meaning changes. */
export const ENGINE_VERSION = '1'

export interface CompileOptions {
  /** Resolves the OPA binary; called only when the bundle is not in the cache. */
  opa: () => Promise<string>
  opaVersion: string
  /** Policy directories or files (`-p`), relative to cwd or absolute. */
  policyPaths: readonly string[]
  cwd: string
  /** Forces one Rego version for every module; by default each module's is detected. */
  regoVersion?: RegoVersion
  /** Names of the host built-ins the engine implements (added to the WASM-native ones). */
  hostBuiltins: readonly string[]
  /** Where compiled bundles are kept, one folder per cache key. */
  cacheDir: string
  /**
   * A cache shared between runs (the action's @actions/cache): asked for the key's folder when
   * the local cache misses, given it after a compile. Its entries are verified like local ones.
   */
  sharedCache?: SharedCache
}

export interface SharedCache {
  /** Restores the folder for `key` into `dir`; true when it did. */
  restore(dir: string, key: string): Promise<boolean>
  save(dir: string, key: string): Promise<void>
}

export interface CompiledPolicy {
  key: string
  wasm: Uint8Array
  plan: PolicyPlan
  /** Modules compiled, and their detected Rego versions. */
  modules: { file: string; regoVersion: RegoVersion; test: boolean }[]
  source: 'compiled' | 'cache'
}

interface CacheEntry {
  key: string
  wasmSha256: string
  plan: PolicyPlan
  modules: CompiledPolicy['modules']
}

const sha256 = (data: string | Uint8Array): string =>
  createHash('sha256').update(data).digest('hex')

/**
 * The bundle's cache key: every policy file's path and content, the OPA version, the forced Rego
 * version, the built-ins offered and the engine's version. Data files are not in it: data is
 * loaded at evaluation time, as conftest loads it.
 */
export function cacheKey(files: readonly PolicyFile[], options: CompileOptions): string {
  const hash = createHash('sha256')
  hash.update(
    `engine ${ENGINE_VERSION}\nopa ${options.opaVersion}\nrego ${options.regoVersion ?? 'auto'}\n`
  )
  hash.update(`builtins ${[...options.hostBuiltins].sort().join(',')}\n`)
  for (const f of files) hash.update(`${f.root}:${f.relative}\0${sha256(f.content)}\n`)
  return hash.digest('hex')
}

/** Reads a cached bundle, verifying the module's digest: a cache is never trusted blindly. */
async function readCache(dir: string, key: string): Promise<CompiledPolicy | undefined> {
  try {
    const entry = JSON.parse(await fs.readFile(path.join(dir, 'entry.json'), 'utf8')) as CacheEntry
    const wasm = new Uint8Array(await fs.readFile(path.join(dir, 'policy.wasm')))
    if (entry.key !== key || sha256(wasm) !== entry.wasmSha256) return undefined
    return { key, wasm, plan: entry.plan, modules: entry.modules, source: 'cache' }
  } catch {
    return undefined
  }
}

async function writeCache(dir: string, compiled: CompiledPolicy): Promise<void> {
  const entry: CacheEntry = {
    key: compiled.key,
    wasmSha256: sha256(compiled.wasm),
    plan: compiled.plan,
    modules: compiled.modules
  }
  // Written beside, then renamed: a concurrent or interrupted run never sees half a bundle.
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`
  await fs.mkdir(staging, { recursive: true })
  await fs.writeFile(path.join(staging, 'policy.wasm'), compiled.wasm)
  await fs.writeFile(path.join(staging, 'entry.json'), JSON.stringify(entry))
  await fs.rm(dir, { recursive: true, force: true })
  await fs.rename(staging, dir).catch(async () => fs.rm(staging, { recursive: true, force: true }))
}

/** Pulls one file out of the .tar.gz bundle `opa build` writes. */
export async function extractFromBundle(
  archive: Uint8Array,
  wanted: string
): Promise<Uint8Array | undefined> {
  const target = wanted.replace(/^\/+/, '')
  // tar is needed only after a compile, never for a cached or built-in bundle.
  const { Parser: TarParser } = await import('tar')
  return new Promise((resolve, reject) => {
    let found: Uint8Array | undefined
    const parser = new TarParser()
    parser.on('entry', entry => {
      if (entry.path.replace(/^\/+/, '') !== target) {
        entry.resume()
        return
      }
      const chunks: Buffer[] = []
      entry.on('data', (chunk: Buffer) => chunks.push(chunk))
      entry.on('end', () => (found = new Uint8Array(Buffer.concat(chunks))))
    })
    parser.on('error', reject)
    parser.on('end', () => resolve(found))
    parser.end(Buffer.from(archive))
  })
}

/** `opa build` error lines (`<file>:<row>: <code>: <message>`) → diagnostics on the user's files. */
export function parseBuildErrors(
  output: string,
  toDisplay: (staged: string) => string
): PolicyDiagnostic[] {
  const diagnostics: PolicyDiagnostic[] = []
  for (const line of output.split('\n')) {
    const m = /([^\s:]+\.rego):(\d+)(?::(\d+))?: (.*)$/.exec(line)
    if (m) {
      diagnostics.push({
        file: toDisplay(m[1]),
        line: Number(m[2]),
        ...(m[3] ? { column: Number(m[3]) } : {}),
        message: m[4]
      })
    }
  }
  return diagnostics
}

async function opaCapabilities(opaPath: string): Promise<{ builtins: { name: string }[] }> {
  const { stdout } = await execFileAsync(opaPath, ['capabilities', '--current'], {
    maxBuffer: 64 * 1024 * 1024
  })
  return JSON.parse(stdout) as { builtins: { name: string }[] }
}

/**
 * Compiles the policies into one WASM module, or takes it from the cache when nothing that goes
 * into it changed. Throws PolicyError (with file and line) when a policy does not parse or compile.
 */
export async function compilePolicies(options: CompileOptions): Promise<CompiledPolicy> {
  const all = await findPolicyFiles(options.policyPaths, options.cwd)
  if (!all.some(f => !f.test)) {
    throw new PolicyError(`No policies found in ${options.policyPaths.join(', ')}`, [])
  }
  const key = cacheKey(all, options)
  const cacheEntryDir = path.join(options.cacheDir, key)
  const cached = await readCache(cacheEntryDir, key)
  if (cached) return cached
  if (options.sharedCache && (await options.sharedCache.restore(cacheEntryDir, key))) {
    const restored = await readCache(cacheEntryDir, key)
    if (restored) return restored
  }

  const opaPath = await options.opa()
  const modules = await inspectModules(opaPath, all, options.regoVersion)
  const plan = planNamespaces(modules)
  const entrypoints = plan.namespaces.flatMap(ns => (ns.entrypoint ? [ns.entrypoint] : []))

  const stage = await fs.mkdtemp(path.join(os.tmpdir(), 'policy-gate-build-'))
  try {
    const bundleDir = path.join(stage, 'bundle')
    const fileRegoVersions: Record<string, number> = {}
    const stagedToDisplay = new Map<string, string>()
    for (const module of modules) {
      if (module.file.test) continue
      const staged = path.posix.join(`p${module.file.root}`, module.file.relative)
      const target = path.join(bundleDir, staged)
      await fs.mkdir(path.dirname(target), { recursive: true })
      await fs.writeFile(target, module.file.content)
      stagedToDisplay.set(staged, module.file.display)
      if (module.regoVersion === 'v0') fileRegoVersions[`/${staged}`] = 0
    }
    await fs.mkdir(path.join(bundleDir, 'policy-gate'), { recursive: true })
    for (const module of renderEntrypointModules(plan)) {
      await fs.writeFile(path.join(bundleDir, 'policy-gate', module.name), module.source)
    }
    await fs.writeFile(
      path.join(bundleDir, '.manifest'),
      JSON.stringify({ rego_version: 1, file_rego_versions: fileRegoVersions })
    )
    const capabilitiesFile = path.join(stage, 'capabilities.json')
    const capabilities = restrictCapabilities(await opaCapabilities(opaPath), options.hostBuiltins)
    await fs.writeFile(capabilitiesFile, JSON.stringify(capabilities))

    const output = path.join(stage, 'bundle.tar.gz')
    const args = ['build', '-b', bundleDir, '-t', 'wasm', '--wasm-include-print']
    args.push('--capabilities', capabilitiesFile, '-o', output)
    // A namespace-less bundle still needs one entrypoint; the generated package always exists.
    for (const e of entrypoints) args.push('-e', e)
    if (entrypoints.length === 0) args.push('-e', 'policy_gate_entrypoints')
    try {
      await execFileAsync(opaPath, args, { maxBuffer: 64 * 1024 * 1024 })
    } catch (error) {
      const text = `${(error as { stderr?: string }).stderr ?? ''}${(error as { stdout?: string }).stdout ?? ''}`
      const toDisplay = (staged: string): string => {
        const rel = path
          .relative(bundleDir, path.resolve(bundleDir, staged))
          .split(path.sep)
          .join('/')
        return stagedToDisplay.get(rel) ?? stagedToDisplay.get(staged.replace(/^\/+/, '')) ?? staged
      }
      const diagnostics = parseBuildErrors(text.replaceAll(`${bundleDir}/`, ''), toDisplay)
      const detail = diagnostics.length
        ? diagnostics
            .map(d => `${d.file}:${d.line}${d.column ? `:${d.column}` : ''}: ${d.message}`)
            .join('\n')
        : text.trim()
      throw new PolicyError(`Policies do not compile (opa build):\n${detail}`, diagnostics)
    }
    const wasm = await extractFromBundle(await fs.readFile(output), 'policy.wasm')
    if (!wasm) throw new Error(`opa build produced no policy.wasm in ${output}`)
    const compiled: CompiledPolicy = {
      key,
      wasm,
      plan,
      modules: modules.map(m => ({
        file: m.file.display,
        regoVersion: m.regoVersion,
        test: m.file.test
      })),
      source: 'compiled'
    }
    await writeCache(cacheEntryDir, compiled)
    await options.sharedCache?.save(cacheEntryDir, key)
    return compiled
  } finally {
    await fs.rm(stage, { recursive: true, force: true })
  }
}

/**
 * The built-in policy library (`policy/`), compiled to WASM when dist is packaged and shipped
 * beside the action, so a repository without policies of its own is gated with no OPA at all.
 */
import { createHash } from 'node:crypto'
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NamespaceSelection, PolicyPlan } from './evaluate/plan.js'
import type { CompiledPolicy } from './opa/compile.js'

/** The library's domains and the namespaces (Rego packages) each one covers. */
export const BUILTIN_DOMAINS = {
  kubernetes: ['kubernetes'],
  terraform: ['terraform.*'],
  docker: ['docker'],
  pipeline: ['github', 'gitlab']
} as const

export type BuiltinDomain = keyof typeof BUILTIN_DOMAINS

export const ALL_BUILTIN_DOMAINS = Object.keys(BUILTIN_DOMAINS) as BuiltinDomain[]

/** `auto`: used when the repository has no policy directory; or on/off; or some domains. */
export type BuiltinSetting = 'auto' | 'true' | 'false' | BuiltinDomain[]

/** Parses the `builtin` input / `--builtin` flag, naming what it accepts when it is wrong. */
export function parseBuiltinSetting(value: string, name = 'builtin'): BuiltinSetting {
  const v = value.trim().toLowerCase()
  if (v === '' || v === 'auto') return 'auto'
  if (v === 'true' || v === 'false') return v
  const domains = v.split(/[\s,]+/).filter(d => d !== '')
  const unknown = domains.filter(d => !(d in BUILTIN_DOMAINS))
  if (unknown.length > 0) {
    throw new Error(
      `Input '${name}' has an invalid value '${value}': expected auto, true, false or a list of ${ALL_BUILTIN_DOMAINS.join(', ')}`
    )
  }
  return domains as BuiltinDomain[]
}

/** Which domains run, given the setting and whether the repository has policies of its own. */
export function builtinDomains(setting: BuiltinSetting, hasOwnPolicies: boolean): BuiltinDomain[] {
  if (setting === 'false') return []
  if (setting === 'true') return ALL_BUILTIN_DOMAINS
  if (setting === 'auto') return hasOwnPolicies ? [] : ALL_BUILTIN_DOMAINS
  return setting
}

export function builtinSelection(domains: readonly BuiltinDomain[]): NamespaceSelection {
  return { namespaces: domains.flatMap(d => BUILTIN_DOMAINS[d]), all: false, withRulesOnly: true }
}

/** What is written beside the module: the plan and the digest it is verified against. */
export interface BuiltinManifest {
  key: string
  wasmSha256: string
  plan: PolicyPlan
  modules: CompiledPolicy['modules']
}

export const BUILTIN_DIR_NAME = 'builtin'

/** dist/builtin, found from the running bundle (dist/index.js or dist/cli/index.js) or from src/. */
export function builtinBundleDir(
  from: string = path.dirname(fileURLToPath(import.meta.url))
): string | undefined {
  const candidates = [
    path.join(from, BUILTIN_DIR_NAME),
    path.join(from, '..', BUILTIN_DIR_NAME),
    path.join(from, '..', 'dist', BUILTIN_DIR_NAME)
  ]
  return candidates.find(dir => existsSync(path.join(dir, 'manifest.json')))
}

export async function writeBuiltinBundle(dir: string, compiled: CompiledPolicy): Promise<void> {
  await fs.mkdir(dir, { recursive: true })
  const manifest: BuiltinManifest = {
    key: compiled.key,
    wasmSha256: createHash('sha256').update(compiled.wasm).digest('hex'),
    plan: compiled.plan,
    modules: compiled.modules
  }
  await fs.writeFile(path.join(dir, 'policy.wasm'), compiled.wasm)
  await fs.writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
}

/** Loads the shipped library, refusing a module whose digest is not the manifest's. */
export async function loadBuiltinBundle(dir: string): Promise<CompiledPolicy> {
  const manifest = JSON.parse(
    await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')
  ) as BuiltinManifest
  const wasm = new Uint8Array(await fs.readFile(path.join(dir, 'policy.wasm')))
  const digest = createHash('sha256').update(wasm).digest('hex')
  if (digest !== manifest.wasmSha256) {
    throw new Error(
      `The built-in policy library in ${dir} does not match its manifest (SHA-256 ${digest}, expected ${manifest.wasmSha256}); reinstall the action.`
    )
  }
  return {
    key: manifest.key,
    wasm,
    plan: manifest.plan,
    modules: manifest.modules,
    source: 'cache'
  }
}

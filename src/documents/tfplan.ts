/**
 * Terraform plans (`terraform show -json`), recognised by content whatever the file is called:
 * conftest parses them as plain JSON, and so does policy-gate; this module only knows where a
 * resource is — its entry in the plan's `resource_changes`, and its `resource "TYPE" "NAME"`
 * block in the `.tf` files when those are in the repository.
 */
import path from 'node:path'
import { lineAt } from './json.js'
import type { JsonIndex, LineIndex } from './positions.js'

interface PlanShape {
  format_version: string
  resource_changes?: { address?: unknown }[]
  configuration?: { root_module?: ModuleConfig }
}

interface ModuleConfig {
  module_calls?: Record<string, { source?: unknown; module?: ModuleConfig }>
}

/** A plan has `format_version` and `resource_changes` (or `planned_values` when nothing changes). */
export function isTerraformPlan(value: unknown): value is PlanShape {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const plan = value as Record<string, unknown>
  return (
    typeof plan.format_version === 'string' &&
    (Array.isArray(plan.resource_changes) || typeof plan.planned_values === 'object')
  )
}

/** A resource address taken apart: `module.a[0].module.b.data.aws_x.y["k"]`. */
export interface ResourceAddress {
  /** Module call names from the root, without instance keys. */
  modules: string[]
  mode: 'managed' | 'data'
  type: string
  name: string
}

/** Splits an address on dots outside `[...]` instance keys. */
function addressSteps(address: string): string[] | undefined {
  const steps: string[] = []
  let current = ''
  let inKey = false
  let inString = false
  for (let i = 0; i < address.length; i++) {
    const c = address[i]
    if (inString) {
      if (c === '\\') {
        current += c + (address[i + 1] ?? '')
        i++
        continue
      }
      if (c === '"') inString = false
    } else if (inKey) {
      if (c === '"') inString = true
      else if (c === ']') inKey = false
    } else if (c === '[') {
      inKey = true
    } else if (c === '.') {
      steps.push(current)
      current = ''
      continue
    }
    current += c
  }
  if (inKey || inString) return undefined
  steps.push(current)
  return steps
}

const IDENTIFIER = /^[A-Za-z_][\w-]*$/

export function parseResourceAddress(address: string): ResourceAddress | undefined {
  const steps = addressSteps(address)?.map(step => step.replace(/\[.*\]$/s, ''))
  if (!steps || steps.some(step => !IDENTIFIER.test(step))) return undefined
  const modules: string[] = []
  let i = 0
  while (steps[i] === 'module' && i + 1 < steps.length) {
    modules.push(steps[i + 1])
    i += 2
  }
  let mode: ResourceAddress['mode'] = 'managed'
  if (steps[i] === 'data') {
    mode = 'data'
    i++
  }
  if (steps.length - i !== 2) return undefined
  return { modules, mode, type: steps[i], name: steps[i + 1] }
}

/**
 * The index in `resource_changes` of a resource, from maps built once per plan: the exact
 * address, or its first instance when the address names the resource without an instance key
 * (`address[`). Undefined when the value is not a plan.
 */
export function resourceChangeLookup(
  plan: unknown
): ((address: string) => number | undefined) | undefined {
  if (!isTerraformPlan(plan) || !Array.isArray(plan.resource_changes)) return undefined
  const exact = new Map<string, number>()
  const instances = new Map<string, number>()
  for (const [i, change] of plan.resource_changes.entries()) {
    const address: unknown = (change as { address?: unknown } | null | undefined)?.address
    if (typeof address !== 'string') continue
    if (!exact.has(address)) exact.set(address, i)
    for (let at = address.indexOf('['); at !== -1; at = address.indexOf('[', at + 1)) {
      const prefix = address.slice(0, at)
      if (!instances.has(prefix)) instances.set(prefix, i)
    }
  }
  return address => exact.get(address) ?? instances.get(address)
}

/** 1-based line of a resource change's entry (its `address` member) in the plan's text. */
export function resourceChangeLine(
  json: JsonIndex,
  lines: LineIndex,
  change: number
): number | undefined {
  const { offset, resolved } = json.locate(['resource_changes', change, 'address'])
  return resolved >= 2 ? lines.lineAt(offset) : undefined
}

/** Read access to the repository's Terraform sources, relative to the workspace. */
export interface TerraformSources {
  /** Names of the files directly in a directory (empty when it does not exist). */
  listFiles(dir: string): string[]
  /** A file's text, or undefined when it cannot be read. */
  readFile(file: string): string | undefined
}

/**
 * The directory of a module's sources: the root module's directory, then each call's `source`
 * from the plan's `configuration`. Undefined when a module comes from outside the repository
 * (a registry or git source).
 */
export function moduleDirectory(
  plan: unknown,
  modules: readonly string[],
  rootDir: string
): string | undefined {
  if (!isTerraformPlan(plan)) return undefined
  let dir = rootDir
  let config = plan.configuration?.root_module
  for (const name of modules) {
    const call = config?.module_calls?.[name]
    const source = call?.source
    if (typeof source !== 'string' || !/^\.\.?(\/|$)/.test(source)) return undefined
    dir = path.posix.normalize(path.posix.join(dir, source))
    if (dir.startsWith('../')) return undefined
    config = call?.module
  }
  return dir
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** 1-based line of `resource "TYPE" "NAME" {` (or `data ...`) in HCL text. */
export function blockLine(text: string, resource: ResourceAddress): number | undefined {
  const keyword = resource.mode === 'data' ? 'data' : 'resource'
  const pattern = new RegExp(
    `^[ \\t]*${keyword}[ \\t]+"?${escapeRegExp(resource.type)}"?[ \\t]+"?${escapeRegExp(resource.name)}"?[ \\t]*\\{`,
    'm'
  )
  const match = pattern.exec(text)
  return match ? lineAt(text, match.index) : undefined
}

/**
 * Where a plan's resource is declared: the `.tf` file and line of its block, searching the
 * module's directory (files named like the plan first, then the others in name order).
 *
 * `planPath` is the plan's path in the workspace; `rootDir` the root module's directory
 * (by default the plan's own directory, where `terraform show -json` is usually written).
 */
export function terraformSourceLocation(
  plan: unknown,
  address: string,
  planPath: string,
  sources: TerraformSources,
  rootDir = path.posix.dirname(planPath)
): { file: string; line: number } | undefined {
  const resource = parseResourceAddress(address)
  if (!resource) return undefined
  const dir = moduleDirectory(plan, resource.modules, rootDir)
  if (dir === undefined) return undefined
  const stem = path.posix.basename(planPath).replace(/(\.tfplan)?\.json$/, '')
  const files = sources
    .listFiles(dir)
    .filter(file => file.endsWith('.tf'))
    .sort((a, b) => Number(b === `${stem}.tf`) - Number(a === `${stem}.tf`) || a.localeCompare(b))
  for (const file of files) {
    const relPath = dir === '.' ? file : `${dir}/${file}`
    const text = sources.readFile(relPath)
    const line = text === undefined ? undefined : blockLine(text, resource)
    if (line !== undefined) return { file: relPath, line }
  }
  return undefined
}

import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { PolicyFile } from './policy-files.js'

const execFileAsync = promisify(execFile)

export type RegoVersion = 'v0' | 'v1'

/** What the engine needs to know of one Rego module. */
export interface ModuleInfo {
  file: PolicyFile
  /** Package path without `data.` (`main`, `kubernetes.pss`), as conftest names namespaces. */
  namespace: string
  regoVersion: RegoVersion
  rules: RuleHead[]
}

export interface RuleHead {
  /** `Head.Name` as conftest reads it; empty for multi-level ref heads (`a.b contains x`). */
  name: string
  isFunction: boolean
  line: number
}

/** A problem OPA reported in a policy, located on its file and line. */
export interface PolicyDiagnostic {
  file: string
  line?: number
  column?: number
  message: string
}

export class PolicyError extends Error {
  constructor(
    message: string,
    readonly diagnostics: PolicyDiagnostic[]
  ) {
    super(message)
    this.name = 'PolicyError'
  }
}

interface AstTerm {
  type: string
  value: unknown
}

interface AstModule {
  package: { path: AstTerm[] }
  rules?: {
    head: { name?: string; args?: unknown[]; ref?: AstTerm[] }
    location?: { row: number }
  }[]
}

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** `data.a.b["c-d"]` → `a.b["c-d"]`: the package path as OPA prints it, minus `data.`. */
export function packageNamespace(pathTerms: readonly AstTerm[]): string {
  let out = ''
  for (const term of pathTerms.slice(1)) {
    const key = String(term.value)
    if (IDENTIFIER.test(key)) {
      out += out === '' ? key : `.${key}`
    } else {
      out += `[${JSON.stringify(key)}]`
    }
  }
  return out
}

/** Reads the facts the engine needs out of `opa parse --format json` output. */
export function moduleInfoFromAst(
  file: PolicyFile,
  ast: AstModule,
  regoVersion: RegoVersion
): ModuleInfo {
  return {
    file,
    namespace: packageNamespace(ast.package.path),
    regoVersion,
    rules: (ast.rules ?? []).map(rule => ({
      name: rule.head.name ?? '',
      isFunction: (rule.head.args?.length ?? 0) > 0,
      line: rule.location?.row ?? 0
    }))
  }
}

interface OpaErrorReport {
  errors?: {
    message: string
    code?: string
    location?: { file?: string; row?: number; col?: number }
  }[]
}

/** `opa parse`/`opa check` JSON errors → diagnostics on the file people know. */
export function diagnosticsFromOpaErrors(report: OpaErrorReport, file: string): PolicyDiagnostic[] {
  return (report.errors ?? []).map(e => ({
    file,
    line: e.location?.row,
    column: e.location?.col,
    message: e.code ? `${e.code}: ${e.message}` : e.message
  }))
}

export function formatDiagnostic(d: PolicyDiagnostic): string {
  const where = d.line ? `${d.file}:${d.line}${d.column ? `:${d.column}` : ''}` : d.file
  return `${where}: ${d.message}`
}

async function opaParse(
  opaPath: string,
  file: PolicyFile,
  version: RegoVersion
): Promise<{ ast: AstModule } | { errors: PolicyDiagnostic[] }> {
  const args = [
    'parse',
    '--format',
    'json',
    ...(version === 'v0' ? ['--v0-compatible'] : []),
    file.absolute
  ]
  try {
    const { stdout } = await execFileAsync(opaPath, args, { maxBuffer: 256 * 1024 * 1024 })
    return { ast: JSON.parse(stdout) as AstModule }
  } catch (error) {
    const out =
      (error as { stdout?: string; stderr?: string }).stdout ||
      (error as { stderr?: string }).stderr ||
      ''
    try {
      return { errors: diagnosticsFromOpaErrors(JSON.parse(out) as OpaErrorReport, file.display) }
    } catch {
      return { errors: [{ file: file.display, message: out.trim() || String(error) }] }
    }
  }
}

/**
 * Parses one module, detecting its Rego version unless one is forced: v1 first, then v0. A module
 * that parses in neither is reported with the v1 errors (the version new policies are written in),
 * unless its v0 errors come later in the file, which means v0 got further.
 */
export async function inspectModule(
  opaPath: string,
  file: PolicyFile,
  forced?: RegoVersion
): Promise<ModuleInfo | PolicyDiagnostic[]> {
  const first: RegoVersion = forced ?? 'v1'
  const firstTry = await opaParse(opaPath, file, first)
  if ('ast' in firstTry) return moduleInfoFromAst(file, firstTry.ast, first)
  if (forced) return firstTry.errors
  const secondTry = await opaParse(opaPath, file, 'v0')
  if ('ast' in secondTry) return moduleInfoFromAst(file, secondTry.ast, 'v0')
  const furthest = (ds: PolicyDiagnostic[]): number => Math.max(0, ...ds.map(d => d.line ?? 0))
  return furthest(secondTry.errors) > furthest(firstTry.errors) ? secondTry.errors : firstTry.errors
}

/** Inspects modules a few at a time (each is one short `opa parse`). */
export async function inspectModules(
  opaPath: string,
  files: readonly PolicyFile[],
  forced?: RegoVersion,
  concurrency = 4
): Promise<ModuleInfo[]> {
  const results: (ModuleInfo | PolicyDiagnostic[])[] = new Array(files.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < files.length) {
      const i = next++
      results[i] = await inspectModule(opaPath, files[i], forced)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker))
  const diagnostics = results.filter((r): r is PolicyDiagnostic[] => Array.isArray(r)).flat()
  if (diagnostics.length > 0) {
    throw new PolicyError(
      `Policies do not parse:\n${diagnostics.map(formatDiagnostic).join('\n')}`,
      diagnostics
    )
  }
  return results as ModuleInfo[]
}

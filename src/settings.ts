/**
 * Every action input, read and validated once into a typed Settings (the only module that calls
 * core.getInput). Bad configuration throws before any work starts, naming the input, the value
 * and what it accepts.
 */
import * as core from '@actions/core'
import path from 'node:path'
import { validateOpaVersion } from './opa/install.js'
import type { RegoVersion } from './opa/inspect.js'
import type { Mode } from './outcome.js'
import { parseBuiltinSetting, type BuiltinSetting } from './builtin.js'
import { parsePolicySourceSetting, type PolicySourceSetting } from './policy-source.js'

export const DEFAULT_OPA_VERSION = '1.22.3'

export type Scope = 'changed' | 'all'
export type CommentMode = 'always' | 'on-failure' | 'never'

export interface Settings {
  workspace: string
  policyPaths: string[]
  dataPaths: string[]
  /** The built-in policy library: auto (when the repository has no policies), on, off or domains. */
  builtin: BuiltinSetting
  namespaces: string[]
  allNamespaces: boolean
  combine: boolean
  regoVersion?: RegoVersion
  mode: Mode
  failOnWarn: boolean
  /** Explicit scope, or undefined to choose by event (changed on PR/push/merge_group). */
  scope?: Scope
  /** Glob patterns (with `!` exclusions) selecting files; empty means the per-format defaults. */
  files: string[]
  parser?: string
  maxFileSize: number
  comment: CommentMode
  checkRun: boolean
  resultsFile?: string
  sarifFile?: string
  junitFile?: string
  reportUrl?: string
  token: string
  opa: {
    version: string
    path?: string
    downloadUrl: string
    sha256?: string
  }
  runnerTemp: string
  /** Where the policies come from on pull requests (policy-source.ts). */
  policySource: PolicySourceSetting
  allowPullRequestTargetHead: boolean
}

/** Reads an input through a function so tests can pass a plain map instead of the environment. */
export type InputReader = (name: string) => string

export const actionInputs: InputReader = name => core.getInput(name)

function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(v => v.trim())
    .filter(v => v !== '')
}

function choice<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  fallback: T
): T {
  const v = value.trim()
  if (v === '') return fallback
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new Error(
    `Input '${name}' has an invalid value '${value}': expected one of ${allowed.map(a => `'${a}'`).join(', ')}`
  )
}

function bool(name: string, value: string, fallback: boolean): boolean {
  const v = value.trim().toLowerCase()
  if (v === '') return fallback
  if (['true', 'yes', '1', 'on'].includes(v)) return true
  if (['false', 'no', '0', 'off'].includes(v)) return false
  throw new Error(`Input '${name}' has an invalid value '${value}': expected 'true' or 'false'`)
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3
}

/** `5MB`, `512 KiB`, `1000000` → bytes. */
export function parseSize(name: string, value: string, fallback: number): number {
  const v = value.trim()
  if (v === '') return fallback
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v)
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new Error(
      `Input '${name}' has an invalid value '${value}': expected a size such as 5MB, 512KiB or 1000000`
    )
  }
  return Math.floor(Number(m[1]) * unit)
}

function optional(value: string): string | undefined {
  const v = value.trim()
  return v === '' ? undefined : v
}

export function readSettings(input: InputReader, env: NodeJS.ProcessEnv): Settings {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const regoVersion = input('rego-version').trim()
  if (regoVersion !== '' && regoVersion !== 'v0' && regoVersion !== 'v1') {
    throw new Error(
      `Input 'rego-version' has an invalid value '${regoVersion}': expected 'v0', 'v1' or empty (detect per file)`
    )
  }
  const scope = input('scope').trim()
  const token = input('github-token')
  const opaSha256 = optional(input('opa-sha256'))
  if (opaSha256 !== undefined && !/^[a-fA-F0-9]{64}$/.test(opaSha256)) {
    throw new Error(
      `Input 'opa-sha256' has an invalid value '${opaSha256}': expected 64 hexadecimal characters`
    )
  }
  return {
    workspace,
    policyPaths: list(input('policy') || 'policy'),
    dataPaths: list(input('data')),
    builtin: parseBuiltinSetting(input('builtin')),
    namespaces: list(input('namespace') || 'main'),
    allNamespaces: bool('all-namespaces', input('all-namespaces'), false),
    combine: bool('combine', input('combine'), false),
    ...(regoVersion ? { regoVersion: regoVersion as RegoVersion } : {}),
    mode: choice('mode', input('mode'), ['enforce', 'audit'] as const, 'enforce'),
    failOnWarn: bool('fail-on-warn', input('fail-on-warn'), false),
    ...(scope === '' || scope === 'auto'
      ? {}
      : { scope: choice('scope', scope, ['changed', 'all'] as const, 'all') }),
    files: input('files')
      .split('\n')
      .map(v => v.trim())
      .filter(v => v !== ''),
    parser: optional(input('parser')),
    maxFileSize: parseSize('max-file-size', input('max-file-size'), 5_000_000),
    comment: choice(
      'comment',
      input('comment'),
      ['always', 'on-failure', 'never'] as const,
      'always'
    ),
    checkRun: bool('check-run', input('check-run'), true),
    resultsFile: optional(input('results-file')),
    sarifFile: optional(input('sarif-file')),
    junitFile: optional(input('junit-file')),
    reportUrl: optional(input('report-url')),
    token,
    opa: {
      version: validateOpaVersion(input('opa-version') || DEFAULT_OPA_VERSION),
      path: optional(input('opa-path')),
      downloadUrl: (optional(input('opa-download-url')) ?? 'https://github.com').replace(
        /\/+$/,
        ''
      ),
      sha256: opaSha256?.toLowerCase()
    },
    runnerTemp: env.RUNNER_TEMP || path.join(workspace, '..', '_temp'),
    policySource: parsePolicySourceSetting(input('policy-source')),
    allowPullRequestTargetHead: bool(
      'allow-pull-request-target-head',
      input('allow-pull-request-target-head'),
      false
    )
  }
}

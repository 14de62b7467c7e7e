/**
 * `policy-gate test|verify|parse|version`: the gate's stages on a laptop or any CI, printing
 * instead of posting. Flags follow conftest's where the two share a meaning.
 */
import { execFile } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { parserFor, parseFile } from './documents/parse.js'
import { readDocumentFile } from './documents/read.js'
import type { CheckResult, Finding } from './findings.js'
import { loadData } from './evaluate/data.js'
import { HOST_BUILTIN_NAMES, runGate, type GateRun, type PolicySet } from './gate.js'
import {
  builtinBundleDir,
  builtinDomains,
  builtinSelection,
  loadBuiltinBundle,
  parseBuiltinSetting
} from './builtin.js'
import { compilePolicies } from './opa/compile.js'
import { inspectModules, PolicyError, type RegoVersion } from './opa/inspect.js'
import { findPolicyFiles } from './opa/policy-files.js'
import { reportedOpaVersion, validateOpaVersion } from './opa/install.js'
import { renderConftestJson } from './report/json.js'
import { renderJUnit } from './report/junit.js'
import { renderSarif } from './report/sarif.js'
import { discover } from './documents/discover.js'
import { renderGitHub, renderStandard, renderTable, renderTap } from './report/text.js'
import { DEFAULT_OPA_VERSION } from './settings.js'

const execFileAsync = promisify(execFile)

export { VERSION } from './version.js'
import { VERSION } from './version.js'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  cwd: string
  isTTY: boolean
}

const USAGE = `Usage: policy-gate <command> [flags]

Commands:
  test [PATH...]   Evaluate files (or directories) against Rego policies, as conftest test does
  verify           Run the policies' unit tests (*_test.rego) with the pinned OPA
  parse FILE...    Print the documents as the policies see them
  version          Print policy-gate's version and the OPA version it pins

Run 'policy-gate <command> --help' for a command's flags.
`

const TEST_USAGE = `Usage: policy-gate test [PATH...] [flags]

Flags:
  -p, --policy PATH        Policy directory or file (repeatable; default: policy)
  -d, --data PATH          Data file or directory (repeatable)
  -n, --namespace NAME     Namespace to evaluate, glob patterns allowed (repeatable; default: main)
      --all-namespaces     Evaluate every namespace
      --combine            Evaluate all files as one input
      --parser NAME        Parse every file with this parser
  -o, --output FORMAT      stdout, json, table, tap, github, sarif, junit (default: stdout)
      --fail-on-warn       Exit 1 on warnings, 2 on failures
      --no-fail            Always exit 0 when evaluation succeeded
      --mode MODE          enforce (default) or audit: report everything, exit 0
      --changed-since REF  Only files changed since REF (git diff REF...HEAD, plus uncommitted)
      --no-color           No colour (also when NO_COLOR is set)
      --rego-version V     Force v0 or v1 for every policy (default: detect per file)
      --opa-path PATH      OPA binary used to compile policies (default: opa ${DEFAULT_OPA_VERSION} on PATH)
      --max-file-size N    Skip larger files with an error (default: 5000000 bytes)
      --builtin SETTING    Built-in policy library: auto (when no policy directory exists), true,
                           false, or domains: kubernetes,terraform,docker,pipeline
  -h, --help               Show this help
`

function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'policy-gate', 'bundles')
}

/**
 * The OPA used to compile: --opa-path, else the first `opa` on PATH. Outside a runner there is no
 * tool cache to download into, so nothing is downloaded: a missing or different OPA is named, with
 * how to get the pinned one.
 */
async function resolveOpa(opaPath: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const wanted = env.POLICY_GATE_OPA_VERSION || DEFAULT_OPA_VERSION
  const how = `Install OPA ${wanted} (for example 'go install github.com/open-policy-agent/opa@v${wanted}') or pass --opa-path.`
  const candidates = opaPath
    ? [path.resolve(opaPath)]
    : (env.PATH ?? '')
        .split(path.delimiter)
        .filter(dir => dir !== '')
        .map(dir => path.join(dir, process.platform === 'win32' ? 'opa.exe' : 'opa'))
  const found = candidates.find(candidate => existsSync(candidate))
  if (!found)
    throw new Error(
      `No OPA to compile the policies with: ${opaPath ? `${opaPath} does not exist` : 'none on PATH'}. ${how}`
    )
  const version = await reportedOpaVersion(found).catch((cause: unknown) => {
    throw new Error(`${found} does not run as OPA (${(cause as Error).message}). ${how}`, { cause })
  })
  if (version !== wanted) {
    throw new Error(
      `${found} is OPA ${version}, but policy-gate compiles with OPA ${wanted} so that every run decides alike. ${how}`
    )
  }
  return found
}

const OUTPUT_FORMATS = ['stdout', 'json', 'table', 'tap', 'github', 'sarif', 'junit']

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules'])

/** Expands directories into the files a parser handles, as conftest does; files stay as given. */
export async function expandPaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = []
  async function walk(dir: string): Promise<void> {
    const entries = await fs.readdir(path.resolve(cwd, dir), { withFileTypes: true })
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(rel)
      } else if (parserFor(rel) !== undefined) out.push(rel)
    }
  }
  for (const p of paths) {
    const stat = await fs.stat(path.resolve(cwd, p)).catch((cause: unknown) => {
      throw new Error(`${p}: no such file or directory`, { cause })
    })
    if (stat.isDirectory()) await walk(p)
    else out.push(p)
  }
  return out
}

function exitCode(
  results: readonly CheckResult[],
  run: GateRun,
  failOnWarn: boolean,
  noFail: boolean
): number {
  const errors = run.findings.some(f => f.severity === 'error')
  if (errors) return 1
  if (noFail) return 0
  const failures = results.some(r => (r.failures?.length ?? 0) > 0)
  const warnings = results.some(r => (r.warnings?.length ?? 0) > 0)
  if (failOnWarn) return failures ? 2 : warnings ? 1 : 0
  return failures ? 1 : 0
}

/**
 * The results with each entry's line from its finding (the same order, per file, namespace and
 * kind), so `-o github` annotates the line a `path` or a quoted value points at, not line 1.
 */
export function withFindingLines(
  results: readonly CheckResult[],
  findings: readonly Finding[]
): CheckResult[] {
  const kinds = [
    ['failures', 'failure'],
    ['warnings', 'warning'],
    ['exceptions', 'exception']
  ] as const
  return results.map(result => {
    const copy: CheckResult = { ...result }
    for (const [list, severity] of kinds) {
      const located = findings.filter(
        f =>
          f.file === result.filename && f.namespace === result.namespace && f.severity === severity
      )
      copy[list] = result[list]?.map((entry, i) =>
        entry.loc || located[i]?.line === undefined
          ? entry
          : { ...entry, loc: { file: result.filename, line: located[i].line! } }
      )
      if (copy[list] === undefined) delete copy[list]
    }
    return copy
  })
}

function render(
  format: string,
  results: CheckResult[],
  findings: readonly Finding[],
  color: boolean,
  prints: readonly string[]
): string {
  switch (format) {
    case 'sarif':
      return `${renderSarif(findings, { toolVersion: VERSION })}\n`
    case 'junit':
      return renderJUnit(results, findings)
    case 'stdout':
      return renderStandard(results, { color, prints })
    case 'json':
      return renderConftestJson(results)
    case 'table':
      return renderTable(results)
    case 'tap':
      return renderTap(results)
    case 'github':
      return renderGitHub(withFindingLines(results, findings))
    default:
      throw new Error(
        `Unknown output format '${format}': expected stdout, json, table, tap or github`
      )
  }
}

async function testCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      policy: { type: 'string', short: 'p', multiple: true },
      data: { type: 'string', short: 'd', multiple: true },
      namespace: { type: 'string', short: 'n', multiple: true },
      'all-namespaces': { type: 'boolean' },
      combine: { type: 'boolean' },
      parser: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'fail-on-warn': { type: 'boolean' },
      'no-fail': { type: 'boolean' },
      'no-color': { type: 'boolean' },
      'rego-version': { type: 'string' },
      'opa-path': { type: 'string' },
      'max-file-size': { type: 'string' },
      builtin: { type: 'string' },
      mode: { type: 'string' },
      'changed-since': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    io.stdout(TEST_USAGE)
    return 0
  }
  const regoVersion = values['rego-version']
  if (regoVersion !== undefined && regoVersion !== 'v0' && regoVersion !== 'v1') {
    throw new Error(`--rego-version must be v0 or v1 (got '${regoVersion}')`)
  }
  const format = values.output ?? 'stdout'
  if (!OUTPUT_FORMATS.includes(format)) {
    throw new Error(`Unknown output format '${format}': expected ${OUTPUT_FORMATS.join(', ')}`)
  }
  const mode = values.mode ?? 'enforce'
  if (mode !== 'enforce' && mode !== 'audit')
    throw new Error(`--mode must be enforce or audit (got '${mode}')`)
  let files = await expandPaths(positionals.length ? positionals : ['.'], io.cwd)
  if (values['changed-since'] !== undefined) {
    const changed = await discover({
      workspace: io.cwd,
      scope: 'changed',
      changedSince: values['changed-since'],
      log: line => io.stderr(`policy-gate: ${line}\n`)
    })
    const wanted = new Set(changed.files)
    files = files.filter(f =>
      wanted.has(path.relative(io.cwd, path.resolve(io.cwd, f)).split(path.sep).join('/'))
    )
    if (files.length === 0) {
      io.stderr(`policy-gate: no file changed since ${values['changed-since']}: nothing to check\n`)
      return 0
    }
  }
  if (files.length === 0) throw new Error('no files found')
  const progress = (text: string): void => {
    if (io.isTTY) io.stderr(`\r\x1b[2K${text}`)
  }
  const policyPaths = values.policy ?? ['policy']
  const hasOwnPolicies = policyPaths.some(p => existsSync(path.resolve(io.cwd, p)))
  const domains = builtinDomains(
    parseBuiltinSetting(values.builtin ?? 'auto', '--builtin'),
    hasOwnPolicies
  )
  const data = await loadData(values.data ?? [], io.cwd)
  const policySets: PolicySet[] = []
  if (hasOwnPolicies || domains.length === 0) {
    const compiled = await compilePolicies({
      opa: () => resolveOpa(values['opa-path'], io.env),
      opaVersion: validateOpaVersion(io.env.POLICY_GATE_OPA_VERSION || DEFAULT_OPA_VERSION),
      policyPaths,
      cwd: io.cwd,
      ...(regoVersion ? { regoVersion: regoVersion as RegoVersion } : {}),
      hostBuiltins: HOST_BUILTIN_NAMES,
      cacheDir: cacheDir(io.env)
    })
    policySets.push({
      name: 'policies',
      compiled,
      selection: {
        namespaces: values.namespace ?? ['main'],
        all: values['all-namespaces'] ?? false
      },
      data
    })
  }
  if (domains.length > 0) {
    const dir = builtinBundleDir()
    if (!dir)
      throw new Error('the built-in policy library (dist/builtin) is missing: run npm run package')
    policySets.push({
      name: 'built-in library',
      compiled: await loadBuiltinBundle(dir),
      selection: builtinSelection(domains),
      data
    })
  }
  progress(`policy-gate: checking ${files.length} file(s)…`)
  // Files named outside the working directory are the user's choice on a laptop (the action's
  // workspace confinement is for pull request content): read them from / by absolute path.
  const outside = files.some(f => path.relative(io.cwd, path.resolve(io.cwd, f)).startsWith('..'))
  const run = await runGate({
    cwd: outside ? path.parse(io.cwd).root : io.cwd,
    files: outside ? files.map(f => path.resolve(io.cwd, f)) : files,
    ...(values.parser ? { parser: values.parser } : {}),
    maxFileSize: values['max-file-size'] ? Number(values['max-file-size']) : 5_000_000,
    combine: values.combine ?? false,
    policySets
  })
  for (const file of run.unsupported)
    io.stderr(`policy-gate: skipped ${file}: no parser for this file type\n`)
  for (const f of run.findings.filter(f => f.severity === 'error')) {
    io.stderr(`policy-gate: error: ${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}\n`)
  }
  const color = format === 'stdout' && io.isTTY && !values['no-color'] && !io.env.NO_COLOR
  io.stdout(render(format, run.checkResults, run.findings, color, run.prints))
  // Audit mode reports everything and never fails on results (errors still fail: nothing ran).
  return exitCode(
    run.checkResults,
    run,
    values['fail-on-warn'] ?? false,
    (values['no-fail'] ?? false) || mode === 'audit'
  )
}

async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { parser: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
  })
  if (values.help || positionals.length === 0) {
    io.stdout('Usage: policy-gate parse FILE... [--parser NAME]\n')
    return values.help ? 0 : 1
  }
  let code = 0
  for (const file of positionals) {
    const read = await readDocumentFile(io.cwd, file, { maxFileSize: 5_000_000 })
    const parsed =
      'error' in read
        ? undefined
        : await parseFile(file, read.text, values.parser ? { parser: values.parser } : {})
    const error = 'error' in read ? { message: read.error } : parsed?.error
    if (error || !parsed) {
      io.stderr(`policy-gate: ${file}: ${error?.message}\n`)
      code = 1
      continue
    }
    const value =
      parsed.documents.length === 1 ? parsed.documents[0].value : parsed.documents.map(d => d.value)
    io.stdout(`${positionals.length > 1 ? `${file}\n` : ''}${JSON.stringify(value, null, '\t')}\n`)
  }
  return code
}

async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      policy: { type: 'string', short: 'p', multiple: true },
      data: { type: 'string', short: 'd', multiple: true },
      'opa-path': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    io.stdout('Usage: policy-gate verify [-p POLICY]... [-d DATA]... [--opa-path PATH]\n')
    return 0
  }
  const opa = await resolveOpa(values['opa-path'], io.env)
  // One bundle holding the policies (tests included) with each file's Rego version, so a folder
  // that mixes v0 and v1 files is tested as it is compiled; data rooted as `test` roots it.
  const files = await findPolicyFiles(values.policy ?? ['policy'], io.cwd)
  const modules = await inspectModules(opa, files)
  const bundle = await fs.mkdtemp(path.join(os.tmpdir(), 'policy-gate-verify-'))
  try {
    const versions: Record<string, number> = {}
    for (const m of modules) {
      const staged = path.posix.join(`p${m.file.root}`, m.file.relative)
      await fs.mkdir(path.dirname(path.join(bundle, staged)), { recursive: true })
      await fs.writeFile(path.join(bundle, staged), m.file.content)
      if (m.regoVersion === 'v0') versions[`/${staged}`] = 0
    }
    await fs.writeFile(
      path.join(bundle, 'data.json'),
      JSON.stringify(await loadData(values.data ?? [], io.cwd))
    )
    await fs.writeFile(
      path.join(bundle, '.manifest'),
      JSON.stringify({ rego_version: 1, file_rego_versions: versions })
    )
    const shown = (text: string): string => {
      // Report the files people know, not the staged copies.
      let out = text
      for (const m of modules)
        out = out.replaceAll(path.posix.join(`p${m.file.root}`, m.file.relative), m.file.display)
      return out.replaceAll(`${bundle}/`, '')
    }
    try {
      const { stdout, stderr } = await execFileAsync(opa, ['test', '-b', bundle, '-v'], {
        cwd: io.cwd,
        maxBuffer: 64e6
      })
      io.stdout(shown(stdout))
      io.stderr(shown(stderr))
      return 0
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string }
      io.stdout(shown(e.stdout ?? ''))
      io.stderr(shown(e.stderr ?? String(error)))
      return 1
    }
  } finally {
    await fs.rm(bundle, { recursive: true, force: true })
  }
}

/** The shipped library's identity: its content key and size (it is versioned with policy-gate). */
async function builtinLibraryVersion(): Promise<string> {
  const dir = builtinBundleDir()
  if (!dir) return 'built-in library: not built (npm run package)'
  const bundle = await loadBuiltinBundle(dir)
  const rules = bundle.plan.namespaces.reduce((n, ns) => n + ns.ruleCount, 0)
  const modules = bundle.modules.filter(m => !m.test).length
  return `built-in library ${VERSION} (${bundle.key.slice(0, 12)}: ${modules} modules, ${rules} rule definitions)`
}

/** Runs one command line; returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'test':
        return await testCommand(rest, io)
      case 'parse':
        return await parseCommand(rest, io)
      case 'verify':
        return await verifyCommand(rest, io)
      case 'version':
        io.stdout(
          `policy-gate ${VERSION}\nOPA ${DEFAULT_OPA_VERSION} (pinned, used to compile policies)\n${await builtinLibraryVersion()}\n`
        )
        return 0
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE)
        return command === undefined ? 1 : 0
      default:
        io.stderr(`policy-gate: unknown command '${command}'\n${USAGE}`)
        return 1
    }
  } catch (error) {
    const message =
      error instanceof PolicyError || error instanceof Error ? error.message : String(error)
    io.stderr(`policy-gate: ${message}\n`)
    return 1
  }
}

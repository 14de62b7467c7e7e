/**
 * Where the policies that judge a change come from. A pull request must not be able to weaken the
 * gate that judges it: if the policies were read from its own checkout, it could delete the rule it
 * breaks and pass. So on pull requests (and merge queues) the policy and data files are read from
 * the base commit with git, never from the working tree; the manifests still come from the head.
 *
 * The decisions are pure (`decidePolicySource`, `comparePolicyResults`, `summarizePolicyChange`);
 * `materializeBasePolicies` is the one function that does I/O: it writes the base commit's policy
 * and data files into a temporary mirror of the workspace, fetching the commit when the checkout is
 * shallow, and lists the policy and data files the pull request changes.
 */
import { execFile, spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { DATA_EXTENSIONS } from './evaluate/data.js'
import type { Finding, Severity } from './findings.js'
import type { PolicyChangeReport, PolicyFileChange } from './report/context.js'
import { objectAt, stringAt, type Json } from './event-payload.js'

export type { PolicyChangeReport, PolicyFileChange } from './report/context.js'

// ---------------------------------------------------------------------------------------------
// Settings

/** The `policy-source` input: `auto` (base on pull requests, else the working tree), or forced. */
export type PolicySourceSetting = 'auto' | 'base' | 'head'

/** The inputs this module reads, as Settings carries them. */
export interface PolicySourceSettings {
  policySource: PolicySourceSetting
  /** `allow-pull-request-target-head`: the workflow knowingly evaluates head content there. */
  allowPullRequestTargetHead: boolean
}

/** Parses the `policy-source` input, naming the input and the accepted values when it is wrong. */
export function parsePolicySourceSetting(
  value: string,
  name = 'policy-source'
): PolicySourceSetting {
  const v = value.trim().toLowerCase()
  if (v === '' || v === 'auto') return 'auto'
  if (v === 'base' || v === 'head') return v
  throw new Error(
    `Input '${name}' has an invalid value '${value}': expected 'base' (the pull request's base ` +
      `commit, the default on pull requests), 'head' (the checkout) or 'auto'`
  )
}

// ---------------------------------------------------------------------------------------------
// The decision

/** The name of the opt-in input, quoted in the refusal. */
export const PULL_REQUEST_TARGET_OPT_IN = 'allow-pull-request-target-head'

export type PolicySourceDecision =
  /** Policies from the base commit (read with git); manifests from the working tree. */
  | { source: 'base'; baseSha: string; auditHead: boolean; note: string }
  /** A pull request judged by its own checkout's policies, because the workflow asked for it. */
  | { source: 'head'; note: string }
  /** Pushes, schedules, manual runs, the CLI: the working tree is the reviewed code. */
  | { source: 'working-tree'; note: string }
  /** The run must not go on; `message` says why and what to do. */
  | { source: 'refuse'; message: string }

/** A full commit ID (SHA-1 or SHA-256); anything else is never handed to git. */
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

export const PULL_REQUEST_TARGET_REFUSAL =
  'refusing to evaluate pull request content in a pull_request_target workflow: the workflow ' +
  `must set ${PULL_REQUEST_TARGET_OPT_IN}: true to allow it. pull_request_target runs with the base ` +
  "repository's secrets and a token that can write to it, while the pull request's files are " +
  'written by whoever opened it, possibly from a fork. A workflow that checks out the head and ' +
  'then builds, installs or runs anything from it hands that person the secrets and the token ' +
  '(a "pwn request"; see GitHub\'s "Security hardening for GitHub Actions" and the ' +
  'actions/checkout README). Use the pull_request event instead: it gets no secrets from forks, ' +
  'and policy-gate reads the policies from the base branch there. If you need ' +
  'pull_request_target (for example to comment on fork pull requests), check out the head only ' +
  "into the workspace, run nothing from it, keep the job's permissions minimal, and set " +
  `${PULL_REQUEST_TARGET_OPT_IN}: true; policy-gate then reads the policies from the base commit ` +
  'and only parses the head files.'

/**
 * Which policies judge this run. Pull requests and merge queues read them from the base commit
 * unless the workflow sets `policy-source: head`; `pull_request_target` refuses unless the
 * workflow opted in, and then always uses the base (the run is privileged, so the pull request
 * must not choose its rules, and its own policies are not run even in audit mode). Every other
 * event, and the CLI, uses the working tree.
 */
export function decidePolicySource(
  eventName: string,
  payload: Json,
  settings: PolicySourceSettings
): PolicySourceDecision {
  const target = eventName === 'pull_request_target'
  if (eventName === 'pull_request' || target || eventName === 'merge_group') {
    if (target && !settings.allowPullRequestTargetHead) {
      return { source: 'refuse', message: PULL_REQUEST_TARGET_REFUSAL }
    }
    if (target && settings.policySource === 'head') {
      return {
        source: 'refuse',
        message:
          "policy-source: head is refused on pull_request_target: the run has the base repository's " +
          'secrets and write token, and the pull request would choose the rules that judge it. ' +
          'Remove policy-source (the base commit is used) or use the pull_request event.'
      }
    }
    const what = eventName === 'merge_group' ? 'merge group' : 'pull request'
    if (settings.policySource === 'head') {
      return {
        source: 'head',
        note:
          `policies from the ${what}'s own checkout (policy-source: head): a ${what} that ` +
          'changes them is judged by its own rules.'
      }
    }
    const baseSha =
      eventName === 'merge_group'
        ? stringAt(objectAt(payload, 'merge_group'), 'base_sha')
        : stringAt(objectAt(objectAt(payload, 'pull_request'), 'base'), 'sha')
    if (baseSha === undefined || !COMMIT_ID.test(baseSha)) {
      const field = eventName === 'merge_group' ? 'merge_group.base_sha' : 'pull_request.base.sha'
      return {
        source: 'refuse',
        message:
          `The ${eventName} event payload has no usable ${field} (${baseSha === undefined ? 'missing' : `'${baseSha}'`}), ` +
          `so the base commit's policies cannot be read. policy-gate does not fall back to the ` +
          `${what}'s own policies; set policy-source: head to use them knowingly.`
      }
    }
    return {
      source: 'base',
      baseSha,
      auditHead: !target,
      note: `policies from the base commit ${baseSha.slice(0, 12)} (policy-source: base): a ${what} cannot change the rules that judge it.`
    }
  }
  return {
    source: 'working-tree',
    note:
      settings.policySource === 'base'
        ? `policies from the working tree: policy-source: base applies to pull requests and merge groups, and this run is a ${eventName || 'local'} run.`
        : 'policies from the working tree.'
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing the base's verdict with the head's

const RANK: Record<Severity, number> = { error: 0, failure: 1, warning: 2, exception: 3 }

const findingKey = (f: Finding): string =>
  JSON.stringify([f.severity, f.file, f.id, f.message, f.document ?? null])

function byPriority(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    (a.line ?? 0) - (b.line ?? 0)
  )
}

/**
 * What the pull request's policies would change: the findings only the head's policies produce
 * (`appear`) and those only the base's produce (`disappear`), as multisets keyed on severity,
 * file, rule ID, message and document (not the line: the same finding may be located differently).
 */
export function comparePolicyResults(
  base: readonly Finding[],
  head: readonly Finding[]
): { appear: Finding[]; disappear: Finding[] } {
  const remaining = new Map<string, number>()
  for (const f of base) remaining.set(findingKey(f), (remaining.get(findingKey(f)) ?? 0) + 1)
  const appear: Finding[] = []
  for (const f of head) {
    const key = findingKey(f)
    const n = remaining.get(key) ?? 0
    if (n > 0) remaining.set(key, n - 1)
    else appear.push(f)
  }
  const disappear: Finding[] = []
  for (const f of base) {
    const key = findingKey(f)
    const n = remaining.get(key) ?? 0
    if (n > 0) {
      disappear.push(f)
      remaining.set(key, n - 1)
    }
  }
  return { appear: appear.sort(byPriority), disappear: disappear.sort(byPriority) }
}

/** How the head's policies were run in audit mode, as the caller knows it. */
export type HeadAudit = { findings: readonly Finding[] } | { error: string } | { notRun: string }

/** Why the head's policies are not run on pull_request_target, as the comment says it. */
export const HEAD_NOT_RUN_ON_TARGET =
  "this is a pull_request_target run, which has the base repository's secrets and write token, " +
  "so the pull request's own policies are not compiled or run there"

/**
 * Runs the pull request's own policies in audit mode when the decision allows it: `evaluate`
 * compiles and runs them and returns their findings; an error (a policy that does not compile,
 * a data file that does not parse) becomes the reason shown instead. Never throws.
 */
export async function auditHeadPolicies(
  decision: Extract<PolicySourceDecision, { source: 'base' }>,
  evaluate: () => Promise<readonly Finding[]>
): Promise<HeadAudit> {
  if (!decision.auditHead) return { notRun: HEAD_NOT_RUN_ON_TARGET }
  try {
    return { findings: await evaluate() }
  } catch (error) {
    return { error: errorMessage(error) }
  }
}

/** The data the comment and summary show about a pull request that changes its policies. */
export function summarizePolicyChange(input: {
  baseSha: string
  changed: readonly PolicyFileChange[]
  baseFindings: readonly Finding[]
  head: HeadAudit
}): PolicyChangeReport {
  const { baseSha, changed, baseFindings, head } = input
  const files = [...changed]
  if ('notRun' in head) return { baseSha, files, head: { outcome: 'not-run', reason: head.notRun } }
  if ('error' in head) return { baseSha, files, head: { outcome: 'error', message: head.error } }
  const counts: Record<Severity, number> = { failure: 0, error: 0, warning: 0, exception: 0 }
  for (const f of head.findings) counts[f.severity] += 1
  return {
    baseSha,
    files,
    head: { outcome: 'evaluated', counts, ...comparePolicyResults(baseFindings, head.findings) }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the base commit's policies (I/O)

export interface MaterializeOptions {
  /** The checkout (GITHUB_WORKSPACE); the policy and data paths are relative to it. */
  workspace: string
  /** The commit to read the policies from (`decision.baseSha`). */
  baseSha: string
  policyPaths: readonly string[]
  dataPaths: readonly string[]
  /** Where the temporary mirror is made (RUNNER_TEMP on a runner). */
  tempDir: string
  /** The remote actions/checkout configured; `origin` by default. */
  remote?: string
  log?: (line: string) => void
}

export interface BasePolicies {
  /**
   * A directory laid out like the workspace that holds only the base commit's policy and data
   * files: compile and load data with it as the working directory.
   */
  workspace: string
  /** The policy paths to compile, relative to `workspace` (absolute when outside the repository). */
  policyPaths: string[]
  dataPaths: string[]
  /** Configured paths with nothing at the base commit (a pull request that adds them). */
  absentAtBase: string[]
  /** Configured paths outside the repository: read from disk as they are, not from git. */
  outsideRepository: string[]
  /** Policy (non-test `.rego`) and data files the pull request adds, modifies or removes. */
  changed: PolicyFileChange[]
  /** Removes the mirror. */
  cleanup(): Promise<void>
}

const execFileAsync = promisify(execFile)
const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
    })
    return stdout
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr || errorMessage(error)}`, {
      cause: error
    })
  }
}

/** `git cat-file --batch`: the contents of many blobs from one process. */
function readBlobs(cwd: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
    })
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', code => {
      if (code !== 0) {
        reject(new Error(`git cat-file --batch failed in ${cwd}: ${stderr.trim() || code}`))
        return
      }
      const out = Buffer.concat(chunks)
      const blobs = new Map<string, Buffer>()
      let at = 0
      while (at < out.length) {
        const eol = out.indexOf(0x0a, at)
        const header = out.subarray(at, eol).toString()
        const [oid, type, size] = header.split(' ')
        if (type !== 'blob') {
          reject(new Error(`git cat-file --batch: unexpected '${header}' in ${cwd}`))
          return
        }
        const start = eol + 1
        blobs.set(oid, out.subarray(start, start + Number(size)))
        at = start + Number(size) + 1
      }
      resolve(blobs)
    })
    child.stdin.end(oids.map(oid => `${oid}\n`).join(''))
  })
}

interface TreeEntry {
  mode: string
  type: string
  oid: string
  /** Path from the repository root, `/`-separated. */
  path: string
}

/** `git ls-tree -r -z`: every entry under `treePath` (the whole tree when it is empty). */
async function listTree(toplevel: string, sha: string, treePath: string): Promise<TreeEntry[]> {
  const args = ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', sha]
  if (treePath !== '') args.push('--', treePath)
  const out = await git(toplevel, args)
  const entries: TreeEntry[] = []
  for (const record of out.split('\0')) {
    if (record === '') continue
    const tab = record.indexOf('\t')
    const [mode, type, oid] = record.slice(0, tab).split(' ')
    entries.push({ mode, type, oid, path: record.slice(tab + 1) })
  }
  return entries
}

type Kind = PolicyFileChange['kind']

/** Files of a kind inside a configured directory; a configured file counts whatever its name. */
function relevant(kind: Kind, file: string, configuredFile: boolean): boolean {
  if (configuredFile) return true
  if (kind === 'policy') return file.endsWith('.rego')
  return DATA_EXTENSIONS.has(path.posix.extname(file))
}

/** Test modules are never compiled into the gate, so changing them changes no decision. */
const affectsDecisions = (kind: Kind, file: string): boolean =>
  kind === 'data' || !file.endsWith('_test.rego')

/** Regular files under `dir` (not following links below it, as the policy and data loaders do). */
async function walkFiles(dir: string, out: string[]): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) await walkFiles(full, out)
    else if (entry.isFile()) out.push(full)
  }
}

/**
 * The working tree's files under one configured path; none when it is absent. The working tree is
 * the pull request's, so nothing here follows a link: a policy directory replaced by a link to `/`
 * must not send the comparison through the whole disk.
 */
async function workingTreeFiles(absolute: string): Promise<string[]> {
  const stat = await fs.lstat(absolute).catch(() => undefined)
  if (!stat) return []
  if (stat.isFile()) return [absolute]
  if (!stat.isDirectory()) return []
  const out: string[] = []
  await walkFiles(absolute, out).catch(() => undefined)
  return out
}

const isOutside = (relative: string): boolean =>
  relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)

const toPosix = (p: string): string => p.split(path.sep).join('/')

/** Line endings aside (a Windows checkout may convert them), are the two contents the same? */
const sameText = (a: Buffer, b: Buffer): boolean =>
  a.equals(b) ||
  a.toString('utf8').replace(/\r\n/g, '\n') === b.toString('utf8').replace(/\r\n/g, '\n')

async function ensureCommit(
  toplevel: string,
  sha: string,
  remote: string,
  log: (line: string) => void
): Promise<void> {
  const present = await git(toplevel, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false
  )
  if (present) return
  log(`Fetching the base commit ${sha} from ${remote} to read its policies.`)
  try {
    await git(toplevel, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', remote, sha])
  } catch (error) {
    throw new Error(
      `policy-source: base needs the base commit ${sha} to read the policies from, and it is not ` +
        `in the checkout; fetching it from ${remote} failed: ${errorMessage(error)}. Let ` +
        'actions/checkout keep its credentials (persist-credentials: true, the default) or fetch ' +
        'the history (fetch-depth: 0).',
      { cause: error }
    )
  }
}

/**
 * Writes the base commit's policy and data files into a temporary mirror of the workspace and
 * lists what the pull request changes in them. Blobs are read with `git cat-file`, so no
 * `.gitattributes` filter or hook of the checkout takes part. Links and submodules at a
 * configured path are refused (the base's policies must be exactly what git holds); links deeper
 * down are skipped, as the loaders skip them in a working tree.
 */
export async function materializeBasePolicies(options: MaterializeOptions): Promise<BasePolicies> {
  const log = options.log ?? (() => {})
  const remote = options.remote ?? 'origin'
  if (!COMMIT_ID.test(options.baseSha)) {
    throw new Error(`'${options.baseSha}' is not a commit ID; no base policies read.`)
  }
  const workspace = await fs.realpath(options.workspace)
  let toplevel: string
  try {
    toplevel = await fs.realpath((await git(workspace, ['rev-parse', '--show-toplevel'])).trim())
  } catch (error) {
    throw new Error(
      `policy-source: base reads the policies from the base commit with git, but the workspace ` +
        `${options.workspace} is not a git checkout (${errorMessage(error)}). Check the ` +
        'repository out with actions/checkout, or set policy-source: head.',
      { cause: error }
    )
  }
  await ensureCommit(toplevel, options.baseSha, remote, log)

  await fs.mkdir(options.tempDir, { recursive: true })
  const mirrorRoot = await fs.mkdtemp(path.join(options.tempDir, 'policy-gate-base-'))
  const mirrorWorkspace = path.join(mirrorRoot, path.relative(toplevel, workspace))
  const cleanup = (): Promise<void> => fs.rm(mirrorRoot, { recursive: true, force: true })
  try {
    await fs.mkdir(mirrorWorkspace, { recursive: true })
    const result = {
      policyPaths: [] as string[],
      dataPaths: [] as string[],
      absentAtBase: [] as string[],
      outsideRepository: [] as string[]
    }
    /** Base files by repository path, with their kind and content. */
    const baseFiles = new Map<string, { kind: Kind; content: Buffer }>()
    const headFiles = new Map<string, { kind: Kind; absolute: string }>()
    const configured: [Kind, string][] = [
      ...options.policyPaths.map(p => ['policy', p] as [Kind, string]),
      ...options.dataPaths.map(p => ['data', p] as [Kind, string])
    ]
    for (const [kind, given] of configured) {
      const absolute = path.resolve(workspace, given)
      const fromTop = path.relative(toplevel, absolute)
      const paths = kind === 'policy' ? result.policyPaths : result.dataPaths
      if (isOutside(fromTop)) {
        result.outsideRepository.push(given)
        paths.push(absolute)
        continue
      }
      const treePath = toPosix(fromTop)
      const configuredFile = (await fs.lstat(absolute).catch(() => undefined))?.isFile() ?? false
      for (const file of await workingTreeFiles(absolute)) {
        const repoPath = toPosix(path.relative(toplevel, file))
        if (relevant(kind, repoPath, configuredFile))
          headFiles.set(repoPath, { kind, absolute: file })
      }

      const entries = await listTree(toplevel, options.baseSha, treePath)
      if (entries.length === 0) {
        result.absentAtBase.push(given)
        continue
      }
      const exact = entries.find(e => e.path === treePath)
      if (exact && exact.mode === '120000') {
        throw new Error(
          `The ${kind} path ${given} is a symbolic link in the base commit ${options.baseSha}; ` +
            "policy-gate reads the base's policies from git and does not follow links. Point the " +
            `${kind === 'policy' ? 'policy' : 'data'} input at the directory itself.`
        )
      }
      if (exact && exact.type === 'commit') {
        throw new Error(
          `The ${kind} path ${given} is a git submodule in the base commit ${options.baseSha}; ` +
            'policy-gate cannot read policies from a submodule at the base. Vendor the policies ' +
            'into the repository or set policy-source: head.'
        )
      }
      const isFileAtBase = exact !== undefined
      const wanted = entries.filter(
        e =>
          e.type === 'blob' &&
          (e.mode === '100644' || e.mode === '100755') &&
          relevant(kind, e.path, isFileAtBase)
      )
      const blobs = await readBlobs(
        toplevel,
        wanted.map(e => e.oid)
      )
      for (const entry of wanted) {
        const target = path.join(mirrorRoot, ...entry.path.split('/'))
        if (isOutside(path.relative(mirrorRoot, target))) continue
        const content = blobs.get(entry.oid) ?? Buffer.alloc(0)
        await fs.mkdir(path.dirname(target), { recursive: true })
        await fs.writeFile(target, content)
        baseFiles.set(entry.path, { kind, content })
      }
      const relativeToWorkspace = toPosix(path.relative(workspace, absolute)) || '.'
      paths.push(relativeToWorkspace)
    }

    const changed: PolicyFileChange[] = []
    const prefix = toPosix(path.relative(toplevel, workspace))
    const display = (repoPath: string): string =>
      prefix === '' ? repoPath : path.posix.relative(prefix, repoPath)
    for (const [repoPath, head] of headFiles) {
      if (!affectsDecisions(head.kind, repoPath)) continue
      const base = baseFiles.get(repoPath)
      if (!base) {
        changed.push({ path: display(repoPath), status: 'added', kind: head.kind })
      } else if (!sameText(base.content, await fs.readFile(head.absolute))) {
        changed.push({ path: display(repoPath), status: 'modified', kind: head.kind })
      }
    }
    for (const [repoPath, base] of baseFiles) {
      if (!headFiles.has(repoPath) && affectsDecisions(base.kind, repoPath)) {
        changed.push({ path: display(repoPath), status: 'removed', kind: base.kind })
      }
    }
    changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    return { workspace: mirrorWorkspace, ...result, changed, cleanup }
  } catch (error) {
    await cleanup()
    throw error
  }
}

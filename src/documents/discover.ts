/**
 * Which files to evaluate. On pull requests, pushes and merge queues: the files the change touched
 * (GitHub's list of a pull request's files, or `git diff` when the list is incomplete or
 * unavailable); otherwise, or with `scope: all`, every file of the workspace. Either way only the
 * files matching the `files` globs, never `.git/` or `node_modules/`, and only regular files inside
 * the workspace (a symlink pointing out of it is not read).
 *
 * The decisions (scope per event, what an event says changed, glob and status filtering, parsing
 * git's output) are pure functions; `discover` does the I/O around them.
 */
import * as core from '@actions/core'
import { execFile } from 'node:child_process'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import picomatch from 'picomatch'
import { describeGitHubError, type GitHubClient } from '../github.js'
import { objectAt, stringAt, type Json } from '../event-payload.js'

export type Scope = 'changed' | 'all'

/** What policy-gate evaluates when `files` names no includes. */
export const DEFAULT_FILE_PATTERNS: readonly string[] = [
  '**/*.{yaml,yml,json}',
  '**/*.tf',
  '**/*.tfvars',
  '**/Dockerfile*',
  '**/*.dockerfile',
  '**/Containerfile',
  '.github/workflows/*',
  '.gitlab-ci.yml'
]

/**
 * What the defaults leave out: JSON that its own tools read with comments (TypeScript's and
 * JavaScript's project files, ESLint's, VS Code's and dev containers' settings), which a JSON
 * parser rejects, and npm's and pnpm's lock files, generated and often over the size limit. None
 * is a configuration the policies judge; a pull request that touches one must not fail the gate
 * with a parse error. Only with the default includes: `files` with includes gets exactly those.
 */
export const DEFAULT_EXCLUDED_PATTERNS: readonly string[] = [
  '**/tsconfig*.json',
  '**/jsconfig*.json',
  '**/.eslintrc.json',
  '**/.vscode/*.json',
  '**/.devcontainer.json',
  '**/.devcontainer/devcontainer.json',
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/pnpm-lock.yaml'
]

/** GitHub lists at most this many files of a pull request. */
export const PULL_REQUEST_FILES_LIMIT = 3000

const CHANGE_EVENTS = new Set(['pull_request', 'pull_request_target', 'push', 'merge_group'])

/** `changed` for events that say what changed, `all` for the rest (schedule, dispatch, ...). */
export function defaultScope(eventName: string): Scope {
  return CHANGE_EVENTS.has(eventName) ? 'changed' : 'all'
}

// ---------------------------------------------------------------------------------------------
// Globs

export interface FilePatterns {
  include: string[]
  exclude: string[]
}

/**
 * The `files` input: one glob a line, `!` excluding; blank lines and `#` comments ignored. With no
 * include line the defaults apply, with their exclusions, so `!vendor/**` alone narrows them.
 */
export function parseFilePatterns(input: string | readonly string[] = ''): FilePatterns {
  const lines = (typeof input === 'string' ? input.split(/\r?\n/) : [...input])
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'))
  const include = lines.filter(line => !line.startsWith('!'))
  const exclude = lines.filter(line => line.startsWith('!')).map(line => line.slice(1).trim())
  if (include.length > 0) return { include, exclude }
  return {
    include: [...DEFAULT_FILE_PATTERNS],
    exclude: [...DEFAULT_EXCLUDED_PATTERNS, ...exclude]
  }
}

const ALWAYS_SKIPPED = /(^|\/)(\.git|node_modules)(\/|$)/

/** A predicate on workspace-relative, `/`-separated paths. */
export function fileMatcher(patterns: FilePatterns): (file: string) => boolean {
  const included = picomatch(patterns.include, { dot: true })
  const excluded = patterns.exclude.length > 0 ? picomatch(patterns.exclude, { dot: true }) : null
  return file => !ALWAYS_SKIPPED.test(file) && included(file) && !(excluded?.(file) ?? false)
}

// ---------------------------------------------------------------------------------------------
// What changed

export type ChangeStatus =
  | 'added'
  | 'modified'
  | 'removed'
  | 'renamed'
  | 'copied'
  | 'changed'
  | 'unchanged'
  | 'type-changed'
  | 'unmerged'
  | 'unknown'

export interface ChangedFile {
  /** Path after the change, relative to the repository root. */
  path: string
  status: ChangeStatus
  previousPath?: string
}

/** Paths worth evaluating: not removed or unchanged, renamed ones at their new path, each once. */
export function pathsToEvaluate(changes: readonly ChangedFile[]): string[] {
  const paths = changes
    .filter(change => change.status !== 'removed' && change.status !== 'unchanged')
    .map(change => change.path)
  return [...new Set(paths)]
}

const GIT_STATUS: Record<string, ChangeStatus> = {
  A: 'added',
  M: 'modified',
  D: 'removed',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
  U: 'unmerged',
  X: 'unknown'
}

/** Parses `git diff --name-status -z`: `M\0path\0`, and `R100\0old\0new\0` for renames/copies. */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0')
  const changes: ChangedFile[] = []
  for (let i = 0; i < fields.length;) {
    const code = fields[i++] ?? ''
    if (code === '') continue
    const status = GIT_STATUS[code[0] ?? ''] ?? 'unknown'
    if (status === 'renamed' || status === 'copied') {
      const previousPath = fields[i++] ?? ''
      changes.push({ path: fields[i++] ?? '', status, previousPath })
    } else {
      changes.push({ path: fields[i++] ?? '', status })
    }
  }
  return changes.filter(change => change.path !== '')
}

/** The change an event describes, as the commits (or pull request) to compare. */
export type ChangeRange =
  | {
      kind: 'pull_request'
      owner: string
      repo: string
      number: number
      baseSha: string
      headSha: string
      /** `pull_request.changed_files`: how many files GitHub counts, to notice a capped list. */
      changedFiles?: number
    }
  | { kind: 'push'; ref: string; before: string; after: string; defaultBranch?: string }
  | { kind: 'merge_group'; baseSha: string; headSha: string }
  /** Local use (`--changed-since REF`): the branch since it left REF, plus uncommitted work. */
  | { kind: 'since'; ref: string }

const ZERO_SHA = /^0+$/

/** The range an event's webhook payload describes; undefined for events that describe none. */
export function changeRangeOf(eventName: string, payload: Json): ChangeRange | undefined {
  const repository = objectAt(payload, 'repository')
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pull = objectAt(payload, 'pull_request')
    const baseSha = stringAt(objectAt(pull, 'base'), 'sha')
    const headSha = stringAt(objectAt(pull, 'head'), 'sha')
    const owner = stringAt(objectAt(repository, 'owner'), 'login')
    const repo = stringAt(repository, 'name')
    const number = pull?.number
    if (!baseSha || !headSha || !owner || !repo || typeof number !== 'number') return undefined
    const changedFiles = pull?.changed_files
    return {
      kind: 'pull_request',
      owner,
      repo,
      number,
      baseSha,
      headSha,
      ...(typeof changedFiles === 'number' ? { changedFiles } : {})
    }
  }
  if (eventName === 'push') {
    const before = stringAt(payload, 'before')
    const after = stringAt(payload, 'after')
    const ref = stringAt(payload, 'ref')
    if (!before || !after || !ref) return undefined
    const defaultBranch = stringAt(repository, 'default_branch')
    return { kind: 'push', ref, before, after, ...(defaultBranch ? { defaultBranch } : {}) }
  }
  if (eventName === 'merge_group') {
    const group = objectAt(payload, 'merge_group')
    const baseSha = stringAt(group, 'base_sha')
    const headSha = stringAt(group, 'head_sha')
    return baseSha && headSha ? { kind: 'merge_group', baseSha, headSha } : undefined
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// discover

export interface DiscoverOptions {
  /** Directory the globs and the returned paths are relative to (GITHUB_WORKSPACE). */
  workspace: string
  scope: Scope
  /** The `files` input (lines or a list); default DEFAULT_FILE_PATTERNS. */
  patterns?: string | readonly string[]
  /** The triggering event (`github.context.eventName` and `.payload`), for `scope: changed`. */
  event?: { name: string; payload: Json }
  /** Local use: evaluate what changed since this ref (`git diff REF...HEAD`, plus uncommitted). */
  changedSince?: string
  /** Lists a pull request's files; without it, pull requests use git. */
  octokit?: GitHubClient
  /** The remote actions/checkout configured; default `origin`. */
  remote?: string
  log?: (message: string) => void
}

export interface Discovery {
  /** Workspace-relative, `/`-separated, sorted, each an existing regular file. */
  files: string[]
  source: 'pull-request-api' | 'git-diff' | 'workspace'
  /** When `files` is empty: why, in a sentence for a notice. */
  notice?: string
}

export async function discover(options: DiscoverOptions): Promise<Discovery> {
  const log = options.log ?? ((message: string) => core.info(message))
  const workspace = path.resolve(options.workspace)
  const matches = fileMatcher(parseFilePatterns(options.patterns))

  if (options.changedSince === undefined && options.scope === 'all') {
    const files = await walkWorkspace(workspace, matches)
    return {
      files,
      source: 'workspace',
      ...(files.length === 0
        ? { notice: 'No file in the workspace matches the `files` patterns.' }
        : {})
    }
  }

  const range: ChangeRange | undefined =
    options.changedSince !== undefined
      ? { kind: 'since', ref: options.changedSince }
      : options.event && changeRangeOf(options.event.name, options.event.payload)
  if (!range) {
    const name = options.event?.name ?? 'unknown'
    throw new Error(
      `scope: changed needs a pull_request, pull_request_target, push or merge_group event that says what changed; this run's event is "${name}". Use scope: all for it.`
    )
  }

  const git = new Git(workspace, options.remote ?? 'origin', log)
  const changed = await changedFiles(range, git, options.octokit, log)
  if (changed.notice) return { files: [], source: changed.source, notice: changed.notice }

  const candidates = pathsToEvaluate(changed.changes)
  const inWorkspace = await toWorkspacePaths(candidates, changed.relativeTo, git)
  const relevant = inWorkspace.filter(matches)
  const { files, skipped } = await keepRegularFiles(workspace, relevant)
  if (skipped.length > 0) {
    log(
      `Skipped ${skipped.length} changed file(s) that are not regular files in the workspace (deleted in the checkout, directories, or symlinks pointing outside it): ${preview(skipped)}`
    )
  }
  log(
    `${candidates.length} changed file(s) (from ${changed.source === 'git-diff' ? 'git diff' : "GitHub's list of the pull request's files"}); ${files.length} to evaluate.`
  )
  return {
    files,
    source: changed.source,
    ...(files.length === 0
      ? {
          notice:
            candidates.length === 0
              ? 'This change touches no files; nothing to evaluate.'
              : `None of the ${candidates.length} changed file(s) matches the \`files\` patterns; nothing to evaluate.`
        }
      : {})
  }
}

const preview = (paths: readonly string[]): string =>
  paths.slice(0, 10).join(', ') + (paths.length > 10 ? `, and ${paths.length - 10} more` : '')

interface Changes {
  changes: ChangedFile[]
  source: 'pull-request-api' | 'git-diff'
  /** `repository`: paths from GitHub, relative to the repository root; `workspace`: from git --relative. */
  relativeTo: 'repository' | 'workspace'
  notice?: string
}

async function changedFiles(
  range: ChangeRange,
  git: Git,
  octokit: GitHubClient | undefined,
  log: (message: string) => void
): Promise<Changes> {
  const fromGit = (changes: ChangedFile[]): Changes => ({
    changes,
    source: 'git-diff',
    relativeTo: 'workspace'
  })
  switch (range.kind) {
    case 'pull_request': {
      if (octokit) {
        const listed = await listPullRequestFiles(octokit, range, log)
        if (listed) return { changes: listed, source: 'pull-request-api', relativeTo: 'repository' }
      }
      const base = await git.mergeBase(range.baseSha, range.headSha)
      return fromGit(await git.diff(base, range.headSha))
    }
    case 'merge_group':
      await git.ensureCommits([range.baseSha, range.headSha])
      return fromGit(await git.diff(range.baseSha, range.headSha))
    case 'push':
      return pushChanges(range, git, log)
    case 'since': {
      if (!(await git.hasCommit(range.ref))) {
        throw new Error(`--changed-since ${range.ref}: no such commit, branch or tag in ${git.cwd}`)
      }
      const base = await git.mergeBase(range.ref, 'HEAD')
      const tracked = await git.diff(base)
      const untracked = await git.untracked()
      return fromGit([
        ...tracked,
        ...untracked.map(file => ({ path: file, status: 'added' as const }))
      ])
    }
  }
}

async function pushChanges(
  range: Extract<ChangeRange, { kind: 'push' }>,
  git: Git,
  log: (message: string) => void
): Promise<Changes> {
  const result = (changes: ChangedFile[]): Changes => ({
    changes,
    source: 'git-diff',
    relativeTo: 'workspace'
  })
  if (ZERO_SHA.test(range.after)) {
    return {
      changes: [],
      source: 'git-diff',
      relativeTo: 'workspace',
      notice: `${range.ref} was deleted; nothing to evaluate.`
    }
  }
  if (!ZERO_SHA.test(range.before)) {
    try {
      await git.ensureCommits([range.before, range.after])
      return result(await git.diff(range.before, range.after))
    } catch (error) {
      // A force push can leave `before` unreachable; judge the branch as if it were new.
      log(`Could not compare with the commit before the push (${errorMessage(error)}).`)
    }
  }
  const branch = range.defaultBranch
  if (!branch || range.ref === `refs/heads/${branch}`) {
    log(
      `${range.ref} has no earlier commit to compare with; every file of ${range.after} counts as changed.`
    )
    await git.ensureCommits([range.after])
    return result(await git.diff(await git.emptyTree(), range.after))
  }
  log(`${range.ref} is new; comparing it with where it left ${branch}.`)
  const base = await git.mergeBase(`refs/remotes/${git.remote}/${branch}`, range.after, branch)
  return result(await git.diff(base, range.after))
}

/**
 * GitHub's list of the pull request's files, or undefined (and a log line) when it cannot be
 * trusted to be complete: the API failed, or it stopped at its 3,000-file cap.
 */
async function listPullRequestFiles(
  octokit: GitHubClient,
  range: Extract<ChangeRange, { kind: 'pull_request' }>,
  log: (message: string) => void
): Promise<ChangedFile[] | undefined> {
  let listed: { filename: string; status: string; previous_filename?: string }[]
  try {
    listed = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: range.owner,
      repo: range.repo,
      pull_number: range.number,
      per_page: 100
    })
  } catch (error) {
    log(
      `Listing the files of pull request #${range.number} failed (${describeGitHubError(error)}); using git diff instead.`
    )
    return undefined
  }
  const expected = range.changedFiles
  if (
    listed.length >= PULL_REQUEST_FILES_LIMIT ||
    (expected !== undefined && listed.length < expected)
  ) {
    log(
      `Pull request #${range.number} changes ${expected ?? 'at least ' + listed.length} files and GitHub lists ${listed.length} (it lists at most ${PULL_REQUEST_FILES_LIMIT}); using git diff instead.`
    )
    return undefined
  }
  return listed.map(file => ({
    path: file.filename,
    status: file.status as ChangeStatus,
    ...(file.previous_filename ? { previousPath: file.previous_filename } : {})
  }))
}

/** Repository-root paths (from GitHub) made relative to the workspace, which may be a subfolder. */
async function toWorkspacePaths(
  paths: string[],
  relativeTo: 'repository' | 'workspace',
  git: Git
): Promise<string[]> {
  if (relativeTo === 'workspace') return paths
  const prefix = await git.prefix()
  if (prefix === '') return paths
  return paths.filter(file => file.startsWith(prefix)).map(file => file.slice(prefix.length))
}

/** Keeps regular files (or symlinks to regular files) that resolve inside the workspace. */
async function keepRegularFiles(
  workspace: string,
  paths: readonly string[]
): Promise<{ files: string[]; skipped: string[] }> {
  const root = await realpath(workspace)
  const files: string[] = []
  const skipped: string[] = []
  for (const file of paths) {
    if (await isRegularFileInside(root, path.join(workspace, file))) files.push(file)
    else skipped.push(file)
  }
  return { files: files.sort(), skipped }
}

async function isRegularFileInside(root: string, file: string): Promise<boolean> {
  try {
    const info = await lstat(file)
    if (info.isFile()) return true
    if (!info.isSymbolicLink()) return false
    const target = await realpath(file)
    const relative = path.relative(root, target)
    const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
    return inside && (await stat(target)).isFile()
  } catch {
    return false
  }
}

/** Every matching file of the workspace; symlinked directories are not followed. */
async function walkWorkspace(
  workspace: string,
  matches: (file: string) => boolean
): Promise<string[]> {
  const root = await realpath(workspace)
  const found: string[] = []
  const visit = async (relativeDir: string): Promise<void> => {
    const entries = await readdir(path.join(workspace, relativeDir), { withFileTypes: true })
    for (const entry of entries) {
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') await visit(relative)
      } else if (
        (entry.isFile() || entry.isSymbolicLink()) &&
        matches(relative) &&
        (await isRegularFileInside(root, path.join(workspace, relative)))
      ) {
        found.push(relative)
      }
    }
  }
  await visit('')
  return found.sort()
}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

// ---------------------------------------------------------------------------------------------
// git

const execFileAsync = promisify(execFile)

/** The git commands discovery needs, run in the workspace; fetches what a shallow clone lacks. */
class Git {
  constructor(
    readonly cwd: string,
    readonly remote: string,
    private readonly log: (message: string) => void
  ) {}

  async run(args: string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync('git', args, {
        cwd: this.cwd,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
      })
      return stdout
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
      throw new Error(
        `git ${args.join(' ')} failed in ${this.cwd}: ${stderr || errorMessage(error)}`,
        {
          cause: error
        }
      )
    }
  }

  async succeeds(args: string[]): Promise<boolean> {
    try {
      await this.run(args)
      return true
    } catch {
      return false
    }
  }

  /** Changes between two commits, or between a commit and the working tree. */
  async diff(from: string, to?: string): Promise<ChangedFile[]> {
    const args = ['-c', 'core.quotePath=false', 'diff', '--name-status', '-z', '--no-renames']
    // --relative: paths relative to the workspace, which may be a subfolder of the repository.
    args.push('--relative', from, ...(to ? [to] : []), '--')
    return parseNameStatus(await this.run(args))
  }

  async untracked(): Promise<string[]> {
    const output = await this.run(['ls-files', '--others', '--exclude-standard', '-z'])
    return output.split('\0').filter(file => file !== '')
  }

  /** The workspace's path inside the repository (`infra/`), empty at the root. */
  async prefix(): Promise<string> {
    if (!(await this.succeeds(['rev-parse', '--git-dir']))) return ''
    return (await this.run(['rev-parse', '--show-prefix'])).trim()
  }

  async emptyTree(): Promise<string> {
    return (await this.run(['hash-object', '-t', 'tree', '/dev/null'])).trim()
  }

  hasCommit(rev: string): Promise<boolean> {
    return this.succeeds(['cat-file', '-e', `${rev}^{commit}`])
  }

  private async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true'
  }

  /** Fetches the commits the checkout lacks (actions/checkout fetches one commit by default). */
  async ensureCommits(shas: readonly string[]): Promise<void> {
    const missing: string[] = []
    for (const sha of shas) if (!(await this.hasCommit(sha))) missing.push(sha)
    if (missing.length === 0) return
    this.log(`Fetching ${missing.join(', ')} from ${this.remote}.`)
    await this.run([
      'fetch',
      '--no-tags',
      '--no-recurse-submodules',
      '--depth=1',
      this.remote,
      ...missing
    ])
  }

  /**
   * The merge base of `a` and `b`. In a shallow clone it may be out of reach: fetch both with a
   * growing depth until it shows, then the whole history. `fetchAs` is what to fetch for `a`
   * when `a` is a remote-tracking ref that may not exist yet (a branch name).
   */
  async mergeBase(a: string, b: string, fetchAs?: string): Promise<string> {
    if (!(await this.hasCommit(a)) && fetchAs) {
      this.log(`Fetching ${fetchAs} from ${this.remote}.`)
      await this.run([
        'fetch',
        '--no-tags',
        '--no-recurse-submodules',
        '--depth=1',
        this.remote,
        `+refs/heads/${fetchAs}:${a}`
      ])
    }
    // What to fetch when deepening: a branch through its refspec, so the ref itself deepens.
    const refs = fetchAs ? [`+refs/heads/${fetchAs}:${a}`, b] : [a, b]
    await this.ensureCommits(fetchAs ? [b] : [a, b])
    const attempt = async (): Promise<string | undefined> => {
      try {
        return (await this.run(['merge-base', a, b])).trim()
      } catch {
        return undefined
      }
    }
    let base = await attempt()
    for (const depth of [50, 200, 1000]) {
      if (base !== undefined || !(await this.isShallow())) break
      this.log(
        `The merge base of ${a} and ${b} is not in this shallow clone; fetching ${depth} commits of each.`
      )
      await this.run([
        'fetch',
        '--no-tags',
        '--no-recurse-submodules',
        `--depth=${depth}`,
        this.remote,
        ...refs
      ])
      base = await attempt()
    }
    if (base === undefined && (await this.isShallow())) {
      this.log('Still no merge base; fetching the whole history.')
      await this.run([
        'fetch',
        '--no-tags',
        '--no-recurse-submodules',
        '--unshallow',
        this.remote,
        ...refs
      ])
      base = await attempt()
    }
    if (base === undefined) {
      throw new Error(
        `${a} and ${b} have no common history, so what changed between them is unknown.`
      )
    }
    return base
  }
}

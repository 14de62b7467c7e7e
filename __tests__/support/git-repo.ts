// Real git repositories in temporary folders, for tests of code that reads git history: create
// one, commit files to it, branch, and clone it (shallow too) the way actions/checkout does.

import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

// Isolated from the machine's git configuration, with a fixed identity.
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Policy Gate Tests',
  GIT_AUTHOR_EMAIL: 'tests@policy-gate.invalid',
  GIT_COMMITTER_NAME: 'Policy Gate Tests',
  GIT_COMMITTER_EMAIL: 'tests@policy-gate.invalid',
  GIT_TERMINAL_PROMPT: '0'
}

export interface GitRepo {
  dir: string
  /** `file://` URL to clone or fetch from. */
  url: string
  git(...args: string[]): Promise<string>
  /** Writes files (`null` deletes one), stages everything, commits; returns the new commit. */
  commit(message: string, files: Record<string, string | null>): Promise<string>
  /** Writes files without committing (`null` deletes one). */
  write(files: Record<string, string | null>): Promise<void>
  /** The commit `rev` names (default HEAD). */
  sha(rev?: string): Promise<string>
}

export async function runGit(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, env: GIT_ENV })
    return stdout
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr}`, { cause: error })
  }
}

function repoAt(dir: string): GitRepo {
  const git = (...args: string[]) => runGit(dir, args)
  const write = async (files: Record<string, string | null>): Promise<void> => {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(dir, file)
      if (content === null) {
        await rm(target, { force: true })
      } else {
        await mkdir(path.dirname(target), { recursive: true })
        await writeFile(target, content)
      }
    }
  }
  return {
    dir,
    url: `file://${dir}`,
    git,
    write,
    async commit(message, files) {
      await write(files)
      await git('add', '-A')
      await git('commit', '-q', '--allow-empty', '-m', message)
      return (await git('rev-parse', 'HEAD')).trim()
    },
    async sha(rev = 'HEAD') {
      return (await git('rev-parse', `${rev}^{commit}`)).trim()
    }
  }
}

/** A temporary folder, removed by `removeTemporaryDirectories`. */
const created: string[] = []
export async function temporaryDirectory(prefix = 'policy-gate-git-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  created.push(dir)
  return dir
}

export async function removeTemporaryDirectories(): Promise<void> {
  await Promise.all(created.splice(0).map(dir => rm(dir, { recursive: true, force: true })))
}

/** A new repository with an initial branch (`main`) and no commits. */
export async function createGitRepo(branch = 'main'): Promise<GitRepo> {
  const dir = await temporaryDirectory()
  await runGit(dir, ['init', '-q', '-b', branch])
  return repoAt(dir)
}

/**
 * A clone of `source`, as actions/checkout makes one: `depth` 1 gives its default single-commit,
 * single-branch checkout; `ref` checks out a branch or a commit (`refs/pull/N/merge` style).
 */
export async function cloneGitRepo(
  source: GitRepo,
  options: { depth?: number; branch?: string } = {}
): Promise<GitRepo> {
  const dir = await temporaryDirectory('policy-gate-clone-')
  const args = ['clone', '-q', '--no-tags']
  if (options.depth !== undefined) args.push(`--depth=${options.depth}`)
  if (options.branch !== undefined) args.push('--branch', options.branch)
  // `file://` so that --depth applies; a plain path would hard-link the full history.
  await runGit(path.dirname(dir), [...args, source.url, dir])
  return repoAt(dir)
}

/** A shallow checkout of one commit, as actions/checkout does for a pull request's merge commit. */
export async function checkoutCommit(source: GitRepo, sha: string): Promise<GitRepo> {
  const dir = await temporaryDirectory('policy-gate-checkout-')
  await runGit(dir, ['init', '-q'])
  await runGit(dir, ['remote', 'add', 'origin', source.url])
  await runGit(dir, ['fetch', '-q', '--no-tags', '--depth=1', 'origin', sha])
  await runGit(dir, ['checkout', '-q', '--detach', sha])
  return repoAt(dir)
}

// File discovery: the pure decisions table-driven, then `discover` against real git repositories
// (full and shallow clones made as actions/checkout makes them), real webhook payloads from
// @octokit/webhooks-examples, and the test GitHub server for a pull request's file list.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import {
  changeRangeOf,
  defaultScope,
  DEFAULT_EXCLUDED_PATTERNS,
  DEFAULT_FILE_PATTERNS,
  discover,
  fileMatcher,
  parseFilePatterns,
  parseNameStatus,
  pathsToEvaluate
} from '../src/documents/discover.js'
import { createOctokit, type GitHubClient } from '../src/github.js'
import {
  checkoutCommit,
  cloneGitRepo,
  createGitRepo,
  removeTemporaryDirectories,
  temporaryDirectory,
  type GitRepo
} from './support/git-repo.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

type Payload = Record<string, unknown>
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json'
) as { name: string; examples: Payload[] }[]

function example(event: string, match: (payload: Payload) => boolean = () => true): Payload {
  const found = examples.find(group => group.name === event)?.examples.find(match)
  if (!found) throw new Error(`no ${event} example in @octokit/webhooks-examples`)
  return structuredClone(found)
}

const ZEROS = '0'.repeat(40)

afterAll(async () => {
  await removeTemporaryDirectories()
})

describe('defaultScope', () => {
  it.each([
    ['pull_request', 'changed'],
    ['pull_request_target', 'changed'],
    ['push', 'changed'],
    ['merge_group', 'changed'],
    ['workflow_dispatch', 'all'],
    ['schedule', 'all'],
    ['release', 'all']
  ])('%s → %s', (event, scope) => {
    expect(defaultScope(event)).toBe(scope)
  })
})

describe('file patterns', () => {
  it('uses the defaults without includes, and keeps the exclusions given', () => {
    expect(parseFilePatterns('')).toEqual({
      include: [...DEFAULT_FILE_PATTERNS],
      exclude: [...DEFAULT_EXCLUDED_PATTERNS]
    })
    expect(parseFilePatterns('!vendor/**\r\n# a comment\n\n')).toEqual({
      include: [...DEFAULT_FILE_PATTERNS],
      exclude: [...DEFAULT_EXCLUDED_PATTERNS, 'vendor/**']
    })
    expect(parseFilePatterns(['k8s/**/*.yaml', ' ! k8s/generated/** '])).toEqual({
      include: ['k8s/**/*.yaml'],
      exclude: ['k8s/generated/**']
    })
  })

  const defaults = fileMatcher(parseFilePatterns(''))
  it.each([
    ['k8s/deploy.yaml', true],
    ['chart/values.yml', true],
    ['plan.json', true],
    ['infra/main.tf', true],
    ['infra/prod.tfvars', true],
    ['Dockerfile', true],
    ['services/api/Dockerfile.prod', true],
    ['build/app.dockerfile', true],
    ['Containerfile', true],
    ['.github/workflows/ci.yml', true],
    ['.gitlab-ci.yml', true],
    ['README.md', false],
    ['src/index.ts', false],
    ['node_modules/pkg/package.json', false],
    ['web/node_modules/pkg/x.yaml', false],
    ['.git/info.json', false],
    ['tsconfig.json', false],
    ['packages/web/tsconfig.build.json', false],
    ['jsconfig.json', false],
    ['.eslintrc.json', false],
    ['.vscode/settings.json', false],
    ['.devcontainer/devcontainer.json', false],
    ['.devcontainer/Dockerfile', true],
    ['package-lock.json', false],
    ['web/npm-shrinkwrap.json', false],
    ['pnpm-lock.yaml', false],
    ['package.json', true]
  ])('by default, %s → %s', (file, expected) => {
    expect(defaults(file)).toBe(expected)
  })

  it('leaves the default exclusions out when files names its own includes', () => {
    const matches = fileMatcher(parseFilePatterns('**/*.json'))
    expect(['tsconfig.json', 'package-lock.json', 'plan.json'].filter(matches)).toEqual([
      'tsconfig.json',
      'package-lock.json',
      'plan.json'
    ])
  })

  it('applies exclusions after includes, and never .git/ or node_modules/', () => {
    const matches = fileMatcher(parseFilePatterns('**/*\n!vendor/**\n!**/*.md'))
    expect(
      ['a.yaml', 'vendor/x.yaml', 'docs/a.md', 'node_modules/a', '.git/HEAD'].filter(matches)
    ).toEqual(['a.yaml'])
  })
})

describe('change lists', () => {
  it('skips removed and unchanged files, takes renames at the new path, once each', () => {
    expect(
      pathsToEvaluate([
        { path: 'a.yaml', status: 'modified' },
        { path: 'gone.yaml', status: 'removed' },
        { path: 'new.yaml', status: 'renamed', previousPath: 'old.yaml' },
        { path: 'same.yaml', status: 'unchanged' },
        { path: 'a.yaml', status: 'changed' }
      ])
    ).toEqual(['a.yaml', 'new.yaml'])
  })

  it('parses git diff --name-status -z, odd names included', () => {
    expect(
      parseNameStatus(
        'M\0a b.yaml\0R087\0old.yaml\0new.yaml\0D\0gone.yaml\0A\0line\nbreak.yml\0T\0link\0'
      )
    ).toEqual([
      { path: 'a b.yaml', status: 'modified' },
      { path: 'new.yaml', status: 'renamed', previousPath: 'old.yaml' },
      { path: 'gone.yaml', status: 'removed' },
      { path: 'line\nbreak.yml', status: 'added' },
      { path: 'link', status: 'type-changed' }
    ])
    expect(parseNameStatus('')).toEqual([])
  })
})

describe('changeRangeOf, on real webhook payloads', () => {
  it.each(['pull_request', 'pull_request_target'])('reads a %s event', event => {
    const payload = example('pull_request', p => p.action === 'opened')
    expect(changeRangeOf(event, payload)).toEqual({
      kind: 'pull_request',
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 2,
      baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      changedFiles: 1
    })
  })

  it('reads a push that created a branch', () => {
    const payload = example('push', p => p.ref === 'refs/heads/master')
    expect(changeRangeOf('push', payload)).toEqual({
      kind: 'push',
      ref: 'refs/heads/master',
      before: ZEROS,
      after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      defaultBranch: 'master'
    })
  })

  it('reads a merge group', () => {
    expect(changeRangeOf('merge_group', example('merge_group'))).toEqual({
      kind: 'merge_group',
      baseSha: '380387fbc80638b734a49e1be1c4dfec1c01b33c',
      headSha: '2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d'
    })
  })

  it('finds no range in events that describe none', () => {
    expect(changeRangeOf('workflow_dispatch', example('workflow_dispatch'))).toBeUndefined()
    expect(changeRangeOf('pull_request', {})).toBeUndefined()
  })
})

/**
 * origin: main (5 commits) ← feature (modifies k8s/a.yaml, adds k8s/new.yaml and a Dockerfile,
 * deletes k8s/old.yaml, renames k8s/r1.yaml → k8s/r2.yaml, adds README.md); main then moves on
 * (main-only.yaml), and `merge` is the pull request's test merge commit.
 */
interface PullRequestRepo {
  origin: GitRepo
  baseSha: string
  headSha: string
  mergeSha: string
  mainSha: string
}

async function pullRequestRepo(): Promise<PullRequestRepo> {
  const origin = await createGitRepo()
  await origin.commit('base', {
    'k8s/a.yaml': 'a: 1\n',
    'k8s/old.yaml': 'old: 1\n',
    'k8s/r1.yaml': 'r: 1\n',
    'terraform/main.tf': 'resource "null_resource" "x" {}\n'
  })
  for (let i = 0; i < 4; i++)
    await origin.commit(`history ${i}`, { [`history/${i}.yaml`]: `i: ${i}\n` })
  await origin.git('checkout', '-q', '-b', 'feature')
  await origin.commit('feature 1', {
    'k8s/a.yaml': 'a: 2\n',
    'k8s/new.yaml': 'n: 1\n',
    'k8s/old.yaml': null
  })
  await origin.git('mv', 'k8s/r1.yaml', 'k8s/r2.yaml')
  const headSha = await origin.commit('feature 2', {
    'README.md': '# readme\n',
    Dockerfile: 'FROM alpine\n'
  })
  await origin.git('checkout', '-q', 'main')
  const baseSha = await origin.commit('main moves on', { 'main-only.yaml': 'm: 1\n' })
  await origin.git('checkout', '-q', '-b', 'merge')
  await origin.git('merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature')
  const mergeSha = await origin.sha()
  await origin.git('checkout', '-q', 'main')
  return { origin, baseSha, headSha, mergeSha, mainSha: baseSha }
}

const PR_CHANGES = ['Dockerfile', 'k8s/a.yaml', 'k8s/new.yaml', 'k8s/r2.yaml']

function pullRequestEvent(repo: PullRequestRepo, changedFiles: number) {
  const payload = example('pull_request', p => p.action === 'synchronize')
  const pull = payload.pull_request as Payload & { base: Payload; head: Payload }
  pull.base.sha = repo.baseSha
  pull.head.sha = repo.headSha
  pull.changed_files = changedFiles
  return { name: 'pull_request', payload }
}

describe('discover: pull requests', () => {
  let repo: PullRequestRepo
  let server: GitHubServer
  let octokit: GitHubClient
  let logged: string[]
  const log = (message: string) => logged.push(message)

  beforeAll(async () => {
    repo = await pullRequestRepo()
  })

  beforeEach(async () => {
    logged = []
    server = await startGitHubServer()
    const quiet = () => undefined
    octokit = await createOctokit(server.token, {
      baseUrl: server.url,
      userAgent: 'policy-gate-tests',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      retryBaseMs: 20
    })
  })

  afterEach(async () => {
    await server.close()
  })

  it('takes the files from GitHub’s list: removed skipped, renamed at the new path', async () => {
    server.state.addPullRequest('Codertocat/Hello-World', 2, [
      { filename: 'k8s/a.yaml', status: 'modified' },
      { filename: 'k8s/new.yaml', status: 'added' },
      { filename: 'k8s/old.yaml', status: 'removed' },
      { filename: 'k8s/r2.yaml', status: 'renamed', previous_filename: 'k8s/r1.yaml' },
      { filename: 'README.md', status: 'added' },
      { filename: 'Dockerfile', status: 'added' }
    ])
    const workspace = await checkoutCommit(repo.origin, repo.mergeSha)
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pullRequestEvent(repo, 6),
      octokit,
      log
    })
    expect(result).toEqual({ files: PR_CHANGES, source: 'pull-request-api' })
    // No history was needed.
    expect((await workspace.git('rev-list', '--count', '--all')).trim()).toBe('1')
  })

  it('falls back to git diff, deepening a shallow checkout, when GitHub’s list is capped', async () => {
    const many = Array.from({ length: 3500 }, (_, i) => ({ filename: `gen/${i}.yaml` }))
    server.state.addPullRequest('Codertocat/Hello-World', 2, many)
    const workspace = await checkoutCommit(repo.origin, repo.mergeSha)
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pullRequestEvent(repo, 3500),
      octokit,
      log
    })
    expect(result).toEqual({ files: PR_CHANGES, source: 'git-diff' })
    expect(logged.join('\n')).toMatch(
      /changes 3500 files and GitHub lists 3000 \(it lists at most 3000\); using git diff instead/
    )
    expect(logged.join('\n')).toMatch(/not in this shallow clone; fetching 50 commits/)
  })

  it('falls back to git diff when listing fails', async () => {
    server.state.addPullRequest('Codertocat/Hello-World', 2, [{ filename: 'k8s/a.yaml' }])
    server.inject('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', 'not-accessible')
    const workspace = await checkoutCommit(repo.origin, repo.mergeSha)
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pullRequestEvent(repo, 1),
      octokit,
      log
    })
    expect(result).toEqual({ files: PR_CHANGES, source: 'git-diff' })
    expect(logged.join('\n')).toMatch(
      /Listing the files of pull request #2 failed \(GitHub API answered 403: Resource not accessible by integration\); using git diff instead/
    )
  })

  it('uses git diff against the merge base without a client (main’s own changes excluded)', async () => {
    const workspace = await cloneGitRepo(repo.origin, { branch: 'merge' })
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pullRequestEvent(repo, 6),
      log
    })
    expect(result).toEqual({ files: PR_CHANGES, source: 'git-diff' })
  })

  it('returns nothing, with a notice, when no changed file matches', async () => {
    server.state.addPullRequest('Codertocat/Hello-World', 2, [
      { filename: 'README.md', status: 'added' }
    ])
    const workspace = await checkoutCommit(repo.origin, repo.mergeSha)
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pullRequestEvent(repo, 1),
      octokit,
      log
    })
    expect(result).toEqual({
      files: [],
      source: 'pull-request-api',
      notice: 'None of the 1 changed file(s) matches the `files` patterns; nothing to evaluate.'
    })
  })

  it('applies the files patterns to the changes', async () => {
    const workspace = await cloneGitRepo(repo.origin, { branch: 'merge' })
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      patterns: 'k8s/**\n!k8s/new.yaml',
      event: pullRequestEvent(repo, 6),
      log
    })
    expect(result.files).toEqual(['k8s/a.yaml', 'k8s/r2.yaml'])
  })

  it('gives paths relative to a workspace that is a folder of the repository', async () => {
    server.state.addPullRequest('Codertocat/Hello-World', 2, [
      { filename: 'k8s/a.yaml' },
      { filename: 'Dockerfile' }
    ])
    const workspace = await checkoutCommit(repo.origin, repo.mergeSha)
    const result = await discover({
      workspace: path.join(workspace.dir, 'k8s'),
      scope: 'changed',
      event: pullRequestEvent(repo, 2),
      octokit,
      log
    })
    expect(result.files).toEqual(['a.yaml'])
  })

  it('does not read a changed symlink that points outside the workspace', async () => {
    const outside = await temporaryDirectory()
    await writeFile(path.join(outside, 'secret.yaml'), 'token: s3cr3t\n')
    server.state.addPullRequest('Codertocat/Hello-World', 2, [
      { filename: 'k8s/a.yaml' },
      { filename: 'k8s/link.yaml', status: 'added' }
    ])
    const workspace = await checkoutCommit(repo.origin, repo.mergeSha)
    await symlink(path.join(outside, 'secret.yaml'), path.join(workspace.dir, 'k8s/link.yaml'))
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pullRequestEvent(repo, 2),
      octokit,
      log
    })
    expect(result.files).toEqual(['k8s/a.yaml'])
    expect(logged.join('\n')).toMatch(/Skipped 1 changed file\(s\) .*: k8s\/link\.yaml/)
  })
})

describe('discover: pushes and merge groups', () => {
  let origin: GitRepo
  let first: string
  let second: string
  let third: string

  beforeAll(async () => {
    origin = await createGitRepo()
    first = await origin.commit('one', {
      'a.yaml': 'a: 1\n',
      'b.yaml': 'b: 1\n',
      'notes.txt': 'n\n'
    })
    for (let i = 0; i < 3; i++) await origin.commit(`filler ${i}`, { [`f${i}.tf`]: `# ${i}\n` })
    second = await origin.commit('two', { 'a.yaml': 'a: 2\n', 'c.yaml': 'c: 1\n' })
    third = await origin.commit('three', { 'b.yaml': null, Dockerfile: 'FROM scratch\n' })
    await origin.git('checkout', '-q', '-b', 'topic')
    await origin.commit('topic', { 'topic.yaml': 't: 1\n' })
    await origin.git('checkout', '-q', 'main')
  })

  function pushEvent(
    ref: string,
    before: string,
    after: string
  ): { name: string; payload: Payload } {
    const payload = example('push', p => p.ref === 'refs/heads/master')
    Object.assign(payload, {
      ref,
      before,
      after,
      created: /^0+$/.test(before),
      deleted: /^0+$/.test(after)
    })
    ;(payload.repository as Payload).default_branch = 'main'
    return { name: 'push', payload }
  }

  it('compares before..after, fetching before into a shallow clone', async () => {
    const workspace = await cloneGitRepo(origin, { depth: 1, branch: 'main' })
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pushEvent('refs/heads/main', second, third),
      log: () => undefined
    })
    expect(result).toEqual({ files: ['Dockerfile'], source: 'git-diff' })
  })

  it('compares a new branch with where it left the default branch', async () => {
    const workspace = await cloneGitRepo(origin, { depth: 1, branch: 'topic' })
    const logged: string[] = []
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: pushEvent('refs/heads/topic', ZEROS, await origin.sha('topic')),
      log: message => logged.push(message)
    })
    expect(result).toEqual({ files: ['topic.yaml'], source: 'git-diff' })
    expect(logged.join('\n')).toMatch(
      /refs\/heads\/topic is new; comparing it with where it left main/
    )
  })

  it('counts every file of a newly created default branch (the webhook example as is)', async () => {
    const workspace = await cloneGitRepo(origin, { depth: 1, branch: 'main' })
    const payload = example('push', p => p.ref === 'refs/heads/master')
    payload.after = third
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: { name: 'push', payload },
      log: () => undefined
    })
    expect(result.files).toEqual(['Dockerfile', 'a.yaml', 'c.yaml', 'f0.tf', 'f1.tf', 'f2.tf'])
  })

  it('has nothing to evaluate when the push deleted the branch', async () => {
    const workspace = await cloneGitRepo(origin, { depth: 1, branch: 'main' })
    const payload = example('push', p => p.deleted === true)
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: { name: 'push', payload },
      log: () => undefined
    })
    expect(result).toEqual({
      files: [],
      source: 'git-diff',
      notice: 'refs/tags/simple-tag was deleted; nothing to evaluate.'
    })
  })

  it('compares a merge group’s base_sha..head_sha', async () => {
    const workspace = await cloneGitRepo(origin, { depth: 1, branch: 'main' })
    const payload = example('merge_group')
    Object.assign(payload.merge_group as Payload, { base_sha: first, head_sha: third })
    const result = await discover({
      workspace: workspace.dir,
      scope: 'changed',
      event: { name: 'merge_group', payload },
      log: () => undefined
    })
    expect(result.files).toEqual(['Dockerfile', 'a.yaml', 'c.yaml', 'f0.tf', 'f1.tf', 'f2.tf'])
  })

  it('refuses scope: changed on an event that says nothing about changes', async () => {
    await expect(
      discover({
        workspace: origin.dir,
        scope: 'changed',
        event: { name: 'workflow_dispatch', payload: example('workflow_dispatch') },
        log: () => undefined
      })
    ).rejects.toThrow(
      'scope: changed needs a pull_request, pull_request_target, push or merge_group event that says what changed; this run\'s event is "workflow_dispatch". Use scope: all for it.'
    )
  })
})

describe('discover: --changed-since', () => {
  it('takes the branch’s commits since it left REF, uncommitted and untracked work, not ignored files', async () => {
    const repo = await createGitRepo()
    await repo.commit('base', {
      'a.yaml': 'a: 1\n',
      '.gitignore': 'ignored.yaml\n',
      'keep.yaml': 'k\n'
    })
    await repo.git('checkout', '-q', '-b', 'work')
    await repo.commit('committed', { 'b.yaml': 'b: 1\n' })
    await repo.git('checkout', '-q', 'main')
    await repo.commit('main moves', { 'main-only.yaml': 'm\n' })
    await repo.git('checkout', '-q', 'work')
    await repo.write({ 'a.yaml': 'a: 2\n', 'untracked.yaml': 'u\n', 'ignored.yaml': 'i\n' })

    const result = await discover({
      workspace: repo.dir,
      scope: 'all',
      changedSince: 'main',
      log: () => undefined
    })
    expect(result).toEqual({ files: ['a.yaml', 'b.yaml', 'untracked.yaml'], source: 'git-diff' })
  })

  it('names a ref that does not exist', async () => {
    const repo = await createGitRepo()
    await repo.commit('base', { 'a.yaml': 'a\n' })
    await expect(
      discover({
        workspace: repo.dir,
        scope: 'changed',
        changedSince: 'nope',
        log: () => undefined
      })
    ).rejects.toThrow(`--changed-since nope: no such commit, branch or tag in ${repo.dir}`)
  })
})

describe('discover: scope all', () => {
  it('walks the workspace, skipping .git, node_modules, symlinked folders and links leaving it', async () => {
    const repo = await createGitRepo()
    await repo.commit('files', {
      'k8s/app.yaml': 'a\n',
      'infra/main.tf': 'x\n',
      Dockerfile: 'FROM scratch\n',
      'README.md': '#\n',
      'node_modules/pkg/package.json': '{}\n',
      'web/node_modules/x.yaml': 'x\n'
    })
    const outside = await temporaryDirectory()
    await mkdir(path.join(outside, 'more'))
    await writeFile(path.join(outside, 'more', 'elsewhere.yaml'), 'e\n')
    await writeFile(path.join(outside, 'secret.yaml'), 's\n')
    await symlink(path.join(outside, 'more'), path.join(repo.dir, 'linked-dir'))
    await symlink(path.join(outside, 'secret.yaml'), path.join(repo.dir, 'leak.yaml'))
    await symlink('k8s/app.yaml', path.join(repo.dir, 'alias.yaml'))

    const result = await discover({ workspace: repo.dir, scope: 'all', log: () => undefined })
    expect(result).toEqual({
      files: ['Dockerfile', 'alias.yaml', 'infra/main.tf', 'k8s/app.yaml'],
      source: 'workspace'
    })
  })

  it('says so when nothing matches', async () => {
    const dir = await temporaryDirectory()
    await writeFile(path.join(dir, 'notes.txt'), 'n\n')
    expect(await discover({ workspace: dir, scope: 'all', log: () => undefined })).toEqual({
      files: [],
      source: 'workspace',
      notice: 'No file in the workspace matches the `files` patterns.'
    })
  })
})

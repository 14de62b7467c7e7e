/**
 * The action as the runner runs it: `node dist/index.js` with INPUT_* variables, an event payload,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, OPA downloaded from the project's release server and
 * the GitHub REST API served by the project's GitHub server. Reads what it printed and wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  HEAD_SHA,
  REPOSITORY,
  runActionProcess,
  type ActionProcessRun
} from './support/action-process.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'
import { startReleaseServer, type ReleaseServer } from './support/release-server.js'
import { OPA_VERSION, opaBinary, repoRoot } from './support/tools.js'

const PR_NUMBER = 7

let releases: ReleaseServer
let github: GitHubServer
const temporary: string[] = []

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  temporary.push(dir)
  return dir
}

beforeAll(async () => {
  releases = await startReleaseServer({ opaBinary, version: OPA_VERSION })
  github = await startGitHubServer()
  github.state.addPullRequest(REPOSITORY, PR_NUMBER, [
    { filename: 'k8s/app.yaml', status: 'modified' }
  ])
})

afterAll(async () => {
  await releases.close()
  await github.close()
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

async function runAction(options: {
  fixture: 'pass' | 'fail'
  runner: { temp: string; toolCache: string }
  inputs?: Record<string, string>
  pullRequest?: number
  files?: Record<string, string>
}): Promise<ActionProcessRun & { workspace: string }> {
  const prNumber = options.pullRequest ?? PR_NUMBER
  const workspace = tempDir('policy-gate-ws-')
  cpSync(path.join(repoRoot, '__tests__', 'fixtures', 'e2e', options.fixture), workspace, {
    recursive: true
  })
  // A real checkout: the fixture is the pull request's base commit, extra files its head, so
  // the policies are read from the base as the action does by default.
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
      cwd: workspace,
      encoding: 'utf8'
    }).trim()
  git('init', '-q', '-b', 'main')
  git('add', '.')
  git('commit', '-qm', 'base')
  const baseSha = git('rev-parse', 'HEAD')
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true })
    writeFileSync(path.join(workspace, name), text)
  }
  git('add', '.')
  git('commit', '-qm', 'head', '--allow-empty')
  const run = await runActionProcess({
    workspace,
    apiUrl: github.url,
    pullRequest: prNumber,
    baseSha,
    runner: options.runner,
    inputs: {
      policy: 'policy',
      scope: 'all',
      'github-token': github.token,
      'opa-version': OPA_VERSION,
      'opa-download-url': releases.url,
      comment: 'always',
      'check-run': 'true',
      'results-file': 'policy-gate-results.json',
      ...options.inputs
    }
  })
  return { ...run, workspace }
}

describe('node dist/index.js', () => {
  const runner = { temp: '', toolCache: '' }
  beforeAll(() => {
    runner.temp = tempDir('policy-gate-runner-temp-')
    runner.toolCache = tempDir('policy-gate-tool-cache-')
  })

  it('fails the step on deny, with an annotation on the exact line, a summary, outputs and a PR comment', async () => {
    const result = await runAction({
      fixture: 'fail',
      runner,
      inputs: { 'sarif-file': 'out/policy-gate.sarif', 'junit-file': 'out/junit.xml' }
    })
    expect(result.code).toBe(1)
    const results = JSON.parse(
      readFileSync(path.join(result.workspace, 'policy-gate-results.json'), 'utf8')
    )
    expect(results[0].failures[0].policyGate).toMatchObject({
      ruleId: 'main.deny',
      severity: 'failure',
      line: 19
    })
    const sarif = JSON.parse(
      readFileSync(path.join(result.workspace, 'out/policy-gate.sarif'), 'utf8')
    )
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(19)
    expect(readFileSync(path.join(result.workspace, 'out/junit.xml'), 'utf8')).toContain(
      '<testsuite'
    )
    expect(result.outputs['sarif-file']).toBe('out/policy-gate.sarif')
    // Each finding on the line of the value its message quotes, in the second document: the
    // sidecar's name (line 19) and the latest image (line 18, not the Deployment's name "web").
    expect(result.stdout).toContain(
      '::error title=main.deny,file=k8s/app.yaml,line=19::container "sidecar" in Deployment web must not be privileged'
    )
    expect(result.stdout).toContain(
      '::warning title=main.warn,file=k8s/app.yaml,line=18::container "web" uses the latest tag: {"nginx:latest"}'
    )
    expect(result.stdout).toContain(
      '::error::policy-gate: 1 failure in 1 file (see the job summary)'
    )
    expect(result.outputs).toMatchObject({
      result: 'fail',
      failures: '1',
      warnings: '1',
      exceptions: '0',
      files: '1'
    })
    expect(result.summary).toContain('must not be privileged')
    const comments = github.state.commentsOn(REPOSITORY, PR_NUMBER)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toContain('must not be privileged')
    const checkRun = github.state.checkRuns.at(-1)
    expect(checkRun?.headSha).toBe(HEAD_SHA)
    expect(checkRun?.annotations.map(a => [a.annotation_level, a.start_line])).toEqual([
      ['failure', 19],
      ['warning', 18]
    ])
    // OPA came from the release server: the binary and its checksum.
    expect(releases.requests.filter(r => r.status === 200).length).toBeGreaterThanOrEqual(2)
    console.log(`cold run (OPA download + compile + evaluate): ${Math.round(result.ms)} ms`)
  })

  it('passes on a clean manifest and updates the same comment, with no OPA download when cached', async () => {
    const before = releases.requests.length
    const result = await runAction({ fixture: 'pass', runner })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ result: 'pass', failures: '0' })
    expect(result.stdout).not.toContain('::error')
    const comments = github.state.commentsOn(REPOSITORY, PR_NUMBER)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).not.toContain('must not be privileged')
    // Same policies as the first run: the bundle came from the cache, OPA was not needed.
    expect(releases.requests.length).toBe(before)
    expect(result.stdout).toContain('taken from the cache')
    console.log(`cached run: ${Math.round(result.ms)} ms`)
  })

  it('120 findings: 10 error annotations and a notice for the rest; all 120 reach the check run', async () => {
    const deployments = Array.from(
      { length: 120 },
      (_, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c${i}\n          image: busybox:1.36\n          securityContext:\n            privileged: true\n`
    ).join('---\n')
    github.state.addPullRequest(REPOSITORY, 9, [])
    const result = await runAction({
      fixture: 'pass',
      runner,
      pullRequest: 9,
      files: { 'k8s/many.yaml': deployments }
    })
    expect(result.code).toBe(1)
    expect(result.outputs.failures).toBe('120')
    expect(result.stdout.match(/^::error title=main.deny,file=k8s\/many.yaml/gm)).toHaveLength(10)
    expect(result.stdout).toMatch(
      /::notice title=[^:]*::110 more findings are not shown as annotations/
    )
    const checkRun = github.state.checkRuns.at(-1)
    expect(checkRun?.annotations).toHaveLength(120)
    expect(new Set(checkRun?.annotations.map(a => a.start_line)).size).toBe(120)
  })

  it('a pull request that deletes the rule it breaks still fails: policies come from the base commit', async () => {
    github.state.addPullRequest(REPOSITORY, 10, [])
    const result = await runAction({
      fixture: 'fail',
      runner,
      pullRequest: 10,
      files: { 'policy/containers.rego': 'package main\n' }
    })
    expect(result.code).toBe(1)
    expect(result.outputs.failures).toBe('1')
    expect(result.stdout).toMatch(
      /::notice::policy-gate: this pull request changes 1 policy or data file/
    )
    expect(result.summary).toMatch(/changes the policies|policy/i)
  })

  it('passes with a notice, compiling nothing, when the pull request changed no file it checks', async () => {
    github.state.addPullRequest(REPOSITORY, 8, [{ filename: 'docs/guide.md', status: 'modified' }])
    const before = releases.requests.length
    const fresh = {
      temp: tempDir('policy-gate-runner-temp-'),
      toolCache: tempDir('policy-gate-tool-cache-')
    }
    const result = await runAction({
      fixture: 'fail',
      runner: fresh,
      inputs: { scope: '' },
      pullRequest: 8
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/::notice::policy-gate: .*/)
    expect(result.outputs).toMatchObject({ result: 'pass', files: '0' })
    expect(releases.requests.length).toBe(before)
  })
})

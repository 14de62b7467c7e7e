import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { main } from '../src/cli.js'
import { toolEnv } from './support/conftest-diff.js'
import { repoRoot } from './support/tools.js'

const failFixture = path.join(repoRoot, '__tests__', 'fixtures', 'e2e', 'fail')
const temporary: string[] = []
afterAll(() => temporary.forEach(d => rmSync(d, { recursive: true, force: true })))

async function cli(
  argv: string[],
  cwd = failFixture,
  env = toolEnv()
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    env,
    cwd,
    isTTY: false
  })
  return { code, stdout, stderr }
}

describe('policy-gate CLI', () => {
  it('version names policy-gate and the pinned OPA', async () => {
    const r = await cli(['version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^policy-gate \d+\.\d+\.\d+\nOPA 1\.22\.3 .*\nbuilt-in library \d+\.\d+\.\d+ \([0-9a-f]{12}: \d+ modules/
    )
  })

  it('unknown commands and formats are named with what is accepted', async () => {
    expect((await cli(['lint'])).stderr).toContain("unknown command 'lint'")
    const r = await cli(['test', '-o', 'xml', 'k8s/app.yaml'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      "Unknown output format 'xml': expected stdout, json, table, tap, github, sarif, junit"
    )
  })

  it('-o github puts each finding on its located line', async () => {
    const r = await cli(['test', '-o', 'github', 'k8s/app.yaml'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      '::error file=k8s/app.yaml,line=19::container "sidecar" in Deployment web must not be privileged'
    )
    expect(r.stdout).toContain('::warning file=k8s/app.yaml,line=18::')
  })

  it('-o sarif and -o junit render the same findings', async () => {
    const sarif = JSON.parse((await cli(['test', '-o', 'sarif', 'k8s/app.yaml'])).stdout)
    expect(sarif.runs[0].results.map((r: { level: string }) => r.level).sort()).toEqual([
      'error',
      'warning'
    ])
    expect((await cli(['test', '-o', 'junit', 'k8s/app.yaml'])).stdout).toContain('<testsuites')
  })

  it('--mode audit reports the failure and exits 0; --fail-on-warn exits 2 on failures', async () => {
    const audit = await cli(['test', '--mode', 'audit', 'k8s/app.yaml'])
    expect(audit.code).toBe(0)
    expect(audit.stdout).toContain('FAIL - k8s/app.yaml - main - container "sidecar"')
    expect((await cli(['test', '--fail-on-warn', 'k8s/app.yaml'])).code).toBe(2)
  })

  it('reads files named outside the working directory, as conftest does', async () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-cli-cwd-'))
    temporary.push(elsewhere)
    const file = path.join(failFixture, 'k8s', 'app.yaml')
    const r = await cli(
      ['test', '-p', path.join(failFixture, 'policy'), '-o', 'json', file],
      elsewhere
    )
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ filename: file, failures: [expect.anything()] })
  })

  it('parse prints the documents as the policies see them', async () => {
    const r = await cli(['parse', 'k8s/app.yaml'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)[1].kind).toBe('Deployment')
  })

  it('verify runs a folder that mixes v0 and v1 policies and their tests', async () => {
    const r = await cli(['verify', '-p', 'policy'], path.join(repoRoot, 'examples'))
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/PASS: \d+\/\d+/)
  })

  it('says how to get OPA when none is on PATH', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-cli-cache-'))
    temporary.push(cache)
    // A fresh compile cache: the policies must be compiled, and there is no OPA.
    const r = await cli(['test', 'k8s/app.yaml'], failFixture, {
      ...toolEnv(),
      XDG_CACHE_HOME: cache,
      PATH: '/nonexistent'
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      "No OPA to compile the policies with: none on PATH. Install OPA 1.22.3 (for example 'go install github.com/open-policy-agent/opa@v1.22.3') or pass --opa-path."
    )
    expect(r.stderr).not.toContain('::debug::')
  })

  it('--changed-since checks only the files changed since a ref', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-cli-git-'))
    temporary.push(repo)
    cpSync(failFixture, repo, { recursive: true })
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
        cwd: repo,
        encoding: 'utf8'
      })
    git('init', '-q', '-b', 'main')
    git('add', '.')
    git('commit', '-qm', 'base')
    const none = await cli(['test', '--changed-since', 'main', '.'], repo)
    expect(none.code).toBe(0)
    expect(none.stderr).toContain('no file changed since main')
    writeFileSync(
      path.join(repo, 'k8s', 'new.yaml'),
      'kind: Deployment\nmetadata:\n  name: n\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:latest\n'
    )
    const changed = await cli(['test', '--changed-since', 'main', '-o', 'json', '.'], repo)
    expect(JSON.parse(changed.stdout).map((r: { filename: string }) => r.filename)).toEqual([
      'k8s/new.yaml'
    ])
  })
})

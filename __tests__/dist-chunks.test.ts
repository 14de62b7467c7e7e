/**
 * dist/ as scripts/package.sh builds it. The bundles load their heavy dependencies (@actions/cache,
 * Octokit, @actions/tool-cache, tar) from chunks beside them, and only when needed: every chunk a
 * bundle can load is there, none is left over, and the action's warm start (nothing to compile,
 * no token) and `policy-gate version` run with no chunk at all, which keeps their start-up short.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { opaBinary, repoRoot } from './support/tools.js'

const dist = path.join(repoRoot, 'dist')
const CHUNK = /^\d+\.index\.js$/
const temporary: string[] = []

afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  temporary.push(dir)
  return dir
}

/** Chunk ids the bundle's files ask webpack's runtime for (`__nccwpck_require__.e(641)`). */
function referencedChunks(dir: string): Set<string> {
  const ids = new Set<string>()
  for (const file of readdirSync(dir).filter(f => f.endsWith('.js'))) {
    const text = readFileSync(path.join(dir, file), 'utf8')
    for (const m of text.matchAll(/__nccwpck_require__\.e\(\s*(?:\/\*[^*]*\*\/\s*)?(\d+)\s*\)/g))
      ids.add(`${m[1]}.index.js`)
  }
  return ids
}

/** A copy of dist/ without any chunk. */
function distWithoutChunks(): string {
  const copy = path.join(tempDir('policy-gate-dist-'), 'dist')
  cpSync(dist, copy, { recursive: true })
  for (const dir of [copy, path.join(copy, 'cli')])
    for (const file of readdirSync(dir).filter(f => CHUNK.test(f))) rmSync(path.join(dir, file))
  return copy
}

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27.2
`

/** The action as the bench's warm start runs it: one manifest, push event, no token. */
function runAction(
  bundle: string,
  workspace: string,
  runnerTemp: string,
  inputs: Record<string, string>
): { code: number | null; stdout: string; summary: string } {
  const summary = path.join(runnerTemp, '..', `summary-${path.basename(bundle)}.md`)
  writeFileSync(summary, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo-org/platform',
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: runnerTemp
  }
  const all = {
    scope: 'all',
    comment: 'never',
    'check-run': 'false',
    'opa-path': opaBinary,
    ...inputs
  }
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value
  const result = spawnSync(process.execPath, [path.join(bundle, 'index.js')], {
    cwd: workspace,
    env,
    encoding: 'utf8'
  })
  return {
    code: result.status,
    stdout: result.stdout + result.stderr,
    summary: readFileSync(summary, 'utf8')
  }
}

describe.each([
  ['the action', dist],
  ['the CLI', path.join(dist, 'cli')]
])('%s bundle', (_name, dir) => {
  it('has every chunk it can load, and no other', () => {
    const present = readdirSync(dir).filter(f => CHUNK.test(f))
    expect(present.length).toBeGreaterThan(0)
    expect(new Set(present)).toEqual(referencedChunks(dir))
  })
})

describe('a start with nothing to compile loads no chunk', () => {
  const chunkless = distWithoutChunks()

  it('the built-in library: same result as with the chunks', () => {
    const workspace = tempDir('policy-gate-ws-')
    mkdirSync(path.join(workspace, 'k8s'))
    writeFileSync(path.join(workspace, 'k8s', 'app.yaml'), MANIFEST)
    const runnerTemp = path.join(tempDir('policy-gate-runner-'), 'temp')
    mkdirSync(runnerTemp)
    const inputs = { builtin: 'true', mode: 'audit' }
    const full = runAction(dist, workspace, runnerTemp, inputs)
    const lean = runAction(chunkless, workspace, runnerTemp, inputs)
    expect(full.code).toBe(0)
    expect(full.stdout).toContain('policy-gate: built-in library')
    expect(lean).toEqual(full)
  })

  it('own policies whose bundle is in the runner cache', () => {
    const workspace = tempDir('policy-gate-ws-')
    cpSync(path.join(repoRoot, '__tests__', 'fixtures', 'e2e', 'pass'), workspace, {
      recursive: true
    })
    const runnerTemp = path.join(tempDir('policy-gate-runner-'), 'temp')
    mkdirSync(runnerTemp)
    const inputs = { builtin: 'false' }
    // The first run compiles (tar, from a chunk) and caches the bundle in RUNNER_TEMP.
    const first = runAction(dist, workspace, runnerTemp, inputs)
    expect(first.code).toBe(0)
    const cached = runAction(chunkless, workspace, runnerTemp, inputs)
    expect(cached.stdout).toContain('policies taken from the cache')
    expect(cached.code).toBe(0)
  })

  it('policy-gate version, from another directory', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(chunkless, 'cli', 'index.js'), 'version'],
      {
        cwd: os.tmpdir(),
        encoding: 'utf8'
      }
    )
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/\d+\.\d+\.\d+/)
  })
})

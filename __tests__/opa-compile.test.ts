import { afterAll, describe, expect, it } from '@jest/globals'
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { HOST_BUILTIN_NAMES } from '../src/gate.js'
import {
  compilePolicies,
  parseBuildErrors,
  type CompileOptions,
  type SharedCache
} from '../src/opa/compile.js'
import { PolicyError } from '../src/opa/inspect.js'
import { OPA_VERSION, opaBinary, repoRoot } from './support/tools.js'

const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'compile')
const temporary: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-compile-'))
  temporary.push(dir)
  return dir
}
afterAll(() => temporary.forEach(dir => rmSync(dir, { recursive: true, force: true })))

function options(policyPaths: string[], cacheDir: string, opaCalls: { n: number }): CompileOptions {
  return {
    opa: async () => {
      opaCalls.n++
      return opaBinary
    },
    opaVersion: OPA_VERSION,
    policyPaths,
    cwd: fixtures,
    hostBuiltins: HOST_BUILTIN_NAMES,
    cacheDir
  }
}

describe('compilePolicies', () => {
  it('compiles once, then serves the bundle from the cache without OPA', async () => {
    const cacheDir = tempDir()
    const calls = { n: 0 }
    const first = await compilePolicies(options(['ok'], cacheDir, calls))
    expect(first.source).toBe('compiled')
    expect(first.plan.namespaces.map(ns => [ns.namespace, ns.rules])).toEqual([
      ['main', ['deny']],
      ['main_test', []]
    ])
    const second = await compilePolicies(options(['ok'], cacheDir, calls))
    expect(second.source).toBe('cache')
    expect(second.key).toBe(first.key)
    expect(Buffer.from(second.wasm).equals(Buffer.from(first.wasm))).toBe(true)
    expect(calls.n).toBe(1)
  })

  it('recompiles when a policy changes, and refuses a tampered cached module', async () => {
    const cacheDir = tempDir()
    const dir = tempDir()
    cpSync(path.join(fixtures, 'ok'), dir, { recursive: true })
    const calls = { n: 0 }
    const first = await compilePolicies(options([dir], cacheDir, calls))
    writeFileSync(path.join(cacheDir, first.key, 'policy.wasm'), 'not the module')
    const again = await compilePolicies(options([dir], cacheDir, calls))
    expect(again.source).toBe('compiled')
    writeFileSync(
      path.join(dir, 'policy.rego'),
      'package main\n\ndeny contains "x" if input.kind == "Job"\n'
    )
    const changed = await compilePolicies(options([dir], cacheDir, calls))
    expect(changed.key).not.toBe(first.key)
    expect(changed.source).toBe('compiled')
    expect(calls.n).toBe(3)
  })

  it('takes a bundle from a shared cache (as the Actions cache) into a fresh runner, verified', async () => {
    const shared = tempDir()
    // A shared cache kept in a folder: what @actions/cache does across runners, on one disk.
    const folderCache: SharedCache = {
      async restore(dir, key) {
        const from = path.join(shared, key)
        if (!existsSync(from)) return false
        cpSync(from, dir, { recursive: true })
        return true
      },
      async save(dir, key) {
        cpSync(dir, path.join(shared, key), { recursive: true })
      }
    }
    const calls = { n: 0 }
    const first = await compilePolicies({
      ...options(['ok'], tempDir(), calls),
      sharedCache: folderCache
    })
    expect(first.source).toBe('compiled')
    const second = await compilePolicies({
      ...options(['ok'], tempDir(), calls),
      sharedCache: folderCache
    })
    expect(second.source).toBe('cache')
    expect(calls.n).toBe(1)
    writeFileSync(path.join(shared, first.key, 'policy.wasm'), 'tampered')
    const third = await compilePolicies({
      ...options(['ok'], tempDir(), calls),
      sharedCache: folderCache
    })
    expect(third.source).toBe('compiled')
    expect(calls.n).toBe(2)
  })

  it('names the file and the line OPA reports for a policy that does not parse', async () => {
    const error = await compilePolicies(options(['broken'], tempDir(), { n: 0 })).catch(e => e)
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).diagnostics[0]).toMatchObject({
      file: 'broken/policy.rego',
      line: 8
    })
    expect((error as PolicyError).message).toContain('broken/policy.rego:8')
  })

  it('refuses at compile time a built-in the engine cannot run, naming it and the line', async () => {
    const error = (await compilePolicies(options(['http'], tempDir(), { n: 0 })).catch(
      e => e
    )) as PolicyError
    expect(error).toBeInstanceOf(PolicyError)
    expect(error.diagnostics).toEqual([
      expect.objectContaining({
        file: 'http/policy.rego',
        line: 6,
        message: expect.stringContaining('http.send')
      })
    ])
  })

  it('says so when a directory holds no policies', async () => {
    const empty = tempDir()
    await expect(compilePolicies(options([empty], tempDir(), { n: 0 }))).rejects.toThrow(
      /No policies found/
    )
  })
})

describe('parseBuildErrors', () => {
  it('maps staged paths back to the files people know', () => {
    const text =
      '2 errors occurred:\np0/a.rego:3: rego_type_error: undefined function f\np1/b/c.rego:10:2: rego_parse_error: unexpected }'
    const map: Record<string, string> = {
      'p0/a.rego': 'policy/a.rego',
      'p1/b/c.rego': 'lib/b/c.rego'
    }
    expect(parseBuildErrors(text, s => map[s] ?? s)).toEqual([
      { file: 'policy/a.rego', line: 3, message: 'rego_type_error: undefined function f' },
      { file: 'lib/b/c.rego', line: 10, column: 2, message: 'rego_parse_error: unexpected }' }
    ])
  })
})

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { describe, expect, it } from '@jest/globals'

import { BuiltinError } from '../src/evaluate/builtins/builtin-error.js'
import {
  HOST_BUILTIN_ARITY,
  HOST_BUILTIN_NAMES,
  createHostBuiltins,
  evaluationClock,
  hostBuiltins
} from '../src/evaluate/builtins/registry.js'
import { CONFTEST_OPA_VERSION } from '../src/evaluate/builtins/runtime.js'
import { parseValueDump, regoNumber, regoString } from '../src/evaluate/rego-value.js'
import { opaAvailable } from './support/differential.js'
import { WasmPolicy, buildWasm, opaPath, repoRoot } from './support/wasm-dump.js'

const run = promisify(execFile)
const conftestPath = path.join(repoRoot, '.tools', 'bin', 'conftest')

describe('host built-in registry', () => {
  it('lists every implemented built-in with its arity', () => {
    expect(HOST_BUILTIN_NAMES).toEqual(Object.keys(hostBuiltins).sort())
    expect(HOST_BUILTIN_NAMES).toContain('sprintf')
    expect(HOST_BUILTIN_ARITY['time.add_date']).toBe(4)
  })

  it('turns a built-in error into undefined and reports it', () => {
    const errors: [string, string][] = []
    const builtins = createHostBuiltins({
      onError: (name, error) => errors.push([name, error.message])
    })
    expect(builtins['time.parse_rfc3339_ns'](regoString('nope'))).toBeUndefined()
    expect(builtins['units.parse_bytes'](regoNumber(1))).toBeUndefined()
    expect(errors).toEqual([
      [
        'time.parse_rfc3339_ns',
        'parsing time "nope" as "2006-01-02T15:04:05Z07:00": cannot parse "nope" as "2006"'
      ],
      ['units.parse_bytes', 'operand 1 must be string but got number']
    ])
  })

  it('refuses a call with the wrong number of operands (a loader bug, not a policy error)', () => {
    expect(() => hostBuiltins.sprintf(regoString('%v'))).toThrow(
      'host built-in sprintf takes 2 operands, the module passed 1'
    )
  })

  it('keeps one clock reading per synchronous evaluation', async () => {
    let reads = 0n
    const clock = evaluationClock(() => ++reads)
    expect([clock(), clock()]).toEqual([1n, 1n])
    await Promise.resolve()
    expect(clock()).toBe(2n)
  })

  it('uses BuiltinError for OPA errors', () => {
    expect(new BuiltinError('x')).toBeInstanceOf(Error)
  })

  const withOpa = opaAvailable ? it : it.skip
  withOpa(
    'covers built-ins that OPA declares with the same arity and compiles to host calls',
    async () => {
      const { stdout } = await run(opaPath, ['capabilities', '--current'], {
        maxBuffer: 16 * 1024 * 1024
      })
      const capabilities = JSON.parse(stdout) as {
        builtins: { name: string; decl: { args?: unknown[] } }[]
      }
      const declared = new Map(capabilities.builtins.map(b => [b.name, b.decl.args?.length ?? 0]))
      for (const name of HOST_BUILTIN_NAMES)
        expect([name, declared.get(name)]).toEqual([name, HOST_BUILTIN_ARITY[name]])

      // Every one of them is a host call in a module built by `opa build -t wasm`.
      const calls = HOST_BUILTIN_NAMES.map((name, i) => {
        const args = Array.from({ length: HOST_BUILTIN_ARITY[name] }, () => 'input.x')
        return `r${i} := ${name}(${args.join(', ')})`
      })
      const wasm = await buildWasm({ 'p.rego': `package p\n\n${calls.join('\n')}\n` }, ['p'])
      const policy = await WasmPolicy.load(wasm, hostBuiltins)
      expect(policy.hostBuiltinNames.sort()).toEqual([...HOST_BUILTIN_NAMES])
    }
  )

  const withConftest = existsSync(conftestPath) ? it : it.skip
  withConftest('answers opa.runtime() as conftest does', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'runtime-'))
    try {
      await writeFile(
        path.join(dir, 'policy.rego'),
        'package main\n\ndeny contains msg if {\n  msg := json.marshal(opa.runtime())\n}\n'
      )
      await writeFile(path.join(dir, 'input.json'), '{}')
      // conftest needs HOME (it locates its plugin directory there).
      const env = { PATH: process.env.PATH ?? '', HOME: dir, POLICY_GATE_TEST: 'a=b', EMPTY: '' }
      const result = await run(
        conftestPath,
        ['test', '-p', 'policy.rego', 'input.json', '-o', 'json'],
        {
          cwd: dir,
          env
        }
      ).catch((error: { stdout: string }) => error)
      const output = JSON.parse(result.stdout) as { failures: { msg: string }[] }[]
      const conftestRuntime = parseValueDump(output[0].failures[0].msg)

      const { stdout: versions } = await run(conftestPath, ['--version'])
      const version = /OPA: (\S+)/.exec(versions)?.[1] ?? ''
      const ours = createHostBuiltins({ env, runtimeVersion: version })['opa.runtime']()
      expect(ours).toEqual(conftestRuntime)
      console.log(
        `conftest reports OPA ${version}; the default runtime version is ${CONFTEST_OPA_VERSION}`
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

/**
 * The WASM loader on modules the real `opa build -t wasm` compiles: inputs shared by several
 * entrypoints, data with a per-file overlay, host built-ins, a policy's runtime error, and many
 * documents past the heap budget (the heap is reset between them; the module's regex and glob
 * caches and the data must still be right afterwards).
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { hostFunctions } from '../src/evaluate/host.js'
import { hostBuiltins } from '../src/evaluate/builtins/registry.js'
import { PolicyAbort, TRANSIENT_HEAP_BUDGET, WasmPolicy } from '../src/evaluate/wasm.js'
import { buildWasm } from './support/wasm-dump.js'

const POLICY = `package probe

import rego.v1

kind := input.kind

file := data.conftest.file.name

team := data.settings.team

hosts contains host if {
	some host in input.hosts
	glob.match("*.example.com", ["."], host)
}

named if regex.match("^[a-z][a-z0-9-]*$", input.name)

labels := {l | some l in input.labels}

message := sprintf("%s has %d labels", [input.name, count(labels)])

conflict := 1 if input.a

conflict := 2 if input.b

everything := [kind, file, team, hosts, named, message]
`

const ENTRYPOINTS = ['probe/kind', 'probe/file', 'probe/team', 'probe/everything', 'probe/conflict']

let wasm: Buffer

beforeAll(async () => {
  wasm = await buildWasm({ 'probe.rego': POLICY }, ENTRYPOINTS)
})

async function load(): Promise<WasmPolicy> {
  return WasmPolicy.load(
    wasm,
    hostFunctions(hostBuiltins, () => {})
  )
}

describe('WasmPolicy', () => {
  it('evaluates several entrypoints against one input', async () => {
    const policy = await load()
    policy.setData({ settings: { team: 'payments' }, conftest: { file: { name: 'a.yaml' } } })
    policy.setInput(JSON.stringify({ kind: 'Pod', name: 'web', labels: ['a', 'b', 'a'] }))
    expect(policy.evaluate('probe/kind')).toBe('Pod')
    expect(policy.evaluate('probe/everything')).toEqual([
      'Pod',
      'a.yaml',
      'payments',
      [],
      true,
      'web has 2 labels'
    ])
    expect(policy.evaluate('probe/kind')).toBe('Pod')
  })

  it('leaves input undefined when there is none, and rules on it undefined', async () => {
    const policy = await load()
    policy.setInput(undefined)
    expect(policy.evaluate('probe/kind')).toBeUndefined()
  })

  it('overlays top-level data keys per file and keeps the others', async () => {
    const policy = await load()
    policy.setData({ settings: { team: 'payments' }, conftest: { file: { name: 'base.yaml' } } })
    policy.setInput('{}')
    expect(policy.evaluate('probe/team')).toBe('payments')
    expect(policy.evaluate('probe/file')).toBe('base.yaml')
    policy.setDataOverlay({ conftest: { file: { name: 'a.yaml', dir: '/w' } } })
    expect(policy.evaluate('probe/file')).toBe('a.yaml')
    expect(policy.evaluate('probe/team')).toBe('payments')
    policy.setDataOverlay({ conftest: { file: { name: 'b.yaml', dir: '/w' } } })
    expect(policy.evaluate('probe/file')).toBe('b.yaml')
  })

  it('throws a policy runtime error as PolicyAbort and evaluates normally afterwards', async () => {
    const policy = await load()
    policy.setInput(JSON.stringify({ a: true, b: true }))
    expect(() => policy.evaluate('probe/conflict')).toThrow(PolicyAbort)
    expect(() => policy.evaluate('probe/conflict')).toThrow(/conflict/)
    policy.setInput(JSON.stringify({ a: true, kind: 'Service' }))
    expect(policy.evaluate('probe/conflict')).toBe(1)
    expect(policy.evaluate('probe/kind')).toBe('Service')
  })

  it('evaluates normally after thousands of policy errors in a row', async () => {
    const policy = await load()
    for (let i = 0; i < 3000; i++) {
      policy.setInput(JSON.stringify({ a: true, b: true, kind: `k${i}` }))
      expect(() => policy.evaluate('probe/conflict')).toThrow(PolicyAbort)
    }
    policy.setInput(JSON.stringify({ b: true, kind: 'Job' }))
    expect(policy.evaluate('probe/conflict')).toBe(2)
    expect(policy.evaluate('probe/kind')).toBe('Job')
  })

  it('names an entrypoint the module does not have', async () => {
    const policy = await load()
    policy.setInput('{}')
    expect(() => policy.evaluate('probe/nothing')).toThrow(/probe\/nothing is not in the compiled/)
  })

  it('gives the same results across heap resets, with data, overlay and caches rebuilt', async () => {
    const policy = await load()
    policy.setData({ settings: { team: 'search' } })
    // Each input is about 1 MB: the evaluations use the heap budget up every few documents.
    const filler = 'x'.repeat(1024 * 1024)
    const documents = Math.ceil((3 * TRANSIENT_HEAP_BUDGET) / (1024 * 1024))
    const seen = new Set<string>()
    for (let i = 0; i < documents; i++) {
      policy.setDataOverlay({ conftest: { file: { name: `f${i}.yaml`, dir: '/w' } } })
      policy.setInput(
        JSON.stringify({
          kind: 'Deployment',
          name: `app-${i}`,
          labels: ['x', `l${i % 3}`],
          hosts: ['a.example.com', `b${i}.example.org`],
          filler
        })
      )
      const everything = policy.evaluate('probe/everything')
      seen.add(JSON.stringify(everything))
      expect(everything).toEqual([
        'Deployment',
        `f${i}.yaml`,
        'search',
        ['a.example.com'],
        true,
        `app-${i} has 2 labels`
      ])
    }
    expect(seen.size).toBe(documents)
  })
})

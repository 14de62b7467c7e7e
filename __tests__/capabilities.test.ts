import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { restrictCapabilities, WASM_NATIVE_BUILTINS } from '../src/evaluate/capabilities.js'
import { HOST_BUILTIN_NAMES } from '../src/gate.js'
import { opaBinary } from './support/tools.js'

const opaSource = (() => {
  try {
    const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim()
    const dir = path.join(modcache, 'github.com', 'open-policy-agent', 'opa@v1.22.3')
    return existsSync(dir) ? dir : undefined
  } catch {
    return undefined
  }
})()

describe('capabilities', () => {
  const maybe = opaSource ? it : it.skip
  maybe('the WASM-native list is the one in OPA v1.22.3 internal/compiler/wasm/wasm.go', () => {
    const wasmGo = readFileSync(path.join(opaSource!, 'internal/compiler/wasm/wasm.go'), 'utf8')
    const builtinsGo = readFileSync(path.join(opaSource!, 'v1/ast/builtins.go'), 'utf8')
    const ids = [...new Set([...wasmGo.matchAll(/ast\.([A-Za-z0-9]+)\.Name/g)].map(m => m[1]))]
    const names = ids.map(
      id =>
        new RegExp(`\\nvar ${id}\\s*=\\s*&Builtin\\{\\s*Name:\\s*"([^"]+)"`).exec(builtinsGo)?.[1]
    )
    expect(names.every(n => n !== undefined)).toBe(true)
    expect([...WASM_NATIVE_BUILTINS].sort()).toEqual((names as string[]).sort())
  })

  it('offers OPA only what the engine runs, and every host built-in is one OPA knows', () => {
    const current = JSON.parse(
      execFileSync(opaBinary, ['capabilities', '--current'], { encoding: 'utf8', maxBuffer: 64e6 })
    )
    const restricted = restrictCapabilities(current, HOST_BUILTIN_NAMES)
    const names = restricted.builtins.map(b => b.name)
    expect(names).not.toContain('http.send')
    expect(names).not.toContain('net.lookup_ip_addr')
    expect(names).toContain('sprintf')
    const known = new Set(current.builtins.map((b: { name: string }) => b.name))
    expect(HOST_BUILTIN_NAMES.filter(n => !known.has(n))).toEqual([])
    expect(restricted.future_keywords).toEqual(current.future_keywords)
  })
})

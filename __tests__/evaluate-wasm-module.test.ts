/**
 * Reading and adjusting compiled policies' binaries: on modules the real `opa build -t wasm`
 * writes, and on small hand-assembled modules for the cases OPA does not produce.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  exportStackPointer,
  importedMemoryPages,
  STACK_POINTER_EXPORT
} from '../src/evaluate/wasm-module.js'
import { buildWasm } from './support/wasm-dump.js'

// The WebAssembly JS API, which the ES2022 and Node type libraries this project uses do not declare.
interface WasmApi {
  Module: {
    new (bytes: Uint8Array): object
    exports(module: object): { name: string; kind: string }[]
  }
  validate(bytes: Uint8Array): boolean
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

/** A module of the given sections, each [id, ...content]. */
function assemble(...sections: number[][]): Uint8Array {
  return new Uint8Array([
    ...HEADER,
    ...sections.flatMap(([id, ...content]) => [id, content.length, ...content])
  ])
}

const mutableI32 = (value: number): number[] => [0x7f, 0x01, 0x41, value, 0x0b]
const constI32 = (value: number): number[] => [0x7f, 0x00, 0x41, value, 0x0b]
const exportGlobal = (name: string, index: number): number[] => [
  name.length,
  ...Buffer.from(name),
  0x03,
  index
]

let opaModule: Buffer

beforeAll(async () => {
  opaModule = await buildWasm({ 'p.rego': 'package p\n\nx := input.x\n' }, ['p/x'])
})

describe('importedMemoryPages', () => {
  it("reads the minimum of the memory OPA's module imports", () => {
    expect(importedMemoryPages(opaModule)).toBeGreaterThanOrEqual(1)
  })

  it('reads it after a function and a table import', () => {
    const wasm = assemble(
      [0x01, 0x01, 0x60, 0x00, 0x00], // one type: () -> ()
      [
        0x02,
        0x03,
        ...[1, 0x65, 1, 0x66, 0x00, 0x00], // e.f: function of type 0
        ...[1, 0x65, 1, 0x74, 0x01, 0x70, 0x01, 0x01, 0x02], // e.t: funcref table, min 1, max 2
        ...[1, 0x65, 1, 0x6d, 0x02, 0x00, 0x07] // e.m: memory, min 7
      ]
    )
    expect(wasmApi.validate(wasm)).toBe(true)
    expect(importedMemoryPages(wasm)).toBe(7)
  })
})

describe('exportStackPointer', () => {
  it("exports OPA's stack pointer and keeps the module's own exports", () => {
    const patched = exportStackPointer(opaModule)
    expect(patched).toBeDefined()
    const before = wasmApi.Module.exports(new wasmApi.Module(opaModule))
    const after = wasmApi.Module.exports(new wasmApi.Module(patched!))
    expect(after).toEqual([...before, { name: STACK_POINTER_EXPORT, kind: 'global' }])
  })

  it('exports the one mutable i32 global that is not exported yet', () => {
    const wasm = assemble(
      [0x06, 0x02, ...constI32(1), ...mutableI32(64)],
      [0x07, 0x01, ...exportGlobal('v', 0)]
    )
    const patched = exportStackPointer(wasm)
    expect(wasmApi.validate(patched!)).toBe(true)
    expect(wasmApi.Module.exports(new wasmApi.Module(patched!))).toEqual([
      { name: 'v', kind: 'global' },
      { name: STACK_POINTER_EXPORT, kind: 'global' }
    ])
  })

  it.each([
    ['no globals', assemble([0x07, 0x00])],
    ['two candidates', assemble([0x06, 0x02, ...mutableI32(1), ...mutableI32(2)], [0x07, 0x00])],
    [
      'the only mutable global already exported',
      assemble([0x06, 0x01, ...mutableI32(1)], [0x07, 0x01, ...exportGlobal('sp', 0)])
    ],
    ['no export section', assemble([0x06, 0x01, ...mutableI32(1)])],
    ['not a module', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 200])]
  ])('leaves it when it cannot tell the stack pointer apart: %s', (_, wasm) => {
    expect(exportStackPointer(wasm)).toBeUndefined()
  })
})

// A minimal OPA WASM host for the host built-ins' tests: compiles Rego with the real
// `opa build -t wasm`, instantiates the module with its own env imports, and on every host
// built-in call parses the module's opa_value_dump text of each argument with parseValueDump,
// calls the implementation under test, and loads the result back with opa_value_parse. It is
// the path the engine's loader takes, without the loader (src/evaluate/wasm.ts) itself.

import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import {
  type RegoValue,
  objectGet,
  parseValueDump,
  regoString,
  serializeForWasm
} from '../../src/evaluate/rego-value.js'

const run = promisify(execFile)

export const repoRoot = path.resolve(import.meta.dirname, '..', '..')
export const opaPath = path.join(repoRoot, '.tools', 'bin', 'opa')

/** Compiles Rego modules (file name → source) to policy.wasm with the given entrypoints. */
export async function buildWasm(
  modules: Record<string, string>,
  entrypoints: string[]
): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wasm-dump-'))
  try {
    const files: string[] = []
    for (const [name, source] of Object.entries(modules)) {
      await writeFile(path.join(dir, name), source)
      files.push(name)
    }
    const entrypointArgs = entrypoints.flatMap(entrypoint => ['-e', entrypoint])
    await run(
      opaPath,
      ['build', '-t', 'wasm', ...entrypointArgs, '-o', 'bundle.tar.gz', ...files],
      {
        cwd: dir,
        maxBuffer: 64 * 1024 * 1024
      }
    )
    await run('tar', ['-xzf', 'bundle.tar.gz', '/policy.wasm'], { cwd: dir })
    return await readFile(path.join(dir, 'policy.wasm'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Evaluates Rego with the real `opa eval` and returns the first expression's value, numbers
 * kept as the exact text OPA printed (undefined when the query is undefined).
 */
export async function opaEval(
  query: string,
  modules: Record<string, string> = {}
): Promise<RegoValue | undefined> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opa-eval-'))
  try {
    const dataArgs: string[] = []
    for (const [name, source] of Object.entries(modules)) {
      await writeFile(path.join(dir, name), source)
      dataArgs.push('-d', name)
    }
    const { stdout } = await run(opaPath, ['eval', '-f', 'json', ...dataArgs, query], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `opa eval failed: ${error.stdout ?? ''}${error.stderr ?? ''}`.slice(0, 4000),
        { cause: error }
      )
    })
    const output = parseValueDump(stdout)
    const result = output.type === 'object' ? objectGet(output, regoString('result')) : undefined
    if (result === undefined || result.type !== 'array' || result.items.length === 0)
      return undefined
    const expressions =
      result.items[0].type === 'object'
        ? objectGet(result.items[0], regoString('expressions'))
        : undefined
    if (
      expressions === undefined ||
      expressions.type !== 'array' ||
      expressions.items[0]?.type !== 'object'
    ) {
      throw new Error(`unexpected opa eval output: ${stdout.slice(0, 500)}`)
    }
    return objectGet(expressions.items[0], regoString('value'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// The WebAssembly JS API, which the ES2022 and Node type libraries this project uses do not declare.
interface WasmMemory {
  readonly buffer: ArrayBuffer
}
interface WasmInstance {
  readonly exports: Record<string, unknown>
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance }>
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

export type HostFunction = (...args: RegoValue[]) => RegoValue | undefined

export interface HostCall {
  name: string
  /** The opa_value_dump text of each argument, as the module produced it. */
  dumps: string[]
}

function readLeb128(bytes: Uint8Array, start: number): [number, number] {
  let value = 0
  let shift = 0
  let position = start
  for (;;) {
    const byte = bytes[position++]
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) return [value, position]
  }
}

/** The initial size (64 KiB pages) of the memory the module imports; its data must fit. */
function importedMemoryPages(wasm: Uint8Array): number {
  let position = 8 // magic and version
  while (position < wasm.length) {
    const id = wasm[position++]
    let size: number
    ;[size, position] = readLeb128(wasm, position)
    const end = position + size
    if (id === 2) {
      let count: number
      ;[count, position] = readLeb128(wasm, position)
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          let length: number
          ;[length, position] = readLeb128(wasm, position)
          position += length
        }
        const kind = wasm[position++]
        if (kind === 2) return readLeb128(wasm, position + 1)[0]
        if (kind === 0) position = readLeb128(wasm, position)[1]
        else if (kind === 1) position = readLeb128(wasm, readLeb128(wasm, position + 2)[1])[1]
        else if (kind === 3) position += 2
      }
    }
    position = end
  }
  return 5
}

export class WasmPolicy {
  /** Every host built-in call made so far, with its argument dumps. */
  readonly calls: HostCall[] = []
  private readonly memory: WasmMemory
  private instance!: WasmInstance
  private builtinNames = new Map<number, string>()

  private constructor(
    private readonly host: Record<string, HostFunction>,
    initialPages: number
  ) {
    this.memory = new wasmApi.Memory({ initial: initialPages })
  }

  static async load(wasm: Buffer, host: Record<string, HostFunction>): Promise<WasmPolicy> {
    const policy = new WasmPolicy(host, importedMemoryPages(wasm))
    const call =
      (id: number) =>
      (...addresses: number[]): number =>
        policy.callHost(id, addresses)
    const env = {
      memory: policy.memory,
      opa_abort: (address: number) => {
        throw new Error(`opa_abort: ${policy.readCString(address)}`)
      },
      opa_println: (address: number) => console.log(policy.readCString(address)),
      opa_builtin0: (id: number) => call(id)(),
      opa_builtin1: (id: number, _ctx: number, a: number) => call(id)(a),
      opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id)(a, b),
      opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) =>
        call(id)(a, b, c),
      opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) =>
        call(id)(a, b, c, d)
    }
    const { instance } = await wasmApi.instantiate(wasm, { env })
    policy.instance = instance
    const builtins = JSON.parse(
      policy.readCString(policy.exports.opa_json_dump(policy.exports.builtins()))
    ) as Record<string, number>
    for (const [name, id] of Object.entries(builtins)) policy.builtinNames.set(id, name)
    return policy
  }

  /** The names of the built-ins the module calls on the host. */
  get hostBuiltinNames(): string[] {
    return [...this.builtinNames.values()]
  }

  /** Evaluates an entrypoint and returns the result set (a Rego set of {"result": …}). */
  evaluate(inputJson?: string, entrypoint = 0): RegoValue {
    const data = this.parse('{}', 'opa_json_parse')
    const context = this.exports.opa_eval_ctx_new()
    if (inputJson !== undefined) {
      this.exports.opa_eval_ctx_set_input(context, this.parse(inputJson, 'opa_json_parse'))
    }
    this.exports.opa_eval_ctx_set_data(context, data)
    this.exports.opa_eval_ctx_set_entrypoint(context, entrypoint)
    this.exports.eval(context)
    return parseValueDump(
      this.readCString(this.exports.opa_value_dump(this.exports.opa_eval_ctx_get_result(context)))
    )
  }

  /**
   * Loads a value into the module with opa_value_parse (from serializeForWasm) and returns the
   * module's opa_value_dump text of it.
   */
  dumpThroughModule(value: RegoValue): string {
    const address = this.parse(serializeForWasm(value), 'opa_value_parse')
    return this.readCString(this.exports.opa_value_dump(address))
  }

  private get exports(): Record<string, (...args: number[]) => number> {
    return this.instance.exports as unknown as Record<string, (...args: number[]) => number>
  }

  private callHost(id: number, addresses: number[]): number {
    const name = this.builtinNames.get(id) ?? `#${id}`
    const dumps = addresses.map(address => this.readCString(this.exports.opa_value_dump(address)))
    this.calls.push({ name, dumps })
    const implementation = this.host[name]
    if (implementation === undefined) throw new Error(`no host implementation for built-in ${name}`)
    const result = implementation(...dumps.map(parseValueDump))
    return result === undefined ? 0 : this.parse(serializeForWasm(result), 'opa_value_parse')
  }

  private parse(text: string, parser: 'opa_json_parse' | 'opa_value_parse'): number {
    const bytes = new TextEncoder().encode(text)
    const address = this.exports.opa_malloc(bytes.length)
    new Uint8Array(this.memory.buffer).set(bytes, address)
    const value = this.exports[parser](address, bytes.length)
    if (value === 0) throw new Error(`${parser} rejected: ${text.slice(0, 200)}`)
    return value
  }

  private readCString(address: number): string {
    const bytes = new Uint8Array(this.memory.buffer)
    let end = address
    while (bytes[end] !== 0) end++
    return new TextDecoder().decode(bytes.subarray(address, end))
  }
}

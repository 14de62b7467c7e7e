/**
 * The compiled policies in one WebAssembly instance, driven through OPA's WASM ABI (1.2+)
 * directly rather than through an SDK, because the gate evaluates thousands of documents and
 * three things an SDK hides decide how fast that is:
 *
 * - The heap. Every `opa_heap_ptr_set` also empties the module's caches of compiled regular
 *   expressions and globs (malloc.c `init_free`), and the SDKs reset the heap before every
 *   evaluation, so `regex.match` and `glob.match` recompile their patterns every time — about
 *   half of the evaluation time of the Kubernetes library. Here the heap is reset only at a
 *   document boundary once the evaluations have used TRANSIENT_HEAP_BUDGET bytes.
 * - The input. It is parsed into the module once per document and shared by the evaluations of
 *   every namespace (`opa_eval_ctx_set_input`), instead of once per evaluation.
 * - The data. It is parsed once per run, below the heap's reset point; each file's
 *   `data.conftest.file` is a small overlay object built above it, whose other keys point at
 *   the parsed data (`opa_value_add_path`), so changing files never re-parses the data and
 *   nothing below the reset point ever points above it.
 */

import { exportStackPointer, importedMemoryPages, STACK_POINTER_EXPORT } from './wasm-module.js'

/** A host built-in: arguments and result are Rego-syntax text (`opa_value_dump`/`opa_value_parse`),
 * so sets stay sets. `undefined` makes the call undefined, as a built-in error does in OPA's
 * non-strict mode. */
export type HostFunction = ((...args: string[]) => string | undefined) & { regoValues: true }

export function hostFunction(fn: (...args: string[]) => string | undefined): HostFunction {
  return Object.assign(fn, { regoValues: true as const })
}

/**
 * How much the evaluations may allocate before the heap is reset. Large enough that resets are
 * rare (the caches survive hundreds of documents), small enough that the module's memory stays
 * modest: the free lists get slower as the heap grows.
 */
export const TRANSIENT_HEAP_BUDGET = 16 * 1024 * 1024

/** A policy's runtime error (`opa_abort`), such as conflicting values of a complete rule. */
export class PolicyAbort extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyAbort'
  }
}

// The WebAssembly JS API, which the ES2022 and Node type libraries this project uses do not declare.
interface WasmMemory {
  readonly buffer: ArrayBuffer
}
interface WasmInstance {
  readonly exports: Record<string, unknown>
}
interface WasmGlobal {
  value: number
}
interface WasmModule {
  readonly kind: 'module'
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory
  Instance: new (module: WasmModule, imports: object) => WasmInstance
  compile(bytes: Uint8Array): Promise<WasmModule>
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** The ABI functions used here (OPA wasm/src: malloc.c, json.c, value.c, context.c). */
interface OpaExports {
  opa_malloc(size: number): number
  opa_free(address: number): void
  opa_json_parse(address: number, length: number): number
  opa_value_parse(address: number, length: number): number
  opa_json_dump(value: number): number
  opa_value_dump(value: number): number
  opa_heap_ptr_get(): number
  opa_heap_ptr_set(address: number): void
  opa_value_add_path(base: number, path: number, value: number): number
  opa_eval_ctx_new(): number
  opa_eval_ctx_set_input(context: number, value: number): void
  opa_eval_ctx_set_data(context: number, value: number): void
  opa_eval_ctx_set_entrypoint(context: number, entrypoint: number): void
  opa_eval_ctx_get_result(context: number): number
  eval(context: number): number
  builtins(): number
  entrypoints(): number
}

const REQUIRED_EXPORTS: readonly (keyof OpaExports)[] = [
  'opa_malloc',
  'opa_free',
  'opa_json_parse',
  'opa_value_parse',
  'opa_json_dump',
  'opa_value_dump',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_value_add_path',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'eval',
  'builtins',
  'entrypoints'
]

/**
 * The module's memory, in 64 KiB pages: just under 2 GiB from the start, and no more. OPA's
 * allocator grows memory one page at a time once its heap reaches the end, and V8 makes each grow
 * costly (about a millisecond near 1 GiB: a plan whose evaluation allocated 1 GB took 26 s
 * growing and 2.4 s evaluating); at its maximum, memory never grows. Memory the module does not
 * touch is only reserved address space, so starting large costs no resident memory. A page under
 * 2 GiB, because V8 spends milliseconds on every grow of a 2 GiB memory, even by 0 pages (the
 * allocator's start does one; see instantiate). The ceiling makes a runaway evaluation fail
 * ("opa_malloc: failed") at 2 GiB rather than at wasm32's 4 GiB, where the allocator's 32-bit
 * heap top wraps to 0 and every later allocation fails too.
 */
export const MEMORY_PAGES = 32767

/** The memory for one instance; only the module's minimum where 2 GiB cannot be reserved. */
function reserveMemory(minimumPages: number): WasmMemory {
  const pages = Math.max(minimumPages, MEMORY_PAGES)
  try {
    return new wasmApi.Memory({ initial: pages, maximum: pages })
  } catch {
    return new wasmApi.Memory({ initial: minimumPages, maximum: pages })
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The compiled policies, instantiated once and reused for every document of a run. After a
 * policy's runtime error (`opa_abort`) the module's stack pointer is put back and its heap
 * reset (see wasm-module.ts); after any other fault, or when the stack pointer could not be
 * exported, the instance is replaced by a new one with the same data, overlay and input.
 */
export class WasmPolicy {
  private exports!: OpaExports
  private memory!: WasmMemory
  private hostById: (HostFunction | string)[] = []
  private entrypointIds: Record<string, number> = {}
  /** The heap pointer once the module is instantiated: the data is parsed from here. */
  private moduleTop = 0
  /** The heap pointer above the parsed data: the evaluations' heap is reset to here. */
  private transientBase = 0
  private data: Record<string, unknown> = {}
  /** Each data key's parsed value and the one-element path that adds it to an overlay. */
  private dataKeys: { key: string; value: number; path: number }[] = []
  private overlayJson = '{}'
  private overlayKeys = new Set<string>()
  private dataRoot = 0
  private inputJson: string | undefined
  private hasInput = false
  private inputValue = 0
  private stackPointer: WasmGlobal | undefined
  private stackTop = 0

  private constructor(
    private readonly module: WasmModule,
    private readonly minimumPages: number,
    private readonly host: Record<string, HostFunction>
  ) {}

  static async load(wasm: Uint8Array, host: Record<string, HostFunction>): Promise<WasmPolicy> {
    const module = await wasmApi.compile(exportStackPointer(wasm) ?? wasm)
    const policy = new WasmPolicy(module, importedMemoryPages(wasm), host)
    policy.instantiate()
    return policy
  }

  /**
   * A new instance of the module, with the current data, overlay and input. It reuses the
   * memory: instantiating rewrites the module's data segments and its start function resets the
   * allocator, so nothing of the old instance is read again.
   */
  private instantiate(): void {
    this.memory ??= reserveMemory(this.minimumPages)
    const call = (id: number, ...args: number[]): number => this.callHost(id, args)
    const env = {
      memory: this.memory,
      opa_abort: (address: number) => {
        throw new PolicyAbort(this.readString(address))
      },
      opa_println: (address: number) => console.log(this.readString(address)),
      opa_builtin0: (id: number) => call(id),
      opa_builtin1: (id: number, _ctx: number, a: number) => call(id, a),
      opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id, a, b),
      opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) =>
        call(id, a, b, c),
      opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) =>
        call(id, a, b, c, d)
    }
    const instance = new wasmApi.Instance(this.module, { env })
    const missing = REQUIRED_EXPORTS.filter(name => typeof instance.exports[name] !== 'function')
    if (missing.length > 0) {
      throw new Error(
        `The compiled policy is not an OPA WASM module of ABI 1.2 or later (missing ${missing.join(', ')}); rebuild it with the pinned OPA.`
      )
    }
    this.exports = instance.exports as unknown as OpaExports
    this.stackPointer = instance.exports[STACK_POINTER_EXPORT] as WasmGlobal | undefined
    this.stackTop = this.stackPointer?.value ?? 0
    this.moduleTop = this.exports.opa_heap_ptr_get()
    const builtins = this.dumpJson(this.exports.builtins()) as Record<string, number>
    this.hostById = []
    for (const [name, id] of Object.entries(builtins)) this.hostById[id] = this.host[name] ?? name
    this.entrypointIds = this.dumpJson(this.exports.entrypoints()) as Record<string, number>
    this.parseData()
    this.buildDataRoot()
    if (this.hasInput) this.inputValue = this.parseInput()
  }

  get entrypoints(): Record<string, number> {
    return this.entrypointIds
  }

  /** Replaces `data` for the evaluations that follow (and clears the overlay and the input). */
  setData(data: Record<string, unknown>): void {
    this.data = data
    this.overlayJson = '{}'
    this.overlayKeys = new Set()
    this.inputJson = undefined
    this.hasInput = false
    this.parseData()
    this.buildDataRoot()
  }

  /** Parses each data key once, at the bottom of the heap, below where evaluations reset it. */
  private parseData(): void {
    this.exports.opa_heap_ptr_set(this.moduleTop)
    this.dataKeys = Object.entries(this.data).map(([key, value]) => ({
      key,
      value: this.parse(JSON.stringify(value) ?? 'null', 'opa_json_parse'),
      path: this.parse(JSON.stringify([key]), 'opa_json_parse')
    }))
    this.transientBase = this.exports.opa_heap_ptr_get()
  }

  /**
   * Top-level keys that replace data's for the evaluations that follow, such as `conftest`
   * with the current file: only the overlay is serialised and parsed.
   */
  setDataOverlay(overlay: Record<string, unknown>): void {
    this.overlayJson = JSON.stringify(overlay)
    this.overlayKeys = new Set(Object.keys(overlay))
    this.buildDataRoot()
  }

  /**
   * Parses the input (JSON text) the evaluations that follow see; a document boundary.
   * Undefined leaves `input` undefined.
   */
  setInput(inputJson: string | undefined): void {
    this.inputJson = inputJson
    this.hasInput = true
    if (this.overBudget()) this.resetTransientHeap()
    else this.inputValue = this.parseInput()
  }

  private overBudget(): boolean {
    return this.exports.opa_heap_ptr_get() - this.transientBase > TRANSIENT_HEAP_BUDGET
  }

  /**
   * Evaluates one entrypoint for the current input and data. Returns the entrypoint's value,
   * or undefined when it is undefined. Throws PolicyAbort on a policy's runtime error.
   */
  evaluate(entrypoint: string): unknown {
    const id = this.entrypointIds[entrypoint]
    if (id === undefined) throw new Error(`entrypoint ${entrypoint} is not in the compiled policy`)
    if (!this.hasInput) throw new Error('evaluate called before setInput')
    // A large document can use the budget up within one document's evaluations.
    if (this.overBudget()) this.resetTransientHeap()
    const x = this.exports
    try {
      const context = x.opa_eval_ctx_new()
      x.opa_eval_ctx_set_input(context, this.inputValue)
      x.opa_eval_ctx_set_data(context, this.dataRoot)
      x.opa_eval_ctx_set_entrypoint(context, id)
      x.eval(context)
      const resultSet = this.dumpJson(x.opa_eval_ctx_get_result(context)) as { result: unknown }[]
      return resultSet.length > 0 ? resultSet[0].result : undefined
    } catch (error) {
      if (error instanceof PolicyAbort && this.stackPointer) {
        this.stackPointer.value = this.stackTop
        this.resetTransientHeap()
      } else {
        this.instantiate()
      }
      throw error
    }
  }

  /** Empties the evaluations' heap, then rebuilds what lives there: the data root and input. */
  private resetTransientHeap(): void {
    this.exports.opa_heap_ptr_set(this.transientBase)
    this.buildDataRoot()
    if (this.hasInput) this.inputValue = this.parseInput()
  }

  private parseInput(): number {
    return this.inputJson === undefined ? 0 : this.parse(this.inputJson, 'opa_json_parse')
  }

  /** The object the evaluations see as `data`: the overlay, plus every other data key. */
  private buildDataRoot(): void {
    const root = this.parse(this.overlayJson, 'opa_json_parse')
    for (const { key, value, path } of this.dataKeys) {
      if (this.overlayKeys.has(key)) continue
      const code = this.exports.opa_value_add_path(root, path, value)
      if (code !== 0) throw new Error(`could not set data.${key} in the module (error ${code})`)
    }
    this.dataRoot = root
  }

  private callHost(id: number, args: number[]): number {
    const fn = this.hostById[id]
    if (typeof fn !== 'function') {
      throw new Error(`not implemented: built-in function ${String(fn ?? id)}`)
    }
    const texts = args.map(address => this.takeString(this.exports.opa_value_dump(address)))
    const result = fn(...texts)
    return result === undefined ? 0 : this.parse(result, 'opa_value_parse')
  }

  /** Copies text into the module and parses it there; returns the value's address. */
  private parse(text: string, parser: 'opa_json_parse' | 'opa_value_parse'): number {
    const capacity = text.length * 3 // UTF-16 code unit → at most 3 UTF-8 bytes
    const address = this.exports.opa_malloc(capacity)
    const { written } = encoder.encodeInto(
      text,
      new Uint8Array(this.memory.buffer, address, capacity)
    )
    const value = this.exports[parser](address, written)
    // Both parsers copy strings and numbers out of the text, so it can go at once.
    this.exports.opa_free(address)
    if (value === 0) throw new Error(`${parser} rejected a value: ${text.slice(0, 200)}`)
    return value
  }

  private dumpJson(value: number): unknown {
    return JSON.parse(this.takeString(this.exports.opa_json_dump(value)))
  }

  /** Reads a NUL-terminated string the module allocated for us, then frees it. */
  private takeString(address: number): string {
    const text = this.readString(address)
    this.exports.opa_free(address)
    return text
  }

  private readString(address: number): string {
    const bytes = new Uint8Array(this.memory.buffer)
    const end = bytes.indexOf(0, address)
    return decoder.decode(bytes.subarray(address, end))
  }
}

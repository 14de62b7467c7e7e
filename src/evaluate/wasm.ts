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
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance }>
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

function readLeb128(bytes: Uint8Array, start: number): [value: number, next: number] {
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

/** The initial size (64 KiB pages) of the memory the module imports: its data must fit in it. */
export function importedMemoryPages(wasm: Uint8Array): number {
  let position = 8 // magic and version
  while (position < wasm.length) {
    const section = wasm[position++]
    let size: number
    ;[size, position] = readLeb128(wasm, position)
    const end = position + size
    if (section === 2) {
      let count: number
      ;[count, position] = readLeb128(wasm, position)
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          let length: number
          ;[length, position] = readLeb128(wasm, position)
          position += length
        }
        const kind = wasm[position++]
        if (kind === 2) return readLeb128(wasm, position + 1)[0] // memory: flags, then minimum
        if (kind === 0)
          position = readLeb128(wasm, position)[1] // function: type index
        else if (kind === 1) position = readLeb128(wasm, readLeb128(wasm, position + 2)[1])[1]
        else if (kind === 3) position += 2 // global: type, mutability
      }
    }
    position = end
  }
  return 2
}

/**
 * The memory the module starts with, in 64 KiB pages (2 GiB). OPA's allocator grows memory one
 * page at a time once its heap reaches the end, and each grow costs V8 about a millisecond (it
 * accounts the memory to the garbage collector): a plan whose evaluation allocates 1 GB took 26 s
 * growing and 2.4 s evaluating. Memory the module does not touch is only reserved address space,
 * so a large start costs no resident memory.
 */
export const INITIAL_MEMORY_PAGES = 32768

/** A memory of INITIAL_MEMORY_PAGES, or of the module's minimum where so much cannot be reserved. */
function reserveMemory(minimumPages: number): WasmMemory {
  try {
    return new wasmApi.Memory({ initial: Math.max(minimumPages, INITIAL_MEMORY_PAGES) })
  } catch {
    return new wasmApi.Memory({ initial: minimumPages })
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** One WASM instance of the compiled policies, reused for every document of a run. */
export class WasmPolicy {
  private exports!: OpaExports
  private readonly memory: WasmMemory
  private hostById: (HostFunction | string)[] = []
  private entrypointIds: Record<string, number> = {}
  /** The heap pointer once the module is instantiated: the data is parsed from here. */
  private moduleTop = 0
  /** The heap pointer above the parsed data: the evaluations' heap is reset to here. */
  private transientBase = 0
  /** Each data key's parsed value and the one-element path that adds it to an overlay. */
  private dataKeys: { key: string; value: number; path: number }[] = []
  private overlayJson = '{}'
  private overlayKeys = new Set<string>()
  private dataRoot = 0
  private inputJson: string | undefined
  private hasInput = false
  private inputValue = 0

  private constructor(minimumPages: number) {
    this.memory = reserveMemory(minimumPages)
  }

  static async load(wasm: Uint8Array, host: Record<string, HostFunction>): Promise<WasmPolicy> {
    const policy = new WasmPolicy(importedMemoryPages(wasm))
    const call = (id: number, ...args: number[]): number => policy.callHost(id, args)
    const env = {
      memory: policy.memory,
      opa_abort: (address: number) => {
        throw new PolicyAbort(policy.readString(address))
      },
      opa_println: (address: number) => console.log(policy.readString(address)),
      opa_builtin0: (id: number) => call(id),
      opa_builtin1: (id: number, _ctx: number, a: number) => call(id, a),
      opa_builtin2: (id: number, _ctx: number, a: number, b: number) => call(id, a, b),
      opa_builtin3: (id: number, _ctx: number, a: number, b: number, c: number) =>
        call(id, a, b, c),
      opa_builtin4: (id: number, _ctx: number, a: number, b: number, c: number, d: number) =>
        call(id, a, b, c, d)
    }
    const { instance } = await wasmApi.instantiate(wasm, { env })
    const missing = REQUIRED_EXPORTS.filter(name => typeof instance.exports[name] !== 'function')
    if (missing.length > 0) {
      throw new Error(
        `The compiled policy is not an OPA WASM module of ABI 1.2 or later (missing ${missing.join(', ')}); rebuild it with the pinned OPA.`
      )
    }
    policy.exports = instance.exports as unknown as OpaExports
    policy.moduleTop = policy.exports.opa_heap_ptr_get()
    const builtins = policy.dumpJson(policy.exports.builtins()) as Record<string, number>
    for (const [name, id] of Object.entries(builtins)) policy.hostById[id] = host[name] ?? name
    policy.entrypointIds = policy.dumpJson(policy.exports.entrypoints()) as Record<string, number>
    policy.setData({})
    return policy
  }

  get entrypoints(): Record<string, number> {
    return this.entrypointIds
  }

  /** Replaces `data` for the evaluations that follow (and clears the overlay and the input). */
  setData(data: Record<string, unknown>): void {
    this.exports.opa_heap_ptr_set(this.moduleTop)
    this.dataKeys = Object.entries(data).map(([key, value]) => ({
      key,
      value: this.parse(JSON.stringify(value) ?? 'null', 'opa_json_parse'),
      path: this.parse(JSON.stringify([key]), 'opa_json_parse')
    }))
    this.transientBase = this.exports.opa_heap_ptr_get()
    this.overlayJson = '{}'
    this.overlayKeys = new Set()
    this.inputJson = undefined
    this.hasInput = false
    this.buildDataRoot()
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
      // An abort can leave the allocator mid-update: start again from a clean heap.
      this.resetTransientHeap()
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

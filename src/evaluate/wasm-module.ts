/**
 * What the loader (wasm.ts) reads from, and adds to, a compiled policy's WebAssembly binary
 * before instantiating it: the size of the memory it imports, and an export of its stack pointer.
 *
 * The stack pointer: OPA's runtime is C compiled by LLVM, which keeps a shadow stack in linear
 * memory below a mutable global (`__stack_pointer`, not exported). A policy's runtime error
 * reaches JavaScript through the `opa_abort` import, which throws; the C functions in progress
 * never restore the pointer, so each error leaves it lower (about 100 bytes), and after some six
 * hundred errors it leaves the 64 KiB stack and the module faults. With the global exported, the
 * loader puts it back after each error.
 */

const SECTION_IMPORT = 2
const SECTION_GLOBAL = 6
const SECTION_EXPORT = 7
const KIND_GLOBAL = 3
const I32 = 0x7f

/** The name the stack pointer is exported under. */
export const STACK_POINTER_EXPORT = 'policy_gate_stack_pointer'

function readUleb(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  let position = start
  for (;;) {
    if (position >= bytes.length) throw new Error('truncated LEB128')
    const byte = bytes[position++]
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) return [value, position]
  }
}

function skipSleb(bytes: Uint8Array, start: number): number {
  let position = start
  while (bytes[position++] & 0x80) if (position >= bytes.length) throw new Error('truncated LEB128')
  return position
}

function encodeUleb(value: number): number[] {
  const out: number[] = []
  let v = value
  do {
    let byte = v & 0x7f
    v = Math.floor(v / 128)
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
  return out
}

interface Section {
  id: number
  /** Where the section's id byte is. */
  start: number
  /** Where its content starts (after id and size). */
  content: number
  end: number
}

function sections(wasm: Uint8Array): Section[] {
  const out: Section[] = []
  let position = 8 // magic and version
  while (position < wasm.length) {
    const start = position
    const id = wasm[position++]
    const [size, content] = readUleb(wasm, position)
    out.push({ id, start, content, end: content + size })
    position = content + size
  }
  return out
}

/** Skips a name (a length-prefixed UTF-8 string). */
function skipName(bytes: Uint8Array, position: number): number {
  const [length, next] = readUleb(bytes, position)
  return next + length
}

/** The initial size (64 KiB pages) of the memory the module imports: its data must fit in it. */
export function importedMemoryPages(wasm: Uint8Array): number {
  const imports = sections(wasm).find(s => s.id === SECTION_IMPORT)
  if (!imports) return 1
  let [count, position] = readUleb(wasm, imports.content)
  for (; count > 0; count--) {
    position = skipName(wasm, skipName(wasm, position))
    const kind = wasm[position++]
    if (kind === 2) return readUleb(wasm, position + 1)[0] // memory: limits flags, then minimum
    if (kind === 0)
      position = readUleb(wasm, position)[1] // function: type index
    else if (kind === 1) {
      // table: reference type, limits flags, minimum (and maximum when flagged)
      const flags = wasm[position + 1]
      position = readUleb(wasm, position + 2)[1]
      if (flags & 1) position = readUleb(wasm, position)[1]
    } else if (kind === KIND_GLOBAL) position += 2 // value type, mutability
  }
  return 1
}

/** Skips a constant expression (a global's initial value) up to and including its `end`. */
function skipConstantExpression(bytes: Uint8Array, start: number): number {
  let position = start
  for (;;) {
    const opcode = bytes[position++]
    if (opcode === 0x0b) return position
    if (opcode === 0x41 || opcode === 0x42) position = skipSleb(bytes, position)
    else if (opcode === 0x43) position += 4
    else if (opcode === 0x44) position += 8
    else if (opcode === 0x23 || opcode === 0xd2) position = readUleb(bytes, position)[1]
    else if (opcode === 0xd0) position += 1
    else throw new Error(`unexpected opcode 0x${opcode.toString(16)} in a constant expression`)
  }
}

/**
 * The module with its stack pointer exported as STACK_POINTER_EXPORT, or undefined when it cannot
 * be told apart: it is taken to be the module's only mutable i32 global that is not exported
 * already (in OPA's modules, global 0; the others are the exported ABI version numbers).
 */
export function exportStackPointer(wasm: Uint8Array): Uint8Array | undefined {
  try {
    const all = sections(wasm)
    const exportSection = all.find(s => s.id === SECTION_EXPORT)
    const globalSection = all.find(s => s.id === SECTION_GLOBAL)
    if (!exportSection || !globalSection) return undefined

    let importedGlobals = 0
    const imports = all.find(s => s.id === SECTION_IMPORT)
    if (imports) {
      let [count, position] = readUleb(wasm, imports.content)
      for (; count > 0; count--) {
        position = skipName(wasm, skipName(wasm, position))
        const kind = wasm[position++]
        if (kind === 0) position = readUleb(wasm, position)[1]
        else if (kind === 1) {
          const flags = wasm[position + 1]
          position = readUleb(wasm, position + 2)[1]
          if (flags & 1) position = readUleb(wasm, position)[1]
        } else if (kind === 2) {
          const flags = wasm[position]
          position = readUleb(wasm, position + 1)[1]
          if (flags & 1) position = readUleb(wasm, position)[1]
        } else if (kind === KIND_GLOBAL) {
          importedGlobals++
          position += 2
        } else return undefined
      }
    }

    const mutableI32: number[] = []
    const [globals, first] = readUleb(wasm, globalSection.content)
    let position = first
    for (let i = 0; i < globals; i++) {
      const type = wasm[position]
      const mutable = wasm[position + 1] === 1
      position = skipConstantExpression(wasm, position + 2)
      if (type === I32 && mutable) mutableI32.push(importedGlobals + i)
    }

    const exportedGlobals = new Set<number>()
    const [exports, entries] = readUleb(wasm, exportSection.content)
    position = entries
    for (let i = 0; i < exports; i++) {
      position = skipName(wasm, position)
      const kind = wasm[position++]
      let index: number
      ;[index, position] = readUleb(wasm, position)
      if (kind === KIND_GLOBAL) exportedGlobals.add(index)
    }
    const candidates = mutableI32.filter(index => !exportedGlobals.has(index))
    if (candidates.length !== 1) return undefined

    const name = new TextEncoder().encode(STACK_POINTER_EXPORT)
    const content = [
      ...encodeUleb(exports + 1),
      ...wasm.subarray(entries, exportSection.end),
      ...encodeUleb(name.length),
      ...name,
      KIND_GLOBAL,
      ...encodeUleb(candidates[0])
    ]
    const section = [SECTION_EXPORT, ...encodeUleb(content.length), ...content]
    const out = new Uint8Array(
      wasm.length - (exportSection.end - exportSection.start) + section.length
    )
    out.set(wasm.subarray(0, exportSection.start), 0)
    out.set(section, exportSection.start)
    out.set(wasm.subarray(exportSection.end), exportSection.start + section.length)
    return out
  } catch {
    return undefined
  }
}

/**
 * Position indexes over a file's text, each built in one pass and then answering every finding of
 * the file: offsets → lines, and JSON paths → offsets. Each answers what a scan of the text from
 * its start would (`lineAt` in documents/json.ts; the tests hold the JSON index to such a scan).
 */
import { endOfString, isBlank, skipBlank } from './json.js'

/** 1-based lines of offsets, by binary search over the text's line breaks. */
export class LineIndex {
  private readonly breaks: number[] = []

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.breaks.push(i)
  }

  /** The line of an offset: 1 + the line breaks before it (as `lineAt`). */
  lineAt(offset: number): number {
    let low = 0
    let high = this.breaks.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.breaks[mid] < offset) low = mid + 1
      else high = mid
    }
    return low + 1
  }

  /** Lines in the text, not counting an empty one after a final line break. */
  get count(): number {
    const n = this.breaks.length
    return n > 0 && this.breaks[n - 1] === this.text.length - 1 ? n : n + 1
  }
}

// --- JSON ------------------------------------------------------------------------------------------

/** A scalar's offset, or an object or array with its members' positions. */
type JsonEntry = number | JsonContainer

interface JsonContainer {
  /** Offset of the `{` or `[`. */
  start: number
  /** Offset just past the matching `}` or `]`. */
  end: number
  /** An object's members: the last of duplicate keys, as JSON.parse keeps it. */
  members?: Map<string, { key: number; value: JsonEntry }>
  items?: JsonEntry[]
}

const QUOTE = 0x22

/** Where every member and element of a JSON text starts, from one pass over valid JSON. */
export class JsonIndex {
  /** Offset of the first non-blank character: the root value. */
  private readonly rootAt: number
  private readonly root: JsonEntry

  constructor(text: string) {
    this.rootAt = skipBlank(text, 0)
    this.root = indexJson(text, this.rootAt)
  }

  /**
   * The path (object keys and array indexes) resolved as far as it goes: the offset of the
   * deepest element it reaches (an object member's key, where a reader looks; an array element's
   * value) and how many segments it resolved; and, when that element is an object or array, the
   * offset just past its end. Duplicate keys resolve to the last, the one JSON.parse keeps.
   */
  locate(path: readonly (string | number)[]): { offset: number; resolved: number; end?: number } {
    let entry = this.root
    let offset = this.rootAt
    let resolved = 0
    for (const segment of path) {
      if (typeof entry === 'number') break
      if (entry.members && typeof segment === 'string') {
        const member = entry.members.get(segment)
        if (!member) break
        offset = member.key
        entry = member.value
      } else if (entry.items && typeof segment === 'number') {
        const item = entry.items[segment] as JsonEntry | undefined
        if (item === undefined) break
        offset = typeof item === 'number' ? item : item.start
        entry = item
      } else break
      resolved++
    }
    return typeof entry === 'number' ? { offset, resolved } : { offset, resolved, end: entry.end }
  }
}

function indexJson(text: string, rootAt: number): JsonEntry {
  const open = text.charCodeAt(rootAt)
  if (open !== 0x7b && open !== 0x5b) return rootAt
  const stack: JsonContainer[] = []
  let root: JsonContainer | undefined
  let expectKey = false
  let key: { name: string; at: number } | undefined
  const attach = (entry: JsonEntry): void => {
    const parent = stack[stack.length - 1]
    if (!parent) return
    if (parent.items) parent.items.push(entry)
    else if (key) {
      parent.members?.set(key.name, { key: key.at, value: entry })
      key = undefined
    }
  }
  for (let i = rootAt; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isBlank(c) || c === 0x3a) continue
    if (c === 0x2c) {
      expectKey = stack[stack.length - 1]?.members !== undefined
      continue
    }
    if (c === 0x7d || c === 0x5d) {
      const closed = stack.pop()
      if (closed) closed.end = i + 1
      expectKey = false
      if (stack.length === 0) break
      continue
    }
    if (c === 0x7b || c === 0x5b) {
      const container: JsonContainer =
        c === 0x7b
          ? { start: i, end: text.length, members: new Map() }
          : { start: i, end: text.length, items: [] }
      attach(container)
      root ??= container
      stack.push(container)
      expectKey = c === 0x7b
      continue
    }
    if (c === QUOTE) {
      const close = endOfString(text, i)
      if (expectKey) {
        const raw = text.slice(i + 1, close)
        key = { name: raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw, at: i }
        expectKey = false
      } else {
        attach(i)
      }
      i = close
      continue
    }
    // A number, true, false or null: to the next delimiter.
    attach(i)
    while (i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (isBlank(d) || d === 0x2c || d === 0x5d || d === 0x7d) break
      i++
    }
  }
  return root ?? rootAt
}

/**
 * JSON documents as conftest sees them: Go's encoding/json after stripping a UTF-8 BOM
 * (parser/json). The file is one document; when it is a top-level array, conftest's engine
 * evaluates each element on its own (src/evaluate does the same).
 */
import type { DocumentsOrError, ParseError } from './yaml.js'

export interface JsonOptions {
  /** Deepest nesting accepted (Go allows 10,000; JSON.stringify overflows below that). */
  maxDepth?: number
  /** Most documents (top-level array elements) accepted from one file. */
  maxDocuments?: number
}

const DEFAULT_MAX_DEPTH = 1000
const DEFAULT_MAX_DOCUMENTS = 10_000

/** How deep the text nests, found without building the value. */
interface JsonShape {
  /** Offset of the first non-blank character. */
  start: number
  /** Offset where nesting first went deeper than allowed. */
  tooDeepAt?: number
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

export function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

function scanShape(text: string, maxDepth: number): JsonShape {
  const shape: JsonShape = { start: skipBlank(text, 0) }
  let depth = 0
  for (let i = shape.start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      i = endOfString(text, i)
    } else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > maxDepth) {
        shape.tooDeepAt = i
        return shape
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return shape
}

/** Offset of the closing quote of the string opening at `open` (or the text's end). */
export function endOfString(text: string, open: number): number {
  let i = open
  for (;;) {
    i = text.indexOf('"', i + 1)
    if (i === -1) return text.length
    let backslashes = 0
    while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return i
  }
}

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

export function parseJson(input: string, options: JsonOptions = {}): DocumentsOrError {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxDocuments = options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS
  // Blank out a BOM rather than remove it, so offsets stay those of the file.
  const text = input.charCodeAt(0) === 0xfeff ? ' ' + input.slice(1) : input

  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { error: describeJsonError(text, error) }
  }
  const shape = scanShape(text, maxDepth)
  if (shape.tooDeepAt !== undefined) {
    const line = lineAt(text, shape.tooDeepAt)
    return {
      error: {
        message:
          `JSON nesting is deeper than ${maxDepth} levels (at line ${line}); policy-gate refuses ` +
          'it rather than exhaust the stack. Flatten the document.',
        line
      }
    }
  }
  // Go's float64 cannot hold 1e400; JSON.parse quietly makes it Infinity.
  if (/\d[eE]\+?\d{3}|\d{309}/.test(text) && hasInfinity(value)) {
    const match = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?/g)].find(
      m => !Number.isFinite(Number(m[0]))
    )
    const line = match?.index !== undefined ? lineAt(text, match.index) : undefined
    return {
      error: {
        message:
          `the JSON number ${match?.[0].slice(0, 40) ?? ''} is too large for a 64-bit float; ` +
          'conftest fails on it too. Write it as a string.',
        line
      }
    }
  }
  const line = lineAt(text, shape.start)
  if (Array.isArray(value) && value.length > maxDocuments) {
    return {
      error: {
        message:
          `the top-level JSON array has ${value.length} elements; policy-gate evaluates at most ` +
          `${maxDocuments} documents per file. Split the file into smaller ones.`,
        line
      }
    }
  }
  return { documents: [{ index: 0, line, value }] }
}

function hasInfinity(root: unknown): boolean {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value === 'number' && !Number.isFinite(value)) return true
    if (typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) stack.push(child)
    }
  }
  return false
}

// --- Positions inside JSON text, for locating findings ------------------------------------------

export function skipBlank(text: string, i: number): number {
  while (i < text.length && isBlank(text.charCodeAt(i))) i++
  return i
}

/** Offset just past the JSON value starting at `i` (the text is known to be valid JSON). */
export function endOfJsonValue(text: string, start: number): number {
  let i = skipBlank(text, start)
  const c = text.charCodeAt(i)
  if (c === QUOTE) return endOfString(text, i) + 1
  if (c === 0x5b || c === 0x7b) {
    let depth = 0
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i)
      if (d === QUOTE) i = endOfString(text, i)
      else if (d === 0x5b || d === 0x7b) depth++
      else if (d === 0x5d || d === 0x7d) {
        depth--
        if (depth === 0) return i + 1
      }
    }
    return text.length
  }
  while (i < text.length && !/[\s,\]}]/.test(text[i])) i++
  return i
}

/**
 * Offset of the first string value equal to `value` within [start, end), skipping object keys
 * and text inside longer strings.
 */
export function findJsonString(text: string, value: string, start = 0, end = text.length): number {
  const needle = JSON.stringify(value)
  for (
    let at = text.indexOf(needle, start);
    at !== -1 && at < end;
    at = text.indexOf(needle, at + 1)
  ) {
    if (text.charCodeAt(at - 1) === BACKSLASH) continue
    const after = skipBlank(text, at + needle.length)
    if (text.charCodeAt(after) === 0x3a) continue
    // Inside a longer string the opening quote would be escaped or preceded by string content;
    // a value starts after a blank, ':', ',' or '['.
    let b = at - 1
    while (b >= 0 && isBlank(text.charCodeAt(b))) b--
    const before = text[b]
    if (b < start || before === ':' || before === ',' || before === '[') return at
  }
  return -1
}

function describeJsonError(text: string, error: unknown): ParseError {
  const reason = error instanceof Error ? error.message : String(error)
  const position = /at position (\d+)/.exec(reason)?.[1]
  const offset = position !== undefined ? Number(position) : firstSyntaxErrorOffset(text)
  const line = lineAt(text, offset)
  const column = offset - text.lastIndexOf('\n', offset - 1)
  const detail = reason
    .replace(/, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position.*$/, '')
  return {
    message: `invalid JSON at line ${line}, column ${column}: ${detail}. Fix the syntax; conftest cannot parse this file either.`,
    line
  }
}

/**
 * Offset of the first character a JSON parser would reject, for JSON.parse messages that do not
 * carry one ("Unexpected token ..."). Only called on text that failed to parse.
 */
function firstSyntaxErrorOffset(text: string): number {
  const stack: ('{' | '[')[] = []
  // States: value expected, key expected, colon expected, comma-or-close expected.
  let expect: 'value' | 'key' | 'colon' | 'next' | 'end' = 'value'
  let i = 0
  const skipBlanks = (): void => {
    i = skipBlank(text, i)
  }
  for (;;) {
    skipBlanks()
    if (i >= text.length) return text.length
    const c = text[i]
    if (expect === 'end') return i
    if (expect === 'colon') {
      if (c !== ':') return i
      i++
      expect = 'value'
      continue
    }
    if (expect === 'next') {
      const top = stack[stack.length - 1]
      if (c === ',') {
        i++
        expect = top === '{' ? 'key' : 'value'
        continue
      }
      if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop()
        i++
        expect = stack.length === 0 ? 'end' : 'next'
        continue
      }
      return i
    }
    if (expect === 'key') {
      if (c !== '"') return i
      const end = endOfString(text, i)
      if (end >= text.length) return text.length
      i = end + 1
      expect = 'colon'
      continue
    }
    // A value.
    if (c === '{' || c === '[') {
      stack.push(c)
      i++
      skipBlanks()
      if ((c === '[' && text[i] === ']') || (c === '{' && text[i] === '}')) {
        stack.pop()
        i++
        expect = stack.length === 0 ? 'end' : 'next'
      } else {
        expect = c === '{' ? 'key' : 'value'
      }
      continue
    }
    // JSON strings may not hold raw control characters: the class below names them on purpose.
    const token =
      // eslint-disable-next-line no-control-regex
      /^("(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
        text.slice(i, i + 1_000_000)
      )
    if (!token) return i
    i += token[0].length
    expect = stack.length === 0 ? 'end' : 'next'
  }
}

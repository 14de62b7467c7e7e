/**
 * YAML documents as conftest sees them.
 *
 * conftest (parser/yaml) splits a file on the literal line `---`, decodes each part with
 * sigs.k8s.io/yaml (go-yaml v2 underneath: YAML 1.1 scalars such as `yes`/`on` → true, `0755` →
 * 493, merge keys applied in document order, only the first document of a part read) and then
 * evaluates every document separately; a file without separators whose value is a list is
 * evaluated item by item. This module reproduces that with js-yaml (fast) and a schema that
 * resolves scalars the way go-yaml v2 does.
 */
import jsyaml from 'js-yaml'
import type { ParsedFile, SourceDocument } from '../findings.js'

export type ParseError = NonNullable<ParsedFile['error']>
export type DocumentsOrError = { documents: SourceDocument[] } | { error: ParseError }

export interface YamlOptions {
  /** Deepest nesting accepted; deeper input is an error finding, not a stack overflow. */
  maxDepth?: number
  /** Most documents (evaluation units) accepted from one file. */
  maxDocuments?: number
}

/** go-yaml v2 accepts 10,000 levels; js-yaml overflows the stack near 1,500, so stop well before. */
export const DEFAULT_MAX_DEPTH = 1000
export const DEFAULT_MAX_DOCUMENTS = 10_000

/** One part of a file between conftest's `---` separators. */
export interface YamlPart {
  text: string
  /** Offset of the part in the file. */
  offset: number
  /** 1-based line of the part's first character. */
  line: number
  /** 1-based line of the separator before the part (the part's own first line for the first). */
  separatorLine: number
}

/**
 * Splits a file exactly as conftest's `separateSubDocuments` does: on `\n---\n` (or `\r\n---\r\n`
 * when the file has any CRLF), keeping a leading `%YAML` directive with the first document.
 * A `--- # comment` or `--- !tag` line is not a separator here, as in conftest.
 */
export function splitYamlParts(text: string): YamlPart[] {
  const linebreak = text.includes('\r\n') ? '\r\n' : '\n'
  const separator = `${linebreak}---${linebreak}`
  const pieces = text.split(separator)
  const parts: YamlPart[] = []
  let offset = 0
  let line = 1
  for (const [i, piece] of pieces.entries()) {
    const separatorLine = i === 0 ? 1 : line - 1
    parts.push({ text: piece, offset, line, separatorLine })
    offset += piece.length + separator.length
    line += countNewlines(piece) + 2
  }
  if (text.startsWith('%')) {
    if (parts.length <= 2) return [{ text, offset: 0, line: 1, separatorLine: 1 }]
    const first = { ...parts[0], text: parts[0].text + separator + parts[1].text }
    return [first, ...parts.slice(2)]
  }
  return parts
}

function countNewlines(text: string): number {
  let count = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++
  return count
}

/**
 * Parses YAML text into conftest's documents, each with its first line: one per `---` part, or
 * the file's single value (which conftest's engine evaluates item by item when it is a list).
 */
export function parseYaml(text: string, options: YamlOptions = {}): DocumentsOrError {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxDocuments = options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS
  const parts = splitYamlParts(text)
  if (parts.length > maxDocuments) return tooManyDocuments(parts.length, maxDocuments)
  const documents: SourceDocument[] = []
  for (const [index, part] of parts.entries()) {
    const loaded = loadFirstDocument(part, maxDepth)
    if ('error' in loaded) return loaded
    if (parts.length === 1 && Array.isArray(loaded.value) && loaded.value.length > maxDocuments) {
      return tooManyDocuments(loaded.value.length, maxDocuments)
    }
    documents.push({ index, line: loaded.line, value: loaded.value })
  }
  return { documents }
}

function tooManyDocuments(count: number, max: number): { error: ParseError } {
  return {
    error: {
      message:
        `the file holds ${count} documents (or top-level list items); policy-gate evaluates at ` +
        `most ${max} per file. ` +
        'Split the file into smaller ones.',
      line: 1
    }
  }
}

interface LoadedDocument {
  value: unknown
  /** 1-based line of the document's content (or of its separator when it is empty). */
  line: number
}

/** A line holding something other than blanks, a comment or a `---` marker. */
const CONTENT_LINE = /^[ \t]*(?!---|#)\S/m

/**
 * Thrown from the js-yaml listener when a second document starts: go-yaml's Unmarshal reads the
 * first document of its input (checking that it ends properly) and ignores the rest.
 */
const STOP = Symbol('first document read')

/** js-yaml's listener state, with the fields its type declarations leave out. */
interface ListenerState {
  depth: number
  line: number
  result: unknown
  input: string
  position: number
}

/** Whether the next thing after `position` is a `:` (skipping blanks and comments). */
function followedByColon(input: string, position: number): boolean {
  for (let i = position; i < input.length; i++) {
    const c = input[i]
    if (c === ':') return true
    if (c === '#') {
      const end = input.indexOf('\n', i)
      if (end === -1) return false
      i = end
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return false
  }
  return false
}

/** Numbers the merge-key markers, so that every `<<` key of a mapping stays distinct. */
let mergeKeyCount = 0

function loadFirstDocument(
  part: YamlPart,
  maxDepth: number
): LoadedDocument | { error: ParseError } {
  let rootLine = -1
  let rootValue: unknown = null
  let finished = false
  let sequenceKeyLine = -1
  const listener = (event: string, state: ListenerState): void => {
    if (event === 'open') {
      // The next document's root: stop, as go-yaml reads no further than the first document.
      if (state.depth === 1 && finished) throw STOP
      if (state.depth === 1) rootLine = state.line
      return
    }
    // js-yaml turns a list used as a key into "a,b"; go-yaml refuses it.
    if (
      sequenceKeyLine < 0 &&
      Array.isArray(state.result) &&
      followedByColon(state.input, state.position)
    ) {
      sequenceKeyLine = state.line
    }
    if (state.depth === 1) {
      rootValue = state.result
      finished = true
    }
  }
  try {
    jsyaml.load(part.text, {
      schema: GO_YAML_V2_SCHEMA,
      json: true, // duplicate keys: the last one wins, as in go-yaml v2
      listener,
      maxDepth
    } as unknown as jsyaml.LoadOptions)
  } catch (error) {
    if (error !== STOP) return { error: describeYamlError(error, part, maxDepth) }
  }
  const hasContent =
    finished && rootLine >= 0 && (rootValue !== null || CONTENT_LINE.test(part.text))
  const line = hasContent ? part.line + rootLine : part.separatorLine
  if (!finished) return { value: null, line }
  if (sequenceKeyLine >= 0) {
    return {
      error: {
        message:
          'a YAML list is used as a map key; conftest (go-yaml) rejects it as an invalid map ' +
          'key. Use a string key.',
        line: part.line + sequenceKeyLine
      }
    }
  }

  const normalized = normalizeValue(rootValue)
  if ('error' in normalized) return { error: { message: normalized.error, line } }
  return { value: clipFinalLineBreak(normalized.value, part.text), line }
}

/**
 * js-yaml appends a line break to text that lacks one, so a block scalar (`|`, `>`) ending the
 * text keeps a final "\n" that go-yaml does not give it. conftest's parts never end in a line
 * break (the `\n---\n` separator takes it), so this concerns every document but the last.
 */
function clipFinalLineBreak(root: unknown, text: string): unknown {
  const last = text.charCodeAt(text.length - 1)
  if (text.length === 0 || last === 0x0a || last === 0x0d) return root
  // Only the indentation goes: a literal block keeps trailing spaces on its last line.
  const lastLine = text.slice(text.lastIndexOf('\n') + 1).trimStart()
  if (lastLine.trim() === '' || lastLine.startsWith('#')) return root
  const clip = (value: unknown): unknown =>
    typeof value === 'string' && value.endsWith('\n') && value.slice(0, -1).endsWith(lastLine)
      ? value.slice(0, -1)
      : value
  if (!isContainer(root)) return clip(root)
  let parent: Container = root
  for (;;) {
    const key: string | number | undefined = Array.isArray(parent)
      ? parent.length - 1
      : Object.keys(parent).at(-1)
    if (key === undefined || key === -1) return root
    const child = (parent as Record<string | number, unknown>)[key]
    if (isContainer(child)) {
      parent = child
      continue
    }
    ;(parent as Record<string | number, unknown>)[key] = clip(child)
    return root
  }
}

function describeYamlError(error: unknown, part: YamlPart, maxDepth: number): ParseError {
  const overflow = error instanceof RangeError && /call stack/i.test(error.message)
  if (overflow || /nesting exceeded maxDepth/.test(String(error))) {
    return {
      message:
        `YAML nesting is deeper than ${maxDepth} levels; policy-gate refuses it rather than ` +
        'exhaust the stack. Flatten the document.',
      line: part.line
    }
  }
  if (error instanceof jsyaml.YAMLException) {
    const mark = (error as jsyaml.YAMLException & { mark?: { line: number; column: number } }).mark
    const line = mark ? part.line + mark.line : part.line
    const column = mark ? `, column ${mark.column + 1}` : ''
    return {
      message: `invalid YAML at line ${line}${column}: ${error.reason}. Fix the syntax; conftest cannot parse this file either.`,
      line
    }
  }
  return { message: `invalid YAML: ${String(error)}`, line: part.line }
}

// --- Scalars as go-yaml v2 resolves them (go.yaml.in/yaml/v2 resolve.go) ---------------------------

const MERGE_PREFIX = '\u0000<<'

const PLAIN_MAP = new Map<string, unknown>()
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  PLAIN_MAP.set(s, true)
}
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  PLAIN_MAP.set(s, false)
}
for (const s of ['', '~', 'null', 'Null', 'NULL']) PLAIN_MAP.set(s, null)
for (const s of ['.nan', '.NaN', '.NAN']) PLAIN_MAP.set(s, NaN)
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) PLAIN_MAP.set(s, Infinity)
for (const s of ['-.inf', '-.Inf', '-.INF']) PLAIN_MAP.set(s, -Infinity)

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** The hint go-yaml derives from a scalar's first character. */
function hintOf(s: string): 'N' | 'S' | 'D' | 'M' | '.' | '' {
  if (s === '') return 'N'
  const c = s[0]
  if (c === '+' || c === '-') return 'S'
  if (c >= '0' && c <= '9') return 'D'
  if ('yYnNtTfFoO~'.includes(c)) return 'M'
  if (c === '.') return '.'
  return ''
}

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b and a leading 0 for octal). */
function parseGoInteger(s: string, signed: boolean): bigint | undefined {
  let i = 0
  let negative = false
  if (signed && (s[0] === '+' || s[0] === '-')) {
    negative = s[0] === '-'
    i = 1
  }
  let base = 10
  let digits = s.slice(i)
  if (/^0[xX]/.test(digits)) {
    base = 16
    digits = digits.slice(2)
  } else if (/^0[oO]/.test(digits)) {
    base = 8
    digits = digits.slice(2)
  } else if (/^0[bB]/.test(digits)) {
    base = 2
    digits = digits.slice(2)
  } else if (digits.length > 1 && digits[0] === '0') {
    base = 8
    digits = digits.slice(1)
  }
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]
  if (!valid?.test(digits)) return undefined
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base]
  let value = BigInt(prefix + digits)
  if (negative) value = -value
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined
  return value
}

/** Resolves a plain (unquoted, untagged) scalar the way go-yaml v2 does; timestamps stay strings. */
export function resolvePlainScalar(s: string): unknown {
  const hint = hintOf(s)
  if (hint === '') return s
  if (PLAIN_MAP.has(s)) return PLAIN_MAP.get(s)
  if (s === '<<') return '<<'
  if (hint === 'M' || hint === 'N') return s
  if (hint === '.') {
    if (!/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) return s
    const f = Number(s)
    return Number.isFinite(f) ? f : s
  }
  const plain = s.replaceAll('_', '')
  const int = parseGoInteger(plain, true) ?? parseGoInteger(plain, false)
  if (int !== undefined) return int === 0n ? 0 : Number(int)
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain)
    if (Number.isFinite(f)) return f === 0 ? 0 : f
  }
  return s
}

function constructPlain(s: string): unknown {
  if (s === '<<') {
    // A merge key (or the plain string "<<" as a value): resolved by normalizeValue.
    return `${MERGE_PREFIX}${mergeKeyCount++}`
  }
  return resolvePlainScalar(s)
}

const plainType = new jsyaml.Type('tag:policy-gate:go-yaml-v2-plain', {
  kind: 'scalar',
  resolve: () => true,
  construct: (data: string) => constructPlain(data)
})

/** An explicit `!!int`, `!!float`, `!!bool` or `!!null`: the scalar must resolve to that kind. */
function explicitType(tag: string, accepts: (value: unknown) => boolean): jsyaml.Type {
  return new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => accepts(resolvePlainScalar(data ?? '')),
    construct: (data: string | null) => resolvePlainScalar(data ?? '')
  })
}

const binaryType = new jsyaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  // Go's base64.StdEncoding ignores line breaks but nothing else.
  resolve: (data: string | null) =>
    /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(
      (data ?? '').replace(/[\r\n]/g, '')
    ),
  construct: (data: string | null) =>
    Buffer.from((data ?? '').replace(/[\r\n]/g, ''), 'base64').toString('utf8')
})

const timestampType = new jsyaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  construct: (data: string | null) => data ?? ''
})

/** go-yaml v2 ignores tags it does not know (`!Ref`, `!reference`, `!!set`): the node stays as written. */
const anyTagTypes = [
  new jsyaml.Type('', { kind: 'scalar', multi: true, construct: (data: unknown) => data ?? '' }),
  new jsyaml.Type('', { kind: 'sequence', multi: true, construct: (data: unknown) => data ?? [] }),
  new jsyaml.Type('', { kind: 'mapping', multi: true, construct: (data: unknown) => data ?? {} })
]

const GO_YAML_V2_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [plainType],
  explicit: [
    explicitType('int', v => typeof v === 'number' && Number.isInteger(v)),
    explicitType('float', v => typeof v === 'number'),
    explicitType('bool', v => typeof v === 'boolean'),
    explicitType('null', v => v === null),
    binaryType,
    timestampType,
    ...anyTagTypes
  ]
})

// --- Aliases, merge keys and limits (go-yaml v2 decode.go) ---------------------------------------

/** go-yaml v2's allowedAliasRatio: how much of a document may come from alias expansion. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99
  if (decodeCount >= 4_000_000) return 0.1
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000)
}

function excessiveAliasing(aliasCount: number, decodeCount: number): boolean {
  return (
    aliasCount > 100 &&
    decodeCount > 1000 &&
    aliasCount / decodeCount > allowedAliasRatio(decodeCount)
  )
}

type Container = unknown[] | Record<string, unknown>

interface Frame {
  node: Container
  keys: string[] | undefined
  next: number
  size: number
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null
}

function isMergeKey(key: string): boolean {
  return key.startsWith(MERGE_PREFIX)
}

/**
 * Applies merge keys in go-yaml v2's order (later entries overwrite earlier ones, a merged list
 * is applied last to first), turns stray merge markers back into "<<", rejects infinities and
 * self-referencing anchors, and counts alias expansion with go-yaml v2's own rule so that an
 * alias bomb is refused exactly where conftest refuses it, without ever being expanded.
 *
 * js-yaml shares one object between an anchor and its aliases, so the value is a graph: a
 * container seen a second time is an alias whose expanded size is already known.
 */
function normalizeValue(root: unknown): { value: unknown } | { error: string } {
  if (!isContainer(root)) return scalarOrError(root)
  const sizes = new Map<Container, number>()
  const onPath = new Set<Container>()
  let decodeCount = 1
  let aliasCount = 0
  const stack: Frame[] = []
  const enter = (node: Container): void => {
    onPath.add(node)
    stack.push({
      node,
      keys: Array.isArray(node) ? undefined : Object.keys(node),
      next: 0,
      size: 1
    })
    decodeCount++
  }
  enter(root)
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]
    const { node, keys } = frame
    const count = keys ? keys.length : (node as unknown[]).length
    if (frame.next < count) {
      const i = frame.next++
      const key = keys ? keys[i] : i
      if (keys) {
        if (key === '[object Object]') {
          return {
            error:
              'a YAML mapping is used as a map key (often an unrendered template such as ' +
              '{{ value }}); conftest (go-yaml) rejects it as an invalid map key. Render the ' +
              'template first or quote the value.'
          }
        }
        frame.size++
        decodeCount++
      }
      const child = (node as Record<string | number, unknown>)[key]
      if (isContainer(child)) {
        const known = sizes.get(child)
        if (known !== undefined) {
          frame.size += known + 1
          decodeCount += known + 1
          aliasCount += known
          if (excessiveAliasing(aliasCount, decodeCount)) {
            return {
              error:
                `YAML aliases expand to ${aliasCount} of ${decodeCount} values; conftest (go-yaml) ` +
                'rejects this as "document contains excessive aliasing". Write the repeated ' +
                'values out or use fewer aliases.'
            }
          }
        } else if (onPath.has(child)) {
          return {
            error:
              'a YAML anchor refers to itself (the value contains its own alias); conftest ' +
              'rejects this too. Remove the recursive alias.'
          }
        } else {
          enter(child)
        }
        continue
      }
      const scalar = scalarOrError(child)
      if ('error' in scalar) return scalar
      if (scalar.value !== child) (node as Record<string | number, unknown>)[key] = scalar.value
      frame.size++
      decodeCount++
      if (aliasCount > 0 && excessiveAliasing(aliasCount, decodeCount)) {
        return { error: 'YAML aliases expand excessively; conftest (go-yaml) rejects this file.' }
      }
      continue
    }
    stack.pop()
    onPath.delete(node)
    sizes.set(node, frame.size)
    if (keys?.some(isMergeKey)) {
      const merged = applyMerges(node as Record<string, unknown>, keys)
      if (merged) return { error: merged }
    }
    if (stack.length > 0) stack[stack.length - 1].size += frame.size
  }
  return { value: root }
}

function scalarOrError(value: unknown): { value: unknown } | { error: string } {
  if (typeof value === 'string' && value.startsWith(MERGE_PREFIX)) return { value: '<<' }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return {
      error:
        `the YAML value ${value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan'} cannot be turned ` +
        'into JSON; conftest fails on it too. Quote it if it is meant as a string.'
    }
  }
  return { value }
}

/** Rebuilds a mapping in place with its merge keys applied; returns an error message if invalid. */
function applyMerges(node: Record<string, unknown>, keys: string[]): string | undefined {
  const entries = keys.map(key => [key, node[key]] as const)
  for (const key of keys) delete node[key]
  for (const [key, value] of entries) {
    if (!isMergeKey(key)) {
      setOwn(node, key, value)
      continue
    }
    const sources = Array.isArray(value) ? [...value].reverse() : [value]
    for (const source of sources) {
      if (!isContainer(source) || Array.isArray(source)) {
        return (
          'a YAML merge key (<<) must be given a mapping or a list of mappings; conftest ' +
          'rejects this file too. Fix the value of <<.'
        )
      }
      for (const [k, v] of Object.entries(source)) setOwn(node, k, v)
    }
  }
  return undefined
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true
  })
}

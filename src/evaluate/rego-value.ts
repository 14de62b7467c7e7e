// Rego values as OPA holds them: sets distinct from arrays, object keys of any type, and numbers
// kept as their exact text (OPA's ast.Number is a json.Number: "1.0", "1e400" and
// "12345678901234567890" are all distinct, exact values). This is what the host built-ins of the
// WASM engine receive and return; the text forms below are the ones the OPA WASM module speaks
// (opa_value_dump / opa_value_parse) and the one OPA prints (ast.Value.String()).

import { quote } from './builtins/go-strconv.js'

export type RegoValue =
  RegoNull | RegoBoolean | RegoNumber | RegoString | RegoArray | RegoSet | RegoObject

export interface RegoNull {
  readonly type: 'null'
}
export interface RegoBoolean {
  readonly type: 'boolean'
  readonly value: boolean
}
/** A number as its exact JSON text, as OPA keeps it. */
export interface RegoNumber {
  readonly type: 'number'
  readonly text: string
}
export interface RegoString {
  readonly type: 'string'
  readonly value: string
}
export interface RegoArray {
  readonly type: 'array'
  readonly items: readonly RegoValue[]
}
/** Elements sorted by {@link compareRegoValues}, without duplicates. */
export interface RegoSet {
  readonly type: 'set'
  readonly items: readonly RegoValue[]
}
export type RegoObjectEntry = readonly [key: RegoValue, value: RegoValue]
/** Entries sorted by key with {@link compareRegoValues}, keys unique. */
export interface RegoObject {
  readonly type: 'object'
  readonly entries: readonly RegoObjectEntry[]
}

// ---------------------------------------------------------------------------------------------
// Construction

export const regoNull: RegoNull = { type: 'null' }

export function regoBoolean(value: boolean): RegoBoolean {
  return { type: 'boolean', value }
}

/** The WASM module's number lexer (json.c opa_json_lex_read_number), which OPA's text satisfies. */
const NUMBER_TEXT = /^-?\d+(\.\d*)?([eE][+-]?\d+)?$/

/**
 * A number from its exact text (a bigint or a safe integer is written in decimal; a float is
 * written as JavaScript's shortest round-trip text, which is valid JSON).
 */
export function regoNumber(value: string | number | bigint): RegoNumber {
  let text: string
  if (typeof value === 'string') {
    text = value
  } else if (typeof value === 'bigint') {
    text = value.toString()
  } else {
    if (!Number.isFinite(value)) throw new RangeError(`a Rego number cannot be ${value}`)
    text =
      Number.isInteger(value) && Math.abs(value) < 1e21 ? BigInt(value).toString() : String(value)
  }
  if (!NUMBER_TEXT.test(text)) throw new SyntaxError(`not a number: ${JSON.stringify(text)}`)
  return { type: 'number', text }
}

export function regoString(value: string): RegoString {
  return { type: 'string', value }
}

export function regoArray(items: readonly RegoValue[]): RegoArray {
  return { type: 'array', items }
}

/** A set of the given elements, sorted and deduplicated. */
export function regoSet(items: readonly RegoValue[]): RegoSet {
  const sorted = [...items].sort(compareRegoValues)
  const unique = sorted.filter((item, i) => i === 0 || compareRegoValues(sorted[i - 1], item) !== 0)
  return { type: 'set', items: unique }
}

/** An object of the given entries, sorted by key; of repeated keys the last one wins. */
export function regoObject(entries: Iterable<RegoObjectEntry>): RegoObject {
  const list = [...entries]
  const indexed = list.map((entry, index) => ({ entry, index }))
  indexed.sort((a, b) => compareRegoValues(a.entry[0], b.entry[0]) || a.index - b.index)
  const unique: RegoObjectEntry[] = []
  for (const { entry } of indexed) {
    const last = unique[unique.length - 1]
    if (last !== undefined && compareRegoValues(last[0], entry[0]) === 0) {
      unique[unique.length - 1] = entry
    } else {
      unique.push(entry)
    }
  }
  return { type: 'object', entries: unique }
}

/** The value under key in object, found by OPA's equality. */
export function objectGet(object: RegoObject, key: RegoValue): RegoValue | undefined {
  let low = 0
  let high = object.entries.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const order = compareRegoValues(object.entries[middle][0], key)
    if (order < 0) low = middle + 1
    else if (order > 0) high = middle - 1
    else return object.entries[middle][1]
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Ordering (OPA's ast.Compare)

const TYPE_ORDER: Record<RegoValue['type'], number> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 7,
  object: 8,
  set: 9
}

/** A number's exact value: sign × 0.digits × 10^exponent, digits without leading/trailing 0s. */
interface ExactDecimal {
  sign: -1 | 0 | 1
  digits: string
  exponent: number
}

/** The exact decimal value of a number's text. */
export function parseExactDecimal(text: string): ExactDecimal {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (match === null) throw new SyntaxError(`not a number: ${JSON.stringify(text)}`)
  const [, signText, integral, fraction = '', exponentText = '0'] = match
  const allDigits = integral + fraction
  const leading = allDigits.length - allDigits.replace(/^0+/, '').length
  const digits = allDigits.slice(leading).replace(/0+$/, '')
  if (digits.length === 0) return { sign: 0, digits: '', exponent: 0 }
  return {
    sign: signText === '-' ? -1 : 1,
    digits,
    exponent: integral.length - leading + Number(exponentText)
  }
}

function compareMagnitudes(a: ExactDecimal, b: ExactDecimal): number {
  if (a.exponent !== b.exponent) return a.exponent < b.exponent ? -1 : 1
  const length = Math.max(a.digits.length, b.digits.length)
  const x = a.digits.padEnd(length, '0')
  const y = b.digits.padEnd(length, '0')
  return x < y ? -1 : x > y ? 1 : 0
}

/** OPA's NumberCompare: numbers ordered by exact value ("1" equals "1.0"). */
export function compareNumberTexts(a: string, b: string): number {
  if (a === b) return 0
  const x = parseExactDecimal(a)
  const y = parseExactDecimal(b)
  if (x.sign !== y.sign) return x.sign < y.sign ? -1 : 1
  if (x.sign === 0) return 0
  return x.sign * compareMagnitudes(x, y)
}

/** Go's string order: bytewise on UTF-8, which is code point order (not UTF-16 unit order). */
export function compareGoStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (astral code points) sort after U+E000..U+FFFF in code point order.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000
    return x < y ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

function compareSequences(a: readonly RegoValue[], b: readonly RegoValue[]): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const order = compareRegoValues(a[i], b[i])
    if (order !== 0) return order
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/**
 * OPA's ast.Compare: null < booleans < numbers < strings < arrays < objects < sets; numbers by
 * value, strings bytewise, arrays and sets element by element, objects key, value, key, ...
 */
export function compareRegoValues(a: RegoValue, b: RegoValue): number {
  if (a.type !== b.type) return TYPE_ORDER[a.type] < TYPE_ORDER[b.type] ? -1 : 1
  switch (a.type) {
    case 'null':
      return 0
    case 'boolean':
      return a.value === (b as RegoBoolean).value ? 0 : a.value ? 1 : -1
    case 'number':
      return compareNumberTexts(a.text, (b as RegoNumber).text)
    case 'string':
      return compareGoStrings(a.value, (b as RegoString).value)
    case 'array':
    case 'set':
      return compareSequences(a.items, (b as RegoArray | RegoSet).items)
    case 'object': {
      const other = (b as RegoObject).entries
      const length = Math.min(a.entries.length, other.length)
      for (let i = 0; i < length; i++) {
        const order =
          compareRegoValues(a.entries[i][0], other[i][0]) ||
          compareRegoValues(a.entries[i][1], other[i][1])
        if (order !== 0) return order
      }
      return a.entries.length - other.length
    }
  }
}

export function regoEquals(a: RegoValue, b: RegoValue): boolean {
  return compareRegoValues(a, b) === 0
}

// ---------------------------------------------------------------------------------------------
// Text forms

/** OPA's ast.Value.String(): what sprintf's %v prints for a composite value. */
export function renderRego(value: RegoValue): string {
  switch (value.type) {
    case 'null':
      return 'null'
    case 'boolean':
      return value.value ? 'true' : 'false'
    case 'number':
      return value.text
    case 'string':
      return quote(value.value)
    case 'array':
      return '[' + value.items.map(renderRego).join(', ') + ']'
    case 'set':
      return value.items.length === 0 ? 'set()' : '{' + value.items.map(renderRego).join(', ') + '}'
    case 'object':
      return (
        '{' +
        value.entries.map(([key, item]) => renderRego(key) + ': ' + renderRego(item)).join(', ') +
        '}'
      )
  }
}

/** A JSON string literal the WASM parser accepts: lone surrogates (not UTF-8) become U+FFFD. */
function jsonString(value: string): string {
  return JSON.stringify(value.replace(/\p{Surrogate}/gu, '\ufffd'))
}

/**
 * Text for the module's opa_value_parse (JSON extended with sets and non-string keys), so a
 * host built-in can hand back any Rego value.
 */
export function serializeForWasm(value: RegoValue): string {
  switch (value.type) {
    case 'null':
      return 'null'
    case 'boolean':
      return value.value ? 'true' : 'false'
    case 'number':
      return value.text
    case 'string':
      return jsonString(value.value)
    case 'array':
      return '[' + value.items.map(serializeForWasm).join(',') + ']'
    case 'set':
      return value.items.length === 0
        ? 'set()'
        : '{' + value.items.map(serializeForWasm).join(',') + '}'
    case 'object':
      return (
        '{' +
        value.entries
          .map(([key, item]) => serializeForWasm(key) + ':' + serializeForWasm(item))
          .join(',') +
        '}'
      )
  }
}

/**
 * Parses the text of the module's opa_value_dump (also any JSON text): JSON plus set literals
 * (`{1, 2}`, `set()`) and non-string object keys (`{1: "a", [1]: 2}`). Number text is kept as
 * it is; set elements and object entries are put in OPA's order.
 */
export function parseValueDump(text: string): RegoValue {
  const parser = new DumpParser(text)
  const value = parser.parseValue()
  parser.expectEnd()
  return value
}

class DumpParser {
  private position = 0

  constructor(private readonly text: string) {}

  parseValue(): RegoValue {
    this.skipSpace()
    const char = this.text[this.position]
    switch (char) {
      case 'n':
        return this.keyword('null', regoNull)
      case 't':
        return this.keyword('true', regoBoolean(true))
      case 'f':
        return this.keyword('false', regoBoolean(false))
      case 's':
        this.expectWord('set(')
        this.skipSpace()
        this.expectWord(')')
        return regoSet([])
      case '"':
        return regoString(this.parseString())
      case '[':
        return this.parseArray()
      case '{':
        return this.parseObjectOrSet()
      default:
        if (char === '-' || (char >= '0' && char <= '9')) return this.parseNumber()
        throw this.error(
          char === undefined ? 'unexpected end of text' : `unexpected ${JSON.stringify(char)}`
        )
    }
  }

  expectEnd(): void {
    this.skipSpace()
    if (this.position < this.text.length) throw this.error('unexpected text after the value')
  }

  private error(message: string): SyntaxError {
    const context = this.text.slice(Math.max(0, this.position - 20), this.position + 20)
    return new SyntaxError(
      `value dump: ${message} at offset ${this.position} (near ${JSON.stringify(context)})`
    )
  }

  private skipSpace(): void {
    while (this.position < this.text.length) {
      const code = this.text.charCodeAt(this.position)
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break
      this.position++
    }
  }

  private expectWord(word: string): void {
    if (!this.text.startsWith(word, this.position))
      throw this.error(`expected ${JSON.stringify(word)}`)
    this.position += word.length
  }

  private keyword<T extends RegoValue>(word: string, value: T): T {
    this.expectWord(word)
    return value
  }

  private expectChar(char: string): void {
    this.skipSpace()
    if (this.text[this.position] !== char) throw this.error(`expected ${JSON.stringify(char)}`)
    this.position++
  }

  private parseNumber(): RegoNumber {
    const match = /-?\d+(\.\d*)?([eE][+-]?\d+)?/y
    match.lastIndex = this.position
    const found = match.exec(this.text)
    if (found === null) throw this.error('malformed number')
    this.position += found[0].length
    return { type: 'number', text: found[0] }
  }

  private parseString(): string {
    const start = ++this.position
    // Fast path: no escapes.
    const end = this.text.indexOf('"', start)
    if (end < 0) throw this.error('unterminated string')
    const raw = this.text.slice(start, end)
    if (!raw.includes('\\')) {
      this.position = end + 1
      return raw
    }
    let out = ''
    while (true) {
      const char = this.text[this.position]
      if (char === undefined) throw this.error('unterminated string')
      if (char === '"') {
        this.position++
        return out
      }
      if (char !== '\\') {
        out += char
        this.position++
        continue
      }
      const escape = this.text[this.position + 1]
      this.position += 2
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out += escape
          break
        case 'b':
          out += '\b'
          break
        case 'f':
          out += '\f'
          break
        case 'n':
          out += '\n'
          break
        case 'r':
          out += '\r'
          break
        case 't':
          out += '\t'
          break
        case 'u': {
          const hex = this.text.slice(this.position, this.position + 4)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error('malformed \\u escape')
          out += String.fromCharCode(parseInt(hex, 16))
          this.position += 4
          break
        }
        default:
          throw this.error(`invalid escape \\${escape ?? ''}`)
      }
    }
  }

  private parseArray(): RegoArray {
    this.position++
    const items: RegoValue[] = []
    this.skipSpace()
    if (this.text[this.position] === ']') {
      this.position++
      return regoArray(items)
    }
    while (true) {
      items.push(this.parseValue())
      this.skipSpace()
      const char = this.text[this.position++]
      if (char === ']') return regoArray(items)
      if (char !== ',') {
        this.position--
        throw this.error('expected "," or "]"')
      }
    }
  }

  private parseObjectOrSet(): RegoObject | RegoSet {
    this.position++
    this.skipSpace()
    if (this.text[this.position] === '}') {
      this.position++
      return regoObject([])
    }
    const head = this.parseValue()
    this.skipSpace()
    if (this.text[this.position] === ':') {
      this.position++
      const entries: RegoObjectEntry[] = [[head, this.parseValue()]]
      while (this.nextMember()) {
        const key = this.parseValue()
        this.expectChar(':')
        entries.push([key, this.parseValue()])
      }
      return regoObject(entries)
    }
    const items = [head]
    while (this.nextMember()) items.push(this.parseValue())
    return regoSet(items)
  }

  /** After a member of an object or set: true at ",", false at the closing "}". */
  private nextMember(): boolean {
    this.skipSpace()
    const char = this.text[this.position++]
    if (char === ',') return true
    if (char === '}') return false
    this.position--
    throw this.error('expected "," or "}"')
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * A Rego value from a plain JSON value (as JSON.parse gives it). To keep numbers exact, parse
 * the JSON text with {@link parseValueDump} instead.
 */
export function regoFromJson(value: unknown): RegoValue {
  if (value === null) return regoNull
  switch (typeof value) {
    case 'boolean':
      return regoBoolean(value)
    case 'number':
      return regoNumber(value)
    case 'bigint':
      return regoNumber(value)
    case 'string':
      return regoString(value)
    case 'object':
      if (Array.isArray(value)) return regoArray(value.map(regoFromJson))
      return regoObject(
        Object.entries(value as Record<string, unknown>).map(([key, item]) => [
          regoString(key),
          regoFromJson(item)
        ])
      )
  }
  throw new TypeError(`not a JSON value: ${String(value)}`)
}

/**
 * Go's encoding/json text of a Rego value converted as OPA's ast.JSON does: sets become arrays
 * (in OPA's sorted order), a non-string object key becomes the JSON text of that key, object
 * keys are sorted, and <, >, &, U+2028 and U+2029 are escaped as Go's encoder does.
 */
export function regoToJsonText(value: RegoValue): string {
  switch (value.type) {
    case 'null':
      return 'null'
    case 'boolean':
      return value.value ? 'true' : 'false'
    case 'number':
      return value.text
    case 'string':
      return goJsonString(value.value)
    case 'array':
    case 'set':
      return '[' + value.items.map(regoToJsonText).join(',') + ']'
    case 'object': {
      const members = new Map<string, string>()
      for (const [key, item] of value.entries) {
        members.set(jsonKey(key), regoToJsonText(item))
      }
      const keys = [...members.keys()].sort(compareGoStrings)
      return '{' + keys.map(key => goJsonString(key) + ':' + members.get(key)).join(',') + '}'
    }
  }
}

/** The string an object key becomes in OPA's JSON form of a value. */
export function jsonKey(key: RegoValue): string {
  return key.type === 'string' ? key.value : regoToJsonText(key)
}

/** A plain JSON value (numbers as JavaScript numbers: large or precise ones are rounded). */
export function regoToJson(value: RegoValue): JsonValue {
  switch (value.type) {
    case 'null':
      return null
    case 'boolean':
      return value.value
    case 'number':
      return Number(value.text)
    case 'string':
      return value.value
    case 'array':
    case 'set':
      return value.items.map(regoToJson)
    case 'object': {
      const out: Record<string, JsonValue> = {}
      for (const [key, item] of value.entries) {
        Object.defineProperty(out, jsonKey(key), {
          value: regoToJson(item),
          enumerable: true,
          writable: true,
          configurable: true
        })
      }
      return out
    }
  }
}

/** A string literal as Go's encoding/json writes it (HTML-safe escaping). */
export function goJsonString(value: string): string {
  let out = '"'
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    const char = value[i]
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1)
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += char + value[i + 1]
        i++
      } else {
        out += '\\ufffd'
      }
      continue
    }
    switch (char) {
      case '"':
        out += '\\"'
        continue
      case '\\':
        out += '\\\\'
        continue
      case '\n':
        out += '\\n'
        continue
      case '\r':
        out += '\\r'
        continue
      case '\t':
        out += '\\t'
        continue
      case '\b':
        out += '\\b'
        continue
      case '\f':
        out += '\\f'
        continue
    }
    if (
      code < 0x20 ||
      char === '<' ||
      char === '>' ||
      char === '&' ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      out += '\\u' + code.toString(16).padStart(4, '0')
    } else {
      out += char
    }
  }
  return out + '"'
}

// OPA's yaml.marshal, yaml.unmarshal and yaml.is_valid (topdown/encoding.go over OPA's
// internal/yaml, which sits on go.yaml.in/yaml/v3). The YAML text is parsed by the `yaml`
// package into a node tree; what Go makes of the nodes is ported here: go-yaml v3's resolution
// of plain scalars (resolve.go), OPA's normalisation (implicit timestamps stay strings,
// repeated merge keys, duplicate keys: last wins), merge keys and aliases (decode.go), map keys
// as JSON object keys (OPA's keyString), and the JSON numbers Go's encoding/json writes.
// yaml.marshal goes the other way through go-yaml's encoder (go-yaml-emitter.ts).

import YAML, {
  Alias,
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node as YamlNode
} from 'yaml'

import {
  type RegoValue,
  jsonKey,
  regoArray,
  regoBoolean,
  regoNull,
  regoNumber,
  regoObject,
  regoString
} from '../rego-value.js'
import { BuiltinError, stringOperand } from './builtin-error.js'
import { formatFloat, formatFloat32Shortest } from './go-strconv.js'
import { type YamlEvent, emitYamlDocument } from './go-yaml-emitter.js'
import { type GoTime, TimeParseError, formatTime, parseTime } from './go-time.js'

/** A value as go-yaml v3 decodes it into interface{}. */
type GoValue =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'uint'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'time'; value: GoTime }
  | { kind: 'seq'; items: GoValue[] }
  | { kind: 'map'; entries: Map<string, GoValue> }

const NULL: GoValue = { kind: 'null' }

class YamlError extends Error {}

// ---------------------------------------------------------------------------------------------
// go-yaml v3 resolve.go

const STR = '!!str'
const INT = '!!int'
const FLOAT = '!!float'
const BOOL = '!!bool'
const NULL_TAG = '!!null'
const TIMESTAMP = '!!timestamp'
const MERGE = '!!merge'
const BINARY = '!!binary'

const RESOLVE_MAP = new Map<string, [string, GoValue]>()
for (const [tag, value, names] of [
  [BOOL, { kind: 'bool', value: true }, ['true', 'True', 'TRUE']],
  [BOOL, { kind: 'bool', value: false }, ['false', 'False', 'FALSE']],
  [NULL_TAG, NULL, ['', '~', 'null', 'Null', 'NULL']],
  [FLOAT, { kind: 'float', value: NaN }, ['.nan', '.NaN', '.NAN']],
  [FLOAT, { kind: 'float', value: Infinity }, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  [FLOAT, { kind: 'float', value: -Infinity }, ['-.inf', '-.Inf', '-.INF']],
  [MERGE, { kind: 'string', value: '<<' }, ['<<']]
] as [string, GoValue, string[]][]) {
  for (const name of names) RESOLVE_MAP.set(name, [tag, value])
}

const RESOLVABLE_TAGS = new Set(['', STR, BOOL, INT, FLOAT, NULL_TAG, TIMESTAMP])
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

export function shortTag(tag: string): string {
  const prefix = 'tag:yaml.org,2002:'
  return tag.startsWith(prefix) ? '!!' + tag.slice(prefix.length) : tag
}

/** Go's strconv.ParseInt(text, base, 64) / ParseUint: base 0 reads 0x, 0o, 0b and 0 prefixes. */
function parseGoInteger(textIn: string, base: number, unsigned: boolean): bigint | undefined {
  let text = textIn
  let negative = false
  if (!unsigned && (text[0] === '+' || text[0] === '-')) {
    negative = text[0] === '-'
    text = text.slice(1)
  }
  let radix = base
  if (base === 0) {
    radix = 10
    if (text[0] === '0' && text.length > 1) {
      const prefix = text[1].toLowerCase()
      if (prefix === 'x' || prefix === 'b' || prefix === 'o') {
        radix = prefix === 'x' ? 16 : prefix === 'b' ? 2 : 8
        text = text.slice(2)
      } else {
        radix = 8
        text = text.slice(1)
      }
    }
  }
  const digits =
    radix === 16
      ? /^[0-9a-fA-F]+$/
      : radix === 8
        ? /^[0-7]+$/
        : radix === 2
          ? /^[01]+$/
          : /^[0-9]+$/
  if (!digits.test(text)) return undefined
  let magnitude = 0n
  for (const char of text) magnitude = magnitude * BigInt(radix) + BigInt(parseInt(char, radix))
  const value = negative ? -magnitude : magnitude
  if (unsigned) return value > UINT64_MAX ? undefined : value
  return value < INT64_MIN || value > INT64_MAX ? undefined : value
}

/** Go's strconv.ParseFloat for decimal text; undefined when out of range. */
function parseGoFloat(text: string): number | undefined {
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

const TIMESTAMP_LAYOUTS = [
  '2006-1-2T15:4:5.999999999Z07:00',
  '2006-1-2t15:4:5.999999999Z07:00',
  '2006-1-2 15:4:5.999999999',
  '2006-1-2'
]

function parseTimestamp(text: string): GoTime | undefined {
  let i = 0
  while (i < text.length && text[i] >= '0' && text[i] <= '9') i++
  if (i !== 4 || i === text.length || text[i] !== '-') return undefined
  for (const layout of TIMESTAMP_LAYOUTS) {
    try {
      return parseTime(layout, text)
    } catch (error) {
      if (!(error instanceof TimeParseError)) throw error
    }
  }
  return undefined
}

function intValue(value: bigint): GoValue {
  return { kind: 'int', value }
}

/** go-yaml v3's resolve(tag, in): the tag a scalar resolves to and its Go value. */
export function resolve(tagIn: string, text: string): [string, GoValue] {
  const tag = shortTag(tagIn)
  if (!RESOLVABLE_TAGS.has(tag)) return [tag, { kind: 'string', value: text }]
  const [resolvedTag, value] = resolvePlain(tag, text)
  if (tag === '' || tag === resolvedTag || tag === STR) return [resolvedTag, value]
  if (tag === FLOAT && resolvedTag === INT && value.kind === 'int') {
    return [FLOAT, { kind: 'float', value: Number(value.value) }]
  }
  throw new YamlError(`cannot decode ${resolvedTag} \`${text}\` as a ${tag}`)
}

function resolvePlain(tag: string, text: string): [string, GoValue] {
  const first = text[0]
  const hint =
    text === ''
      ? 'N'
      : first === '+' || first === '-'
        ? 'S'
        : first >= '0' && first <= '9'
          ? 'D'
          : 'yYnNtTfFoO~'.includes(first)
            ? 'M'
            : first === '.'
              ? '.'
              : ''
  if (hint !== '' && tag !== STR && tag !== BINARY) {
    const mapped = RESOLVE_MAP.get(text)
    if (mapped !== undefined) return mapped
    if (hint === '.') {
      if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) {
        const float = parseGoFloat(text)
        if (float !== undefined) return [FLOAT, { kind: 'float', value: float }]
      }
    } else if (hint === 'D' || hint === 'S') {
      if (tag === '' || tag === TIMESTAMP) {
        const time = parseTimestamp(text)
        if (time !== undefined) return [TIMESTAMP, { kind: 'time', value: time }]
      }
      const plain = text.replaceAll('_', '')
      const int = parseGoInteger(plain, 0, false)
      if (int !== undefined) return [INT, intValue(int)]
      const uint = parseGoInteger(plain, 0, true)
      if (uint !== undefined) return [INT, { kind: 'uint', value: uint }]
      if (YAML_STYLE_FLOAT.test(plain)) {
        const float = parseGoFloat(plain)
        if (float !== undefined) return [FLOAT, { kind: 'float', value: float }]
      }
      if (plain.startsWith('0b')) {
        const binary = parseGoInteger(plain.slice(2), 2, false) ?? undefined
        if (binary !== undefined) return [INT, intValue(binary)]
        const binaryUnsigned = parseGoInteger(plain.slice(2), 2, true)
        if (binaryUnsigned !== undefined) return [INT, { kind: 'uint', value: binaryUnsigned }]
      } else if (plain.startsWith('-0b')) {
        const binary = parseGoInteger('-' + plain.slice(3), 2, false)
        if (binary !== undefined) return [INT, intValue(binary)]
      }
      if (plain.startsWith('0o')) {
        const octal = parseGoInteger(plain.slice(2), 8, false)
        if (octal !== undefined) return [INT, intValue(octal)]
        const octalUnsigned = parseGoInteger(plain.slice(2), 8, true)
        if (octalUnsigned !== undefined) return [INT, { kind: 'uint', value: octalUnsigned }]
      } else if (plain.startsWith('-0o')) {
        const octal = parseGoInteger('-' + plain.slice(3), 8, false)
        if (octal !== undefined) return [INT, intValue(octal)]
      }
    }
  }
  return [STR, { kind: 'string', value: text }]
}

// ---------------------------------------------------------------------------------------------
// Nodes (go-yaml's Node, built from the `yaml` package's document)

interface Node {
  kind: 'scalar' | 'mapping' | 'sequence' | 'alias'
  tag: string
  value: string
  /** Explicitly tagged in the text (go-yaml's TaggedStyle). */
  tagged: boolean
  /** Quoted or block scalar (go-yaml's quoted/literal/folded styles). */
  quoted: boolean
  content: Node[]
  alias?: Node
}

function buildNodes(document: Document.Parsed, text: string): Node | undefined {
  const built = new Map<unknown, Node>()
  const build = (source: unknown): Node => {
    if (source instanceof Alias) {
      const target = source.resolve(document)
      if (target === undefined) throw new YamlError(`unknown anchor '${source.source}' referenced`)
      return {
        kind: 'alias',
        tag: '',
        value: source.source,
        tagged: false,
        quoted: false,
        content: [],
        alias: build(target)
      }
    }
    const existing = built.get(source)
    if (existing !== undefined) return existing
    const node = source as YamlNode | null | undefined
    const explicitTag =
      node !== null && node !== undefined && node.tag !== undefined && node.tag !== '!'
        ? shortTag(node.tag)
        : ''
    const result: Node = {
      kind: 'scalar',
      tag: explicitTag,
      value: '',
      tagged: explicitTag !== '',
      quoted: false,
      content: []
    }
    if (node !== null && node !== undefined) built.set(source, result)
    if (isMap(node)) {
      result.kind = 'mapping'
      result.tag ||= '!!map'
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        result.content.push(build(pair.key), build(pair.value))
      }
    } else if (isSeq(node)) {
      result.kind = 'sequence'
      result.tag ||= '!!seq'
      for (const item of node.items) result.content.push(build(item))
    } else {
      const scalar = isScalar(node) ? node : undefined
      // The scalar's text: `source`, since the parser resolves some tags (!!binary) itself.
      const source = typeof scalar?.source === 'string' ? scalar.source : scalar?.value
      result.value = source === null || source === undefined ? '' : String(source)
      result.quoted = scalar !== undefined && scalar.type !== undefined && scalar.type !== 'PLAIN'
      // A block scalar whose last line ends the input without a line break has no final
      // break to keep in libyaml; the yaml package adds one.
      const block = scalar?.type === 'BLOCK_LITERAL' || scalar?.type === 'BLOCK_FOLDED'
      const lastLine = text.slice(Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1)
      const unterminated = scalar?.range?.[1] === text.length && /[^ \t]/.test(lastLine)
      if (block && unterminated && result.value.endsWith('\n')) {
        result.value = result.value.slice(0, -1)
      }
      if (!result.tagged) {
        if (result.quoted) result.tag = STR
        else if (result.value === '<<') result.tag = MERGE
        else result.tag = resolve('', result.value)[0]
      }
    }
    return result
  }
  if (document.contents === null) return undefined
  return build(document.contents)
}

// ---------------------------------------------------------------------------------------------
// OPA's normalize (internal/yaml/yaml.go)

function normalize(node: Node | undefined, visited: Set<Node>): void {
  if (node === undefined || visited.has(node)) return
  visited.add(node)
  if (node.kind === 'scalar' && node.tag === TIMESTAMP && !node.tagged && !node.quoted)
    node.tag = STR
  if (node.kind === 'mapping') {
    node.content = collapseMergeKeys(node.content)
    node.content = dedupeKeys(node.content)
  }
  normalize(node.alias, visited)
  for (const child of node.content) normalize(child, visited)
}

function isMergeKey(node: Node): boolean {
  return node.kind === 'scalar' && node.value === '<<' && node.tag === MERGE
}

function collapseMergeKeys(content: Node[]): Node[] {
  let first = -1
  const merged: Node[] = []
  for (let i = 0; i + 1 < content.length; i += 2) {
    if (content[i].kind !== 'scalar' || content[i].tag !== MERGE) continue
    if (first < 0) first = i
    const value = content[i + 1]
    if (value.kind === 'sequence') merged.push(...value.content)
    else merged.push(value)
  }
  if (first < 0 || merged.length < 2) return content
  const out: Node[] = []
  for (let i = 0; i + 1 < content.length; i += 2) {
    if (i === first) {
      out.push(content[i], {
        kind: 'sequence',
        tag: '!!seq',
        value: '',
        tagged: false,
        quoted: false,
        content: merged
      })
    } else if (!(content[i].kind === 'scalar' && content[i].tag === MERGE)) {
      out.push(content[i], content[i + 1])
    }
  }
  return out
}

function dedupeKeys(contentIn: Node[]): Node[] {
  const content: (Node | undefined)[] = [...contentIn]
  const seen = new Map<string, number>()
  let dropped = false
  for (let i = 0; i + 1 < content.length; i += 2) {
    const key = content[i] as Node
    if (key.kind !== 'scalar' || key.tag === MERGE) continue
    let id: string
    try {
      id = keyString(decodeScalar(key))
    } catch {
      continue
    }
    const previous = seen.get(id)
    if (previous !== undefined) {
      content[previous] = content[i + 1]
      content[i] = undefined
      content[i + 1] = undefined
      dropped = true
      continue
    }
    seen.set(id, i + 1)
  }
  return dropped ? content.filter((node): node is Node => node !== undefined) : contentIn
}

// ---------------------------------------------------------------------------------------------
// go-yaml v3 decode.go into interface{}

function indicatedString(node: Node): boolean {
  return node.kind === 'scalar' && (node.tag === STR || (!node.tagged && node.quoted))
}

/** Go's base64.StdEncoding.DecodeString (line breaks ignored), as a Go string. */
function decodeBase64(text: string): string {
  const compact = text.replace(/[\r\n]/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new YamlError('!!binary value contains invalid base64 data')
  }
  return new TextDecoder().decode(Buffer.from(compact, 'base64'))
}

function decodeScalar(node: Node): GoValue {
  if (indicatedString(node)) return { kind: 'string', value: node.value }
  const [tag, value] = resolve(node.tag, node.value)
  if (tag === BINARY && value.kind === 'string')
    return { kind: 'string', value: decodeBase64(value.value) }
  return value
}

/** OPA's keyString: a decoded map key as a JSON object key. */
function keyString(key: GoValue): string {
  switch (key.kind) {
    case 'string':
      return key.value
    case 'int':
    case 'uint':
      return key.value.toString()
    case 'float': {
      const text = formatFloat32Shortest(key.value)
      return text === '+Inf' ? '.inf' : text === '-Inf' ? '-.inf' : text === 'NaN' ? '.nan' : text
    }
    case 'bool':
      return key.value ? 'true' : 'false'
    default:
      throw new YamlError(`unsupported map key of type: ${key.kind}`)
  }
}

class Decoder {
  private readonly active = new Set<Node>()

  decode(node: Node): GoValue {
    switch (node.kind) {
      case 'alias': {
        const target = node.alias as Node
        if (this.active.has(target))
          throw new YamlError(`anchor '${node.value}' value contains itself`)
        this.active.add(target)
        try {
          return this.decode(target)
        } finally {
          this.active.delete(target)
        }
      }
      case 'scalar':
        return decodeScalar(node)
      case 'sequence':
        return { kind: 'seq', items: node.content.map(child => this.decode(child)) }
      case 'mapping': {
        const entries = new Map<string, GoValue>()
        this.decodeMapping(node, entries, undefined)
        return { kind: 'map', entries }
      }
    }
  }

  private decodeMapping(
    node: Node,
    entries: Map<string, GoValue>,
    mergedFields: Set<string> | undefined
  ): void {
    checkUniqueKeys(node)
    let mergeNode: Node | undefined
    for (let i = 0; i + 1 < node.content.length; i += 2) {
      const keyNode = node.content[i]
      if (isMergeKey(keyNode)) {
        mergeNode = node.content[i + 1]
        continue
      }
      const key = this.decode(keyNode)
      if (key.kind === 'map' || key.kind === 'seq') throw new YamlError('invalid map key')
      const id = keyString(key)
      if (mergedFields !== undefined) {
        if (mergedFields.has(id)) continue
        mergedFields.add(id)
      }
      entries.set(id, this.decode(node.content[i + 1]))
    }
    if (mergeNode !== undefined) this.merge(node, mergeNode, entries, mergedFields)
  }

  /** Merge keys: the mapping's own keys win, then the merged mappings in order. */
  private merge(
    parent: Node,
    merge: Node,
    entries: Map<string, GoValue>,
    inherited: Set<string> | undefined
  ): void {
    let fields = inherited
    if (fields === undefined) {
      fields = new Set<string>()
      for (let i = 0; i + 1 < parent.content.length; i += 2) {
        if (isMergeKey(parent.content[i])) continue
        try {
          fields.add(keyString(this.decode(parent.content[i])))
        } catch {
          // Keys that do not decode cannot collide.
        }
      }
    }
    const wantMap = (): YamlError =>
      new YamlError('map merge requires map or sequence of maps as the value')
    const mergeOne = (source: Node): void => {
      const target = source.kind === 'alias' ? source.alias : source
      if (target === undefined || target.kind !== 'mapping') throw wantMap()
      this.decodeMapping(target, entries, fields)
    }
    if (merge.kind === 'mapping' || merge.kind === 'alias') mergeOne(merge)
    else if (merge.kind === 'sequence') merge.content.forEach(mergeOne)
    else throw wantMap()
  }
}

/** go-yaml v3 rejects a mapping that repeats a key (after OPA's dedupe). */
function checkUniqueKeys(node: Node): void {
  const keys = node.content.filter((_, i) => i % 2 === 0)
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      if (keys[i].kind === keys[j].kind && keys[i].value === keys[j].value) {
        throw new YamlError(`mapping key ${JSON.stringify(keys[j].value)} already defined`)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Go's encoding/json of the decoded value, read back as OPA reads JSON (numbers exact)

/** Go's encoding/json float64 text: 'f' form, or 'e' form below 1e-6 and from 1e21. */
export function goJsonFloat(value: number): string {
  if (!Number.isFinite(value))
    throw new YamlError(`json: unsupported value: ${formatFloat(value, 'g', -1)}`)
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
    return formatFloat(value, 'e', -1).replace(/e([-+])0(\d)$/, 'e$1$2')
  }
  return formatFloat(value, 'f', -1)
}

function toRego(value: GoValue): RegoValue {
  switch (value.kind) {
    case 'null':
      return regoNull
    case 'bool':
      return regoBoolean(value.value)
    case 'int':
    case 'uint':
      return regoNumber(value.value)
    case 'float':
      return regoNumber(goJsonFloat(value.value))
    case 'string':
      return regoString(value.value)
    case 'time':
      return regoString(formatTime(value.value, '2006-01-02T15:04:05.999999999Z07:00'))
    case 'seq':
      return regoArray(value.items.map(toRego))
    case 'map':
      return regoObject([...value.entries].map(([key, item]) => [regoString(key), toRego(item)]))
  }
}

function parseDocuments(text: string): Document.Parsed[] {
  const documents = YAML.parseAllDocuments(text, {
    schema: 'failsafe',
    merge: false,
    uniqueKeys: false,
    prettyErrors: false,
    strict: true
  })
  const list = Array.isArray(documents) ? documents : []
  for (const document of list) {
    if (document.errors.length > 0) throw new YamlError(document.errors[0].message)
    // go-yaml speaks YAML 1.1 and refuses documents that declare another version.
    const directive = document.directives?.yaml
    if (directive?.explicit === true && directive.version !== '1.1') {
      throw new YamlError('found incompatible YAML document')
    }
  }
  return list
}

/** OPA's YAMLToJSON + JSON decode: the first document as a Rego value (null if none). */
export function yamlToRego(text: string): RegoValue {
  const [first] = parseDocuments(text)
  const root = first === undefined ? undefined : buildNodes(first, text)
  if (root === undefined) return regoNull
  normalize(root, new Set())
  return toRego(new Decoder().decode(root))
}

/** An error Go's YAML or JSON handling would report for this input (not a bug here). */
function isYamlFailure(error: unknown): error is Error {
  return error instanceof YamlError || error instanceof YAML.YAMLError
}

export function yamlUnmarshal(value: RegoValue): RegoValue {
  const text = stringOperand(value, 1)
  try {
    return yamlToRego(text)
  } catch (error) {
    if (isYamlFailure(error)) throw new BuiltinError(error.message)
    throw error
  }
}

export function yamlIsValid(value: RegoValue): RegoValue {
  if (value.type !== 'string') return regoBoolean(false)
  try {
    yamlToRego(value.value)
    return regoBoolean(true)
  } catch (error) {
    if (isYamlFailure(error)) return regoBoolean(false)
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// yaml.marshal: ast.JSON → json.Marshal → yaml.Unmarshal → go-yaml encoder (indent 2)

/**
 * A string as go-yaml reads it back from Go's JSON text, where it is a double-quoted YAML
 * scalar: JSON leaves U+0085 (NEL) unescaped, YAML 1.1 folds it as a line break (with the
 * spaces around it), and YAML's reader refuses the other C1 controls, DEL and U+FFFE/U+FFFF.
 */
function stringThroughJson(text: string): string {
  if (/[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/.test(text)) {
    throw new YamlError('yaml: control characters are not allowed')
  }
  return text.replace(/ *(?:\u0085 *)+/g, run => {
    const breaks = run.split('\u0085').length - 1
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1)
  })
}

/** The Go value go-yaml decodes from the JSON text of a Rego value. */
function fromRego(value: RegoValue): GoValue {
  switch (value.type) {
    case 'null':
      return NULL
    case 'boolean':
      return { kind: 'bool', value: value.value }
    case 'number':
      return resolve('', value.text)[1]
    case 'string':
      return { kind: 'string', value: stringThroughJson(value.value) }
    case 'array':
    case 'set':
      return { kind: 'seq', items: value.items.map(fromRego) }
    case 'object': {
      const entries = new Map<string, GoValue>()
      for (const [key, item] of value.entries)
        entries.set(stringThroughJson(jsonKey(key)), fromRego(item))
      return { kind: 'map', entries }
    }
  }
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/
const OLD_BOOLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF'
])

/** go-yaml's encoder stringv: plain if it reads back as the same string, else quoted. */
function stringEvent(text: string): YamlEvent {
  const canUsePlain =
    resolve('', text)[0] === STR && !BASE60_FLOAT.test(text) && !OLD_BOOLS.has(text)
  const style = text.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double'
  return { type: 'scalar', value: text, style }
}

const isDigit = (rune: number): boolean => /\p{Nd}/u.test(String.fromCodePoint(rune))
const isLetter = (rune: number): boolean => /\p{L}/u.test(String.fromCodePoint(rune))

/** go-yaml's keyList.Less for string keys: letters before digits, digit runs by value. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a].map(c => c.codePointAt(0) as number)
  const br = [...b].map(c => c.codePointAt(0) as number)
  let digits = false
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i])
      continue
    }
    const al = isLetter(ar[i])
    const bl = isLetter(br[i])
    if (al && bl) return ar[i] < br[i]
    if (al || bl) return digits ? al : bl
    let an = 0n
    let bn = 0n
    if (ar[i] === 0x30 || br[i] === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== 0x30) {
          an = 1n
          bn = 1n
          break
        }
      }
    }
    let ai = i
    for (; ai < ar.length && isDigit(ar[ai]); ai++)
      an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai] - 0x30))
    let bi = i
    for (; bi < br.length && isDigit(br[bi]); bi++)
      bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi] - 0x30))
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return ar[i] < br[i]
  }
  return ar.length < br.length
}

function events(value: GoValue, out: YamlEvent[]): void {
  switch (value.kind) {
    case 'null':
      out.push({ type: 'scalar', value: 'null', style: 'plain' })
      return
    case 'bool':
      out.push({ type: 'scalar', value: value.value ? 'true' : 'false', style: 'plain' })
      return
    case 'int':
    case 'uint':
      out.push({ type: 'scalar', value: value.value.toString(), style: 'plain' })
      return
    case 'float': {
      const text = formatFloat(value.value, 'g', -1)
      const special: Record<string, string> = { '+Inf': '.inf', '-Inf': '-.inf', NaN: '.nan' }
      out.push({ type: 'scalar', value: special[text] ?? text, style: 'plain' })
      return
    }
    case 'string':
      out.push(stringEvent(value.value))
      return
    case 'time':
      out.push(stringEvent(formatTime(value.value, '2006-01-02T15:04:05.999999999Z07:00')))
      return
    case 'seq':
      out.push({ type: 'sequenceStart' })
      for (const item of value.items) events(item, out)
      out.push({ type: 'sequenceEnd' })
      return
    case 'map': {
      out.push({ type: 'mappingStart' })
      const keys = [...value.entries.keys()].sort((a, b) =>
        yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0
      )
      for (const key of keys) {
        out.push(stringEvent(key))
        events(value.entries.get(key) as GoValue, out)
      }
      out.push({ type: 'mappingEnd' })
      return
    }
  }
}

/** yaml.marshal(x): the YAML text OPA writes for x. */
export function yamlMarshal(value: RegoValue): RegoValue {
  const out: YamlEvent[] = []
  try {
    events(fromRego(value), out)
  } catch (error) {
    if (error instanceof YamlError) throw new BuiltinError(error.message)
    throw error
  }
  return regoString(emitYamlDocument(out))
}

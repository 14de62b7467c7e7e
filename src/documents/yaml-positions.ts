/**
 * Where the nodes of a YAML document are, from one pass over its lines — for the block YAML
 * that manifests are almost always written in (block mappings and sequences, one-line plain and
 * quoted scalars, `|` and `>` block scalars, comments). It gives every node the line the `yaml`
 * package's syntax tree gives it, at a fraction of the cost of building that tree; for anything
 * else (flow collections, anchors and aliases, tags, merge keys, multi-line plain or quoted
 * scalars, escapes, tabs, CR line breaks, directives, explicit keys...) it returns undefined and
 * documents/locate.ts builds the syntax tree instead.
 */
import { resolvePlainScalar } from './yaml.js'

/** A node and the 0-based line (in the text indexed) where the `yaml` package's range starts. */
export type YamlPositionNode = ScalarPosition | MapPosition | SeqPosition

export interface ScalarPosition {
  kind: 'scalar'
  line: number
  /** Plain scalars resolve as conftest resolves them; others are taken as they are written. */
  plain: boolean
  source: string
}

export interface MapPosition {
  kind: 'map'
  line: number
  pairs: { key: ScalarPosition; value: YamlPositionNode }[]
}

export interface SeqPosition {
  kind: 'seq'
  line: number
  items: YamlPositionNode[]
}

/** A scalar's text as `scalarText` in locate.ts has it. */
export function scalarPositionText(node: ScalarPosition): string {
  return node.plain ? String(resolvePlainScalar(node.source)) : node.source
}

/** Thrown inside the indexer for what it does not handle. */
class Unsupported extends Error {}

/** Characters that cannot start a plain scalar here (or start something not handled). */
const NOT_PLAIN = new Set([...'[]{}&*!|>\'"%@`#,?:'])

/**
 * Indexes a document's text; undefined when the text holds anything this indexer does not
 * handle, or no content.
 */
export function indexYamlBlock(text: string): YamlPositionNode | undefined {
  if (text.includes('\t') || text.includes('\r') || text.includes('\ufeff')) return undefined
  try {
    return new BlockIndexer(text).document()
  } catch (error) {
    if (error instanceof Unsupported) return undefined
    throw error
  }
}

function unsupported(): never {
  throw new Unsupported()
}

class BlockIndexer {
  private readonly lines: string[]
  /** The next line to read. */
  private line = 0

  constructor(text: string) {
    this.lines = text.split('\n')
  }

  document(): YamlPositionNode | undefined {
    for (const l of this.lines) {
      const c = l.charCodeAt(0)
      if ((c === 0x2d || c === 0x2e || c === 0x25) && /^(---|\.\.\.)(\s|$)|^%/.test(l))
        unsupported()
    }
    const first = this.nextContent()
    if (first === undefined) return undefined
    const indent = indentOf(this.lines[first])
    const root = this.node(first, indent, -1)
    if (root.kind === 'scalar') unsupported()
    if (this.nextContent() !== undefined) unsupported()
    return root
  }

  /** The index of the next line with content (not blank, not only a comment), from `this.line`. */
  private nextContent(): number | undefined {
    for (let i = this.line; i < this.lines.length; i++) {
      const l = this.lines[i]
      const at = indentOf(l)
      if (at < l.length && l[at] !== '#') return i
    }
    return undefined
  }

  /**
   * The node starting on line `line` at column `column`, inside a parent at indentation
   * `parent`; leaves `this.line` on the line after it.
   */
  private node(line: number, column: number, parent: number): YamlPositionNode {
    const l = this.lines[line]
    if (l[column] === '-' && (column + 1 === l.length || l[column + 1] === ' ')) {
      return this.sequence(line, column)
    }
    if (mappingKey(l, column)) return this.mapping(line, column)
    return this.scalar(line, column, parent)
  }

  private sequence(line: number, column: number): SeqPosition {
    const seq: SeqPosition = { kind: 'seq', line, items: [] }
    let at: number | undefined = line
    while (at !== undefined) {
      const l = this.lines[at]
      if (indentOf(l) !== column || l[column] !== '-') break
      if (column + 1 < l.length && l[column + 1] !== ' ') break
      const rest = skipSpaces(l, column + 1)
      if (rest < l.length && l[rest] !== '#') {
        if (l[rest] === '-' && (rest + 1 === l.length || l[rest + 1] === ' ')) unsupported()
        seq.items.push(this.node(at, rest, column))
      } else {
        // The item starts on a later line, more indented.
        this.line = at + 1
        const next = this.nextContent()
        if (next === undefined || indentOf(this.lines[next]) <= column) unsupported()
        seq.items.push(this.node(next, indentOf(this.lines[next]), column))
      }
      at = this.nextContent()
      if (at !== undefined && indentOf(this.lines[at]) > column) unsupported()
    }
    return seq
  }

  private mapping(line: number, column: number): MapPosition {
    const map: MapPosition = { kind: 'map', line, pairs: [] }
    let at: number | undefined = line
    while (at !== undefined) {
      const l = this.lines[at]
      const key = mappingKey(l, column)
      if (!key) unsupported()
      if (key.source === '<<') unsupported()
      const keyNode: ScalarPosition = {
        kind: 'scalar',
        line: at,
        plain: key.plain,
        source: key.source
      }
      const rest = skipSpaces(l, key.colon + 1)
      let value: YamlPositionNode
      if (rest < l.length && l[rest] !== '#') {
        if (rest === key.colon + 1) unsupported()
        value = this.scalar(at, rest, column)
      } else {
        this.line = at + 1
        const next = this.nextContent()
        const indent = next === undefined ? -1 : indentOf(this.lines[next])
        const nested = next !== undefined && this.lines[next][indent] === '-'
        if (
          next !== undefined &&
          (indent > column || (indent === column && nested && isItem(this.lines[next], indent)))
        ) {
          value = this.node(next, indent, column)
        } else {
          // An empty value: the `yaml` package puts its null scalar just after the colon.
          value = { kind: 'scalar', line: at, plain: true, source: '' }
        }
      }
      map.pairs.push({ key: keyNode, value })
      at = this.nextContent()
      if (at === undefined) break
      const indent = indentOf(this.lines[at])
      if (indent > column) unsupported()
      if (indent < column) break
    }
    return map
  }

  /** A scalar at `column` of `line` (a value, or an item of a sequence at `parent`). */
  private scalar(line: number, column: number, parent: number): ScalarPosition {
    const l = this.lines[line]
    const c = l[column]
    let node: ScalarPosition
    if (c === '|' || c === '>') return this.blockScalar(line, column, parent)
    if (c === "'" || c === '"') {
      const quoted = quotedScalar(l, column)
      const after = skipSpaces(l, quoted.end)
      if (after < l.length && (l[after] !== '#' || after === quoted.end)) unsupported()
      node = { kind: 'scalar', line, plain: false, source: quoted.value }
    } else {
      if (NOT_PLAIN.has(c) || c === '-') {
        // `-x` is a plain scalar; `- x` was a sequence; `-` alone at the end is neither here.
        if (c !== '-' || column + 1 === l.length || l[column + 1] === ' ') unsupported()
      }
      const end = plainEnd(l, column)
      const source = l.slice(column, end).replace(/ +$/, '')
      if (source.includes(': ') || source.endsWith(':')) unsupported()
      node = { kind: 'scalar', line, plain: true, source }
    }
    this.line = line + 1
    // A more indented line after a one-line scalar would continue it (or be an error).
    const next = this.nextContent()
    if (next !== undefined && indentOf(this.lines[next]) > parent) unsupported()
    return node
  }

  /**
   * A `|` or `>` block scalar (clip or keep chomping, no indentation indicator): its value ends
   * with a line break unless it is empty, so it never equals a one-line candidate.
   */
  private blockScalar(line: number, column: number, parent: number): ScalarPosition {
    const l = this.lines[line]
    let i = column + 1
    if (l[i] === '+') i++
    const after = skipSpaces(l, i)
    if (after < l.length && (l[after] !== '#' || after === i)) unsupported()
    let at = line + 1
    let contentIndent = -1
    for (; at < this.lines.length; at++) {
      const text = this.lines[at]
      const indent = indentOf(text)
      if (indent === text.length) continue
      if (contentIndent === -1) {
        if (indent <= parent) break
        contentIndent = indent
        continue
      }
      if (indent < contentIndent) break
    }
    // Blank lines before the content that are longer than its indentation are an error in YAML.
    for (let k = line + 1; k < at; k++) {
      const text = this.lines[k]
      if (indentOf(text) === text.length && contentIndent !== -1 && text.length > contentIndent) {
        unsupported()
      }
      if (contentIndent !== -1 && indentOf(text) < text.length) break
    }
    this.line = at
    const next = this.nextContent()
    if (next !== undefined && indentOf(this.lines[next]) > parent) unsupported()
    return { kind: 'scalar', line, plain: false, source: '\n' }
  }
}

function indentOf(l: string): number {
  let i = 0
  while (l.charCodeAt(i) === 0x20) i++
  return i
}

function skipSpaces(l: string, i: number): number {
  while (l.charCodeAt(i) === 0x20) i++
  return i
}

function isItem(l: string, at: number): boolean {
  return l[at] === '-' && (at + 1 === l.length || l[at + 1] === ' ')
}

/** End of a one-line plain scalar: before ` #` or the line's end. */
function plainEnd(l: string, start: number): number {
  const comment = l.indexOf(' #', start)
  return comment === -1 ? l.length : comment
}

/** A single-line quoted scalar: its value and the offset past its closing quote. */
function quotedScalar(l: string, start: number): { value: string; end: number } {
  const quote = l[start]
  if (quote === '"') {
    const close = l.indexOf('"', start + 1)
    if (close === -1) unsupported()
    const value = l.slice(start + 1, close)
    if (value.includes('\\')) unsupported()
    return { value, end: close + 1 }
  }
  let i = start + 1
  let value = ''
  for (;;) {
    const close = l.indexOf("'", i)
    if (close === -1) unsupported()
    value += l.slice(i, close)
    if (l[close + 1] !== "'") return { value, end: close + 1 }
    value += "'"
    i = close + 2
  }
}

/** The mapping key at `start` of a line (`key:` then a space or the line's end), if there is one. */
function mappingKey(
  l: string,
  start: number
): { source: string; plain: boolean; colon: number } | undefined {
  const c = l[start]
  if (c === '"' || c === "'") {
    const quoted = quotedScalar(l, start)
    if (l[quoted.end] !== ':') {
      // A quoted value, or a key with blanks before its colon.
      if (l.slice(quoted.end).trimStart().startsWith(':')) unsupported()
      return undefined
    }
    if (quoted.end + 1 < l.length && l[quoted.end + 1] !== ' ') unsupported()
    return { source: quoted.value, plain: false, colon: quoted.end }
  }
  const end = plainEnd(l, start)
  let colon = l.indexOf(':', start)
  while (colon !== -1 && colon < end && colon + 1 < l.length && l[colon + 1] !== ' ') {
    colon = l.indexOf(':', colon + 1)
  }
  if (colon === -1 || colon >= end) return undefined
  const source = l.slice(start, colon)
  if (source === '' || NOT_PLAIN.has(source[0]) || source.endsWith(' ')) unsupported()
  if (source[0] === '-' && (source.length === 1 || source[1] === ' ')) unsupported()
  return { source, plain: true, colon }
}

/**
 * The line a finding belongs on. In order of preference:
 *  1. the `_loc` the policy returned, when it names this file (paths outside the repository and
 *     lines past the end of the file are ignored);
 *  2. the `path` into the document, resolved against the file's text (YAML through one pass over
 *     its block structure, documents/yaml-positions.ts, or the `yaml` package's syntax tree for
 *     what that pass does not handle; JSON and Terraform plans through an index of every
 *     member's offset, documents/positions.ts; Dockerfiles by instruction index; HCL by block
 *     labels and attribute names), as deep as it resolves;
 *  3. a value the message quotes ('nginx', "aws_s3_bucket.logs") or names (nginx:1.25), found in
 *     the document — in a Terraform plan, a resource address finds its `resource_changes` entry;
 *  4. the document's first line (the element's, for an element of a top-level array).
 * Syntax trees and indexes are built lazily, on a document's first finding, and cached per file,
 * so that locating costs one pass over a file however many findings it has.
 */
import path from 'node:path'
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  type Document,
  type Node as YamlNode,
  type Scalar
} from 'yaml'
import type { ParsedFile, SourceDocument } from '../findings.js'
import { parseDockerfileWithLines, type DockerInstruction } from './dockerfile.js'
import { endOfJsonValue, findJsonString } from './json.js'
import { JsonIndex, LineIndex } from './positions.js'
import {
  blockLine,
  parseResourceAddress,
  resourceChangeLine,
  resourceChangeLookup
} from './tfplan.js'
import { indexYamlBlock, scalarPositionText, type YamlPositionNode } from './yaml-positions.js'
import { resolvePlainScalar, splitYamlParts, type YamlPart } from './yaml.js'

export type PathSegment = string | number

export interface LocateHint {
  /** The `_loc` a policy attached to its result (`{file, line}`). */
  loc?: { file: string; line: number }
  /** Where in the document (`input`) the finding points. */
  path?: readonly PathSegment[]
  /** The result's message. */
  message?: string
  /**
   * The element of a top-level array the finding is about, when conftest evaluated the
   * document element by element (a JSON or YAML list, a Dockerfile's one instruction list).
   * `path` already starts with it; this scopes the message search and the fallback line.
   */
  element?: number
}

export interface LocateOptions {
  /** Absolute workspace path, to accept an absolute `_loc.file` inside it. */
  workspace?: string
}

/** Finds a finding's 1-based line in its file; always returns a line. */
export function locateFinding(
  file: ParsedFile,
  documentIndex: number,
  hint: LocateHint,
  options: LocateOptions = {}
): number {
  if (file.error) return file.error.line ?? 1
  const fromLoc = lineFromLoc(file, hint.loc, options.workspace)
  if (fromLoc !== undefined) return fromLoc
  const document = file.documents[documentIndex]
  if (!document) return 1
  const locator = documentLocator(file, document)
  if (hint.path && hint.path.length > 0) {
    const line = locator?.path(hint.path)
    if (line !== undefined) return line
  }
  if (hint.message) {
    // Quoted values before bare words, and among the quoted ones the longer first: "nginx:latest"
    // says more about where a finding is than "web", which may also be the Deployment's name.
    const quoted = new Set(quotedValues(hint.message))
    const rank = (c: string): number => (quoted.has(c) ? 1_000_000 + c.length : 0)
    const candidates = messageCandidates(hint.message).sort((a, b) => rank(b) - rank(a))
    for (const candidate of candidates) {
      const line = locator?.value(candidate, hint.element)
      if (line !== undefined) return line
    }
  }
  return (hint.element !== undefined ? locator?.element(hint.element) : undefined) ?? document.line
}

// --- Rule 1: _loc ---------------------------------------------------------------------------------

function lineFromLoc(
  file: ParsedFile,
  loc: LocateHint['loc'],
  workspace: string | undefined
): number | undefined {
  if (!loc || typeof loc.file !== 'string') return undefined
  const line = Number(loc.line)
  if (!Number.isInteger(line) || line < 1 || line > lineIndex(file).count) return undefined
  return repositoryPath(loc.file, workspace) === file.path ? line : undefined
}

/** A `_loc.file` as a workspace-relative path, or undefined when it is outside the workspace. */
function repositoryPath(file: string, workspace: string | undefined): string | undefined {
  const slashed = file.replaceAll('\\', '/')
  let relative: string
  if (path.posix.isAbsolute(slashed) || /^[A-Za-z]:\//.test(slashed)) {
    if (!workspace) return undefined
    relative = path.posix.relative(workspace.replaceAll('\\', '/'), slashed)
  } else {
    relative = path.posix.normalize(slashed)
  }
  if (relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative)) {
    return undefined
  }
  return relative.replace(/^\.\//, '')
}

/** What locating has built for a file, on its first finding that needs it. */
interface FileCache {
  lines?: LineIndex
  yamlParts?: YamlPart[]
  locators: Map<number, DocumentLocator | undefined>
}

const fileCaches = new WeakMap<ParsedFile, FileCache>()

function fileCache(file: ParsedFile): FileCache {
  let cache = fileCaches.get(file)
  if (!cache) {
    cache = { locators: new Map() }
    fileCaches.set(file, cache)
  }
  return cache
}

/** The file's line index. */
function lineIndex(file: ParsedFile): LineIndex {
  const cache = fileCache(file)
  return (cache.lines ??= new LineIndex(file.text))
}

// --- Rule 3: values quoted or named in the message ---------------------------------------------------

const QUOTED = /(?<![\w])(?:'([^'\n]+)'|"([^"\n]+)"|`([^`\n]+)`|‘([^’\n]+)’|“([^”\n]+)”)(?![\w])/g

/**
 * Values a message points at: quoted ones first, then identifier-like words (with a digit or one
 * of - _ . / : @), which are names, images and addresses rather than prose.
 */
function quotedValues(message: string): string[] {
  return [...message.matchAll(QUOTED)].map(m => m.slice(1).find(g => g !== undefined) ?? '')
}

export function messageCandidates(message: string): string[] {
  const quoted = quotedValues(message)
  const words = message
    .split(/\s+/)
    .map(word => word.replace(/^[([{<'"`‘“]+|[)\]}>'"`’”,;:.!?]+$/g, ''))
    .filter(word => word.length >= 3 && /[-_./:@0-9]/.test(word) && /[A-Za-z0-9]/.test(word))
  return [...new Set([...quoted.filter(q => q.trim() !== ''), ...words])]
}

// --- Per-format locators --------------------------------------------------------------------------

interface DocumentLocator {
  /** Line of the deepest node the path reaches. */
  path(path: readonly PathSegment[]): number | undefined
  /** Line of the first occurrence of a value, within an element of the document if given. */
  value(candidate: string, element?: number): number | undefined
  /** Line where an element of a top-level array starts. */
  element(element: number): number | undefined
}

function documentLocator(file: ParsedFile, document: SourceDocument): DocumentLocator | undefined {
  const { locators } = fileCache(file)
  if (!locators.has(document.index)) locators.set(document.index, buildLocator(file, document))
  return locators.get(document.index)
}

function buildLocator(file: ParsedFile, document: SourceDocument): DocumentLocator | undefined {
  switch (file.parser) {
    case 'yaml':
      return yamlLocator(file, document.index)
    case 'json':
      return jsonLocator(file, document)
    case 'dockerfile':
      return dockerfileLocator(file.text)
    case 'hcl2':
      return hclLocator(file.text, lineIndex(file))
    default:
      return undefined
  }
}

// YAML ---------------------------------------------------------------------------------------------

function yamlLocator(file: ParsedFile, documentIndex: number): DocumentLocator | undefined {
  const cache = fileCache(file)
  const part = (cache.yamlParts ??= splitYamlParts(file.text))[documentIndex]
  if (!part) return undefined
  const indexed = indexYamlBlock(part.text)
  if (indexed) return yamlPositionLocator(indexed, part.line)
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(part.text, { lineCounter, uniqueKeys: false })
  const doc = Array.isArray(docs) ? docs[0] : undefined
  const root = doc?.contents
  if (!doc || !root) return undefined
  const lineOf = (offset: number): number => part.line + lineCounter.linePos(offset).line - 1
  const item = (element: number): YamlNode | undefined => {
    const node = isSeq(root) ? (root.items[element] as YamlNode | undefined) : undefined
    return node?.range ? node : undefined
  }
  return {
    path: segments => {
      const offset = yamlPathOffset(doc, root, segments)
      return offset === undefined ? undefined : lineOf(offset)
    },
    value: (candidate, element) => {
      const scope = element === undefined ? root : item(element)
      if (!scope) return undefined
      let found: number | undefined
      visit(scope, {
        Scalar(_key, node) {
          if (node.range && scalarText(node) === candidate) {
            found = node.range[0]
            return visit.BREAK
          }
          return undefined
        }
      })
      return found === undefined ? undefined : lineOf(found)
    },
    element: element => {
      const node = item(element)
      return node?.range ? lineOf(node.range[0]) : undefined
    }
  }
}

/**
 * The same answers from documents/yaml-positions.ts's index, for the block YAML it handles: each
 * node there has the line the syntax tree's range would give it.
 */
function yamlPositionLocator(root: YamlPositionNode, firstLine: number): DocumentLocator {
  const item = (element: number): YamlPositionNode | undefined =>
    root.kind === 'seq' ? root.items[element] : undefined
  const find = (node: YamlPositionNode, candidate: string): number | undefined => {
    if (node.kind === 'scalar') {
      return scalarPositionText(node) === candidate ? node.line : undefined
    }
    if (node.kind === 'seq') {
      for (const child of node.items) {
        const line = find(child, candidate)
        if (line !== undefined) return line
      }
      return undefined
    }
    for (const pair of node.pairs) {
      const line = find(pair.key, candidate) ?? find(pair.value, candidate)
      if (line !== undefined) return line
    }
    return undefined
  }
  return {
    path: segments => {
      let node: YamlPositionNode = root
      let line: number | undefined
      for (const segment of segments) {
        let next: YamlPositionNode | undefined
        if (node.kind === 'map' && typeof segment === 'string') {
          for (const pair of node.pairs) {
            if (scalarPositionText(pair.key) === segment) {
              line = pair.key.line
              next = pair.value
            }
          }
        } else if (node.kind === 'seq' && typeof segment === 'number') {
          next = node.items[segment]
          if (next) line = next.line
        }
        if (!next) break
        node = next
      }
      return line === undefined ? undefined : firstLine + line
    },
    value: (candidate, element) => {
      const scope = element === undefined ? root : item(element)
      const line = scope && find(scope, candidate)
      return line === undefined ? undefined : firstLine + line
    },
    element: element => {
      const node = item(element)
      return node && firstLine + node.line
    }
  }
}

/** A scalar as conftest's value has it, as text (keys become strings this way too). */
function scalarText(node: Scalar): string {
  if (node.type === 'PLAIN' && typeof node.source === 'string') {
    return String(resolvePlainScalar(node.source))
  }
  return String(node.value)
}

function resolveAlias(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node
}

/**
 * Offset of the deepest node a path reaches: a mapping key's own position for a member, an
 * item's for a list element. Merge keys are followed the way go-yaml applies them (later entries
 * win, a merged list from its first element).
 */
function yamlPathOffset(
  doc: Document,
  root: YamlNode,
  segments: readonly PathSegment[]
): number | undefined {
  let node: unknown = root
  let offset: number | undefined
  for (const segment of segments) {
    node = resolveAlias(doc, node)
    let next: { at: number; value: unknown } | undefined
    if (isMap(node) && typeof segment === 'string') {
      next = findInMap(doc, node, segment, new Set())
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined
      if (item?.range) next = { at: item.range[0], value: item }
    }
    if (!next) break
    offset = next.at
    node = next.value
  }
  return offset
}

function findInMap(
  doc: Document,
  map: unknown,
  key: string,
  seen: Set<unknown>
): { at: number; value: unknown } | undefined {
  if (!isMap(map) || seen.has(map)) return undefined
  seen.add(map)
  let found: { at: number; value: unknown } | undefined
  for (const pair of map.items) {
    const keyNode = pair.key
    if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.source === '<<') {
      const value = resolveAlias(doc, pair.value)
      const sources = isSeq(value) ? [...value.items].reverse() : [value]
      for (const source of sources) {
        const merged = findInMap(doc, resolveAlias(doc, source), key, seen)
        if (merged) found = merged
      }
      continue
    }
    if (isScalar(keyNode) && keyNode.range && scalarText(keyNode) === key) {
      found = { at: keyNode.range[0], value: pair.value }
    }
  }
  return found
}

// JSON and Terraform plans ----------------------------------------------------------------------------

function jsonLocator(file: ParsedFile, document: SourceDocument): DocumentLocator {
  const text = file.text
  const lines = lineIndex(file)
  const index = new JsonIndex(text)
  const changes = resourceChangeLookup(document.value)
  const elementRange = (element: number): { start: number; end: number } | undefined => {
    if (!Array.isArray(document.value) || element >= document.value.length) return undefined
    const { offset: start, end } = index.locate([element])
    return { start, end: end ?? endOfJsonValue(text, start) }
  }
  return {
    path: segments => {
      const { offset, resolved } = index.locate(segments)
      return resolved > 0 ? lines.lineAt(offset) : undefined
    },
    value: (candidate, element) => {
      const change = changes?.(candidate)
      if (change !== undefined) return resourceChangeLine(index, lines, change)
      const range = element === undefined ? { start: 0, end: text.length } : elementRange(element)
      if (!range) return undefined
      const at = findJsonString(text, candidate, range.start, range.end)
      return at === -1 ? undefined : lines.lineAt(at)
    },
    element: element => {
      const range = elementRange(element)
      return range ? lines.lineAt(range.start) : undefined
    }
  }
}

// Dockerfiles ------------------------------------------------------------------------------------------

function dockerfileLocator(text: string): DocumentLocator | undefined {
  const parsed = parseDockerfileWithLines(text)
  if ('error' in parsed) return undefined
  const { instructions, lines } = parsed
  const mentions = (instruction: DockerInstruction, candidate: string, exact: boolean): boolean =>
    (instruction.Value ?? []).some(value =>
      exact ? value === candidate : value.split(/[\s"'=,;&|]+/).includes(candidate)
    )
  // The document is `[instructions]`, so a path is [0, instruction index, ...].
  return {
    path: segments => {
      if (segments[0] !== 0 || typeof segments[1] !== 'number') return undefined
      return lines[segments[1]]
    },
    element: () => undefined,
    value: candidate => {
      const exact = instructions.findIndex(i => i.Cmd !== 'comment' && mentions(i, candidate, true))
      if (exact !== -1) return lines[exact]
      const token = instructions.findIndex(
        i => i.Cmd !== 'comment' && mentions(i, candidate, false)
      )
      return token === -1 ? undefined : lines[token]
    }
  }
}

// HCL ----------------------------------------------------------------------------------------------------

interface HclStatement {
  name: string
  labels: string[]
  offset: number
  /** For blocks: the text between the braces. */
  body?: { start: number; end: number }
}

/**
 * The top-level statements (attributes and blocks) between `start` and `end`, skipping strings,
 * template interpolations, heredocs and comments.
 */
function hclStatements(text: string, start: number, end: number): HclStatement[] {
  const statements: HclStatement[] = []
  let i = start
  const skipSpace = (newlines: boolean): void => {
    for (;;) {
      const c = text[i]
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) i++
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        while (i < end && text[i] !== '\n') i++
      } else if (c === '/' && text[i + 1] === '*') {
        const close = text.indexOf('*/', i + 2)
        i = close === -1 ? end : close + 2
      } else return
    }
  }
  while (i < end) {
    skipSpace(true)
    if (i >= end) break
    const identifier = /^[A-Za-z_][\w-]*/.exec(text.slice(i, Math.min(end, i + 200)))
    if (!identifier) {
      i = skipExpression(text, i, end)
      continue
    }
    const statement: HclStatement = { name: identifier[0], labels: [], offset: i }
    i += identifier[0].length
    for (;;) {
      skipSpace(false)
      if (text[i] === '"') {
        const close = skipString(text, i, end)
        statement.labels.push(text.slice(i + 1, close - 1))
        i = close
        continue
      }
      const label = /^[A-Za-z_][\w-]*/.exec(text.slice(i, Math.min(end, i + 200)))
      if (label) {
        statement.labels.push(label[0])
        i += label[0].length
        continue
      }
      break
    }
    if (text[i] === '{') {
      const close = skipBrackets(text, i, end)
      statement.body = { start: i + 1, end: close - 1 }
      i = close
    } else {
      i = skipExpression(text, i, end)
    }
    statements.push(statement)
  }
  return statements
}

/** Past the string literal opening at `i`, with `${ }` templates (which may hold strings). */
function skipString(text: string, open: number, end: number): number {
  let i = open + 1
  while (i < end) {
    const c = text[i]
    if (c === '\\') i += 2
    else if (c === '"') return i + 1
    else if ((c === '$' || c === '%') && text[i + 1] === '{') i = skipBrackets(text, i + 1, end)
    else if (c === '\n') return i
    else i++
  }
  return end
}

/** Past the bracket (`{`, `[`, `(`) opening at `i` and everything up to its match. */
function skipBrackets(text: string, open: number, end: number): number {
  let depth = 0
  let i = open
  while (i < end) {
    const c = text[i]
    if (c === '"') {
      i = skipString(text, i, end)
      continue
    }
    if (c === '<' && text[i + 1] === '<') {
      i = skipHeredoc(text, i, end)
      continue
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < end && text[i] !== '\n') i++
      continue
    }
    if (c === '{' || c === '[' || c === '(') depth++
    else if (c === '}' || c === ']' || c === ')') {
      depth--
      if (depth === 0) return i + 1
    }
    i++
  }
  return end
}

function skipHeredoc(text: string, at: number, end: number): number {
  const header = /^<<-?([A-Za-z_]\w*)[ \t]*\r?\n/.exec(text.slice(at, at + 200))
  if (!header) return at + 2
  let i = at + header[0].length
  while (i < end) {
    const lineEnd = text.indexOf('\n', i)
    const stop = lineEnd === -1 ? end : lineEnd
    if (text.slice(i, stop).trim() === header[1]) return stop
    i = stop + 1
  }
  return end
}

/** Past an attribute's expression: to the end of its line, outside brackets and strings. */
function skipExpression(text: string, i: number, end: number): number {
  while (i < end && text[i] !== '\n') {
    const c = text[i]
    if (c === '"') i = skipString(text, i, end)
    else if (c === '{' || c === '[' || c === '(') i = skipBrackets(text, i, end)
    else if (c === '<' && text[i + 1] === '<') i = skipHeredoc(text, i, end)
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < end && text[i] !== '\n') i++
    } else i++
  }
  return i
}

/**
 * Resolves a path in conftest's hcl2 shape (`resource.TYPE.NAME[0].attribute`) against the text:
 * a block type and its labels find the block, an index picks among blocks with the same labels,
 * a name finds an attribute or nested block inside.
 */
function hclPathOffset(text: string, segments: readonly PathSegment[]): number | undefined {
  let scope = { start: 0, end: text.length }
  let offset: number | undefined
  let i = 0
  while (i < segments.length) {
    const name = segments[i]
    if (typeof name !== 'string') break
    const candidates = hclStatements(text, scope.start, scope.end).filter(s => s.name === name)
    if (candidates.length === 0) break
    i++
    // Consume the labels the path gives, as far as they match.
    let matching = candidates
    let labelIndex = 0
    while (i < segments.length && typeof segments[i] === 'string') {
      const label = segments[i]
      const narrowed = matching.filter(s => s.labels[labelIndex] === label)
      if (narrowed.length === 0) break
      matching = narrowed
      labelIndex++
      i++
    }
    let chosen = matching[0]
    if (i < segments.length && typeof segments[i] === 'number') {
      chosen = matching[segments[i] as number] ?? chosen
      i++
    }
    offset = chosen.offset
    if (!chosen.body) break
    scope = chosen.body
  }
  return offset
}

function hclLocator(text: string, lines: LineIndex): DocumentLocator {
  return {
    element: () => undefined,
    path: segments => {
      const offset = hclPathOffset(text, segments)
      return offset === undefined ? undefined : lines.lineAt(offset)
    },
    value: candidate => {
      const resource = parseResourceAddress(candidate)
      const block = resource ? blockLine(text, resource) : undefined
      if (block !== undefined) return block
      const at = text.indexOf(JSON.stringify(candidate))
      return at === -1 ? undefined : lines.lineAt(at)
    }
  }
}

/**
 * Dockerfiles in conftest's shape (parser/docker): a list of instructions
 * `{Cmd, SubCmd, JSON, Flags, Value, Stage}`, with the comments before an instruction as
 * `{Cmd: "comment"}` entries. conftest builds it with moby/buildkit's parser and rejects the file
 * when buildkit's `instructions.ParseInstruction` rejects an instruction; both are ported here
 * (buildkit v0.30.0, frontend/dockerfile/parser and instructions), because the exact splitting of
 * values (ENV pairs, JSON forms, heredocs, line continuations, escape directives) is what policies
 * match on. dockerfile-ast tokenises differently from buildkit in these corners, so it is not used.
 */
import type { DocumentsOrError, ParseError } from './yaml.js'

/** One entry of conftest's Dockerfile document. */
export interface DockerInstruction {
  Cmd: string
  SubCmd: string
  JSON: boolean
  Flags: string[] | null
  Value: string[] | null
  Stage: number
}

/** The document plus, for each entry, the 1-based line it comes from. */
export interface ParsedDockerfile {
  instructions: DockerInstruction[]
  lines: number[]
}

class DockerfileError extends Error {
  constructor(
    message: string,
    readonly line: number
  ) {
    super(message)
  }
}

/**
 * One document whose value is `[instructions]`, exactly as `conftest parse` prints it: conftest's
 * engine then evaluates its single element, so policies see the list of instructions as `input`.
 */
export function parseDockerfile(text: string): DocumentsOrError {
  const parsed = parseDockerfileWithLines(text)
  if ('error' in parsed) return parsed
  // The document starts at its first instruction (comments are entries too, but not a start).
  const first = parsed.instructions.findIndex(i => i.Cmd !== 'comment')
  const line = parsed.lines[first] ?? 1
  return { documents: [{ index: 0, line, value: [parsed.instructions] }] }
}

export function parseDockerfileWithLines(text: string): ParsedDockerfile | { error: ParseError } {
  try {
    return toConftestShape(parseAst(text))
  } catch (error) {
    if (error instanceof DockerfileError) {
      return {
        error: {
          message: `invalid Dockerfile at line ${error.line}: ${error.message}. Fix the instruction; conftest cannot parse this file either.`,
          line: error.line
        }
      }
    }
    throw error
  }
}

// --- Go string helpers ----------------------------------------------------------------------------

/** Go's unicode.IsSpace. */
const SPACE_CLASS =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const LEADING_SPACE = new RegExp(`^[${SPACE_CLASS}]+`)
const TRAILING_SPACE = new RegExp(`[${SPACE_CLASS}]+$`)
const IS_SPACE = new RegExp(`^[${SPACE_CLASS}]$`)
/** buildkit's reWhitespace. */
const WHITESPACE_RUN = /[\t\v\f\r ]+/

function isSpace(ch: string): boolean {
  return IS_SPACE.test(ch)
}

/** unicode.IsSpace(rune(b)) for a single byte, as buildkit calls it on bytes. */
function isSpaceByte(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0x85 || b === 0xa0
}

function trimSpace(s: string): string {
  return s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '')
}

function trimLeft(s: string): string {
  return s.replace(LEADING_SPACE, '')
}

/** Go's regexp.Split(s, n) for n = 2 (first match only) or all. */
function splitWhitespace(s: string, limit?: 2): string[] {
  if (limit === 2) {
    const match = WHITESPACE_RUN.exec(s)
    return match ? [s.slice(0, match.index), s.slice(match.index + match[0].length)] : [s]
  }
  return s.split(WHITESPACE_RUN)
}

// --- parser.go: lines → nodes -----------------------------------------------------------------------

interface Heredoc {
  name: string
  chomp: boolean
}

interface AstNode {
  value: string
  next: AstNode[]
  /** ONBUILD's trigger instruction. */
  sub?: AstNode
  json: boolean
  original: string
  flags: string[] | null
  startLine: number
  prevComments: { text: string; line: number }[]
  heredocs: Heredoc[]
}

interface Directives {
  escapeToken: string
  continuation: RegExp
  directiveParser: { done: boolean; seen: Set<string> }
}

function newDirectives(): Directives {
  const d: Directives = {
    escapeToken: '\\',
    continuation: /([^\\])\\[ \t]*$|^\\[ \t]*$/,
    directiveParser: { done: false, seen: new Set() }
  }
  return d
}

function setEscapeToken(d: Directives, token: string): void {
  if (token !== '`' && token !== '\\') {
    throw new Error(`invalid escape token '${token}' does not match \` or \\`)
  }
  d.escapeToken = token
  const e = token === '\\' ? '\\\\' : '`'
  d.continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`)
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/
const VALID_DIRECTIVES = new Set(['syntax', 'check', 'escape'])

/** directives.go ParseLine + possibleParserDirective: is this line a parser directive? */
function possibleParserDirective(d: Directives, line: string): boolean {
  const p = d.directiveParser
  if (p.done) return false
  if (!line.startsWith('#')) {
    p.done = true
    return false
  }
  const match = DIRECTIVE.exec(trimLeft(line.slice(1)))
  if (!match) {
    p.done = true
    return false
  }
  const key = match[1].toLowerCase()
  if (!VALID_DIRECTIVES.has(key)) {
    p.done = true
    return false
  }
  if (p.seen.has(key)) throw new Error(`only one ${key} parser directive can be used`)
  p.seen.add(key)
  if (key === 'escape') setEscapeToken(d, match[2])
  return true
}

function isComment(line: string): boolean {
  return trimLeft(line).startsWith('#')
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '')
}

/** Lines with their endings, as buildkit's scanLines yields them. */
function scanLines(text: string): string[] {
  const lines: string[] = []
  let start = 0
  while (start < text.length) {
    const end = text.indexOf('\n', start)
    const stop = end === -1 ? text.length : end + 1
    lines.push(text.slice(start, stop))
    start = stop
  }
  return lines
}

const MAX_LINE_BYTES = 64 * 1024

function parseAst(input: string): AstNode[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const d = newDirectives()
  const lines = scanLines(text)
  const nodes: AstNode[] = []
  let comments: { text: string; line: number }[] = []
  let currentLine = 0
  let cursor = 0
  const nextLine = (): string | undefined => {
    const line = lines[cursor++]
    if (line !== undefined && Buffer.byteLength(line) > MAX_LINE_BYTES) {
      throw new DockerfileError(
        `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`,
        currentLine + 1
      )
    }
    return line
  }
  const processLine = (raw: string, stripLeft: boolean): { text: string; directive: boolean } => {
    let token = trimNewline(raw)
    if (stripLeft) token = trimLeft(token)
    let directive: boolean
    try {
      directive = possibleParserDirective(d, token)
    } catch (error) {
      throw new DockerfileError((error as Error).message, currentLine + 1)
    }
    return { text: isComment(token) ? '' : token, directive }
  }
  const trimContinuation = (line: string): { text: string; endOfLine: boolean } => {
    if (d.continuation.test(line))
      return { text: line.replace(d.continuation, '$1'), endOfLine: false }
    return { text: line, endOfLine: true }
  }

  for (let raw = nextLine(); raw !== undefined; raw = nextLine()) {
    if (isComment(raw)) {
      const comment = trimSpace(raw.slice(1))
      if (comment === '') comments = []
      else comments.push({ text: comment, line: currentLine + 1 })
    }
    const processed = processLine(raw, true)
    if (processed.directive) comments.pop()
    currentLine++
    const startLine = currentLine
    let { text: content, endOfLine } = trimContinuation(processed.text)
    if (endOfLine && content.length === 0) continue

    let buffer = content
    while (!endOfLine) {
      const next = nextLine()
      if (next === undefined) break
      const continued = processLine(next, false)
      currentLine++
      if (isComment(next)) continue
      if (trimLeft(trimNewline(continued.text)).length === 0) continue
      ;({ text: content, endOfLine } = trimContinuation(continued.text))
      buffer += content
    }

    let node: AstNode
    try {
      node = nodeFromLine(buffer, d, comments, startLine)
    } catch (error) {
      throw new DockerfileError((error as Error).message, startLine)
    }

    if (canContainHeredoc(node) && buffer.includes('<<')) {
      for (const heredoc of heredocsFromLine(buffer)) {
        let terminated = false
        for (let body = nextLine(); body !== undefined; body = nextLine()) {
          currentLine++
          let candidate = trimNewline(body)
          if (heredoc.chomp) candidate = candidate.replace(/^\t+/, '')
          if (candidate === heredoc.name) {
            terminated = true
            break
          }
        }
        if (!terminated) throw new DockerfileError('unterminated heredoc', startLine)
        node.heredocs.push(heredoc)
      }
    }
    nodes.push(node)
    comments = []
  }
  if (nodes.length === 0) {
    throw new DockerfileError('file with no instructions', Math.max(currentLine, 1))
  }
  return nodes
}

const HEREDOC_DIRECTIVES = new Set(['add', 'copy', 'run'])

function canContainHeredoc(node: AstNode): boolean {
  const target = node.value.toLowerCase() === 'onbuild' && node.sub ? node.sub : node
  return HEREDOC_DIRECTIVES.has(target.value.toLowerCase()) && !target.json
}

function nodeFromLine(
  line: string,
  d: Directives,
  comments: { text: string; line: number }[],
  startLine: number
): AstNode {
  const { cmd, flags, args } = splitCommand(line, d)
  const node: AstNode = {
    value: cmd,
    next: [],
    json: false,
    original: line,
    flags,
    startLine,
    prevComments: comments,
    heredocs: []
  }
  const dispatch = DISPATCH[cmd.toLowerCase()] ?? parseIgnore
  const result = dispatch(args, d, startLine)
  if (result.sub) node.sub = result.sub
  node.next = result.values.map(value => ({ ...emptyNode(), value }))
  node.json = result.json
  return node
}

function emptyNode(): AstNode {
  return {
    value: '',
    next: [],
    json: false,
    original: '',
    flags: null,
    startLine: 0,
    prevComments: [],
    heredocs: []
  }
}

// --- split_command.go -------------------------------------------------------------------------------

function splitCommand(
  line: string,
  d: Directives
): { cmd: string; flags: string[] | null; args: string } {
  const cmdline = splitWhitespace(trimSpace(line), 2)
  let args = ''
  let flags: string[] | null = null
  if (cmdline.length === 2) {
    ;({ rest: args, flags } = extractBuilderFlags(cmdline[1], d))
  }
  return { cmd: cmdline[0], flags, args: trimSpace(args) }
}

/** Byte-wise, as buildkit does it (non-ASCII bytes in flags are written as single runes). */
function extractBuilderFlags(text: string, d: Directives): { rest: string; flags: string[] } {
  const line = Buffer.from(text, 'utf8')
  const escape = d.escapeToken.charCodeAt(0)
  const words: string[] = []
  let phase: 'spaces' | 'word' | 'quote' = 'spaces'
  let word = ''
  let quote = 0
  let blankOK = false
  const rest = (pos: number): string => line.subarray(pos).toString('utf8')
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = pos !== line.length ? line[pos] : -1
    if (phase === 'spaces') {
      if (pos === line.length) break
      if (isSpaceByte(ch)) continue
      if (ch !== 0x2d || pos + 1 === line.length || line[pos + 1] !== 0x2d) {
        return { rest: rest(pos), flags: words }
      }
      phase = 'word'
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push(word)
      break
    }
    if (phase === 'word') {
      if (isSpaceByte(ch)) {
        phase = 'spaces'
        if (word === '--') return { rest: rest(pos), flags: words }
        if (blankOK || word.length > 0) words.push(word)
        word = ''
        blankOK = false
        continue
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch
        blankOK = true
        phase = 'quote'
        continue
      }
      if (ch === escape) {
        if (pos + 1 === line.length) continue
        pos++
        ch = line[pos]
      }
      word += String.fromCharCode(ch)
      continue
    }
    // In a quote.
    if (ch === quote) {
      phase = 'word'
      continue
    }
    if (ch === escape) {
      if (pos + 1 === line.length) {
        phase = 'word'
        continue
      }
      pos++
      ch = line[pos]
    }
    word += String.fromCharCode(ch)
  }
  return { rest: '', flags: words }
}

// --- line_parsers.go ------------------------------------------------------------------------------

interface Dispatched {
  values: string[]
  json: boolean
  sub?: AstNode
}

type LineParser = (rest: string, d: Directives, line: number) => Dispatched

const NONE: Dispatched = { values: [], json: false }

const parseIgnore: LineParser = () => ({ values: [''], json: false })

const parseSubCommand: LineParser = (rest, d, line) => {
  if (rest === '') return NONE
  return { values: [], json: false, sub: nodeFromLine(rest, d, [], line) }
}

/** parseWords: splits on spaces outside quotes, keeping quotes and escapes in the words. */
function parseWords(rest: string, d: Directives): string[] {
  const chars = Array.from(rest)
  const words: string[] = []
  let phase: 'spaces' | 'word' | 'quote' = 'spaces'
  let quote = ''
  let blankOK = false
  let word = ''
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos !== chars.length ? chars[pos] : ''
    if (phase === 'spaces') {
      if (pos === chars.length) break
      if (isSpace(ch)) continue
      phase = 'word'
    }
    if (pos === chars.length) {
      if (blankOK || word.length > 0) words.push(word)
      break
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces'
        if (blankOK || word.length > 0) words.push(word)
        word = ''
        blankOK = false
        continue
      }
      if (ch === "'" || ch === '"') {
        quote = ch
        blankOK = true
        phase = 'quote'
      }
      if (ch === d.escapeToken) {
        if (pos + 1 === chars.length) continue
        word += ch
        pos++
        ch = chars[pos]
      }
      word += ch
      continue
    }
    if (ch === quote) phase = 'word'
    if (ch === d.escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word'
        continue
      }
      pos++
      word += ch
      ch = chars[pos]
    }
    word += ch
  }
  return words
}

function parseNameVal(rest: string, key: string, d: Directives): Dispatched {
  const words = parseWords(rest, d)
  if (words.length === 0) return NONE
  if (!words[0].includes('=')) {
    const parts = splitWhitespace(rest, 2)
    if (parts.length < 2) throw new Error(`${key} must have two arguments`)
    return { values: [parts[0], parts[1], ''], json: false }
  }
  const values: string[] = []
  for (const word of words) {
    if (!word.includes('=')) {
      throw new Error(
        `Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`
      )
    }
    const at = word.indexOf('=')
    values.push(word.slice(0, at), word.slice(at + 1), '=')
  }
  return { values, json: false }
}

const parseEnv: LineParser = (rest, d) => parseNameVal(rest, 'ENV', d)
const parseLabel: LineParser = (rest, d) => parseNameVal(rest, 'LABEL', d)

const parseNameOrNameVal: LineParser = (rest, d) => ({ values: parseWords(rest, d), json: false })

const parseStringsWhitespaceDelimited: LineParser = rest =>
  rest === '' ? NONE : { values: splitWhitespace(rest), json: false }

const parseString: LineParser = rest => (rest === '' ? NONE : { values: [rest], json: false })

const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only'

/** parseJSON: a JSON array of strings, or undefined when the text is not a JSON array. */
function parseJsonArray(rest: string): string[] | undefined {
  const trimmed = trimLeft(rest)
  if (!trimmed.startsWith('[')) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed)) return undefined
  if (!parsed.every(item => typeof item === 'string')) throw new Error(NOT_STRING_ARRAY)
  return parsed
}

const parseMaybeJSON: LineParser = rest => {
  if (rest === '') return NONE
  const json = parseJsonArray(rest)
  if (json) return { values: json, json: true }
  return { values: [rest], json: false }
}

const parseMaybeJSONToList: LineParser = (rest, d, line) => {
  const json = parseJsonArray(rest)
  if (json) return { values: json, json: true }
  return parseStringsWhitespaceDelimited(rest, d, line)
}

const parseHealthConfig: LineParser = (rest, d, line) => {
  const bytes = Buffer.from(rest, 'utf8')
  let sep = 0
  while (sep < bytes.length && !isSpaceByte(bytes[sep])) sep++
  let next = sep
  while (next < bytes.length && isSpaceByte(bytes[next])) next++
  if (sep === 0) return NONE
  const type = bytes.subarray(0, sep).toString('utf8')
  const cmd = parseMaybeJSON(bytes.subarray(next).toString('utf8'), d, line)
  return { values: [type, ...cmd.values], json: cmd.json }
}

const DISPATCH: Record<string, LineParser> = {
  add: parseMaybeJSONToList,
  arg: parseNameOrNameVal,
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: parseEnv,
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: parseLabel,
  maintainer: parseString,
  onbuild: parseSubCommand,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString
}

// --- heredocs (parser.go heredocsFromLine, shell/lex.go ProcessWords) --------------------------------

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/

function heredocsFromLine(line: string): Heredoc[] {
  const words = processWords(line, { rawQuotes: true, rawEscapes: true })
  const heredocs: Heredoc[] = []
  for (const word of words ?? []) {
    const heredoc = parseHeredoc(word)
    if (heredoc) heredocs.push(heredoc)
  }
  return heredocs
}

function parseHeredoc(word: string): Heredoc | undefined {
  const match = HEREDOC_WORD.exec(word)
  if (!match || match[3].length === 0) return undefined
  const words = processWords(match[3], { rawQuotes: false, rawEscapes: false })
  if (words === undefined) throw new Error(`failed to process ${JSON.stringify(match[3])}`)
  if (words.length !== 1) return undefined
  return { name: words[0], chomp: match[2] === '-' }
}

/**
 * buildkit's shell lexer splitting a line into words with no variables set (SkipUnsetEnv keeps
 * `$VAR` as written). Returns undefined where buildkit reports a lexing error.
 */
function processWords(
  source: string,
  options: { rawQuotes: boolean; rawEscapes: boolean }
): string[] | undefined {
  const chars = Array.from(source)
  let pos = 0
  const peek = (): string | undefined => chars[pos]
  const next = (): string | undefined => chars[pos++]
  // buildkit shares one word buffer between nested calls; reproduce its resets.
  const shared = { buffer: '' }
  class LexError extends Error {}

  const processStopOn = (stop: string | undefined, rawEscapes: boolean): [string, string[]] => {
    let result = ''
    shared.buffer = ''
    const words: string[] = []
    let inWord = false
    const addRawChar = (ch: string): void => {
      shared.buffer += ch
      inWord = true
    }
    const addChar = (ch: string): void => {
      if (isSpace(ch) && inWord) {
        if (shared.buffer.length !== 0) {
          words.push(shared.buffer)
          shared.buffer = ''
          inWord = false
        }
      } else if (!isSpace(ch)) addRawChar(ch)
    }
    const getWords = (): string[] => {
      if (shared.buffer.length > 0) {
        words.push(shared.buffer)
        shared.buffer = ''
        inWord = false
      }
      return words
    }
    while (peek() !== undefined) {
      const ch = peek() as string
      if (stop !== undefined && ch === stop) {
        next()
        return [result, getWords()]
      }
      if (ch === '$' || ch === '<' || ch === "'" || ch === '"') {
        const tmp =
          ch === '$'
            ? processDollar()
            : ch === '<'
              ? processPossibleHeredoc()
              : ch === "'"
                ? processSingleQuote()
                : processDoubleQuote(rawEscapes)
        result += tmp
        if (ch === '$') for (const c of tmp) addChar(c)
        else {
          shared.buffer += tmp
          inWord = true
        }
        continue
      }
      let c = next() as string
      if (c === '\\') {
        if (rawEscapes) {
          addRawChar(c)
          result += c
        }
        const escaped = next()
        if (escaped === undefined) break
        c = escaped
        addRawChar(c)
      } else {
        addChar(c)
      }
      result += c
    }
    if (stop !== undefined) {
      throw new LexError(`unexpected end of statement while looking for matching ${stop}`)
    }
    return [result, getWords()]
  }

  const processSingleQuote = (): string => {
    let result = ''
    const open = next() as string
    if (options.rawQuotes) result += open
    for (;;) {
      const ch = next()
      if (ch === undefined) throw new LexError('unterminated single quote')
      if (ch === "'") {
        if (options.rawQuotes) result += ch
        return result
      }
      result += ch
    }
  }

  const processDoubleQuote = (rawEscapes: boolean): string => {
    let result = ''
    const open = next() as string
    if (options.rawQuotes) result += open
    for (;;) {
      const ch = peek()
      if (ch === undefined) throw new LexError('unterminated double quote')
      if (ch === '"') {
        next()
        if (options.rawQuotes) result += ch
        return result
      }
      if (ch === '$') {
        result += processDollar()
        continue
      }
      let c = next() as string
      if (c === '\\') {
        if (rawEscapes) result += c
        const after = peek()
        if (after === undefined) continue
        if (after === '"' || after === '$' || after === '\\') c = next() as string
      }
      result += c
    }
  }

  const processName = (): string => {
    let name = ''
    while (peek() !== undefined) {
      const ch = peek() as string
      if (name.length === 0 && /\p{Nd}/u.test(ch)) {
        while (peek() !== undefined && /\p{Nd}/u.test(peek() as string)) name += next()
        return name
      }
      if (name.length === 0 && '@*#?-$!0'.includes(ch)) return next() as string
      if (!/[\p{L}\p{Nd}_]/u.test(ch)) break
      name += next()
    }
    return name
  }

  const processDollar = (): string => {
    next()
    if (peek() !== '{') {
      const name = processName()
      return name === '' ? '$' : `$${name}`
    }
    next()
    const first = peek()
    if (first === undefined) throw new LexError("syntax error: missing '}'")
    if (first === '{' || first === '}' || first === ':') {
      throw new LexError('syntax error: bad substitution')
    }
    const name = processName()
    let ch = next()
    let chs = ch ?? ''
    if (ch === '}') return `\${${name}}`
    let nullIsUnset = false
    if (ch === ':') {
      nullIsUnset = true
      ch = next()
      chs += ch ?? ''
    }
    if (nullIsUnset || (ch !== undefined && '+-?#%'.includes(ch))) {
      const raw = ch === '#' || ch === '%'
      if (nullIsUnset && raw) throw new LexError(`unsupported modifier (${chs}) in substitution`)
      const [word] = processStopOn('}', raw)
      return `\${${name}${chs}${word}}`
    }
    if (ch === '/') {
      if (peek() === '/') next()
      const [pattern] = processStopOn('/', true)
      const [replacement] = processStopOn('}', true)
      return `\${${name}/${pattern}/${replacement}}`
    }
    throw new LexError(`unsupported modifier (${chs}) in substitution`)
  }

  const processPossibleHeredoc = (): string => {
    next()
    if (peek() !== '<') return '<'
    next()
    let space = ''
    while (peek() === '\t' || peek() === '\r' || peek() === ' ') space += next()
    return '<<' + space
  }

  try {
    return processStopOn(undefined, options.rawEscapes)[1]
  } catch (error) {
    if (error instanceof LexError) return undefined
    throw error
  }
}

// --- instructions/parse.go: the checks conftest runs through ParseInstruction ------------------------

type FlagType = 'bool' | 'string' | 'strings'

/** bflag.go: declares the flags an instruction accepts and checks the ones it was given. */
function parseFlags(
  given: string[] | null,
  accepted: Record<string, FlagType>
): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const arg of given ?? []) {
    if (arg === '--') return values
    if (!arg.startsWith('--')) throw new Error(`arg should start with -- : ${arg}`)
    const eq = arg.indexOf('=')
    const flagName = eq === -1 ? arg : arg.slice(0, eq)
    const value = eq === -1 ? '' : arg.slice(eq + 1)
    const name = flagName.slice(2)
    const type = Object.hasOwn(accepted, name) ? accepted[name] : undefined
    if (!type) throw new Error(`unknown flag: ${flagName}`)
    if (values.has(name) && type !== 'strings') {
      throw new Error(`duplicate flag specified: ${flagName}`)
    }
    if (type === 'bool') {
      if (eq !== -1 && value === '') throw new Error(`missing a value on flag: ${flagName}`)
      if (!['true', 'false', ''].includes(value.toLowerCase())) {
        throw new Error(`expecting boolean value for flag ${flagName}, not: ${value}`)
      }
      values.set(name, [value.toLowerCase() === 'false' ? 'false' : 'true'])
    } else {
      if (eq === -1) throw new Error(`missing a value on flag: ${flagName}`)
      values.set(name, [...(values.get(name) ?? []), value])
    }
  }
  return values
}

/** nodeArgs: the instruction's arguments, with ONBUILD's trigger and its arguments flattened. */
function nodeArgs(node: AstNode): string[] {
  if (node.sub) return [node.sub.value, ...nodeArgs(node.sub)]
  return node.next.map(n => n.value)
}

function exactlyOne(command: string, args: string[]): void {
  if (args.length !== 1) throw new Error(`${command} requires exactly one argument`)
}

function atLeastOne(command: string, args: string[]): void {
  if (args.length === 0) throw new Error(`${command} requires at least one argument`)
}

function keyValuePairs(command: string, args: string[]): void {
  atLeastOne(command, args)
  if (args.length % 3 !== 0) throw new Error(`Bad input to ${command}, too many arguments`)
  for (let i = 0; i < args.length; i += 3) {
    if (args[i].length === 0) throw new Error(`${command} names can not be blank`)
  }
}

function requireDestination(command: string, args: string[]): void {
  if (args.length < 2) {
    throw new Error(
      `${command} requires at least two arguments, but only one was provided. Destination could not be determined`
    )
  }
}

function rejectHeredocDestination(command: string, args: string[]): void {
  if (parseHeredoc(args[args.length - 1])) {
    throw new Error(`${command} cannot accept a heredoc as a destination`)
  }
}

/** Go's time.ParseDuration, in nanoseconds (undefined when invalid). */
function parseGoDuration(s: string): number | undefined {
  if (s === '0' || s === '+0' || s === '-0') return 0
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s)
  if (!match) return undefined
  const unit: Record<string, number> = {
    ns: 1,
    us: 1e3,
    µs: 1e3,
    μs: 1e3,
    ms: 1e6,
    s: 1e9,
    m: 60e9,
    h: 3600e9
  }
  let total = 0
  for (const part of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * unit[part[2]]
  }
  return match[1] === '-' ? -total : total
}

function checkInterval(name: string, value: string | undefined): void {
  if (value === undefined || value === '') return
  const ns = parseGoDuration(value)
  if (ns === undefined) throw new Error(`time: invalid duration ${JSON.stringify(value)}`)
  if (ns !== 0 && ns < 1e6) throw new Error(`Interval "${name}" cannot be less than 1ms`)
}

/** tonistiigi/go-csvvalue: one CSV record, as encoding/csv reads it. */
function csvFields(text: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    if (text[i] === '"') {
      let field = ''
      i++
      for (;;) {
        if (i >= text.length) throw new Error('extraneous or missing " in quoted-field')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += text[i++]
      }
      if (i < text.length && text[i] !== ',')
        throw new Error('extraneous or missing " in quoted-field')
      fields.push(field)
    } else {
      const end = text.indexOf(',', i)
      const field = end === -1 ? text.slice(i) : text.slice(i, end)
      if (field.includes('"')) throw new Error('bare " in non-quoted-field')
      fields.push(field)
      i = end === -1 ? text.length : end
    }
    if (i >= text.length) return fields
    i++ // the comma
  }
}

function checkMount(value: string): void {
  let fields: string[]
  try {
    fields = csvFields(value)
  } catch (error) {
    throw new Error(`failed to parse csv mounts: ${(error as Error).message}`)
  }
  for (const field of fields) {
    const eq = field.indexOf('=')
    if (eq === -1) continue
    const key = field.slice(0, eq).toLowerCase()
    const fieldValue = field.slice(eq + 1)
    const dollar = fieldValue.indexOf('$')
    if (key === 'from' && dollar !== -1 && dollar !== fieldValue.length - 1) {
      throw new Error("'from' doesn't support variable expansion, define alias stage instead")
    }
  }
}

function checkDevice(value: string): void {
  let fields: string[]
  try {
    fields = csvFields(value)
  } catch (error) {
    throw new Error(`failed to parse csv devices: ${(error as Error).message}`)
  }
  let name = ''
  for (const field of fields) {
    const eq = field.indexOf('=')
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase()
    const fieldValue = eq === -1 ? '' : field.slice(eq + 1)
    if (eq === -1) {
      if (key === 'required') continue
      if (name === '') {
        name = field
        continue
      }
      throw new Error(`invalid field '${field}' must be a key=value pair`)
    }
    if (key === 'name') {
      if (name !== '') throw new Error(`device name already set to ${name}`)
      name = fieldValue
    } else if (key === 'required') {
      if (
        !['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(
          fieldValue
        )
      ) {
        throw new Error(`invalid value for ${key}: ${fieldValue}`)
      }
    } else if (name === '') {
      name = field
    } else {
      throw new Error(`unexpected key '${key}' in '${field}'`)
    }
  }
}

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/

/** Returns whether the instruction starts a build stage; throws buildkit's error when invalid. */
function checkInstruction(node: AstNode): boolean {
  const args = nodeArgs(node)
  const flags = node.flags
  const command = node.value.toLowerCase()
  switch (command) {
    case 'env':
      parseFlags(flags, {})
      keyValuePairs('ENV', args)
      return false
    case 'maintainer':
      exactlyOne('MAINTAINER', args)
      parseFlags(flags, {})
      return false
    case 'label':
      parseFlags(flags, {})
      keyValuePairs('LABEL', args)
      return false
    case 'add':
      requireDestination('ADD', args)
      parseFlags(flags, {
        chown: 'string',
        chmod: 'string',
        link: 'bool',
        'keep-git-dir': 'bool',
        checksum: 'string',
        unpack: 'bool',
        exclude: 'strings'
      })
      rejectHeredocDestination('ADD', args)
      return false
    case 'copy':
      requireDestination('COPY', args)
      parseFlags(flags, {
        chown: 'string',
        from: 'string',
        chmod: 'string',
        link: 'bool',
        exclude: 'strings',
        parents: 'bool'
      })
      rejectHeredocDestination('COPY', args)
      return false
    case 'from':
      if (args.length === 3 && args[1].toLowerCase() === 'as') {
        if (!VALID_STAGE_NAME.test(args[2].toLowerCase())) {
          throw new Error(
            `invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`
          )
        }
      } else if (args.length !== 1) {
        throw new Error('FROM requires either one or three arguments')
      }
      parseFlags(flags, { platform: 'string' })
      return true
    case 'onbuild': {
      atLeastOne('ONBUILD', args)
      parseFlags(flags, {})
      const trigger = trimSpace(args[0]).toUpperCase()
      if (trigger === 'ONBUILD') {
        throw new Error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
      }
      if (trigger === 'MAINTAINER' || trigger === 'FROM') {
        throw new Error(`${trigger} isn't allowed as an ONBUILD trigger`)
      }
      return false
    }
    case 'workdir':
      exactlyOne('WORKDIR', args)
      parseFlags(flags, {})
      return false
    case 'run': {
      const given = parseFlags(flags, {
        device: 'strings',
        mount: 'strings',
        network: 'string',
        security: 'string'
      })
      for (const device of given.get('device') ?? []) checkDevice(device)
      for (const mount of given.get('mount') ?? []) checkMount(mount)
      const network = given.get('network')?.[0] ?? 'default'
      if (!['default', 'none', 'host'].includes(network)) {
        throw new Error(`invalid network mode ${JSON.stringify(network)}`)
      }
      const security = given.get('security')?.[0] ?? 'sandbox'
      if (!['sandbox', 'insecure'].includes(security)) {
        throw new Error(`security ${JSON.stringify(security)} is not valid`)
      }
      return false
    }
    case 'cmd':
    case 'entrypoint':
      parseFlags(flags, {})
      return false
    case 'healthcheck': {
      atLeastOne('HEALTHCHECK', args)
      const type = args[0].toUpperCase()
      if (type === 'NONE') {
        if (args.length !== 1) throw new Error('HEALTHCHECK NONE takes no arguments')
        return false
      }
      const given = parseFlags(flags, {
        interval: 'string',
        timeout: 'string',
        'start-period': 'string',
        'start-interval': 'string',
        retries: 'string'
      })
      if (type !== 'CMD') throw new Error(`Unknown type "${type}" in HEALTHCHECK (try CMD)`)
      if (args.length === 1) throw new Error('Missing command after HEALTHCHECK CMD')
      for (const name of ['interval', 'timeout', 'start-period', 'start-interval']) {
        checkInterval(name, given.get(name)?.[0])
      }
      const retries = given.get('retries')?.[0]
      if (retries !== undefined && retries !== '') {
        const n = Number(retries)
        if (!/^[+-]?\d+$/.test(retries) || n < -(2 ** 31) || n > 2 ** 31 - 1) {
          throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`)
        }
        if (n < 0) throw new Error(`--retries cannot be negative (${n})`)
      }
      return false
    }
    case 'expose':
      atLeastOne('EXPOSE', args)
      parseFlags(flags, {})
      return false
    case 'user':
      exactlyOne('USER', args)
      parseFlags(flags, {})
      return false
    case 'volume':
      atLeastOne('VOLUME', args)
      parseFlags(flags, {})
      if (args.some(v => trimSpace(v) === '')) {
        throw new Error('VOLUME specified can not be an empty string')
      }
      return false
    case 'stopsignal':
      exactlyOne('STOPSIGNAL', args)
      return false
    case 'arg':
      atLeastOne('ARG', args)
      for (const arg of args) {
        if (arg.startsWith('=')) throw new Error('ARG names can not be blank')
      }
      return false
    case 'shell':
      parseFlags(flags, {})
      if (args.length === 0) throw new Error('SHELL requires at least one argument')
      if (!node.json) throw new Error('SHELL requires the arguments to be in JSON form')
      return false
    default:
      throw new Error(`unknown instruction: ${node.value}`)
  }
}

// --- conftest's parser/docker/docker.go ------------------------------------------------------------

function toConftestShape(nodes: AstNode[]): ParsedDockerfile {
  const instructions: DockerInstruction[] = []
  const lines: number[] = []
  let stages = 0
  for (const node of nodes) {
    try {
      if (checkInstruction(node)) stages++
    } catch (error) {
      throw new DockerfileError((error as Error).message, node.startLine)
    }
    const stage = Math.max(stages - 1, 0)
    for (const comment of node.prevComments) {
      instructions.push({
        Cmd: 'comment',
        SubCmd: '',
        JSON: false,
        Flags: null,
        Value: [comment.text],
        Stage: stage
      })
      lines.push(comment.line)
    }
    const target = node.sub ?? node
    const values = target.next.map(n => n.value)
    instructions.push({
      Cmd: node.value.toLowerCase(),
      SubCmd: node.sub ? node.sub.value : '',
      JSON: target.json,
      Flags: node.flags,
      Value: values.length > 0 ? values : null,
      Stage: stage
    })
    lines.push(node.startLine)
  }
  return { instructions, lines }
}

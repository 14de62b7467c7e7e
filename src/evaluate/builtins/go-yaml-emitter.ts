// go-yaml v3's emitter (emitterc.go, from libyaml), ported for the documents yaml.marshal
// writes: block mappings and sequences, empty ones in flow style ({} and []), and scalars in
// plain, single-quoted, double-quoted or literal style; 2-space indentation, no line width,
// no anchors, tags or comments. The state machine is kept as it is in Go, since the exact
// spacing and quoting come out of its details.

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal'

export type YamlEvent =
  | { type: 'scalar'; value: string; style: ScalarStyle }
  | { type: 'sequenceStart' }
  | { type: 'sequenceEnd' }
  | { type: 'mappingStart' }
  | { type: 'mappingEnd' }

type State =
  | 'documentContent'
  | 'documentEnd'
  | 'flowSequenceFirstItem'
  | 'flowMappingFirstKey'
  | 'blockSequenceFirstItem'
  | 'blockSequenceItem'
  | 'blockMappingFirstKey'
  | 'blockMappingKey'
  | 'blockMappingSimpleValue'
  | 'blockMappingValue'
  | 'end'

const BEST_INDENT = 2

interface ScalarAnalysis {
  multiline: boolean
  flowPlainAllowed: boolean
  blockPlainAllowed: boolean
  singleQuotedAllowed: boolean
  blockAllowed: boolean
}

function isBreak(rune: number | undefined): boolean {
  return rune === 0x0d || rune === 0x0a || rune === 0x85 || rune === 0x2028 || rune === 0x2029
}

function isBlank(rune: number | undefined): boolean {
  return rune === 0x20 || rune === 0x09
}

/** yamlprivateh.go is_printable, on code points. */
function isPrintable(rune: number): boolean {
  return (
    rune === 0x0a ||
    (rune >= 0x20 && rune <= 0x7e) ||
    (rune >= 0xa0 && rune <= 0xd7ff) ||
    (rune >= 0xe000 && rune <= 0xfffd && rune !== 0xfeff)
  )
}

/** yaml_emitter_analyze_scalar. */
function analyzeScalar(runes: readonly number[]): ScalarAnalysis {
  if (runes.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false
    }
  }
  let blockIndicators = false
  let flowIndicators = false
  let lineBreaks = false
  let specialCharacters = false
  let tabCharacters = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let previousSpace = false
  let previousBreak = false

  const text = String.fromCodePoint(...runes.slice(0, 3))
  if (text === '---' || text === '...') {
    blockIndicators = true
    flowIndicators = true
  }
  let precededByWhitespace = true
  for (let i = 0; i < runes.length; i++) {
    const rune = runes[i]
    const char = String.fromCodePoint(rune)
    const followedByWhitespace = i + 1 >= runes.length || isBlank(runes[i + 1])
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) {
        flowIndicators = true
        blockIndicators = true
      } else if (char === '?' || char === ':') {
        flowIndicators = true
        if (followedByWhitespace) blockIndicators = true
      } else if (char === '-' && followedByWhitespace) {
        flowIndicators = true
        blockIndicators = true
      }
    } else if (',?[]{}'.includes(char)) {
      flowIndicators = true
    } else if (char === ':') {
      flowIndicators = true
      if (followedByWhitespace) blockIndicators = true
    } else if (char === '#' && precededByWhitespace) {
      flowIndicators = true
      blockIndicators = true
    }

    if (rune === 0x09) tabCharacters = true
    else if (!isPrintable(rune)) specialCharacters = true

    if (rune === 0x20) {
      if (i === 0) leadingSpace = true
      if (i === runes.length - 1) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreak(rune)) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (i === runes.length - 1) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    // is_blankz: blank, break, or NUL.
    precededByWhitespace = isBlank(rune) || isBreak(rune) || rune === 0
  }

  const analysis: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true
  }
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    analysis.flowPlainAllowed = false
    analysis.blockPlainAllowed = false
  }
  if (trailingSpace) analysis.blockAllowed = false
  if (breakSpace) {
    analysis.flowPlainAllowed = false
    analysis.blockPlainAllowed = false
    analysis.singleQuotedAllowed = false
  }
  if (spaceBreak || tabCharacters || specialCharacters) {
    analysis.flowPlainAllowed = false
    analysis.blockPlainAllowed = false
    analysis.singleQuotedAllowed = false
  }
  if (spaceBreak || specialCharacters) analysis.blockAllowed = false
  if (lineBreaks) {
    analysis.flowPlainAllowed = false
    analysis.blockPlainAllowed = false
  }
  if (flowIndicators) analysis.flowPlainAllowed = false
  if (blockIndicators) analysis.blockPlainAllowed = false
  return analysis
}

/** Emits one YAML document the way go-yaml v3's Encoder with SetIndent(2) does. */
export function emitYamlDocument(events: readonly YamlEvent[]): string {
  return new Emitter(events).run()
}

class Emitter {
  private out = ''
  private state: State = 'documentContent'
  private readonly states: State[] = []
  private indent = -1
  private readonly indents: number[] = []
  private flowLevel = 0
  private column = 0
  private whitespace = true
  private indention = true
  private simpleKeyContext = false
  private head = 0
  private scalar: ScalarAnalysis & { runes: number[]; style: ScalarStyle } = {
    runes: [],
    style: 'plain',
    multiline: false,
    flowPlainAllowed: false,
    blockPlainAllowed: false,
    singleQuotedAllowed: false,
    blockAllowed: false
  }

  constructor(private readonly events: readonly YamlEvent[]) {}

  run(): string {
    for (this.head = 0; this.head < this.events.length; this.head++) {
      const event = this.events[this.head]
      if (event.type === 'scalar') {
        const runes = [...event.value].map(c => c.codePointAt(0) as number)
        this.scalar = { ...analyzeScalar(runes), runes, style: event.style }
      }
      this.dispatch(event)
    }
    // DOCUMENT-END (implicit): a final line break.
    this.writeIndent()
    return this.out
  }

  // --- output primitives ---------------------------------------------------------------------

  private put(text: string): void {
    this.out += text
    this.column += [...text].length
  }

  private putBreak(): void {
    this.out += '\n'
    this.column = 0
    this.indention = true
  }

  /** write_break for a line break character inside a scalar. */
  private writeBreak(rune: number): void {
    if (rune === 0x0a) {
      this.putBreak()
    } else {
      this.out += String.fromCodePoint(rune)
      this.column = 0
      this.indention = true
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0)
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak()
    while (this.column < indent) this.put(' ')
    this.whitespace = true
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ')
    this.put(indicator)
    this.whitespace = isWhitespace
    this.indention = this.indention && isIndention
  }

  private increaseIndent(flow: boolean): void {
    this.indents.push(this.indent)
    if (this.indent < 0) {
      this.indent = flow ? BEST_INDENT : 0
    } else if (this.states[this.states.length - 1] === 'blockSequenceItem') {
      // The first indent inside a sequence just skips the "- " indicator.
      this.indent += 2
    } else {
      this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT)
    }
  }

  private popIndent(): void {
    this.indent = this.indents.pop() as number
  }

  private popState(): void {
    this.state = this.states.pop() as State
  }

  // --- state machine -------------------------------------------------------------------------

  private dispatch(event: YamlEvent): void {
    switch (this.state) {
      case 'documentContent':
        this.states.push('documentEnd')
        this.emitNode(event, false)
        return
      case 'flowSequenceFirstItem':
        this.emitFlowCollection('[', ']')
        return
      case 'flowMappingFirstKey':
        this.emitFlowCollection('{', '}')
        return
      case 'blockSequenceFirstItem':
        this.emitBlockSequenceItem(event, true)
        return
      case 'blockSequenceItem':
        this.emitBlockSequenceItem(event, false)
        return
      case 'blockMappingFirstKey':
        this.emitBlockMappingKey(event, true)
        return
      case 'blockMappingKey':
        this.emitBlockMappingKey(event, false)
        return
      case 'blockMappingSimpleValue':
        this.emitBlockMappingValue(event, true)
        return
      case 'blockMappingValue':
        this.emitBlockMappingValue(event, false)
        return
      default:
        throw new Error(`yaml emitter: unexpected ${event.type} in state ${this.state}`)
    }
  }

  /** Only empty collections are written in flow style: the start event has been seen. */
  private emitFlowCollection(open: string, close: string): void {
    this.writeIndicator(open, true, true, false)
    this.increaseIndent(true)
    this.flowLevel++
    // The end event (the current one).
    this.flowLevel--
    this.popIndent()
    if (this.column === 0) this.writeIndent()
    this.writeIndicator(close, false, false, false)
    this.popState()
  }

  private emitNode(event: YamlEvent, simpleKey: boolean): void {
    this.simpleKeyContext = simpleKey
    switch (event.type) {
      case 'scalar':
        this.emitScalar()
        return
      case 'sequenceStart':
        this.state = this.nextIs('sequenceEnd') ? 'flowSequenceFirstItem' : 'blockSequenceFirstItem'
        return
      case 'mappingStart':
        this.state = this.nextIs('mappingEnd') ? 'flowMappingFirstKey' : 'blockMappingFirstKey'
        return
      default:
        throw new Error(`yaml emitter: expected a node, got ${event.type}`)
    }
  }

  private nextIs(type: YamlEvent['type']): boolean {
    return this.events[this.head + 1]?.type === type
  }

  private emitBlockSequenceItem(event: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false)
    if (event.type === 'sequenceEnd') {
      this.popIndent()
      this.popState()
      return
    }
    this.writeIndent()
    this.writeIndicator('-', true, false, true)
    this.states.push('blockSequenceItem')
    this.emitNode(event, false)
  }

  private emitBlockMappingKey(event: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false)
    if (event.type === 'mappingEnd') {
      this.popIndent()
      this.popState()
      return
    }
    this.writeIndent()
    if (this.checkSimpleKey(event)) {
      this.states.push('blockMappingSimpleValue')
      this.emitNode(event, true)
      return
    }
    this.writeIndicator('?', true, false, true)
    this.states.push('blockMappingValue')
    this.emitNode(event, false)
  }

  private emitBlockMappingValue(event: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false)
    } else {
      this.writeIndent()
      this.writeIndicator(':', true, false, true)
    }
    this.states.push('blockMappingKey')
    this.emitNode(event, false)
  }

  private checkSimpleKey(event: YamlEvent): boolean {
    switch (event.type) {
      case 'scalar':
        if (this.scalar.multiline) return false
        return new TextEncoder().encode(event.value).length <= 128
      case 'sequenceStart':
        return this.nextIs('sequenceEnd')
      case 'mappingStart':
        return this.nextIs('mappingEnd')
      default:
        return false
    }
  }

  private emitScalar(): void {
    this.selectScalarStyle()
    this.increaseIndent(true)
    switch (this.scalar.style) {
      case 'plain':
        this.writePlain()
        break
      case 'single':
        this.writeSingleQuoted()
        break
      case 'double':
        this.writeDoubleQuoted()
        break
      case 'literal':
        this.writeLiteral()
        break
    }
    this.popIndent()
    this.popState()
  }

  /** yaml_emitter_select_scalar_style (scalars are untagged and implicit). */
  private selectScalarStyle(): void {
    const data = this.scalar
    let style = data.style
    if (this.simpleKeyContext && data.multiline) style = 'double'
    if (style === 'plain') {
      if (
        (this.flowLevel > 0 && !data.flowPlainAllowed) ||
        (this.flowLevel === 0 && !data.blockPlainAllowed)
      ) {
        style = 'single'
      }
      if (data.runes.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single'
    }
    if (style === 'single' && !data.singleQuotedAllowed) style = 'double'
    if (style === 'literal' && (!data.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext))
      style = 'double'
    data.style = style
  }

  private writePlain(): void {
    const runes = this.scalar.runes
    if (runes.length > 0 && !this.whitespace) this.put(' ')
    let breaks = false
    for (const rune of runes) {
      if (rune === 0x20) {
        this.put(' ')
      } else if (isBreak(rune)) {
        if (!breaks && rune === 0x0a) this.putBreak()
        this.writeBreak(rune)
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.put(String.fromCodePoint(rune))
        this.indention = false
        breaks = false
      }
    }
    if (runes.length > 0) this.whitespace = false
    this.indention = false
  }

  private writeSingleQuoted(): void {
    this.writeIndicator("'", true, false, false)
    let breaks = false
    for (const rune of this.scalar.runes) {
      if (rune === 0x20) {
        this.put(' ')
      } else if (isBreak(rune)) {
        if (!breaks && rune === 0x0a) this.putBreak()
        this.writeBreak(rune)
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        if (rune === 0x27) this.put("'")
        this.put(String.fromCodePoint(rune))
        this.indention = false
        breaks = false
      }
    }
    this.writeIndicator("'", false, false, false)
    this.whitespace = false
    this.indention = false
  }

  private writeDoubleQuoted(): void {
    const runes = this.scalar.runes
    this.writeIndicator('"', true, false, false)
    // libyaml's is_bom looks at the start of the value, whatever the position.
    const startsWithBom = runes[0] === 0xfeff
    for (const rune of runes) {
      if (!isPrintable(rune) || startsWithBom || isBreak(rune) || rune === 0x22 || rune === 0x5c) {
        this.put('\\' + doubleQuotedEscape(rune))
      } else {
        this.put(String.fromCodePoint(rune))
      }
    }
    this.writeIndicator('"', false, false, false)
    this.whitespace = false
    this.indention = false
  }

  private writeLiteral(): void {
    const runes = this.scalar.runes
    this.writeIndicator('|', true, false, false)
    // Block scalar hints: an indentation digit if the text starts with a space or break, and
    // the chomping indicator from how it ends.
    if (runes[0] === 0x20 || isBreak(runes[0]))
      this.writeIndicator(String(BEST_INDENT), false, false, false)
    const last = runes.length - 1
    let chomp = ''
    if (runes.length === 0 || !isBreak(runes[last])) chomp = '-'
    else if (last === 0 || isBreak(runes[last - 1])) chomp = '+'
    if (chomp !== '') this.writeIndicator(chomp, false, false, false)
    this.putBreak()
    this.whitespace = true
    let breaks = true
    for (const rune of runes) {
      if (isBreak(rune)) {
        this.writeBreak(rune)
        breaks = true
      } else {
        if (breaks) this.writeIndent()
        this.put(String.fromCodePoint(rune))
        this.indention = false
        breaks = false
      }
    }
  }
}

function doubleQuotedEscape(rune: number): string {
  switch (rune) {
    case 0x00:
      return '0'
    case 0x07:
      return 'a'
    case 0x08:
      return 'b'
    case 0x09:
      return 't'
    case 0x0a:
      return 'n'
    case 0x0b:
      return 'v'
    case 0x0c:
      return 'f'
    case 0x0d:
      return 'r'
    case 0x1b:
      return 'e'
    case 0x22:
      return '"'
    case 0x5c:
      return '\\'
    case 0x85:
      return 'N'
    case 0xa0:
      return '_'
    case 0x2028:
      return 'L'
    case 0x2029:
      return 'P'
  }
  const hex = rune.toString(16).toUpperCase()
  if (rune <= 0xff) return 'x' + hex.padStart(2, '0')
  if (rune <= 0xffff) return 'u' + hex.padStart(4, '0')
  return 'U' + hex.padStart(8, '0')
}

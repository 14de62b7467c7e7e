// Go regular expressions (RE2 syntax, regexp.Compile's Perl flags) run on JavaScript's RegExp.
// The pattern is parsed with Go's rules (regexp/syntax/parse.go: what is a literal, what is an
// error) and rewritten into an equivalent JS pattern with the u flag, so that matching follows
// Go where the two engines' syntax differs:
//   .        Go: any rune but \n          JS: also excludes \r, U+2028, U+2029  → [^\n]
//   \s       Go: [\t\n\f\r ]              JS: Unicode spaces and \v              → explicit set
//   ^ $      Go: text (or, with (?m), \n-separated lines)                        → lookarounds
//   \A \z \Q…\E (?flags) (?P<name>…) [[:alpha:]] \pL \p{Greek} \x{…} octal   → JS equivalents
// Match spans agree for leftmost-first matching; known gaps: a (?i) that covers only part of
// a pattern is applied to literals and ASCII letter ranges only, and Unicode property tables
// are Node's (Unicode 17) rather than Go's (15.0).

export class GoRegexpError extends Error {}

interface Flags {
  foldCase: boolean
  /** Without (?m), ^ and $ match only at the beginning and end of the text. */
  oneLine: boolean
  dotNL: boolean
  nonGreedy: boolean
}

type Node =
  | { kind: 'literal'; rune: number; fold: boolean }
  | { kind: 'class'; items: ClassItem[]; negated: boolean; fold: boolean }
  | { kind: 'dot'; dotNL: boolean }
  | { kind: 'assert'; js: string }
  | { kind: 'group'; capture: boolean; child: Node }
  | { kind: 'concat'; items: Node[] }
  | { kind: 'alternate'; items: Node[] }
  | { kind: 'repeat'; child: Node; min: number; max: number; greedy: boolean; counted: boolean }

/** A member of a character class: a range of runes or a JS class escape (\d, \p{L}, …). */
type ClassItem = { lo: number; hi: number } | { escape: string }

const MAX_RUNE = 0x10ffff

const PERL_CLASSES: Record<string, [number, number][]> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20]
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a]
  ]
}

const POSIX_CLASSES: Record<string, [number, number][]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a]
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a]
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20]
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f]
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e]
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20]
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a]
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66]
  ]
}

const GENERAL_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co Cs'.split(
    ' '
  )
)

function complement(ranges: readonly [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  let next = 0
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1])
    next = Math.max(next, hi + 1)
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE])
  return out
}

function rangeItems(ranges: readonly [number, number][], negated: boolean): ClassItem[] {
  return (negated ? complement(ranges) : ranges).map(([lo, hi]) => ({ lo, hi }))
}

/** The JS class escapes for a Go Unicode class name (\pL, \p{Greek}), or undefined. */
function unicodeClassItems(name: string, negated: boolean): ClassItem[] | undefined {
  if (name === 'Any') return negated ? [] : [{ lo: 0, hi: MAX_RUNE }]
  let property: string
  if (name === 'C') {
    // Go's C is Cc|Cf|Co|Cs; JS's also has the unassigned code points (Cn).
    const parts = ['Cc', 'Cf', 'Co', 'Cs']
    if (!negated) return parts.map(part => ({ escape: `\\p{${part}}` }))
    property = 'C'
    return [{ escape: `\\P{${property}}` }, { escape: '\\p{Cn}' }]
  }
  if (GENERAL_CATEGORIES.has(name)) {
    property = name
  } else {
    property = `Script=${name}`
    try {
      new RegExp(`\\p{${property}}`, 'u')
    } catch {
      return undefined
    }
  }
  return [{ escape: `\\${negated ? 'P' : 'p'}{${property}}` }]
}

function isAlphanumeric(rune: number): boolean {
  return (
    (rune >= 0x30 && rune <= 0x39) ||
    (rune >= 0x41 && rune <= 0x5a) ||
    (rune >= 0x61 && rune <= 0x7a)
  )
}

function unhex(char: string | undefined): number {
  if (char === undefined) return -1
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48
  if (char >= 'a' && char <= 'f') return char.charCodeAt(0) - 87
  if (char >= 'A' && char <= 'F') return char.charCodeAt(0) - 55
  return -1
}

class Parser {
  private position = 0
  private readonly runes: string[]

  constructor(private readonly pattern: string) {
    this.runes = [...pattern]
    if (this.runes.some(char => /^\p{Surrogate}$/u.test(char))) {
      throw new GoRegexpError('error parsing regexp: invalid UTF-8')
    }
  }

  private error(code: string, fragment: string): GoRegexpError {
    return new GoRegexpError(`error parsing regexp: ${code}: \`${fragment}\``)
  }

  private peek(offset = 0): string | undefined {
    return this.runes[this.position + offset]
  }

  private rest(): string {
    return this.runes.slice(this.position).join('')
  }

  parse(): Node {
    const flags: Flags = { foldCase: false, oneLine: true, dotNL: false, nonGreedy: false }
    const node = this.parseAlternation(flags, 0)
    if (this.position < this.runes.length) throw this.error('unexpected )', this.pattern)
    return node
  }

  /** Parses up to an unmatched ")" or the end; flags may be changed by (?i) on the way. */
  private parseAlternation(flags: Flags, depth: number): Node {
    if (depth > 1000) throw this.error('expression nests too deeply', this.pattern)
    const branches: Node[] = []
    let items: Node[] = []
    let lastWasRepeat = false
    const finishBranch = (): void => {
      branches.push(items.length === 1 ? items[0] : { kind: 'concat', items })
      items = []
    }
    while (this.position < this.runes.length) {
      const char = this.runes[this.position]
      if (char === ')') break
      if (char === '|') {
        this.position++
        finishBranch()
        lastWasRepeat = false
        continue
      }
      const repeat = this.parseRepeatOperator(flags)
      if (repeat !== undefined) {
        if (lastWasRepeat) throw this.error('invalid nested repetition operator', repeat.text)
        const target = items.pop()
        if (target === undefined)
          throw this.error('missing argument to repetition operator', repeat.text)
        items.push({ kind: 'repeat', child: target, ...repeat.node })
        if (repeat.node.counted) checkRepeatSize(items[items.length - 1], repeat.text)
        lastWasRepeat = true
        continue
      }
      lastWasRepeat = false
      const atom = this.parseAtom(flags, depth)
      if (atom !== undefined) items.push(...atom)
    }
    finishBranch()
    return branches.length === 1 ? branches[0] : { kind: 'alternate', items: branches }
  }

  /** A repetition operator at the current position, if there is one. */
  private parseRepeatOperator(
    flags: Flags
  ):
    | { text: string; node: { min: number; max: number; greedy: boolean; counted: boolean } }
    | undefined {
    const start = this.position
    const char = this.runes[this.position]
    let min: number
    let max: number
    let counted = false
    if (char === '*' || char === '+' || char === '?') {
      this.position++
      ;[min, max] = char === '*' ? [0, -1] : char === '+' ? [1, -1] : [0, 1]
    } else if (char === '{') {
      const parsed = this.parseRepeatCounts()
      if (parsed === undefined) return undefined
      ;[min, max] = parsed
      counted = true
      const text = this.runes.slice(start, this.position).join('')
      if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max))
        throw this.error('invalid repeat count', text)
    } else {
      return undefined
    }
    let nonGreedy = flags.nonGreedy
    if (this.runes[this.position] === '?') {
      this.position++
      nonGreedy = !nonGreedy
    }
    return {
      text: this.runes.slice(start, this.position).join(''),
      node: { min, max, greedy: !nonGreedy, counted }
    }
  }

  /** Go's parseRepeat: {n}, {n,} or {n,m}; undefined (and nothing consumed) if not one. */
  private parseRepeatCounts(): [number, number] | undefined {
    const start = this.position
    const fail = (): undefined => {
      this.position = start
      return undefined
    }
    this.position++
    const min = this.parseInt()
    if (min === undefined) return fail()
    let max = min
    if (this.peek() === ',') {
      this.position++
      if (this.peek() === '}') {
        max = -1
      } else {
        const parsed = this.parseInt()
        if (parsed === undefined) return fail()
        max = parsed
      }
    }
    if (this.peek() !== '}') return fail()
    this.position++
    return [min, max]
  }

  /** Go's parseInt for repeat counts: digits without leading zeros; -1 if too large. */
  private parseInt(): number | undefined {
    const first = this.peek()
    if (first === undefined || first < '0' || first > '9') return undefined
    const second = this.peek(1)
    if (first === '0' && second !== undefined && second >= '0' && second <= '9') return undefined
    let value = 0
    while (
      this.peek() !== undefined &&
      (this.peek() as string) >= '0' &&
      (this.peek() as string) <= '9'
    ) {
      if (value >= 1e8) value = -1
      else if (value >= 0) value = value * 10 + ((this.peek() as string).charCodeAt(0) - 48)
      this.position++
    }
    return value
  }

  private parseAtom(flags: Flags, depth: number): Node[] | undefined {
    const char = this.runes[this.position]
    switch (char) {
      case '(':
        return [this.parseGroup(flags, depth)].filter((node): node is Node => node !== undefined)
      case '^':
        this.position++
        return [{ kind: 'assert', js: flags.oneLine ? '^' : '(?:^|(?<=\\n))' }]
      case '$':
        this.position++
        return [{ kind: 'assert', js: flags.oneLine ? '$' : '(?=\\n|$)' }]
      case '.':
        this.position++
        return [{ kind: 'dot', dotNL: flags.dotNL }]
      case '[':
        return [this.parseClass(flags)]
      case '\\':
        return this.parseBackslash(flags)
      default:
        this.position++
        return [{ kind: 'literal', rune: char.codePointAt(0) as number, fold: flags.foldCase }]
    }
  }

  private parseGroup(flags: Flags, depth: number): Node | undefined {
    const start = this.position
    this.position++
    let capture = true
    if (this.peek() === '?') {
      const rest = this.rest()
      if (rest.startsWith('?P<') || rest.startsWith('?<')) {
        const end = rest.indexOf('>')
        const name = rest.slice(rest.startsWith('?P<') ? 3 : 2, end < 0 ? undefined : end)
        if (end < 0 || !/^[A-Za-z0-9_]+$/.test(name)) {
          throw this.error(
            'invalid named capture',
            end < 0 ? this.pattern.slice(start) : `(${rest.slice(0, end + 1)}`
          )
        }
        this.position += [...rest.slice(0, end + 1)].length
      } else {
        // Flags: (?i) changes the rest of the enclosing group; (?i:re) only re.
        this.position++
        const groupFlags = { ...flags }
        let negate = false
        let sawFlag = false
        for (;;) {
          const c = this.runes[this.position++]
          switch (c) {
            case 'i':
              groupFlags.foldCase = !negate
              sawFlag = true
              continue
            case 'm':
              groupFlags.oneLine = negate
              sawFlag = true
              continue
            case 's':
              groupFlags.dotNL = !negate
              sawFlag = true
              continue
            case 'U':
              groupFlags.nonGreedy = !negate
              sawFlag = true
              continue
            case '-':
              if (negate) break
              negate = true
              sawFlag = false
              continue
            case ':':
            case ')':
              if (negate && !sawFlag) break
              if (c === ')') {
                Object.assign(flags, groupFlags)
                return undefined
              }
              capture = false
              return this.finishGroup(groupFlags, depth, capture, start)
          }
          throw this.error(
            'invalid or unsupported Perl syntax',
            this.runes.slice(start, this.position).join('')
          )
        }
      }
    }
    return this.finishGroup({ ...flags }, depth, capture, start)
  }

  private finishGroup(flags: Flags, depth: number, capture: boolean, start: number): Node {
    const child = this.parseAlternation(flags, depth + 1)
    if (this.peek() !== ')')
      throw this.error('missing closing )', this.pattern.slice(this.offsetOf(start)))
    this.position++
    return { kind: 'group', capture, child }
  }

  private offsetOf(runeIndex: number): number {
    return this.runes.slice(0, runeIndex).join('').length
  }

  private parseBackslash(flags: Flags): Node[] {
    const next = this.peek(1)
    switch (next) {
      case 'A':
        this.position += 2
        return [{ kind: 'assert', js: '^' }]
      case 'z':
        this.position += 2
        return [{ kind: 'assert', js: '$' }]
      case 'b':
        this.position += 2
        return [{ kind: 'assert', js: '\\b' }]
      case 'B':
        this.position += 2
        return [{ kind: 'assert', js: '\\B' }]
      case 'C':
        throw this.error('invalid escape sequence', '\\C')
      case 'Q': {
        this.position += 2
        const rest = this.rest()
        const end = rest.indexOf('\\E')
        const literal = end < 0 ? rest : rest.slice(0, end)
        this.position += [...literal].length + (end < 0 ? 0 : 2)
        return [...literal].map(c => ({
          kind: 'literal',
          rune: c.codePointAt(0) as number,
          fold: flags.foldCase
        }))
      }
    }
    const unicode = this.parseUnicodeClass()
    if (unicode !== undefined)
      return [{ kind: 'class', items: unicode, negated: false, fold: flags.foldCase }]
    const perl = this.parsePerlClass()
    if (perl !== undefined)
      return [{ kind: 'class', items: perl, negated: false, fold: flags.foldCase }]
    return [{ kind: 'literal', rune: this.parseEscape(), fold: flags.foldCase }]
  }

  /** \pL, \p{Greek}, \PL, \p{^Greek} at the current position. */
  private parseUnicodeClass(): ClassItem[] | undefined {
    if (this.peek() !== '\\' || (this.peek(1) !== 'p' && this.peek(1) !== 'P')) return undefined
    const start = this.position
    let negated = this.peek(1) === 'P'
    this.position += 2
    const first = this.runes[this.position]
    if (first === undefined)
      throw this.error('invalid character class range', this.runes.slice(start).join(''))
    let name: string
    if (first !== '{') {
      name = first
      this.position++
    } else {
      const rest = this.rest()
      const end = rest.indexOf('}')
      if (end < 0)
        throw this.error('invalid character class range', this.runes.slice(start).join(''))
      name = rest.slice(1, end)
      this.position += [...rest.slice(0, end + 1)].length
    }
    if (name.startsWith('^')) {
      negated = !negated
      name = name.slice(1)
    }
    const items = unicodeClassItems(name, negated)
    if (items === undefined) {
      throw this.error(
        'invalid character class range',
        this.runes.slice(start, this.position).join('')
      )
    }
    return items
  }

  /** \d \s \w \D \S \W at the current position. */
  private parsePerlClass(): ClassItem[] | undefined {
    const letter = this.peek(1)
    if (this.peek() !== '\\' || letter === undefined) return undefined
    const ranges = PERL_CLASSES[letter.toLowerCase()]
    if (ranges === undefined || !/^[dswDSW]$/.test(letter)) return undefined
    this.position += 2
    return rangeItems(ranges, letter !== letter.toLowerCase())
  }

  /** Go's parseEscape: the rune a backslash escape stands for. */
  private parseEscape(): number {
    const start = this.position
    this.position++
    const c = this.runes[this.position++]
    const invalid = (): GoRegexpError =>
      this.error('invalid escape sequence', this.runes.slice(start, this.position).join(''))
    if (c === undefined) throw this.error('trailing backslash at end of expression', '')
    const rune = c.codePointAt(0) as number
    if (rune < 0x80 && !isAlphanumeric(rune)) return rune
    const isOctal = (char: string | undefined): boolean =>
      char !== undefined && char >= '0' && char <= '7'
    switch (c) {
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        // A single non-zero digit would be a backreference, which RE2 does not have.
        if (!isOctal(this.peek())) throw invalid()
        return this.parseOctal(rune)
      case '0':
        return this.parseOctal(rune)
      case 'x': {
        const first = this.runes[this.position++]
        if (first === undefined) throw invalid()
        if (first === '{') {
          let value = 0
          let digits = 0
          for (;;) {
            const digit = this.runes[this.position++]
            if (digit === undefined) throw invalid()
            if (digit === '}') break
            const v = unhex(digit)
            if (v < 0) throw invalid()
            value = value * 16 + v
            if (value > MAX_RUNE) throw invalid()
            digits++
          }
          if (digits === 0) throw invalid()
          return value
        }
        const second = this.runes[this.position++]
        const x = unhex(first)
        const y = unhex(second)
        if (x < 0 || y < 0) throw invalid()
        return x * 16 + y
      }
      case 'a':
        return 0x07
      case 'f':
        return 0x0c
      case 'n':
        return 0x0a
      case 'r':
        return 0x0d
      case 't':
        return 0x09
      case 'v':
        return 0x0b
    }
    throw invalid()
  }

  /** Up to three octal digits, the first already read. */
  private parseOctal(first: number): number {
    let value = first - 0x30
    for (let i = 1; i < 3; i++) {
      const digit = this.peek()
      if (digit === undefined || digit < '0' || digit > '7') break
      value = value * 8 + (digit.charCodeAt(0) - 0x30)
      this.position++
    }
    return value
  }

  /** A character class [...], with Go's rules for ], -, [:name:], escapes and ranges. */
  private parseClass(flags: Flags): Node {
    const start = this.position
    this.position++
    let negated = false
    if (this.peek() === '^') {
      negated = true
      this.position++
    }
    const items: ClassItem[] = []
    let first = true
    while (this.peek() !== ']' || first) {
      if (this.peek() === undefined)
        throw this.error('missing closing ]', this.pattern.slice(this.offsetOf(start)))
      first = false
      if (this.peek() === '[' && this.peek(1) === ':') {
        const rest = this.rest()
        const end = rest.indexOf(':]', 2)
        if (end >= 0) {
          const text = rest.slice(0, end + 2)
          let name = rest.slice(2, end)
          const negatedGroup = name.startsWith('^')
          if (negatedGroup) name = name.slice(1)
          const ranges = Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined
          if (ranges === undefined) throw this.error('invalid character class range', text)
          items.push(...rangeItems(ranges, negatedGroup))
          this.position += [...text].length
          continue
        }
      }
      const unicode = this.parseUnicodeClass()
      if (unicode !== undefined) {
        items.push(...unicode)
        continue
      }
      const perl = this.parsePerlClass()
      if (perl !== undefined) {
        items.push(...perl)
        continue
      }
      const rangeStart = this.position
      const lo = this.parseClassChar(start)
      let hi = lo
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.position++
        hi = this.parseClassChar(start)
        if (hi < lo) {
          throw this.error(
            'invalid character class range',
            this.runes.slice(rangeStart, this.position).join('')
          )
        }
      }
      items.push({ lo, hi })
    }
    this.position++
    return { kind: 'class', items, negated, fold: flags.foldCase }
  }

  private parseClassChar(classStart: number): number {
    const char = this.peek()
    if (char === undefined)
      throw this.error('missing closing ]', this.pattern.slice(this.offsetOf(classStart)))
    if (char === '\\') return this.parseEscape()
    this.position++
    return char.codePointAt(0) as number
  }
}

/** Go's repeatIsValid: nested counted repetitions may not multiply beyond 1000. */
function checkRepeatSize(node: Node, text: string): void {
  const maxProduct = (n: Node): number => {
    switch (n.kind) {
      case 'repeat': {
        const inner = maxProduct(n.child)
        if (!n.counted) return inner
        const count = n.max === 0 ? 0 : n.max < 0 ? n.min : n.max
        return count === 0 ? 1 : count * inner
      }
      case 'group':
        return maxProduct(n.child)
      case 'concat':
      case 'alternate':
        return Math.max(1, ...n.items.map(maxProduct))
      default:
        return 1
    }
  }
  if (maxProduct(node) > 1000)
    throw new GoRegexpError(`error parsing regexp: invalid repeat count: \`${text}\``)
}

// ---------------------------------------------------------------------------------------------
// JS emission

const JS_SYNTAX = new Set([
  '\\',
  '^',
  '$',
  '.',
  '|',
  '?',
  '*',
  '+',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '/',
  '-'
])

function literalJs(rune: number, inClass: boolean): string {
  const char = String.fromCodePoint(rune)
  if (rune < 0x20 || rune === 0x7f || (rune >= 0xd800 && rune <= 0xdfff))
    return `\\u{${rune.toString(16)}}`
  if (JS_SYNTAX.has(char) && (inClass || char !== '-')) return '\\' + char
  return char
}

/** The case variants of a rune Go's (?i) would match (simple folding, with K/k/K and s/ſ). */
function caseVariants(rune: number): number[] {
  const char = String.fromCodePoint(rune)
  const variants = new Set<number>([rune])
  for (const form of [char.toLowerCase(), char.toUpperCase()]) {
    if ([...form].length === 1) variants.add(form.codePointAt(0) as number)
  }
  const extra: Record<number, number[]> = {
    0x6b: [0x212a],
    0x4b: [0x212a],
    0x73: [0x17f],
    0x53: [0x17f]
  }
  for (const v of extra[rune] ?? []) variants.add(v)
  return [...variants]
}

function classItemJs(item: ClassItem, manualFold: boolean): string {
  if ('escape' in item) return item.escape
  let out =
    item.lo === item.hi
      ? literalJs(item.lo, true)
      : `${literalJs(item.lo, true)}-${literalJs(item.hi, true)}`
  if (manualFold) {
    // ASCII letters are what a partial (?i) usually covers; see the module comment.
    const lower: [number, number] = [Math.max(item.lo, 0x61), Math.min(item.hi, 0x7a)]
    const upper: [number, number] = [Math.max(item.lo, 0x41), Math.min(item.hi, 0x5a)]
    if (lower[0] <= lower[1])
      out += `${literalJs(lower[0] - 32, true)}-${literalJs(lower[1] - 32, true)}`
    if (upper[0] <= upper[1])
      out += `${literalJs(upper[0] + 32, true)}-${literalJs(upper[1] + 32, true)}`
    if (item.lo === item.hi) for (const v of caseVariants(item.lo)) out += literalJs(v, true)
  }
  return out
}

function isAtom(node: Node): boolean {
  return (
    node.kind === 'literal' || node.kind === 'class' || node.kind === 'dot' || node.kind === 'group'
  )
}

function emit(node: Node, manualFold: boolean): string {
  switch (node.kind) {
    case 'literal':
      if (manualFold && node.fold) {
        const variants = caseVariants(node.rune)
        if (variants.length > 1) return '[' + variants.map(v => literalJs(v, true)).join('') + ']'
      }
      return literalJs(node.rune, false)
    case 'class': {
      const fold = manualFold && node.fold
      const body = node.items.map(item => classItemJs(item, fold)).join('')
      if (body === '') return node.negated ? '[\\s\\S]' : '[]'
      return '[' + (node.negated ? '^' : '') + body + ']'
    }
    case 'dot':
      return node.dotNL ? '[\\s\\S]' : '[^\\n]'
    case 'assert':
      return node.js
    case 'group':
      return (node.capture ? '(' : '(?:') + emit(node.child, manualFold) + ')'
    case 'concat':
      return node.items.map(item => emit(item, manualFold)).join('')
    case 'alternate':
      return node.items.map(item => emit(item, manualFold)).join('|')
    case 'repeat': {
      const child = emit(node.child, manualFold)
      const operand = isAtom(node.child) ? child : `(?:${child})`
      let quantifier: string
      if (node.min === 0 && node.max === -1) quantifier = '*'
      else if (node.min === 1 && node.max === -1) quantifier = '+'
      else if (node.min === 0 && node.max === 1) quantifier = '?'
      else if (node.max === -1) quantifier = `{${node.min},}`
      else if (node.min === node.max) quantifier = `{${node.min}}`
      else quantifier = `{${node.min},${node.max}}`
      return operand + quantifier + (node.greedy ? '' : '?')
    }
  }
}

function foldUsage(node: Node): { folded: boolean; unfolded: boolean } {
  const usage = { folded: false, unfolded: false }
  const visit = (n: Node): void => {
    switch (n.kind) {
      case 'literal':
      case 'class':
        if (n.fold) usage.folded = true
        else usage.unfolded = true
        return
      case 'group':
        visit(n.child)
        return
      case 'repeat':
        visit(n.child)
        return
      case 'concat':
      case 'alternate':
        n.items.forEach(visit)
        return
    }
  }
  visit(node)
  return usage
}

/** A compiled Go regular expression. */
export interface GoRegexp {
  /** The Go pattern text (Go's re.String() source). */
  readonly source: string
  /** A JS RegExp with the g and u flags that matches as the Go pattern does. */
  readonly regexp: RegExp
}

/** Go's regexp.Compile: throws GoRegexpError where Go reports a syntax error. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const tree = new Parser(pattern).parse()
  const usage = foldUsage(tree)
  // One (?i) covering every literal maps to JS's i flag; a partial one is folded by hand.
  const globalFold = usage.folded && !usage.unfolded
  const manualFold = usage.folded && usage.unfolded
  const flags = 'gu' + (globalFold ? 'i' : '')
  return { source: pattern, regexp: new RegExp(emit(tree, manualFold), flags) }
}

function splitsSurrogatePair(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1)
  const at = text.charCodeAt(index)
  return before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff
}

/**
 * The first match at or after `from`. Go matches only at rune boundaries; V8 can report an
 * empty match (an assertion such as \B) between the two halves of a surrogate pair even with
 * the u flag, so such a match is skipped.
 */
function execAtRuneBoundary(regexp: RegExp, text: string, from: number): RegExpExecArray | null {
  let start = from
  for (;;) {
    regexp.lastIndex = start
    const match = regexp.exec(text)
    if (match === null || !splitsSurrogatePair(text, match.index)) return match
    start = match.index + 1
  }
}

/** Go's (*Regexp).FindAllStringIndex(s, -1): the spans of successive non-overlapping matches. */
export function findAllIndexes(re: GoRegexp, text: string): [number, number][] {
  const regexp = new RegExp(re.regexp.source, re.regexp.flags)
  const matches: [number, number][] = []
  let position = 0
  let previousEnd = -1
  while (position <= text.length) {
    const match = execAtRuneBoundary(regexp, text, position)
    if (match === null) break
    const start = match.index
    const end = start + match[0].length
    let accept = true
    if (end === position) {
      // An empty match right after the previous match is not allowed.
      if (start === previousEnd) accept = false
      const code = text.codePointAt(position)
      position += code !== undefined && code > 0xffff ? 2 : 1
    } else {
      position = end
    }
    previousEnd = end
    if (accept) matches.push([start, end])
  }
  return matches
}

/** Go's (*Regexp).Split(s, -1). */
export function splitGo(re: GoRegexp, text: string): string[] {
  if (re.source.length > 0 && text.length === 0) return ['']
  const parts: string[] = []
  let begin = 0
  let end = 0
  for (const [matchStart, matchEnd] of findAllIndexes(re, text)) {
    end = matchStart
    if (matchEnd !== 0) parts.push(text.slice(begin, end))
    begin = matchEnd
  }
  if (end !== text.length) parts.push(text.slice(begin))
  return parts
}

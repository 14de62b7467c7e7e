// OPA's sprintf: each Rego argument becomes a Go value (topdown/strings.go builtinSprintf) and
// Go's fmt.Sprintf formats them. This is a port of Go 1.26's fmt (print.go, format.go) for the
// four Go types OPA passes: int64, *big.Int, float64 and string.

import { type RegoValue, regoString, renderRego } from '../rego-value.js'
import { arrayOperand, atoi64, stringOperand } from './builtin-error.js'
import {
  canBackquote,
  formatFloat,
  isPrint,
  parseFloat64,
  quote,
  quoteRune,
  quoteToASCII,
  runeCount,
  utf8Bytes
} from './go-strconv.js'

/** A Go value as OPA hands it to fmt.Sprintf. */
export type GoValue =
  | { readonly type: 'int64'; readonly value: bigint }
  | { readonly type: 'bigInt'; readonly value: bigint }
  | { readonly type: 'float64'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }

const GO_TYPE_NAMES: Record<GoValue['type'], string> = {
  int64: 'int64',
  bigInt: '*big.Int',
  float64: 'float64',
  string: 'string'
}

/**
 * OPA's conversion of a sprintf argument: a number whose text has a fraction or exponent is a
 * float64 (its text if out of range), an integer is an int64 or else a *big.Int, a string is a
 * string, and anything else is its Rego text (sets and object keys sorted).
 */
export function toGoValue(value: RegoValue): GoValue {
  switch (value.type) {
    case 'number': {
      const text = value.text
      if (/[.eE]/.test(text)) {
        const float = parseFloat64(text)
        return float === undefined
          ? { type: 'string', value: text }
          : { type: 'float64', value: float }
      }
      const int = atoi64(text)
      if (int !== undefined) return { type: 'int64', value: int }
      return { type: 'bigInt', value: BigInt(text) }
    }
    case 'string':
      return { type: 'string', value: value.value }
    default:
      return { type: 'string', value: renderRego(value) }
  }
}

/** The sprintf built-in: sprintf(format string, values array) string. */
export function sprintf(format: RegoValue, values: RegoValue): RegoValue {
  const formatText = stringOperand(format, 1)
  const args = arrayOperand(values, 2)
  return regoString(goSprintf(formatText, args.map(toGoValue)))
}

/** Go's fmt.Sprintf over Go values. */
export function goSprintf(format: string, args: readonly GoValue[]): string {
  return plainSprintf(format, args) ?? printerSprintf(format, args)
}

/** fmt.Sprintf through the port of Go's printer, for every format. */
export function printerSprintf(format: string, args: readonly GoValue[]): string {
  const printer = new Printer()
  printer.doPrintf(format, args)
  return printer.out
}

/**
 * The common case, without the printer: only `%s` and `%v` of strings and `%d` and `%v` of int64
 * (no flags, width or precision), `%%`, and exactly as many arguments as verbs. Go prints these
 * as the string itself and the integer in decimal. Anything else is undefined here, and goes to
 * the printer.
 */
export function plainSprintf(format: string, args: readonly GoValue[]): string | undefined {
  let out = ''
  let next = 0
  let last = 0
  for (let i = format.indexOf('%'); i >= 0; i = format.indexOf('%', last)) {
    const verb = format[i + 1]
    out += format.slice(last, i)
    last = i + 2
    if (verb === '%') {
      out += '%'
      continue
    }
    const arg = args[next++] as GoValue | undefined
    if (arg?.type === 'string' && (verb === 's' || verb === 'v')) out += arg.value
    else if (arg?.type === 'int64' && (verb === 'd' || verb === 'v')) out += arg.value.toString()
    else return undefined
  }
  return next === args.length ? out + format.slice(last) : undefined
}

// ---------------------------------------------------------------------------------------------

const LOWER_DIGITS = '0123456789abcdefx'
const UPPER_DIGITS = '0123456789ABCDEFX'
const MAX_RUNE = 0x10ffff
const RUNE_ERROR = 0xfffd
/** What %p prints for a *big.Int: Go prints its (unpredictable) heap address. */
const BIG_INT_ADDRESS = 0xc000010000n

function tooLarge(n: number): boolean {
  return n > 1e6 || n < -1e6
}

/** Go's parsenum: the decimal number at format[start:end), if any. */
function parseNumber(format: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end]
  let num = 0
  let isNum = false
  let i = start
  for (; i < end && format[i] >= '0' && format[i] <= '9'; i++) {
    if (tooLarge(num)) return [0, false, end]
    num = num * 10 + (format.charCodeAt(i) - 48)
    isNum = true
  }
  return [num, isNum, i]
}

/** Go's parseArgNumber for the text at "[": [index, bytes consumed, ok]. */
function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false]
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, next] = parseNumber(format, 1, i)
      if (!ok || next !== i) return [0, i + 1, false]
      return [width - 1, i + 1, true]
    }
  }
  return [0, 1, false]
}

/** The Go printer (pp) with its formatter (fmt) state folded in. */
class Printer {
  out = ''

  // fmt flags
  private widPresent = false
  private precPresent = false
  private minus = false
  private plus = false
  private sharp = false
  private space = false
  private zero = false
  private plusV = false
  private sharpV = false
  private wid = 0
  private prec = 0

  private arg: GoValue | undefined
  private erroring = false
  private reordered = false
  private goodArgNum = true

  private clearFlags(): void {
    this.widPresent = false
    this.precPresent = false
    this.minus = false
    this.plus = false
    this.sharp = false
    this.space = false
    this.zero = false
    this.plusV = false
    this.sharpV = false
    this.wid = 0
    this.prec = 0
  }

  // --- fmt (format.go) -----------------------------------------------------------------------

  private writePadding(n: number): void {
    if (n <= 0) return
    this.out += (this.zero && !this.minus ? '0' : ' ').repeat(n)
  }

  private pad(text: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.out += text
      return
    }
    const width = this.wid - runeCount(text)
    if (!this.minus) {
      this.writePadding(width)
      this.out += text
    } else {
      this.out += text
      this.writePadding(width)
    }
  }

  private withoutZero(action: () => void): void {
    const oldZero = this.zero
    this.zero = false
    action()
    this.zero = oldZero
  }

  private fmtBoolean(value: boolean): void {
    this.pad(value ? 'true' : 'false')
  }

  private fmtUnicode(u: bigint): void {
    let precision = 4
    if (this.precPresent && this.prec > 4) precision = this.prec
    let text = u.toString(16).toUpperCase()
    if (text.length < precision) text = '0'.repeat(precision - text.length) + text
    text = 'U+' + text
    if (this.sharp && u <= BigInt(MAX_RUNE) && isPrint(Number(u))) {
      text += " '" + String.fromCodePoint(Number(u)) + "'"
    }
    this.withoutZero(() => this.pad(text))
  }

  /** Go's fmt.fmtInteger; u is the value's 64 bits, read as signed when isSigned. */
  private fmtInteger(
    u: bigint,
    base: number,
    isSigned: boolean,
    verb: string,
    digits: string
  ): void {
    let magnitude = BigInt.asUintN(64, u)
    const negative = isSigned && BigInt.asIntN(64, magnitude) < 0n
    if (negative) magnitude = BigInt.asUintN(64, -magnitude)

    let precision = 0
    if (this.precPresent) {
      precision = this.prec
      if (precision === 0 && magnitude === 0n) {
        this.withoutZero(() => this.writePadding(this.wid))
        return
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      precision = this.wid
      if (negative || this.plus || this.space) precision--
    }

    let text = magnitude.toString(base)
    if (digits === UPPER_DIGITS) text = text.toUpperCase()
    if (precision > text.length) text = '0'.repeat(precision - text.length) + text

    if (this.sharp) {
      if (base === 2) text = '0b' + text
      else if (base === 8 && text[0] !== '0') text = '0' + text
      else if (base === 16) text = '0' + digits[16] + text
    }
    if (verb === 'O') text = '0o' + text

    if (negative) text = '-' + text
    else if (this.plus) text = '+' + text
    else if (this.space) text = ' ' + text

    this.withoutZero(() => this.pad(text))
  }

  private truncateString(text: string): string {
    if (!this.precPresent) return text
    let n = this.prec
    let i = 0
    for (const char of text) {
      n--
      if (n < 0) return text.slice(0, i)
      i += char.length
    }
    return text
  }

  private fmtS(text: string): void {
    this.pad(this.truncateString(text))
  }

  private fmtSx(text: string, digits: string): void {
    const bytes = utf8Bytes(text)
    let length = bytes.length
    if (this.precPresent && this.prec < length) length = this.prec
    let width = 2 * length
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2
        width += length - 1
      } else if (this.sharp) {
        width += 2
      }
    } else {
      if (this.widPresent) this.writePadding(this.wid)
      return
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width)
    let encoded = ''
    if (this.sharp) encoded += '0' + digits[16]
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        encoded += ' '
        if (this.sharp) encoded += '0' + digits[16]
      }
      encoded += digits[bytes[i] >> 4] + digits[bytes[i] & 0xf]
    }
    this.out += encoded
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width)
  }

  private fmtQ(text: string): void {
    const truncated = this.truncateString(text)
    if (this.sharp && canBackquote(truncated)) {
      this.pad('`' + truncated + '`')
      return
    }
    this.pad(this.plus ? quoteToASCII(truncated) : quote(truncated))
  }

  private fmtC(c: bigint): void {
    let rune = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c)
    if (rune >= 0xd800 && rune <= 0xdfff) rune = RUNE_ERROR
    this.pad(String.fromCodePoint(rune))
  }

  private fmtQc(c: bigint): void {
    const rune = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c)
    this.pad(quoteRune(rune, this.plus))
  }

  private fmtFloat(value: number, verb: string, defaultPrecision: number): void {
    const precision = this.precPresent ? this.prec : defaultPrecision
    const formatted = formatFloat(value, verb, precision)
    let num = formatted[0] === '-' || formatted[0] === '+' ? formatted : '+' + formatted
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1)
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1)
      this.withoutZero(() => this.pad(num))
      return
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = precision
        if (digits === -1) digits = 6
      }
      let tail = ''
      let hasDecimalPoint = false
      let sawNonzeroDigit = false
      for (let i = 1; i < num.length; i++) {
        const char = num[i]
        if (char === '.') {
          hasDecimalPoint = true
        } else if (char === 'p' || char === 'P') {
          tail += num.slice(i)
          num = num.slice(0, i)
        } else if ((char === 'e' || char === 'E') && verb !== 'x' && verb !== 'X') {
          tail += num.slice(i)
          num = num.slice(0, i)
        } else {
          if (char !== '0') sawNonzeroDigit = true
          if (sawNonzeroDigit) digits--
        }
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === '0') digits--
        num += '.'
      }
      if (digits > 0) num += '0'.repeat(digits)
      num += tail
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.out += num[0]
        this.writePadding(this.wid - num.length)
        this.out += num.slice(1)
        return
      }
      this.pad(num)
      return
    }
    this.pad(num.slice(1))
  }

  // --- pp (print.go) -------------------------------------------------------------------------

  private badVerb(verb: string): void {
    this.erroring = true
    this.out += '%!' + verb + '('
    if (this.arg !== undefined) {
      this.out += GO_TYPE_NAMES[this.arg.type] + '='
      this.printArg(this.arg, 'v')
    } else {
      this.out += '<nil>'
    }
    this.out += ')'
    this.erroring = false
  }

  private fmt0x64(value: bigint, leading0x: boolean): void {
    const sharp = this.sharp
    this.sharp = leading0x
    this.fmtInteger(value, 16, false, 'v', LOWER_DIGITS)
    this.sharp = sharp
  }

  private fmtIntegerVerb(value: bigint, verb: string): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtInteger(value, 10, true, verb, LOWER_DIGITS)
        return
      case 'b':
        this.fmtInteger(value, 2, true, verb, LOWER_DIGITS)
        return
      case 'o':
      case 'O':
        this.fmtInteger(value, 8, true, verb, LOWER_DIGITS)
        return
      case 'x':
        this.fmtInteger(value, 16, true, verb, LOWER_DIGITS)
        return
      case 'X':
        this.fmtInteger(value, 16, true, verb, UPPER_DIGITS)
        return
      case 'c':
        this.fmtC(BigInt.asUintN(64, value))
        return
      case 'q':
        this.fmtQc(BigInt.asUintN(64, value))
        return
      case 'U':
        this.fmtUnicode(BigInt.asUintN(64, value))
        return
      default:
        this.badVerb(verb)
    }
  }

  private fmtFloatVerb(value: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(value, 'g', -1)
        return
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        this.fmtFloat(value, verb, -1)
        return
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloat(value, verb, 6)
        return
      case 'F':
        this.fmtFloat(value, 'f', 6)
        return
      default:
        this.badVerb(verb)
    }
  }

  private fmtStringVerb(value: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(value)
        else this.fmtS(value)
        return
      case 's':
        this.fmtS(value)
        return
      case 'x':
        this.fmtSx(value, LOWER_DIGITS)
        return
      case 'X':
        this.fmtSx(value, UPPER_DIGITS)
        return
      case 'q':
        this.fmtQ(value)
        return
      default:
        this.badVerb(verb)
    }
  }

  /** math/big's (*Int).Format, which fmt calls because *big.Int is a fmt.Formatter. */
  private formatBigInt(value: bigint, verb: string): void {
    let base: number
    switch (verb) {
      case 'b':
        base = 2
        break
      case 'o':
      case 'O':
        base = 8
        break
      case 'd':
      case 's':
      case 'v':
        base = 10
        break
      case 'x':
      case 'X':
        base = 16
        break
      default:
        this.out += `%!${verb}(big.Int=${value.toString()})`
        return
    }
    const negative = value < 0n
    let sign = ''
    if (negative) sign = '-'
    else if (this.plus || this.plusV) sign = '+'
    else if (this.space) sign = ' '

    let prefix = ''
    if (this.sharp || this.sharpV) {
      if (verb === 'b') prefix = '0b'
      else if (verb === 'o') prefix = '0'
      else if (verb === 'x') prefix = '0x'
      else if (verb === 'X') prefix = '0X'
    }
    if (verb === 'O') prefix = '0o'

    let digits = (negative ? -value : value).toString(base)
    if (verb === 'X') digits = digits.toUpperCase()

    let left = 0
    let zeros = 0
    let right = 0
    if (this.precPresent) {
      if (digits.length < this.prec) zeros = this.prec - digits.length
      else if (digits === '0' && this.prec === 0) return
    }
    const length = sign.length + prefix.length + zeros + digits.length
    if (this.widPresent && length < this.wid) {
      const d = this.wid - length
      if (this.minus) right = d
      else if (this.zero && !this.precPresent) zeros = d
      else left = d
    }
    this.out += ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right)
  }

  /**
   * fmt's reflection printing of a *big.Int (struct { neg bool; abs nat }), which is what a bad
   * verb's "%!w(*big.Int=&{false [123]})" shows because methods are not called while erroring.
   */
  private printBigIntStruct(value: bigint): void {
    const magnitude = value < 0n ? -value : value
    const words: bigint[] = []
    for (let rest = magnitude; rest > 0n; rest >>= 64n) words.push(BigInt.asUintN(64, rest))
    this.out += '&'
    if (this.sharpV) this.out += 'big.Int'
    this.out += '{'
    if (this.plusV || this.sharpV) this.out += 'neg:'
    this.fmtBoolean(value < 0n)
    this.out += this.sharpV ? ', ' : ' '
    if (this.plusV || this.sharpV) this.out += 'abs:'
    this.out += this.sharpV ? 'big.nat{' : '['
    words.forEach((word, i) => {
      if (i > 0) this.out += this.sharpV ? ', ' : ' '
      if (this.sharpV) this.fmt0x64(word, true)
      else this.fmtInteger(word, 10, false, 'v', LOWER_DIGITS)
    })
    this.out += this.sharpV ? '}' : ']'
    this.out += '}'
  }

  private printArg(arg: GoValue, verb: string): void {
    this.arg = arg
    if (verb === 'T') {
      this.fmtS(GO_TYPE_NAMES[arg.type])
      return
    }
    if (verb === 'p') {
      if (arg.type === 'bigInt') this.fmt0x64(BIG_INT_ADDRESS, !this.sharp)
      else this.badVerb('p')
      return
    }
    switch (arg.type) {
      case 'float64':
        this.fmtFloatVerb(arg.value, verb)
        return
      case 'int64':
        this.fmtIntegerVerb(arg.value, verb)
        return
      case 'string':
        this.fmtStringVerb(arg.value, verb)
        return
      case 'bigInt':
        if (this.erroring) {
          this.printBigIntStruct(arg.value)
        } else if (verb === 'w') {
          // %w is only valid in Errorf with an error operand.
          this.badVerb(verb)
        } else {
          this.formatBigInt(arg.value, verb)
        }
        return
    }
  }

  /** Go's intFromArg: a * width or precision taken from the arguments. */
  private intFromArg(args: readonly GoValue[], argNum: number): [number, boolean, number] {
    let num = 0
    let isInt = false
    let newArgNum = argNum
    if (argNum < args.length) {
      const arg = args[argNum]
      if (arg.type === 'int64') {
        num = Number(arg.value)
        isInt = true
      }
      newArgNum = argNum + 1
      if (tooLarge(num)) {
        num = 0
        isInt = false
      }
    }
    return [num, isInt, newArgNum]
  }

  /** Go's argNumber: an explicit "[n]" argument index at format[i], if there is one. */
  private argNumber(
    argNum: number,
    format: string,
    i: number,
    numArgs: number
  ): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false]
    this.reordered = true
    const [index, width, ok] = parseArgNumber(format.slice(i))
    if (ok && index >= 0 && index < numArgs) return [index, i + width, true]
    this.goodArgNum = false
    return [argNum, i + width, ok]
  }

  doPrintf(format: string, args: readonly GoValue[]): void {
    const end = format.length
    let argNum = 0
    let afterIndex = false
    this.reordered = false
    let i = 0
    formatLoop: while (i < end) {
      this.goodArgNum = true
      const lastI = i
      while (i < end && format[i] !== '%') i++
      if (i > lastI) this.out += format.slice(lastI, i)
      if (i >= end) break

      i++ // skip %
      this.clearFlags()
      simpleFormat: for (; i < end; i++) {
        const c = format[i]
        switch (c) {
          case '#':
            this.sharp = true
            break
          case '0':
            this.zero = true
            break
          case '+':
            this.plus = true
            break
          case '-':
            this.minus = true
            break
          case ' ':
            this.space = true
            break
          default:
            // Fast path: a lower-case verb straight after the flags.
            if (c >= 'a' && c <= 'z' && argNum < args.length) {
              if (c === 'v' || c === 'w') this.setVerbVFlags()
              this.printArg(args[argNum], c)
              argNum++
              i++
              continue formatLoop
            }
            break simpleFormat
        }
      }

      // Argument index?
      ;[argNum, i, afterIndex] = this.argNumber(argNum, format, i, args.length)

      // Width?
      if (i < end && format[i] === '*') {
        i++
        ;[this.wid, this.widPresent, argNum] = this.intFromArg(args, argNum)
        if (!this.widPresent) this.out += '%!(BADWIDTH)'
        if (this.wid < 0) {
          this.wid = -this.wid
          this.minus = true
          this.zero = false
        }
        afterIndex = false
      } else {
        ;[this.wid, this.widPresent, i] = parseNumber(format, i, end)
        if (afterIndex && this.widPresent) this.goodArgNum = false
      }

      // Precision?
      if (i + 1 < end && format[i] === '.') {
        i++
        if (afterIndex) this.goodArgNum = false
        ;[argNum, i, afterIndex] = this.argNumber(argNum, format, i, args.length)
        if (i < end && format[i] === '*') {
          i++
          ;[this.prec, this.precPresent, argNum] = this.intFromArg(args, argNum)
          if (this.prec < 0) {
            this.prec = 0
            this.precPresent = false
          }
          if (!this.precPresent) this.out += '%!(BADPREC)'
          afterIndex = false
        } else {
          ;[this.prec, this.precPresent, i] = parseNumber(format, i, end)
          if (!this.precPresent) {
            this.prec = 0
            this.precPresent = true
          }
        }
      }

      if (!afterIndex) {
        ;[argNum, i, afterIndex] = this.argNumber(argNum, format, i, args.length)
      }

      if (i >= end) {
        this.out += '%!(NOVERB)'
        break
      }

      const rune = format.codePointAt(i) as number
      const verbWidth = rune > 0xffff ? 2 : 1
      const verb = rune >= 0xd800 && rune <= 0xdfff ? '\ufffd' : String.fromCodePoint(rune)
      i += verbWidth

      if (verb === '%') {
        this.out += '%'
      } else if (!this.goodArgNum) {
        this.out += '%!' + verb + '(BADINDEX)'
      } else if (argNum >= args.length) {
        this.out += '%!' + verb + '(MISSING)'
      } else {
        if (verb === 'v' || verb === 'w') this.setVerbVFlags()
        this.printArg(args[argNum], verb)
        argNum++
      }
    }

    if (!this.reordered && argNum < args.length) {
      this.clearFlags()
      this.out += '%!(EXTRA '
      args.slice(argNum).forEach((arg, index) => {
        if (index > 0) this.out += ', '
        this.out += GO_TYPE_NAMES[arg.type] + '='
        this.printArg(arg, 'v')
      })
      this.out += ')'
    }
  }

  /** %v (and %w) turn # and + into the Go-syntax and field-name forms. */
  private setVerbVFlags(): void {
    this.sharpV = this.sharp
    this.sharp = false
    this.plusV = this.plus
    this.plus = false
  }
}

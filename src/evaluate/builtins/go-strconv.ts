// Go's strconv, as far as OPA's results depend on it: strconv.Quote and friends (how Rego renders
// strings, and fmt's %q), and strconv.AppendFloat (fmt's %e %f %g %x %b, yaml's floats). Ported
// from Go 1.26 so that the host built-ins produce OPA's text byte for byte.

import { GO_PRINTABLE_RANGES } from './go-isprint-table.js'

const LOWER_HEX = '0123456789abcdef'
const UPPER_HEX = '0123456789ABCDEF'
const RUNE_ERROR = 0xfffd
const MAX_RUNE = 0x10ffff

/** Sorted [start, end) code point ranges for which Go's strconv.IsPrint is true. */
const printableRanges: readonly (readonly [number, number])[] = (() => {
  const ranges: [number, number][] = []
  let previousEnd = 0
  for (const entry of GO_PRINTABLE_RANGES.split(' ')) {
    const [gap, length] = entry.split('.').map(part => parseInt(part, 36))
    const start = previousEnd + gap
    ranges.push([start, start + length])
    previousEnd = start + length
  }
  return ranges
})()

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and U+0020 (Unicode 15.0). */
export function isPrint(rune: number): boolean {
  let low = 0
  let high = printableRanges.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const [start, end] = printableRanges[middle]
    if (rune < start) high = middle - 1
    else if (rune >= end) low = middle + 1
    else return true
  }
  return false
}

function isValidRune(rune: number): boolean {
  return rune >= 0 && rune <= MAX_RUNE && !(rune >= 0xd800 && rune <= 0xdfff)
}

/**
 * The code points of a JS string as Go would decode its UTF-8: a lone surrogate (which valid
 * UTF-8 cannot hold, so a Rego string never does) decodes as U+FFFD.
 */
export function* runesOf(text: string): Generator<number> {
  for (const char of text) {
    const rune = char.codePointAt(0) as number
    yield rune >= 0xd800 && rune <= 0xdfff ? RUNE_ERROR : rune
  }
}

/** Number of runes in the UTF-8 encoding of text (Go's utf8.RuneCountInString). */
export function runeCount(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    count++
  }
  return count
}

/** The UTF-8 bytes of text, lone surrogates encoded as U+FFFD as Go would hold them. */
export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

function hexDigits(value: number, count: number): string {
  let out = ''
  for (let shift = (count - 1) * 4; shift >= 0; shift -= 4) {
    out += LOWER_HEX[Math.floor(value / 2 ** shift) & 0xf]
  }
  return out
}

function escapedRune(rune: number, quote: string, asciiOnly: boolean): string {
  const char = String.fromCodePoint(rune)
  if (char === quote || char === '\\') return '\\' + char
  if (asciiOnly) {
    if (rune < 0x80 && isPrint(rune)) return char
  } else if (isPrint(rune)) {
    return char
  }
  switch (rune) {
    case 0x07:
      return '\\a'
    case 0x08:
      return '\\b'
    case 0x0c:
      return '\\f'
    case 0x0a:
      return '\\n'
    case 0x0d:
      return '\\r'
    case 0x09:
      return '\\t'
    case 0x0b:
      return '\\v'
  }
  if (rune < 0x20 || rune === 0x7f) return '\\x' + hexDigits(rune, 2)
  const valid = isValidRune(rune) ? rune : RUNE_ERROR
  if (valid < 0x10000) return '\\u' + hexDigits(valid, 4)
  return '\\U' + hexDigits(valid, 8)
}

function quoteWith(text: string, quote: string, asciiOnly: boolean): string {
  let out = quote
  for (const rune of runesOf(text)) out += escapedRune(rune, quote, asciiOnly)
  return out + quote
}

/** Go's strconv.Quote: a double-quoted Go string literal, non-printable runes escaped. */
export function quote(text: string): string {
  return quoteWith(text, '"', false)
}

/** Go's strconv.QuoteToASCII: like quote, but every non-ASCII rune escaped too. */
export function quoteToASCII(text: string): string {
  return quoteWith(text, '"', true)
}

/** Go's strconv.QuoteRune for a rune value that may be out of range (then U+FFFD). */
export function quoteRune(rune: number, asciiOnly = false): string {
  const valid = isValidRune(rune) ? rune : RUNE_ERROR
  return "'" + escapedRune(valid, "'", asciiOnly) + "'"
}

/** Go's strconv.CanBackquote: whether text can be a raw string literal without change. */
export function canBackquote(text: string): boolean {
  for (const char of text) {
    const rune = char.codePointAt(0) as number
    if (rune >= 0x80) {
      if (rune === 0xfeff || (rune >= 0xd800 && rune <= 0xdfff)) return false
      continue
    }
    if ((rune < 0x20 && rune !== 0x09) || rune === 0x60 || rune === 0x7f) return false
  }
  return true
}

// ---------------------------------------------------------------------------------------------
// Floating point formatting (strconv.AppendFloat with bitSize 64).

/** A decimal number 0.d[0]d[1]...d[nd-1] × 10^dp, as Go's decimalSlice. */
interface Decimal {
  digits: string
  dp: number
}

function float64Parts(value: number): { negative: boolean; mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  const bits = view.getBigUint64(0)
  const negative = bits >> 63n === 1n
  let exponent = Number((bits >> 52n) & 0x7ffn)
  let mantissa = bits & ((1n << 52n) - 1n)
  if (exponent === 0) {
    exponent = 1
  } else {
    mantissa |= 1n << 52n
  }
  // value = mantissa × 2^(exponent - 1023 - 52)
  return { negative, mantissa, exponent: exponent - 1023 }
}

/** The exact decimal expansion of |value| (finite, non-zero), trailing zeros dropped. */
function exactDecimal(mantissa: bigint, binaryExponent: number): Decimal {
  const shift = binaryExponent - 52
  let digits: string
  let dp: number
  if (shift >= 0) {
    digits = (mantissa << BigInt(shift)).toString()
    dp = digits.length
  } else {
    digits = (mantissa * 5n ** BigInt(-shift)).toString()
    dp = digits.length + shift
  }
  return { digits: digits.replace(/0+$/, ''), dp }
}

/** The shortest decimal that parses back to value (what Go's Dragonbox/Ryu path produces). */
function shortestDecimal(value: number): Decimal {
  const [mantissaText, exponentText] = Math.abs(value).toExponential().split('e')
  const digits = mantissaText.replace('.', '').replace(/0+$/, '')
  return { digits, dp: Number(exponentText) + 1 }
}

/** Go's decimal.Round: round to nd digits, ties to even (the expansion is exact). */
function roundDecimal(decimal: Decimal, nd: number): Decimal {
  const { digits, dp } = decimal
  if (nd < 0 || nd >= digits.length) return decimal
  const digit = digits.charCodeAt(nd) - 48
  let roundUp: boolean
  if (digit === 5 && nd + 1 === digits.length) {
    roundUp = nd > 0 && (digits.charCodeAt(nd - 1) - 48) % 2 === 1
  } else {
    roundUp = digit >= 5
  }
  if (!roundUp) {
    const kept = digits.slice(0, nd).replace(/0+$/, '')
    return { digits: kept, dp: kept.length === 0 ? 0 : dp }
  }
  for (let i = nd - 1; i >= 0; i--) {
    if (digits[i] !== '9') {
      return { digits: digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1), dp }
    }
  }
  return { digits: '1', dp: dp + 1 }
}

function formatExponentForm(
  negative: boolean,
  decimal: Decimal,
  precision: number,
  format: string
): string {
  let out = negative ? '-' : ''
  out += decimal.digits.length > 0 ? decimal.digits[0] : '0'
  if (precision > 0) {
    out += '.'
    const available = decimal.digits.slice(1, Math.min(decimal.digits.length, precision + 1))
    out += available + '0'.repeat(precision - available.length)
  }
  let exponent = decimal.digits.length === 0 ? 0 : decimal.dp - 1
  out += format
  if (exponent < 0) {
    out += '-'
    exponent = -exponent
  } else {
    out += '+'
  }
  out += exponent < 10 ? '0' + exponent : String(exponent)
  return out
}

function formatFixedForm(negative: boolean, decimal: Decimal, precision: number): string {
  const { digits, dp } = decimal
  let out = negative ? '-' : ''
  if (dp > 0) {
    const integral = digits.slice(0, Math.min(digits.length, dp))
    out += integral + '0'.repeat(dp - integral.length)
  } else {
    out += '0'
  }
  if (precision > 0) {
    out += '.'
    for (let i = 0; i < precision; i++) {
      const j = dp + i
      out += j >= 0 && j < digits.length ? digits[j] : '0'
    }
  }
  return out
}

function formatDigits(
  negative: boolean,
  decimal: Decimal,
  shortest: boolean,
  precision: number,
  format: string
): string {
  switch (format) {
    case 'e':
    case 'E':
      return formatExponentForm(negative, decimal, precision, format)
    case 'f':
      return formatFixedForm(negative, decimal, precision)
    case 'g':
    case 'G': {
      const nd = decimal.digits.length
      let exponentPrecision = precision
      if (exponentPrecision > nd && nd >= decimal.dp) exponentPrecision = nd
      // %e is used if the exponent from the conversion is less than -4 or greater than or
      // equal to the precision; the shortest form decides with precision 6.
      if (shortest) exponentPrecision = 6
      const exponent = decimal.dp - 1
      if (exponent < -4 || exponent >= exponentPrecision) {
        const digitsShown = precision > nd ? nd : precision
        return formatExponentForm(negative, decimal, digitsShown - 1, format === 'g' ? 'e' : 'E')
      }
      const fixedPrecision = precision > decimal.dp ? nd : precision
      return formatFixedForm(negative, decimal, Math.max(fixedPrecision - decimal.dp, 0))
    }
  }
  return '%' + format
}

function formatBinaryExponent(negative: boolean, mantissa: bigint, exponent: number): string {
  const shift = exponent - 52
  return (negative ? '-' : '') + mantissa.toString() + 'p' + (shift >= 0 ? '+' : '') + shift
}

function formatHexFloat(
  negative: boolean,
  mantissaIn: bigint,
  exponentIn: number,
  precision: number,
  format: 'x' | 'X'
): string {
  let mantissa = mantissaIn
  let exponent = mantissaIn === 0n ? 0 : exponentIn
  const bit60 = 1n << 60n
  const mask64 = (1n << 64n) - 1n
  // Shift digits so the leading 1 (if any) is at bit 60.
  mantissa <<= 8n
  while (mantissa !== 0n && (mantissa & bit60) === 0n) {
    mantissa <<= 1n
    exponent--
  }
  if (precision >= 0 && precision < 15) {
    const shift = BigInt(precision * 4)
    const extra = (mantissa << shift) & (bit60 - 1n)
    mantissa >>= 60n - shift
    if ((extra | (mantissa & 1n)) > 1n << 59n) mantissa++
    mantissa <<= 60n - shift
    if ((mantissa & (1n << 61n)) !== 0n) {
      mantissa >>= 1n
      exponent++
    }
  }
  const hex = format === 'X' ? UPPER_HEX : LOWER_HEX
  let out = (negative ? '-' : '') + '0' + format + String((mantissa >> 60n) & 1n)
  mantissa = (mantissa << 4n) & mask64
  if (precision < 0 && mantissa !== 0n) {
    out += '.'
    while (mantissa !== 0n) {
      out += hex[Number((mantissa >> 60n) & 15n)]
      mantissa = (mantissa << 4n) & mask64
    }
  } else if (precision > 0) {
    out += '.'
    for (let i = 0; i < precision; i++) {
      out += hex[Number((mantissa >> 60n) & 15n)]
      mantissa = (mantissa << 4n) & mask64
    }
  }
  out += format === 'X' ? 'P' : 'p'
  out += exponent < 0 ? '-' : '+'
  const magnitude = Math.abs(exponent)
  out += magnitude < 10 ? '0' + magnitude : String(magnitude)
  return out
}

/**
 * Go's strconv.FormatFloat(value, format, precision, 64), format one of b e E f g G x X;
 * precision -1 asks for the shortest representation that round-trips.
 */
export function formatFloat(value: number, format: string, precision: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  const { negative, mantissa, exponent } = float64Parts(value)
  if (format === 'b') return formatBinaryExponent(negative, mantissa, exponent)
  if (format === 'x' || format === 'X') {
    return formatHexFloat(negative, mantissa, exponent, precision, format)
  }
  const shortest = precision < 0
  if (mantissa === 0n) {
    return formatDigits(negative, { digits: '', dp: 0 }, shortest, precision, format)
  }
  if (shortest) {
    const decimal = shortestDecimal(value)
    let shortestPrecision = precision
    switch (format) {
      case 'e':
      case 'E':
        shortestPrecision = Math.max(decimal.digits.length - 1, 0)
        break
      case 'f':
        shortestPrecision = Math.max(decimal.digits.length - decimal.dp, 0)
        break
      case 'g':
      case 'G':
        shortestPrecision = decimal.digits.length
        break
    }
    return formatDigits(negative, decimal, true, shortestPrecision, format)
  }
  let decimal = exactDecimal(mantissa, exponent)
  let effectivePrecision = precision
  switch (format) {
    case 'e':
    case 'E':
      decimal = roundDecimal(decimal, precision + 1)
      break
    case 'f':
      decimal = roundDecimal(decimal, decimal.dp + precision)
      break
    case 'g':
    case 'G':
      if (effectivePrecision === 0) effectivePrecision = 1
      decimal = roundDecimal(decimal, effectivePrecision)
      break
  }
  return formatDigits(negative, decimal, false, effectivePrecision, format)
}

/** The shortest decimal that parses back (as a float32) to the float32 nearest to value. */
function shortestDecimal32(value: number): Decimal {
  const single = Math.fround(Math.abs(value))
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = single.toExponential(precision - 1)
    if (Math.fround(Number(candidate)) === single) {
      const [mantissaText, exponentText] = candidate.split('e')
      return {
        digits: mantissaText.replace('.', '').replace(/0+$/, ''),
        dp: Number(exponentText) + 1
      }
    }
  }
  return shortestDecimal(single)
}

/** Go's strconv.FormatFloat(value, 'g', -1, 32): the shortest form of value as a float32. */
export function formatFloat32Shortest(value: number): string {
  const single = Math.fround(value)
  if (Number.isNaN(single)) return 'NaN'
  if (single === Infinity) return '+Inf'
  if (single === -Infinity) return '-Inf'
  const negative = single < 0 || Object.is(single, -0)
  if (single === 0) return formatDigits(negative, { digits: '', dp: 0 }, true, -1, 'g')
  const decimal = shortestDecimal32(single)
  return formatDigits(negative, decimal, true, decimal.digits.length, 'g')
}

/**
 * Go's strconv.ParseFloat(text, 64) for the decimal syntax JSON and Rego numbers use; undefined
 * where Go reports an error (out of range: ±Inf).
 */
export function parseFloat64(text: string): number | undefined {
  const value = Number(text)
  if (text.trim() === '' || Number.isNaN(value) || !Number.isFinite(value)) return undefined
  return value
}

// OPA's units.parse_bytes (topdown/parse_bytes.go) and units.parse (topdown/parse_units.go).

import { type RegoValue, regoNumber } from '../rego-value.js'
import { BuiltinError, stringOperand } from './builtin-error.js'
import {
  type Rational,
  multiplyRationals,
  normalizeRational,
  rationalFloatString,
  rationalFromBinary,
  rationalFromDecimal,
  roundToBinary,
  truncateBinary
} from './go-big.js'

/** Go's strings.ToLower: per-rune simple lower-casing (İ becomes i, Σ is never final ς). */
export function goToLower(text: string): string {
  let out = ''
  for (const char of text) {
    if (char === '\u0130') {
      out += 'i'
      continue
    }
    const lower = char.toLowerCase()
    out += [...lower].length === 1 ? lower : char
  }
  return out
}

const MAX_EXPONENT_DIGITS = 6

class ExponentTooLarge extends Error {}

/**
 * OPA's extractNumAndUnit: splits "10.5Gi" into "10.5" and "Gi". A character counts as part of
 * the number if it is a digit, ".", "+", "-", or an e/E followed by a digit or sign.
 */
function extractNumberAndUnit(text: string): [string, string] {
  const isDigit = (char: string | undefined): boolean =>
    char !== undefined && char >= '0' && char <= '9'
  let firstNonNumber = -1
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (
      !isDigit(char) &&
      char !== '.' &&
      char !== 'e' &&
      char !== 'E' &&
      char !== '+' &&
      char !== '-'
    ) {
      firstNonNumber = i
      break
    }
    if (char === 'e' || char === 'E') {
      const next = text[i + 1]
      if (i === text.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        firstNonNumber = i
        break
      }
      if (next === '+' || next === '-') i++
      let end = i + 1
      while (end < text.length && isDigit(text[end])) end++
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) throw new ExponentTooLarge()
    }
  }
  if (firstNonNumber === -1) return [text, '']
  if (firstNonNumber === 0) return ['', text]
  return [text.slice(0, firstNonNumber), text.slice(firstNonNumber)]
}

/**
 * big.Float / big.Rat SetString for the decimal forms extractNumberAndUnit lets through
 * ("+.5", "5.", "1e3"); like big.Rat, refuses a decimal exponent beyond a million.
 */
function parseDecimal(text: string): Rational | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (match === null) return undefined
  const [, sign, integral, fraction = '', exponent = '0'] = match
  if (integral === '' && fraction === '') return undefined
  if (Math.abs(Number(exponent) - fraction.length) > 1e6) return undefined
  return rationalFromDecimal(
    `${sign === '-' ? '-' : ''}${integral || '0'}.${fraction || '0'}e${exponent}`
  )
}

const KI = 1n << 10n
const BYTE_UNITS: Record<string, bigint> = {
  '': 1n,
  kb: 1000n,
  k: 1000n,
  kib: KI,
  ki: KI,
  mb: 1000n ** 2n,
  m: 1000n ** 2n,
  mib: KI ** 2n,
  mi: KI ** 2n,
  gb: 1000n ** 3n,
  g: 1000n ** 3n,
  gib: KI ** 3n,
  gi: KI ** 3n,
  tb: 1000n ** 4n,
  t: 1000n ** 4n,
  tib: KI ** 4n,
  ti: KI ** 4n,
  pb: 1000n ** 5n,
  p: 1000n ** 5n,
  pib: KI ** 5n,
  pi: KI ** 5n,
  eb: 1000n ** 6n,
  e: 1000n ** 6n,
  eib: KI ** 6n,
  ei: KI ** 6n
}

/** units.parse_bytes("10KiB") = 10240: an integer number of bytes. */
export function unitsParseBytes(value: RegoValue): RegoValue {
  const name = 'units.parse_bytes'
  const text = goToLower(stringOperand(value, 1)).replaceAll('"', '')
  if (text.includes(' ')) throw new BuiltinError(`${name}: spaces not allowed in resource strings`)
  let number: string
  let unit: string
  try {
    ;[number, unit] = extractNumberAndUnit(text)
  } catch {
    throw new BuiltinError(`${name}: exponent too large`)
  }
  if (number === '') throw new BuiltinError(`${name}: no byte amount provided`)
  const multiplier = Object.hasOwn(BYTE_UNITS, unit) ? BYTE_UNITS[unit] : undefined
  if (multiplier === undefined) throw new BuiltinError(`${name}: byte unit ${unit} not recognized`)
  const amount = parseDecimal(number)
  if (amount === undefined)
    throw new BuiltinError(`${name}: could not parse byte amount to a number`)
  // OPA multiplies big.Floats of 64-bit precision and truncates to an integer.
  const rounded = rationalFromBinary(roundToBinary(amount, 64))
  const product = roundToBinary(
    multiplyRationals(rounded, { numerator: multiplier, denominator: 1n }),
    64
  )
  return regoNumber(truncateBinary(product))
}

/** The exact value of float64(0.001), which OPA uses (big.Rat.SetFloat64) for the "m" unit. */
const MILLI: Rational = (() => {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, 0.001)
  const bits = view.getBigUint64(0)
  const mantissa = (bits & ((1n << 52n) - 1n)) | (1n << 52n)
  const exponent = Number((bits >> 52n) & 0x7ffn) - 1023 - 52
  return normalizeRational({ numerator: mantissa, denominator: 1n << BigInt(-exponent) })
})()

const integer = (n: bigint): Rational => ({ numerator: n, denominator: 1n })

/** OPA's switch of units.parse: "m" is milli and "M" mega; the rest in either case. */
const SI_UNITS: Record<string, Rational> = {
  m: MILLI,
  '': integer(1n),
  k: integer(1000n),
  K: integer(1000n),
  ki: integer(KI),
  Ki: integer(KI),
  M: integer(1000n ** 2n),
  mi: integer(KI ** 2n),
  Mi: integer(KI ** 2n),
  g: integer(1000n ** 3n),
  G: integer(1000n ** 3n),
  gi: integer(KI ** 3n),
  Gi: integer(KI ** 3n),
  t: integer(1000n ** 4n),
  T: integer(1000n ** 4n),
  ti: integer(KI ** 4n),
  Ti: integer(KI ** 4n),
  p: integer(1000n ** 5n),
  P: integer(1000n ** 5n),
  pi: integer(KI ** 5n),
  Pi: integer(KI ** 5n),
  e: integer(1000n ** 6n),
  E: integer(1000n ** 6n),
  ei: integer(KI ** 6n),
  Ei: integer(KI ** 6n)
}

/** units.parse("10Mi") = 10485760, units.parse("100m") = 0.1: SI and binary SI units. */
export function unitsParse(value: RegoValue): RegoValue {
  const name = 'units.parse'
  const text = stringOperand(value, 1).replaceAll('"', '')
  if (text.includes(' ')) throw new BuiltinError(`${name}: spaces not allowed in resource strings`)
  let number: string
  let unit: string
  try {
    ;[number, unit] = extractNumberAndUnit(text)
  } catch {
    throw new BuiltinError(`${name}: exponent too large`)
  }
  if (number === '') throw new BuiltinError(`${name}: no amount provided`)
  // Only the letters after the first are lower-cased, so "m" (milli) and "M" (mega) differ.
  if (unit.length > 1) unit = unit[0] + goToLower(unit.slice(1))
  const multiplier = Object.hasOwn(SI_UNITS, unit) ? SI_UNITS[unit] : undefined
  if (multiplier === undefined) throw new BuiltinError(`${name}: unit ${unit} not recognized`)
  const amount = parseDecimal(number)
  if (amount === undefined) throw new BuiltinError(`${name}: could not parse amount to a number`)
  const product = normalizeRational(multiplyRationals(amount, multiplier))
  if (product.denominator === 1n) return regoNumber(product.numerator)
  return regoNumber(rationalFloatString(product, 10))
}

// The parts of Go's math/big that OPA's built-ins lean on: big.Float's default 64-bit rounding
// of decimal text (time stamps, units.parse_bytes) and big.Rat's exact rationals (units.parse).

import { parseExactDecimal } from '../rego-value.js'

/** An exact rational number: numerator / denominator, denominator > 0. */
export interface Rational {
  numerator: bigint
  denominator: bigint
}

/** A binary floating point value: (negative ? -1 : 1) × mantissa × 2^exponent. */
export interface BinaryFloat {
  negative: boolean
  mantissa: bigint
  exponent: number
}

const TEN = 10n

/** The exact value of decimal text (JSON number syntax, optional leading "+"). */
export function rationalFromDecimal(text: string): Rational {
  const { sign, digits, exponent } = parseExactDecimal(text)
  if (sign === 0) return { numerator: 0n, denominator: 1n }
  const scale = exponent - digits.length
  const magnitude = BigInt(digits)
  const signed = sign < 0 ? -magnitude : magnitude
  if (scale >= 0) return { numerator: signed * TEN ** BigInt(scale), denominator: 1n }
  return { numerator: signed, denominator: TEN ** BigInt(-scale) }
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}

/**
 * Rounds a rational to `bits` significant bits, ties to even, as big.Float does when it is set
 * from exact operands (SetString with the default precision of 64, Mul, Quo).
 */
export function roundToBinary(value: Rational, bits = 64): BinaryFloat {
  const negative = value.numerator < 0n
  const numerator = negative ? -value.numerator : value.numerator
  if (numerator === 0n) return { negative, mantissa: 0n, exponent: 0 }
  const { denominator } = value
  // Find k with 2^(bits-1) <= numerator × 2^k / denominator < 2^bits.
  let k = bits - (bitLength(numerator) - bitLength(denominator))
  const scaled = (shift: number): [bigint, bigint, bigint] => {
    const n = shift >= 0 ? numerator << BigInt(shift) : numerator
    const d = shift >= 0 ? denominator : denominator << BigInt(-shift)
    return [n / d, n % d, d]
  }
  let [quotient, remainder, divisor] = scaled(k)
  while (quotient >= 1n << BigInt(bits)) {
    k--
    ;[quotient, remainder, divisor] = scaled(k)
  }
  while (quotient < 1n << BigInt(bits - 1)) {
    k++
    ;[quotient, remainder, divisor] = scaled(k)
  }
  const twice = remainder * 2n
  if (twice > divisor || (twice === divisor && (quotient & 1n) === 1n)) quotient++
  if (quotient === 1n << BigInt(bits)) {
    quotient >>= 1n
    k--
  }
  return { negative, mantissa: quotient, exponent: -k }
}

/** The exact rational value of a binary float. */
export function rationalFromBinary(value: BinaryFloat): Rational {
  const signed = value.negative ? -value.mantissa : value.mantissa
  if (value.exponent >= 0) return { numerator: signed << BigInt(value.exponent), denominator: 1n }
  return { numerator: signed, denominator: 1n << BigInt(-value.exponent) }
}

/** big.Float's Int: the integer part, truncated toward zero. */
export function truncateBinary(value: BinaryFloat): bigint {
  const magnitude =
    value.exponent >= 0
      ? value.mantissa << BigInt(value.exponent)
      : value.mantissa >> BigInt(-value.exponent)
  return value.negative ? -magnitude : magnitude
}

/** Whether a binary float is an integer. */
export function isIntegerBinary(value: BinaryFloat): boolean {
  if (value.exponent >= 0) return true
  return (value.mantissa & ((1n << BigInt(-value.exponent)) - 1n)) === 0n
}

export function multiplyRationals(a: Rational, b: Rational): Rational {
  return { numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator }
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a
  let y = b
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

/** The rational in lowest terms (as big.Rat keeps it). */
export function normalizeRational(value: Rational): Rational {
  const divisor = gcd(value.numerator, value.denominator)
  if (divisor <= 1n) return value
  return { numerator: value.numerator / divisor, denominator: value.denominator / divisor }
}

/**
 * big.Rat's FloatString(precision): decimal text with exactly `precision` fraction digits, the
 * last digit rounded to nearest with halves rounded away from zero.
 */
export function rationalFloatString(value: Rational, precision: number): string {
  const { numerator, denominator } = normalizeRational(value)
  const negative = numerator < 0n
  const magnitude = negative ? -numerator : numerator
  let integral = magnitude / denominator
  let remainder = magnitude % denominator
  const scale = TEN ** BigInt(precision)
  let fraction = (remainder * scale) / denominator
  remainder = (remainder * scale) % denominator
  if (remainder * 2n >= denominator) {
    fraction++
    if (fraction >= scale) {
      fraction -= scale
      integral++
    }
  }
  let text = integral.toString()
  if (precision > 0) text += '.' + fraction.toString().padStart(precision, '0')
  return (negative ? '-' : '') + text
}

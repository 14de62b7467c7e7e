// How a host built-in fails the way OPA's does. OPA's topdown returns an error from the built-in;
// without --strict-builtin-errors (conftest's default) that makes the expression undefined, and
// the error is kept in a list conftest can show (--show-builtin-errors). The implementations
// here throw BuiltinError with OPA's message; the registry turns it into "undefined".

import type { RegoValue } from '../rego-value.js'

export class BuiltinError extends Error {
  override readonly name = 'BuiltinError'
}

/** OPA's ast.ValueName / TypeName for an operand. */
export function regoTypeName(value: RegoValue): string {
  return value.type
}

/** OPA's builtins.NewOperandTypeErr message: "operand 1 must be string but got number". */
export function operandTypeError(
  position: number,
  got: RegoValue,
  ...expected: string[]
): BuiltinError {
  const wanted = expected.length === 1 ? expected[0] : `one of {${expected.join(', ')}}`
  return new BuiltinError(`operand ${position} must be ${wanted} but got ${regoTypeName(got)}`)
}

export function stringOperand(value: RegoValue, position: number): string {
  if (value.type !== 'string') throw operandTypeError(position, value, 'string')
  return value.value
}

export function numberOperand(value: RegoValue, position: number): string {
  if (value.type !== 'number') throw operandTypeError(position, value, 'number')
  return value.text
}

export function arrayOperand(value: RegoValue, position: number): readonly RegoValue[] {
  if (value.type !== 'array') throw operandTypeError(position, value, 'array')
  return value.items
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * OPA's util.Atoi64: the number as an int64 if its text is an integer that fits, allowing a
 * fraction of zeros ("3.00") but no exponent.
 */
export function atoi64(text: string): bigint | undefined {
  const match = /^([+-]?)(\d{1,19})(?:\.(0*))?$/.exec(text)
  if (match === null) return undefined
  // Atoi64 counts the fraction's characters against its 19-character limit too.
  const unsigned = text.slice(match[1].length)
  if (unsigned.length > 19) return undefined
  const magnitude = BigInt(match[2])
  const value = match[1] === '-' ? -magnitude : magnitude
  return value < INT64_MIN || value > INT64_MAX ? undefined : value
}

/** OPA's builtins.IntOperand: an integer number (util.Atoi64), else an operand error. */
export function intOperand(value: RegoValue, position: number): bigint {
  const text = numberOperand(value, position)
  const int = atoi64(text)
  if (int === undefined) {
    throw new BuiltinError(
      `operand ${position} must be integer number but got floating-point number`
    )
  }
  return int
}

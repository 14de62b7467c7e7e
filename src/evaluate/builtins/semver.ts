// OPA's semver.compare and semver.is_valid (topdown/semver.go over internal/semver).

import { type RegoValue, regoBoolean, regoNumber } from '../rego-value.js'
import { BuiltinError, stringOperand } from './builtin-error.js'

interface Version {
  major: bigint
  minor: bigint
  patch: bigint
  preRelease: string
}

const META_IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/
const INT64_MAX = 2n ** 63n - 1n

function isAllDecimals(text: string): boolean {
  return /^[0-9]+$/.test(text)
}

function parseNumeric(text: string): bigint | undefined {
  if (text === '' || text[0] === '+' || text[0] === '-' || (text.length > 1 && text[0] === '0'))
    return undefined
  // strconv.ParseInt(text, 10, 64)
  if (!isAllDecimals(text)) return undefined
  const value = BigInt(text)
  return value > INT64_MAX ? undefined : value
}

/** Go's strings.Cut. */
function cut(text: string, separator: string): [string, string, boolean] {
  const index = text.indexOf(separator)
  if (index < 0) return [text, '', false]
  return [text.slice(0, index), text.slice(index + separator.length), true]
}

/** OPA's semver.Parse: "v1.2.3-pre.1+build", leading "v" optional; undefined if invalid. */
function parseVersion(textIn: string): Version | undefined {
  const unprefixed = textIn.startsWith('v') ? textIn.slice(1) : textIn
  const [withPreRelease, metadata, hasMetadata] = cut(unprefixed, '+')
  if (hasMetadata && !META_IDENTIFIER.test(metadata)) return undefined
  const [text, preRelease, hasPreRelease] = cut(withPreRelease, '-')
  if (hasPreRelease) {
    if (!META_IDENTIFIER.test(preRelease)) return undefined
    // Numeric pre-release identifiers must not have leading zeros.
    const leadingZero = (id: string): boolean => id.length > 1 && id[0] === '0' && isAllDecimals(id)
    if (preRelease.split('.').some(leadingZero)) return undefined
  }
  const parts = text.split('.')
  if (parts.length !== 3) return undefined
  const [major, minor, patch] = parts.map(parseNumeric)
  if (major === undefined || minor === undefined || patch === undefined) return undefined
  return { major, minor, patch, preRelease }
}

/** Go's strconv.Atoi for a numeric pre-release identifier (saturating on overflow). */
function atoiSaturating(text: string): bigint {
  const value = BigInt(text)
  return value > INT64_MAX ? INT64_MAX : value
}

function compareNumbers(a: bigint, b: bigint): number {
  return a > b ? 1 : a < b ? -1 : 0
}

/** Go's byte-wise string comparison (identifiers here are ASCII). */
function compareStrings(a: string, b: string): number {
  return a > b ? 1 : a < b ? -1 : 0
}

function cutDot(text: string): [string, string] {
  const [before, after] = cut(text, '.')
  return [before, after]
}

function compareVersions(v: Version, other: Version): number {
  const order =
    compareNumbers(v.major, other.major) ||
    compareNumbers(v.minor, other.minor) ||
    compareNumbers(v.patch, other.patch)
  if (order !== 0) return order
  if (v.preRelease === other.preRelease) return 0
  if (v.preRelease === '') return 1
  if (other.preRelease === '') return -1
  let [a, afterA] = cutDot(v.preRelease)
  let [b, afterB] = cutDot(other.preRelease)
  for (;;) {
    // OPA's loop never ends when both run out together, which happens only when numeric
    // identifiers beyond int64 saturate to equal values: they are equal here instead.
    if (a === '' && b === '') return 0
    if (a === '' && b !== '') return -1
    if (a !== '' && b === '') return 1
    const aIsInt = isAllDecimals(a)
    const bIsInt = isAllDecimals(b)
    // Numeric identifiers have lower precedence than alphanumeric ones.
    if (aIsInt && !bIsInt) return -1
    if (!aIsInt && bIsInt) return 1
    const identifierOrder = aIsInt
      ? compareNumbers(atoiSaturating(a), atoiSaturating(b))
      : compareStrings(a, b)
    if (identifierOrder !== 0) return identifierOrder
    // More identifiers win when all before are equal.
    if (afterA !== '' && afterB === '') return 1
    if (afterA === '' && afterB !== '') return -1
    ;[a, afterA] = cutDot(afterA)
    ;[b, afterB] = cutDot(afterB)
  }
}

/** semver.compare(a, b): -1, 0 or 1; an error if either is not a valid SemVer. */
export function semverCompare(first: RegoValue, second: RegoValue): RegoValue {
  const a = stringOperand(first, 1)
  const b = stringOperand(second, 2)
  const versionA = parseVersion(a)
  if (versionA === undefined) throw new BuiltinError(`operand 1: string ${a} is not a valid SemVer`)
  const versionB = parseVersion(b)
  if (versionB === undefined) throw new BuiltinError(`operand 2: string ${b} is not a valid SemVer`)
  return regoNumber(compareVersions(versionA, versionB))
}

/** semver.is_valid(x): true for a valid SemVer string, false for anything else. */
export function semverIsValid(value: RegoValue): RegoValue {
  return regoBoolean(value.type === 'string' && parseVersion(value.value) !== undefined)
}

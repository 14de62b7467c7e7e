// OPA's regex.split (topdown/regex.go): Go's (*Regexp).Split(s, -1) with the RE2 pattern run
// through go-regexp.ts. (The WASM module implements regex.match and friends itself.)

import { type RegoValue, regoArray, regoString } from '../rego-value.js'
import { BuiltinError, stringOperand } from './builtin-error.js'
import { type GoRegexp, GoRegexpError, compileGoRegexp, splitGo } from './go-regexp.js'

const cache = new Map<string, GoRegexp>()
const CACHE_LIMIT = 100

/** Go's regexp.Compile with a small cache (OPA caches compiled patterns too). */
function compile(pattern: string): GoRegexp {
  const cached = cache.get(pattern)
  if (cached !== undefined) return cached
  let compiled: GoRegexp
  try {
    compiled = compileGoRegexp(pattern)
  } catch (error) {
    if (error instanceof GoRegexpError) throw new BuiltinError(error.message)
    throw error
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(pattern, compiled)
  return compiled
}

/** regex.split(pattern, value): value split around the matches of pattern. */
export function regexSplit(pattern: RegoValue, value: RegoValue): RegoValue {
  const patternText = stringOperand(pattern, 1)
  const text = stringOperand(value, 2)
  return regoArray(splitGo(compile(patternText), text).map(regoString))
}

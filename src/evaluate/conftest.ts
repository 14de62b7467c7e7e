/**
 * conftest's result semantics, applied to the values one namespace entrypoint returns for one
 * document. Mirrors `check` and `query` in conftest v0.69.0 policy/engine.go and output/result.go,
 * so the counts and messages are the ones `conftest test` prints.
 */
import type { CheckResult, CheckResultEntry } from '../findings.js'
import { exceptionName, isFailureRule, type NamespacePlan } from './plan.js'

/** A result before it is placed in a file's lists: conftest's fields plus the document it came from. */
export interface RuleResult extends CheckResultEntry {
  /** The rule that produced it (`deny_foo`); for exceptions, the rule the exception switched off. */
  rule: string
  document: number
}

export interface DocumentCheck {
  successes: number
  failures: RuleResult[]
  warnings: RuleResult[]
  exceptions: RuleResult[]
}

/** conftest's error for a result object without a string `msg` (output.NewResult). */
export class ResultShapeError extends Error {
  constructor(
    readonly namespace: string,
    readonly rule: string
  ) {
    super(`"msg" field must be present and a string (rule data.${namespace}.${rule})`)
    this.name = 'ResultShapeError'
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** `_loc` → `loc` as output.parseLocation reads it: a string file and/or a numeric line. */
function parseLocation(value: unknown): CheckResultEntry['loc'] | undefined {
  if (!isObject(value)) return undefined
  const file = typeof value.file === 'string' ? value.file : ''
  const line = typeof value.line === 'number' ? value.line : undefined
  if (file === '' && line === undefined) return undefined
  return { file, ...(line !== undefined ? { line } : {}) } as CheckResultEntry['loc']
}

/**
 * A rule's value → conftest results. Undefined: none. A set or array: one per string or object
 * element (other elements are ignored), or one passing result when empty. Anything else: one
 * passing result. A passing result has an empty message.
 */
export function ruleResults(
  namespace: string,
  rule: string,
  value: unknown,
  document: number
): RuleResult[] {
  if (value === undefined) return []
  const query = `data.${namespace}.${rule}`
  if (!Array.isArray(value) || value.length === 0) return [{ msg: '', rule, document }]
  const results: RuleResult[] = []
  for (const element of value) {
    if (typeof element === 'string') {
      results.push({ msg: element, metadata: { query }, rule, document })
    } else if (isObject(element)) {
      if (typeof element.msg !== 'string') throw new ResultShapeError(namespace, rule)
      const metadata: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(element)) {
        if (k !== 'msg' && k !== '_loc') metadata[k] = v
      }
      metadata.query = query
      const loc = '_loc' in element ? parseLocation(element._loc) : undefined
      results.push({ msg: element.msg, ...(loc ? { loc } : {}), metadata, rule, document })
    }
  }
  return results
}

/** How many ways `data.<ns>.exception[_][_] == name` holds: conftest adds one exception per way. */
export function countExceptionMatches(exception: unknown, name: string): number {
  const members = (v: unknown): unknown[] =>
    Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []
  let count = 0
  for (const entry of members(exception)) {
    for (const item of members(entry)) if (item === name) count++
  }
  return count
}

/** Go's %q for the plain strings rule names are made of. */
const goQuote = (s: string): string => JSON.stringify(s)

/**
 * One document against one namespace, from the entrypoint's output (`{ deny: [...], exception:
 * [...] }`; absent when nothing in the namespace is defined for this document).
 */
export function checkDocument(
  plan: NamespacePlan,
  output: Record<string, unknown> | undefined,
  document: number
): DocumentCheck {
  const check: DocumentCheck = { successes: 0, failures: [], warnings: [], exceptions: [] }
  for (const rule of plan.rules) {
    const name = exceptionName(rule)
    const exceptionQuery = `data.${plan.namespace}.exception[_][_] == ${goQuote(name)}`
    const excepted = countExceptionMatches(output?.exception, name)
    for (let i = 0; i < excepted; i++)
      check.exceptions.push({ msg: exceptionQuery, rule, document })
    for (const result of ruleResults(plan.namespace, rule, output?.[rule], document)) {
      if (excepted > 0) continue
      if (result.msg === '') check.successes++
      else if (isFailureRule(rule)) check.failures.push(result)
      else check.warnings.push(result)
    }
  }
  const counted =
    check.failures.length + check.warnings.length + check.exceptions.length + check.successes
  if (counted < plan.ruleCount) check.successes += plan.ruleCount - counted
  return check
}

/** Merges a file's document checks, in document order. */
export function mergeChecks(checks: readonly DocumentCheck[]): DocumentCheck {
  const merged: DocumentCheck = { successes: 0, failures: [], warnings: [], exceptions: [] }
  for (const c of checks) {
    merged.successes += c.successes
    merged.failures.push(...c.failures)
    merged.warnings.push(...c.warnings)
    merged.exceptions.push(...c.exceptions)
  }
  return merged
}

/** conftest's CheckResult for one file and namespace: lists omitted when empty. */
export function toCheckResult(
  filename: string,
  namespace: string,
  check: DocumentCheck
): CheckResult {
  return {
    filename,
    namespace,
    successes: check.successes,
    ...(check.warnings.length ? { warnings: check.warnings.map(stripResult) } : {}),
    ...(check.failures.length ? { failures: check.failures.map(stripResult) } : {}),
    ...(check.exceptions.length ? { exceptions: check.exceptions.map(stripResult) } : {})
  }
}

/** The conftest-visible part of a result (print output is kept apart: conftest's JSON omits it). */
export function stripResult(r: RuleResult): CheckResultEntry {
  return {
    msg: r.msg,
    ...(r.loc ? { loc: r.loc } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {})
  }
}

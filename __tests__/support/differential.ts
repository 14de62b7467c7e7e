// Differential testing of host built-ins against the real OPA: a batch of Rego expressions is
// evaluated once by `opa eval` (topdown, the reference) and once by the WASM module built from
// the same expressions with `opa build -t wasm`, whose host built-in calls go to the
// implementations under test. Each expression is wrapped in an array comprehension, so an
// undefined result (a built-in error) is [] on both sides instead of voiding the whole batch.

import { existsSync } from 'node:fs'

import { type RegoValue, objectGet, regoString, renderRego } from '../../src/evaluate/rego-value.js'
import { type HostFunction, WasmPolicy, buildWasm, opaEval, opaPath } from './wasm-dump.js'

export const opaAvailable = existsSync(opaPath)

export interface DifferentialCase {
  /** A Rego expression, e.g. `sprintf("%d", [1])`. */
  expression: string
}

export interface DifferentialOutcome {
  expression: string
  /** What OPA's topdown evaluator returned, as Rego text: [] when undefined, else [value]. */
  expected: string
  /** What the WASM module with the host implementations returned, as Rego text. */
  actual: string
  same: boolean
}

function moduleFor(cases: readonly DifferentialCase[]): string {
  const members = cases.map((c, i) => `  "c${i}": [x | x := ${c.expression}],`).join('\n')
  return `package diff\n\nresults := {\n${members}\n}\n`
}

function member(value: RegoValue | undefined, key: string): RegoValue | undefined {
  return value?.type === 'object' ? objectGet(value, regoString(key)) : undefined
}

/** Runs every case through `opa eval` and through WASM with the given host built-ins. */
export async function runDifferential(
  cases: readonly DifferentialCase[],
  host: Record<string, HostFunction>
): Promise<DifferentialOutcome[]> {
  const source = moduleFor(cases)
  const expected = await opaEval('data.diff.results', { 'diff.rego': source })
  const policy = await WasmPolicy.load(
    await buildWasm({ 'diff.rego': source }, ['diff/results']),
    host
  )
  const resultSet = policy.evaluate()
  if (resultSet.type !== 'set' || resultSet.items.length !== 1) {
    throw new Error(`unexpected WASM result set: ${renderRego(resultSet)}`)
  }
  const actual = member(resultSet.items[0], 'result')
  return cases.map((c, i) => {
    const want = member(expected, `c${i}`)
    const got = member(actual, `c${i}`)
    const wantText = want === undefined ? '<missing>' : renderRego(want)
    const gotText = got === undefined ? '<missing>' : renderRego(got)
    return {
      expression: c.expression,
      expected: wantText,
      actual: gotText,
      same: wantText === gotText
    }
  })
}

/** A short report of the cases that differ, for a failing assertion's message. */
export function describeDifferences(outcomes: readonly DifferentialOutcome[], limit = 30): string {
  return outcomes
    .filter(o => !o.same)
    .slice(0, limit)
    .map(o => `${o.expression}\n    opa:  ${o.expected}\n    wasm: ${o.actual}`)
    .join('\n')
}

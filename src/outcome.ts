import type { Finding } from './findings.js'

export type Mode = 'enforce' | 'audit'

export interface Outcome {
  result: 'pass' | 'fail'
  failures: number
  warnings: number
  exceptions: number
  errors: number
  /** Number of distinct files with at least one failure or error. */
  failingFiles: number
  /** One line that explains the decision; the step's failure message when it fails. */
  reason: string
}

export interface DecisionOptions {
  mode: Mode
  failOnWarn: boolean
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Findings + mode → pass or fail, with the reason. A deny is data here, never an exception. */
export function decide(findings: readonly Finding[], options: DecisionOptions): Outcome {
  const count = (s: Finding['severity']): number => findings.filter(f => f.severity === s).length
  const failures = count('failure')
  const warnings = count('warning')
  const exceptions = count('exception')
  const errors = count('error')
  const failingFiles = new Set(
    findings.filter(f => f.severity === 'failure' || f.severity === 'error').map(f => f.file)
  ).size
  const blocking = failures + errors + (options.failOnWarn ? warnings : 0)
  const parts = [plural(failures, 'failure')]
  if (errors > 0) parts.push(plural(errors, 'error'))
  if (options.failOnWarn && warnings > 0) parts.push(plural(warnings, 'warning'))
  const files = new Set(
    findings
      .filter(
        f =>
          f.severity === 'failure' ||
          f.severity === 'error' ||
          (options.failOnWarn && f.severity === 'warning')
      )
      .map(f => f.file)
  ).size
  const summary = `${parts.join(', ')} in ${plural(files, 'file')}`
  if (blocking === 0) {
    return {
      result: 'pass',
      failures,
      warnings,
      exceptions,
      errors,
      failingFiles,
      reason: `policy-gate: passed (${plural(warnings, 'warning')}, ${plural(exceptions, 'exception')})`
    }
  }
  if (options.mode === 'audit') {
    return {
      result: 'pass',
      failures,
      warnings,
      exceptions,
      errors,
      failingFiles,
      reason: `policy-gate: audit mode, not failing: ${summary}`
    }
  }
  return {
    result: 'fail',
    failures,
    warnings,
    exceptions,
    errors,
    failingFiles,
    reason: `policy-gate: ${summary} (see the job summary)`
  }
}

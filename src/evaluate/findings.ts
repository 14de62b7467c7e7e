import type { LocateHint } from '../documents/locate.js'
import type { CheckResult, Finding, ParsedFile } from '../findings.js'
import { toCheckResult, type RuleResult } from './conftest.js'
import type { FileEvaluation } from './engine.js'

/** Resolves a finding to a 1-based line of its file (documents/locate.ts). */
export type Locator = (file: ParsedFile, document: number, hint: LocateHint) => number

const isPath = (v: unknown): v is (string | number)[] =>
  Array.isArray(v) && v.every(p => typeof p === 'string' || typeof p === 'number')

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** The ID a finding is known by: the result's `id` when it has one, else `namespace.rule`. */
export function ruleId(
  namespace: string,
  rule: string,
  metadata?: Record<string, unknown>
): string {
  return str(metadata?.id) ?? `${namespace}.${rule}`
}

function resultFinding(
  severity: Finding['severity'],
  file: ParsedFile | undefined,
  evaluation: FileEvaluation,
  namespace: string,
  result: RuleResult,
  locate: Locator
): Finding {
  const input = evaluation.inputs[result.document]
  const metadata = result.metadata
  const path = isPath(metadata?.path) ? metadata.path : undefined
  const hint: LocateHint = {
    ...(result.loc?.line !== undefined
      ? { loc: { file: result.loc.file, line: result.loc.line } }
      : {}),
    // A document split from a top-level array is element N of the file's document.
    ...(input?.element !== undefined ? { element: input.element } : {}),
    ...(path ? { path: input?.element !== undefined ? [input.element, ...path] : path } : {}),
    message: result.msg
  }
  const line = file && input ? locate(file, input.document, hint) : undefined
  return {
    severity,
    file: file?.path ?? evaluation.filename,
    ...(line !== undefined ? { line } : {}),
    namespace,
    rule: result.rule,
    id: ruleId(namespace, result.rule, metadata),
    message: result.msg,
    ...(str(metadata?.title) ? { title: str(metadata?.title) } : {}),
    ...(str(metadata?.remediation) ? { remediation: str(metadata?.remediation) } : {}),
    ...(input ? { document: input.document } : {}),
    ...(metadata ? { metadata } : {})
  }
}

/**
 * A file's evaluation → located findings and conftest's CheckResults. `file` is absent for the
 * combined input, whose findings stay on the name `Combined` with no line.
 */
export function evaluationFindings(
  evaluation: FileEvaluation,
  file: ParsedFile | undefined,
  locate: Locator
): { findings: Finding[]; checkResults: CheckResult[] } {
  const findings: Finding[] = []
  const checkResults: CheckResult[] = []
  for (const ns of evaluation.namespaces) {
    checkResults.push(toCheckResult(evaluation.filename, ns.namespace, ns.check))
    if (ns.error) {
      findings.push({
        severity: 'error',
        file: file?.path ?? evaluation.filename,
        ...(file?.documents[0] ? { line: file.documents[0].line } : {}),
        namespace: ns.namespace,
        rule: 'evaluate',
        id: 'policy-error',
        message: `${ns.error}. Fix the policy; the other namespaces and files were still evaluated.`
      })
    }
    for (const r of ns.check.failures)
      findings.push(resultFinding('failure', file, evaluation, ns.namespace, r, locate))
    for (const r of ns.check.warnings)
      findings.push(resultFinding('warning', file, evaluation, ns.namespace, r, locate))
    for (const r of ns.check.exceptions)
      findings.push(resultFinding('exception', file, evaluation, ns.namespace, r, locate))
  }
  return { findings, checkResults }
}

/** A file that could not be read or parsed: one error finding on its line, nothing evaluated. */
export function parseErrorFinding(file: ParsedFile): Finding {
  return {
    severity: 'error',
    file: file.path,
    line: file.error?.line ?? 1,
    namespace: '',
    rule: 'parse',
    id: 'parse-error',
    message: file.error?.message ?? 'the file could not be parsed'
  }
}

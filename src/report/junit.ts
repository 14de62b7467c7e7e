/**
 * JUnit XML as GitLab, Jenkins and other CI systems read it, laid out like conftest's
 * `-o junit` (go-junit-report): a `conftest.<namespace>` test suite per namespace, a test case
 * named `<file> - <first line of the message>` per warning and failure (both as `<failure>`),
 * and a passing case named `<file>` per success. policy-gate adds what conftest leaves out:
 * exceptions as skipped cases, parse and evaluation errors as `<error>`, the rule ID, the line,
 * and suites in a stable order.
 */
import type { CheckResult, Finding, Severity } from '../findings.js'
import { escapeXml } from './escape.js'

interface TestCase {
  name: string
  file: string
  outcome?: {
    element: 'failure' | 'error' | 'skipped'
    message: string
    type: string
    body: string
  }
}

const firstLine = (text: string): string => text.split('\n')[0]

function caseFor(finding: Finding): TestCase {
  const where = finding.line !== undefined ? `${finding.file}:${finding.line}` : finding.file
  const rule = finding.namespace === '' ? finding.rule : `${finding.namespace}.${finding.rule}`
  const body = `${finding.message}\n\nRule ${finding.id} (${rule}) at ${where}`
  const summary = `${finding.id}: ${firstLine(finding.message)}`
  const outcomes: Record<Severity, TestCase['outcome']> = {
    failure: { element: 'failure', message: summary, type: 'failure', body },
    warning: { element: 'failure', message: summary, type: 'warning', body },
    error: { element: 'error', message: summary, type: finding.rule, body },
    exception: { element: 'skipped', message: `exception: ${summary}`, type: '', body: '' }
  }
  return {
    name: `${finding.file} - ${firstLine(finding.message)}`,
    file: finding.file,
    outcome: outcomes[finding.severity]
  }
}

/** conftest's order within a file: warnings, failures, then what conftest does not report. */
const ORDER: Severity[] = ['warning', 'failure', 'exception', 'error']

const attributes = (pairs: Array<[string, string | number]>): string =>
  pairs.map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`).join('')

function renderCase(suite: string, test: TestCase): string {
  const open = `\t\t<testcase${attributes([
    ['classname', suite],
    ['name', test.name],
    ['file', test.file],
    ['time', '0.000']
  ])}>`
  const outcome = test.outcome
  if (outcome === undefined) return `${open}</testcase>`
  const inner =
    outcome.element === 'skipped'
      ? `<skipped${attributes([['message', outcome.message]])}></skipped>`
      : `<${outcome.element}${attributes([
          ['message', outcome.message],
          ['type', outcome.type]
        ])}>${escapeXml(outcome.body)}</${outcome.element}>`
  return `${open}\n\t\t\t${inner}\n\t\t</testcase>`
}

/** The suite a namespace's cases go in; parse errors, which have none, go in `policy-gate`. */
const suiteName = (namespace: string): string =>
  namespace === '' ? 'policy-gate' : `conftest.${namespace}`

/**
 * JUnit XML for the results: `checkResults` give the successes per file and namespace,
 * `findings` the failures, warnings, exceptions and errors with their rule IDs and lines.
 */
export function renderJUnit(
  checkResults: readonly CheckResult[],
  findings: readonly Finding[]
): string {
  const suites = new Map<string, Map<string, TestCase[]>>()
  const casesOf = (namespace: string, file: string): TestCase[] => {
    const suite = suites.get(suiteName(namespace)) ?? new Map<string, TestCase[]>()
    suites.set(suiteName(namespace), suite)
    const cases = suite.get(file) ?? []
    suite.set(file, cases)
    return cases
  }
  // Files in the order conftest evaluated them, then any that only have findings.
  for (const result of checkResults) casesOf(result.namespace, result.filename)
  for (const severity of ORDER) {
    for (const finding of findings.filter(f => f.severity === severity)) {
      casesOf(finding.namespace, finding.file).push(caseFor(finding))
    }
  }
  for (const result of checkResults) {
    const cases = casesOf(result.namespace, result.filename)
    for (let i = 0; i < result.successes; i++) {
      cases.push({ name: result.filename, file: result.filename })
    }
  }

  const count = (cases: TestCase[], ...elements: string[]): number =>
    cases.filter(c => c.outcome !== undefined && elements.includes(c.outcome.element)).length
  const body = [...suites.keys()].sort().map(name => {
    const cases = [...(suites.get(name)?.values() ?? [])].flat()
    const open = `\t<testsuite${attributes([
      ['tests', cases.length],
      ['failures', count(cases, 'failure')],
      ['errors', count(cases, 'error')],
      ['skipped', count(cases, 'skipped')],
      ['time', '0.000'],
      ['name', name]
    ])}>`
    if (cases.length === 0) return `${open}</testsuite>`
    return [open, ...cases.map(c => renderCase(name, c)), '\t</testsuite>'].join('\n')
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    ...body,
    '</testsuites>',
    ''
  ].join('\n')
}

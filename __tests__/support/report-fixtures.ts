/** Findings, results and a context shared by the report renderer tests. */
import type { CheckResult, Finding } from '../../src/findings.js'
import type { ReportContext } from '../../src/report/context.js'

export const context: ReportContext = {
  repository: 'acme/platform',
  serverUrl: 'https://github.com',
  sha: '0123456789abcdef0123456789abcdef01234567',
  runUrl: 'https://github.com/acme/platform/actions/runs/42',
  job: 'policy',
  pullRequest: 7,
  policySource: 'policy/ at 0123456',
  policies: 'compiled',
  filesEvaluated: 3,
  rulesEvaluated: 12,
  mode: 'enforce',
  resultsFile: 'policy-gate-results.json'
}

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    severity: 'failure',
    file: 'k8s/deployment.yaml',
    line: 12,
    namespace: 'main',
    rule: 'deny',
    id: 'K8S-001',
    message: 'Containers must not run as root',
    ...over
  }
}

/** A small, realistic set: two files, every severity, a title and a remediation. */
export const sampleFindings: Finding[] = [
  finding({ title: 'Run as non-root', remediation: 'Set securityContext.runAsNonRoot: true.' }),
  finding({
    severity: 'warning',
    line: 20,
    rule: 'warn',
    id: 'K8S-010',
    message: 'Image uses the latest tag'
  }),
  finding({
    severity: 'error',
    file: 'terraform/plan.json',
    line: 3,
    namespace: '',
    rule: 'parse',
    id: 'parse-error',
    message: 'unexpected end of JSON input'
  }),
  finding({
    severity: 'exception',
    file: 'k8s/legacy.yaml',
    line: 4,
    rule: 'exception',
    id: 'main.exception',
    message: 'data.main.exception[_][_] == "deny"',
    metadata: { expires: '2026-12-31' }
  })
]

export const sampleResults: CheckResult[] = [
  {
    filename: 'k8s/deployment.yaml',
    namespace: 'main',
    successes: 4,
    failures: [{ msg: 'Containers must not run as root', metadata: { query: 'data.main.deny' } }],
    warnings: [{ msg: 'Image uses the latest tag', metadata: { query: 'data.main.warn' } }]
  },
  {
    filename: 'k8s/legacy.yaml',
    namespace: 'main',
    successes: 5,
    exceptions: [{ msg: 'data.main.exception[_][_] == "deny"' }]
  },
  { filename: 'k8s/service.yaml', namespace: 'main', successes: 6 }
]

/** Strings that try to break out of every format the reports write. */
export const hostileStrings = [
  '::error::injected',
  '::error file=x.yaml,line=1::injected %0A',
  'line one\nline two\r\n::warning::three',
  '<script>alert(1)</script>',
  '[x](http://evil.example)',
  '![img](https://evil.example/i.png)',
  '@octocat please look',
  'fixes #123 and GH-123 and acme/platform#1',
  '| a | b |',
  '```\nfence\n```',
  '<!-- policy-gate:policy -->',
  '</details></summary>',
  '**bold** _em_ ~~strike~~ $x^2$',
  'x'.repeat(70_000)
]

/**
 * Findings for conftest's own results, as the evaluator would make them (no lines: those come
 * from the documents), so renderers that take both can be compared with conftest's output.
 */
export function findingsFromResults(results: readonly CheckResult[]): Finding[] {
  const kinds = [
    ['warning', 'warnings'],
    ['failure', 'failures'],
    ['exception', 'exceptions']
  ] as const
  return results.flatMap(result =>
    kinds.flatMap(([severity, list]) =>
      (result[list] ?? []).map(entry => {
        const query = typeof entry.metadata?.query === 'string' ? entry.metadata.query : ''
        const rule = query.split('.').pop() || severity
        return {
          severity,
          file: result.filename,
          namespace: result.namespace,
          rule,
          id: `${result.namespace}.${rule}`,
          message: entry.msg,
          ...(entry.metadata ? { metadata: entry.metadata } : {})
        }
      })
    )
  )
}

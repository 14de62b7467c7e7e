import { describe, expect, it } from '@jest/globals'
import { decide } from '../src/outcome.js'
import type { Finding } from '../src/findings.js'

const f = (severity: Finding['severity'], file = 'a.yaml'): Finding => ({
  severity,
  file,
  line: 1,
  namespace: 'main',
  rule: 'deny',
  id: 'main/deny',
  message: 'm'
})

describe('decide', () => {
  it.each([
    ['no findings', [], 'enforce', false, 'pass', 'policy-gate: passed (0 warnings, 0 exceptions)'],
    [
      'failures in two files',
      [f('failure'), f('failure', 'b.yaml'), f('failure')],
      'enforce',
      false,
      'fail',
      'policy-gate: 3 failures in 2 files (see the job summary)'
    ],
    [
      'a warning is a soft gate',
      [f('warning')],
      'enforce',
      false,
      'pass',
      'policy-gate: passed (1 warning, 0 exceptions)'
    ],
    [
      'fail-on-warn',
      [f('warning')],
      'enforce',
      true,
      'fail',
      'policy-gate: 0 failures, 1 warning in 1 file (see the job summary)'
    ],
    [
      'a parse error blocks',
      [f('error')],
      'enforce',
      false,
      'fail',
      'policy-gate: 0 failures, 1 error in 1 file (see the job summary)'
    ],
    [
      'audit never fails',
      [f('failure')],
      'audit',
      false,
      'pass',
      'policy-gate: audit mode, not failing: 1 failure in 1 file'
    ],
    [
      'exceptions never fail',
      [f('exception')],
      'enforce',
      true,
      'pass',
      'policy-gate: passed (0 warnings, 1 exception)'
    ]
  ] as const)('%s', (_name, findings, mode, failOnWarn, result, reason) => {
    const outcome = decide(findings, { mode, failOnWarn })
    expect(outcome.result).toBe(result)
    expect(outcome.reason).toBe(reason)
  })
})

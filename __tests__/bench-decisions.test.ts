/** Comparing the two tools' `-o json` outputs as multisets of (file, kind, message). */
import { describe, expect, it } from '@jest/globals'
import { compareDecisions } from '../bench/decisions.js'

const result = (
  filename: string,
  namespace: string,
  lists: { failures?: string[]; warnings?: string[]; exceptions?: string[] }
): object => ({
  filename,
  namespace,
  successes: 0,
  ...Object.fromEntries(
    Object.entries(lists).map(([kind, msgs]) => [kind, msgs.map(msg => ({ msg }))])
  )
})

describe('compareDecisions', () => {
  it('agrees whatever the namespaces and the order', () => {
    const conftest = [
      result('a.yaml', 'kubernetes', { failures: ['x', 'y'] }),
      result('a.yaml', 'lib.util', {}),
      result('b.yaml', 'kubernetes', { warnings: ['w'] })
    ]
    const policyGate = [
      result('b.yaml', 'kubernetes', { warnings: ['w'] }),
      result('a.yaml', 'kubernetes', { failures: ['y', 'x'] })
    ]
    const c = compareDecisions(JSON.stringify(conftest), JSON.stringify(policyGate))
    expect(c.agree).toBe(true)
    expect(c.conftest).toEqual({ failures: 2, warnings: 1, exceptions: 0 })
    expect(c.policyGate).toEqual(c.conftest)
  })

  it('lists what only one of them reported, counting repeats', () => {
    const conftest = [result('a.yaml', 'k', { failures: ['x', 'x'], exceptions: ['e'] })]
    const policyGate = [result('a.yaml', 'k', { failures: ['x'], warnings: ['x'] })]
    const c = compareDecisions(JSON.stringify(conftest), JSON.stringify(policyGate))
    expect(c.agree).toBe(false)
    expect(c.onlyConftest).toEqual(['a.yaml failures x', 'a.yaml exceptions e'])
    expect(c.onlyPolicyGate).toEqual(['a.yaml warnings x'])
  })
})

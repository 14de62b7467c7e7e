import { describe, expect, it } from '@jest/globals'

import { createHostBuiltins } from '../src/evaluate/builtins/registry.js'
import { semverCompare, semverIsValid } from '../src/evaluate/builtins/semver.js'
import { regoBoolean, regoNumber, regoString } from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'

/** SemVer 2.0.0's precedence example, in order, plus forms OPA accepts or rejects. */
const ORDERED = [
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
  '1.0.1',
  '1.1.0',
  '2.0.0'
]
const OTHERS = [
  'v1.2.3',
  'vv1.2.3',
  '1.2',
  '1.2.3.4',
  '01.2.3',
  '1.02.3',
  '1.2.3-01',
  '1.2.3-0a',
  '1.2.3+build.1',
  '1.2.3+build.1+x',
  '1.2.3-+',
  '1.2.3--',
  '1.2.3-a..b',
  '1.2.3-a-b',
  '-1.2.3',
  '+1.2.3',
  '9223372036854775807.0.0',
  '9223372036854775808.0.0',
  '1.2.3-alpha.99999999999999999999',
  '1.2.3-Alpha',
  '1.2.3-alpha',
  '',
  '1.2.3 ',
  'x.y.z'
]

function expressions(): string[] {
  const versions = [...ORDERED, ...OTHERS]
  const out = versions.map(v => `semver.is_valid(${JSON.stringify(v)})`)
  for (const a of versions) {
    for (const b of [
      '1.0.0',
      '1.0.0-beta.11',
      '1.2.3',
      '1.2.3-alpha.92233720368547758',
      'v1.2.3'
    ]) {
      out.push(`semver.compare(${JSON.stringify(a)}, ${JSON.stringify(b)})`)
    }
  }
  for (let i = 0; i < ORDERED.length; i++) {
    for (let j = 0; j < ORDERED.length; j++)
      out.push(`semver.compare(${JSON.stringify(ORDERED[i])}, ${JSON.stringify(ORDERED[j])})`)
  }
  out.push('semver.is_valid(1)', 'semver.is_valid(null)', 'semver.is_valid(["1.0.0"])')
  return out
}

describe('semver built-ins against OPA', () => {
  const run = opaAvailable ? it : it.skip
  run('agree with opa eval on validity and precedence', async () => {
    const outcomes = await runDifferential(
      expressions().map(expression => ({ expression })),
      createHostBuiltins()
    )
    const identical = outcomes.filter(o => o.same).length
    console.log(
      `semver differential: ${identical} of ${outcomes.length} cases identical to opa eval`
    )
    expect(describeDifferences(outcomes)).toBe('')
  })
})

describe('semver', () => {
  it('orders SemVer 2.0.0 precedence', () => {
    for (let i = 0; i + 1 < ORDERED.length; i++) {
      expect(semverCompare(regoString(ORDERED[i]), regoString(ORDERED[i + 1]))).toEqual(
        regoNumber(-1)
      )
      expect(semverCompare(regoString(ORDERED[i + 1]), regoString(ORDERED[i]))).toEqual(
        regoNumber(1)
      )
    }
  })

  it('ends where OPA 1.22.3 loops forever (numeric identifiers saturating to the same int64)', () => {
    const a = regoString('1.2.3-alpha.99999999999999999999')
    const b = regoString('1.2.3-alpha.9223372036854775807')
    expect(semverCompare(a, b)).toEqual(regoNumber(0))
  })

  it('rejects invalid versions as OPA does', () => {
    expect(() => semverCompare(regoString('1.2'), regoString('1.2.3'))).toThrow(
      'operand 1: string 1.2 is not a valid SemVer'
    )
    expect(semverIsValid(regoString('01.2.3'))).toEqual(regoBoolean(false))
    expect(semverIsValid(regoNumber(1))).toEqual(regoBoolean(false))
  })
})

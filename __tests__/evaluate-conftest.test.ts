import { describe, expect, it } from '@jest/globals'
import {
  checkDocument,
  countExceptionMatches,
  mergeChecks,
  ResultShapeError,
  ruleResults,
  toCheckResult
} from '../src/evaluate/conftest.js'
import type { NamespacePlan } from '../src/evaluate/plan.js'

const plan = (rules: string[], ruleCount = rules.length): NamespacePlan => ({
  namespace: 'main',
  rules,
  ruleCount,
  hasException: true,
  entrypoint: 'policy_gate_entrypoints/n0'
})

describe('ruleResults (conftest output.NewResult and engine.query)', () => {
  it.each([
    ['undefined rule: no result', undefined, []],
    ['empty set: one passing result', [], ['']],
    ['boolean: one passing result', true, ['']],
    ['object value: one passing result', { a: 1 }, ['']],
    ['strings: one each', ['a', 'b'], ['a', 'b']],
    ['numbers and arrays are ignored', [1, ['x'], 'c'], ['c']],
    ['empty message passes', [''], ['']]
  ])('%s', (_name, value, messages) => {
    expect(ruleResults('main', 'deny', value, 0).map(r => r.msg)).toEqual(messages)
  })

  it('keeps object keys as metadata, _loc as loc, and adds the query', () => {
    const [r] = ruleResults(
      'main',
      'deny_x',
      [{ msg: 'm', id: 'K-1', _loc: { file: 'a.yaml', line: 3 } }],
      2
    )
    expect(r).toEqual({
      msg: 'm',
      loc: { file: 'a.yaml', line: 3 },
      metadata: { id: 'K-1', query: 'data.main.deny_x' },
      rule: 'deny_x',
      document: 2
    })
  })

  it.each([
    [{ file: 'a.yaml' }, { file: 'a.yaml' }],
    [{ line: 4 }, { file: '', line: 4 }],
    [{ file: 3, line: 'x' }, undefined],
    ['a.yaml:3', undefined]
  ])('_loc %j → loc %j', (loc, expected) => {
    expect(ruleResults('main', 'deny', [{ msg: 'm', _loc: loc }], 0)[0].loc).toEqual(expected)
  })

  it('refuses an object without a string msg, as conftest does', () => {
    expect(() => ruleResults('main', 'deny', [{ message: 'm' }], 0)).toThrow(ResultShapeError)
    expect(() => ruleResults('main', 'deny', [{ msg: 1 }], 0)).toThrow(
      '"msg" field must be present and a string'
    )
  })
})

describe('countExceptionMatches (data.<ns>.exception[_][_] == name)', () => {
  it.each([
    [undefined, 'latest', 0],
    [[['latest']], 'latest', 1],
    [[['latest', 'root'], ['latest']], 'latest', 2],
    [[['']], '', 1],
    [[['a', 'a']], 'a', 2],
    [{ x: ['a'] }, 'a', 1],
    [['a'], 'a', 0]
  ])('%j, %j → %d', (exception, name, count) => {
    expect(countExceptionMatches(exception, name)).toBe(count)
  })
})

describe('checkDocument (conftest engine.check)', () => {
  it('counts failures, warnings and the successes conftest counts', () => {
    const check = checkDocument(
      plan(['deny', 'warn_a', 'deny_b'], 4),
      { deny: ['x', 'y'], warn_a: [] },
      0
    )
    expect(check.failures.map(f => f.msg)).toEqual(['x', 'y'])
    expect(check.warnings).toEqual([])
    // warn_a's empty set is one success; deny_b undefined; 2 failures + 1 success < 4 bodies → +1.
    expect(check.successes).toBe(2)
  })

  it('an exception drops the whole rule for the document and is reported with its query', () => {
    const check = checkDocument(
      plan(['deny_latest', 'warn_latest']),
      { deny_latest: ['a'], warn_latest: ['b'], exception: [['latest']] },
      0
    )
    expect(check.failures).toEqual([])
    expect(check.warnings).toEqual([])
    expect(check.exceptions.map(e => e.msg)).toEqual([
      'data.main.exception[_][_] == "latest"',
      'data.main.exception[_][_] == "latest"'
    ])
  })

  it('a bare rule is excepted by the empty name', () => {
    const check = checkDocument(plan(['deny']), { deny: ['a'], exception: [['']] }, 0)
    expect(check.exceptions).toHaveLength(1)
    expect(check.failures).toHaveLength(0)
  })

  it('merges documents and omits empty lists in the CheckResult', () => {
    const a = checkDocument(plan(['deny']), { deny: ['a'] }, 0)
    const b = checkDocument(plan(['deny']), undefined, 1)
    expect(toCheckResult('f.yaml', 'main', mergeChecks([a, b]))).toEqual({
      filename: 'f.yaml',
      namespace: 'main',
      successes: 1,
      failures: [{ msg: 'a', metadata: { query: 'data.main.deny' } }]
    })
  })
})

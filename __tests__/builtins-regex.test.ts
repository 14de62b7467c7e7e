import { describe, expect, it } from '@jest/globals'

import { compileGoRegexp, findAllIndexes } from '../src/evaluate/builtins/go-regexp.js'
import { regexSplit } from '../src/evaluate/builtins/regex.js'
import { createHostBuiltins } from '../src/evaluate/builtins/registry.js'
import { regoArray, regoString } from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'

const PATTERNS = [
  ',',
  '\\s+',
  '\\s',
  '',
  'a*',
  'x*',
  '(?i)A',
  'a(?i)B',
  '(?i:b)c',
  '[[:digit:]]+',
  '[[:^alpha:]]',
  '[[:alpha:]',
  '\\d',
  '\\D+',
  '\\w+',
  '\\W',
  '^',
  '$',
  '(?m)^',
  '(?m)$',
  '^a',
  'c$',
  '\\A',
  '\\z',
  '\\b',
  '\\B',
  '.',
  '(?s).',
  '\\.',
  '[',
  ']',
  '}',
  '{',
  'a{2}',
  'a{2,}',
  'a{,2}',
  'a{1001}',
  'a{2}{3}',
  'a**',
  '*',
  '(',
  ')',
  'a|',
  '|',
  '(a|b)+',
  '\\pL',
  '\\PL+',
  '\\p{Greek}+',
  '\\p{^Greek}',
  '\\p{Lu}',
  '\\p{Nope}',
  '\\Q.*\\E',
  '\\Q.*',
  '\\x41',
  '\\x{1F600}',
  '\\101',
  '\\1',
  '\\0',
  '\\e',
  '\\C',
  '\\-',
  '[\\-a]',
  '[a-]',
  '[-a]',
  '[]a]',
  '[^]a]',
  '[z-a]',
  '[\\d\\s]',
  '[^\\S]',
  '[\\p{Greek}\\d]',
  'é',
  '😀',
  '(?P<word>\\w+)',
  '(?<w>\\w)',
  '(?P<>a)',
  '(?x)a',
  '(?i)é',
  '(?U)a+',
  '(?U)a+?',
  'a+?',
  '(?:)',
  '()',
  '(|a)',
  '(a|)',
  '\\n',
  '\\r?\\n',
  '/',
  '\\/',
  '-',
  '(?i)[a-c]+',
  '(?i)\\w',
  '[[:word:]]',
  'a{0}',
  '(a*)*',
  '(a*)+',
  '^*',
  '$+',
  '\\b*'
]

const INPUTS = [
  '',
  'a,b,,c',
  'aAbBcC',
  '  a  b ',
  'héllo wörld',
  'line1\nline2\r\nline3\n',
  'αβγ abc ΔΕΖ',
  '12ab34cd',
  'aaa.bbb.*ccc',
  'x😀y😀',
  'a\u2028b\u0085c\rd',
  'abcabc',
  'B-a-b]c'
]

function expressions(): string[] {
  const out: string[] = []
  for (const pattern of PATTERNS) {
    for (const input of INPUTS)
      out.push(`regex.split(${JSON.stringify(pattern)}, ${JSON.stringify(input)})`)
  }
  return out
}

describe('regex.split against OPA', () => {
  const run = opaAvailable ? it : it.skip
  run('agrees with opa eval (Go regexp) on RE2 syntax, empty matches and errors', async () => {
    const outcomes = await runDifferential(
      expressions().map(expression => ({ expression })),
      createHostBuiltins()
    )
    const identical = outcomes.filter(o => o.same).length
    console.log(
      `regex.split differential: ${identical} of ${outcomes.length} cases identical to opa eval`
    )
    expect(describeDifferences(outcomes)).toBe('')
  })
})

describe('Go regexp on JS', () => {
  it('splits as Go does around empty matches', () => {
    expect(regexSplit(regoString(''), regoString('abc'))).toEqual(
      regoArray(['a', 'b', 'c'].map(regoString))
    )
    expect(regexSplit(regoString('x*'), regoString('axb'))).toEqual(
      regoArray(['a', 'b'].map(regoString))
    )
    expect(regexSplit(regoString(','), regoString(''))).toEqual(regoArray([regoString('')]))
  })

  it('keeps Go semantics where JS differs (. and \\r, \\s and \\v)', () => {
    expect(findAllIndexes(compileGoRegexp('.'), 'a\r')).toEqual([
      [0, 1],
      [1, 2]
    ])
    expect(findAllIndexes(compileGoRegexp('\\s'), '\u000b\u00a0')).toEqual([])
  })

  it('rejects what Go rejects', () => {
    for (const pattern of ['a**', '\\1', '(', 'a{1001}', '[z-a]', '\\p{Nope}', '(?x)a']) {
      expect(() => compileGoRegexp(pattern)).toThrow('error parsing regexp')
    }
  })
})

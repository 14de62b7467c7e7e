import { describe, expect, it } from '@jest/globals'
import type { CheckResult } from '../src/findings.js'
import { displayWidth } from '../src/report/display-width.js'
import {
  goQuote,
  renderGitHub,
  renderStandard,
  renderTable,
  renderTap,
  summaryLine
} from '../src/report/text.js'
import {
  conftestCases,
  conftestResults,
  haveConftest,
  runConftest
} from './support/report-conftest.js'

const withConftest = haveConftest ? describe : describe.skip

withConftest('the same bytes as conftest v0.69.0', () => {
  describe.each(conftestCases)('%s in namespace %s', (file, namespace) => {
    const results = conftestResults(file, namespace)

    it('-o stdout, coloured as conftest colours by default', () => {
      expect(renderStandard(results, { color: true })).toBe(
        runConftest({ file, namespace, format: 'stdout' })
      )
    })

    it('-o stdout --no-color', () => {
      expect(renderStandard(results)).toBe(
        runConftest({ file, namespace, format: 'stdout', args: ['--no-color'] })
      )
    })

    it('-o stdout --suppress-exceptions', () => {
      expect(renderStandard(results, { suppressExceptions: true })).toBe(
        runConftest({
          file,
          namespace,
          format: 'stdout',
          args: ['--no-color', '--suppress-exceptions']
        })
      )
    })

    it('-o tap', () => {
      expect(renderTap(results)).toBe(runConftest({ file, namespace, format: 'tap' }))
    })

    it.each([8, 4])('-o table with tabs %i wide', tabWidth => {
      expect(renderTable(results, { tabWidth })).toBe(
        runConftest({ file, namespace, format: 'table', env: { TABWIDTH: String(tabWidth) } })
      )
    })
  })

  // conftest's github output is only comparable where it does not need escaping.
  it.each(conftestCases.filter(([file]) => !file.includes('hostile')))(
    '-o github for %s in namespace %s',
    (file, namespace) => {
      expect(renderGitHub(conftestResults(file, namespace))).toBe(
        runConftest({ file, namespace, format: 'github' })
      )
    }
  )
})

const result = (over: Partial<CheckResult>): CheckResult => ({
  filename: 'a.yaml',
  namespace: 'main',
  successes: 0,
  ...over
})

describe('renderStandard', () => {
  it('prints stdin and the "-" namespace as conftest does, and pluralizes the totals', () => {
    const out = renderStandard([
      result({ filename: '-', namespace: '-', successes: 1, failures: [{ msg: 'no' }] })
    ])
    expect(out).toBe('FAIL - - no\n\n2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions\n')
  })

  it('prints what the policies printed first, as conftest does', () => {
    // conftest v0.69.0's bytes for a policy calling print("hello", input.kind) on two files.
    const out = renderStandard([result({ failures: [{ msg: 'd' }] })], {
      color: true,
      prints: ['policy/p.rego:3: hello X\n', 'policy/p.rego:3: hello Y']
    })
    expect(out).toBe(
      '\x1b[34mPRNT \x1b[0m  policy/p.rego:3: hello X\n\n' +
        '\x1b[34mPRNT \x1b[0m  policy/p.rego:3: hello Y\n\n' +
        '\x1b[31mFAIL\x1b[0m - a.yaml - main - d\n\n' +
        '\x1b[31m1 test, 0 passed, 0 warnings, 1 failure, 0 exceptions\x1b[0m\n'
    )
  })

  it('colours the totals green when everything passed', () => {
    expect(renderStandard([result({ successes: 1 })], { color: true })).toBe(
      '\n\x1b[32m1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions\x1b[0m\n'
    )
  })
})

describe('renderTap', () => {
  it('stops at a result without tests, as conftest does', () => {
    const out = renderTap([
      result({ successes: 1 }),
      result({ filename: 'b.yaml' }),
      result({ filename: 'c.yaml', successes: 1 })
    ])
    expect(out).toBe('1..1\n# successes\nok 1 - a.yaml - main - SUCCESS\n')
  })
})

describe('renderTable', () => {
  it('prints nothing when there are no rows', () => {
    expect(renderTable([result({})])).toBe('')
  })

  it('drops continuation lines that are blank in every column', () => {
    const out = renderTable([result({ failures: [{ msg: 'a\n \nb' }] })])
    expect(out.split('\n')).toEqual([
      '┌─────────┬────────┬───────────┬─────────┐',
      '│ RESULT  │  FILE  │ NAMESPACE │ MESSAGE │',
      '├─────────┼────────┼───────────┼─────────┤',
      '│ failure │ a.yaml │ main      │ a       │',
      '│         │        │           │ b       │',
      '└─────────┴────────┴───────────┴─────────┘',
      ''
    ])
  })
})

describe('renderGitHub', () => {
  const hostile = [
    '::error file=x.yaml,line=1::injected',
    'multi\nline\r\nmessage',
    'percent %s %d %% 100%',
    '::endgroup::'
  ]
  const out = renderGitHub(
    [
      result({
        filename: 'dir/50%, a:b.yaml',
        failures: hostile.map(msg => ({ msg })),
        warnings: [{ msg: 'elsewhere', loc: { file: '/work/base/k.yaml', line: 7 } }]
      })
    ],
    { cwd: '/work' }
  )

  it('keeps every message inside its own workflow command', () => {
    const lines = out.trimEnd().split('\n')
    expect(lines).toEqual([
      '::group::Testing "dir/50%25, a:b.yaml" against 5 policies in namespace "main"',
      '::error file=dir/50%25%2C a%3Ab.yaml,line=1::::error file=x.yaml,line=1::injected',
      '::error file=dir/50%25%2C a%3Ab.yaml,line=1::multi%0Aline%0D%0Amessage',
      '::error file=dir/50%25%2C a%3Ab.yaml,line=1::percent %25s %25d %25%25 100%25',
      '::error file=dir/50%25%2C a%3Ab.yaml,line=1::::endgroup::',
      '::warning file=base/k.yaml,line=7::elsewhere',
      '::warning file=dir/50%25%2C a%3Ab.yaml,line=1::(ORIGINATING FROM base/k.yaml L7) elsewhere',
      '::notice file=dir/50%25%2C a%3Ab.yaml,line=1::Number of successful checks: 0',
      '::endgroup::',
      '5 tests, 0 passed, 1 warning, 4 failures, 0 exceptions'
    ])
  })

  it('quotes the group title as Go does, so a newline in a file name stays on the line', () => {
    const titled = renderGitHub([result({ filename: 'a\nb\u00a0"c".yaml' })])
    expect(titled.split('\n')[0]).toBe(
      '::group::Testing "a\\nb\\u00a0\\"c\\".yaml" against 0 policies in namespace "main"'
    )
  })
})

describe('goQuote', () => {
  it.each([
    ['plain', '"plain"'],
    ['tab\there', '"tab\\there"'],
    ['bell\x07 del\x7f', '"bell\\a del\\x7f"'],
    ['日本語 é', '"日本語 é"'],
    ['zero\u200bwidth', '"zero\\u200bwidth"'],
    ['tag \u{e0041}', '"tag \\U000e0041"']
  ])('%j → %s', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted)
  })
})

describe('displayWidth', () => {
  it.each([
    ['ascii', 5],
    ['日本語', 6],
    ['e\u0301', 1],
    ['👍🏽', 4],
    ['\x1b[31mred\x1b[0m', 3],
    ['zero\u200bwidth', 9]
  ])('%j is %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })
})

describe('summaryLine', () => {
  it('counts every kind of result', () => {
    expect(
      summaryLine([result({ successes: 2, warnings: [{ msg: 'w' }], exceptions: [{ msg: 'e' }] })])
    ).toBe('4 tests, 2 passed, 1 warning, 0 failures, 1 exception')
  })
})

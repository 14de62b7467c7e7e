import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { Finding } from '../src/findings.js'
import { decide, type Outcome } from '../src/outcome.js'
import type { ReportContext } from '../src/report/context.js'
import {
  COMMENT_LIMIT_CHARS,
  SUMMARY_LIMIT_BYTES,
  commentMarker,
  exceptionExpiry,
  renderComment,
  renderSummary
} from '../src/report/markdown.js'
import {
  context,
  finding,
  hostileStrings,
  sampleFindings,
  sampleResults
} from './support/report-fixtures.js'

const enforce = (findings: readonly Finding[]): Outcome =>
  decide(findings, { mode: 'enforce', failOnWarn: false })

const summary = (findings: Finding[], ctx: ReportContext = context): string =>
  renderSummary(ctx, enforce(findings), findings, sampleResults)
const comment = (findings: Finding[], ctx: ReportContext = context): string =>
  renderComment(ctx, enforce(findings), findings)

/** Unescaped `|` in a Markdown line: the cell separators GFM sees. */
const cellSeparators = (line: string): number => (line.match(/(?<!\\)(?:\\\\)*\|/g) ?? []).length

/** Every table in `markdown` keeps the column count of its header row. */
function expectIntactTables(markdown: string): void {
  let columns: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = undefined
      continue
    }
    columns ??= cellSeparators(line)
    expect({ line, separators: cellSeparators(line) }).toEqual({ line, separators: columns })
  }
}

/** Link destinations in `markdown`, excluding escaped brackets. */
const linkTargets = (markdown: string): string[] =>
  [...markdown.matchAll(/(?<!\\)\]\(([^)\s]*)\)/g)].map(m => m[1])

function expectNoInjection(markdown: string, ctx: ReportContext = context): void {
  for (const target of linkTargets(markdown)) {
    expect(target.startsWith('https://github.com/acme/platform/') || target === ctx.runUrl).toBe(
      true
    )
  }
  // References are linked in text, not in link destinations: look at the text only.
  const text = markdown.replace(/(?<!\\)\]\([^)\s]*\)/g, ']').replace(/&#\d+;/g, '')
  expect(text).not.toMatch(/<script/i)
  expect(text).not.toMatch(/<b>|<\/summary><\/summary>|<\/details><\/summary>/)
  expect(text).not.toMatch(/!\[/)
  expect(text).not.toMatch(/@[A-Za-z0-9]/)
  expect(text).not.toMatch(/#\d|GH-\d/i)
  expect(text).not.toMatch(/^```/m)
  expect(text).not.toMatch(/https?:\/\//)
  expect(text.match(/<!--/g)?.length ?? 0).toBeLessThanOrEqual(1)
  expectIntactTables(markdown)
}

describe('commentMarker', () => {
  it.each([
    ['policy', '<!-- policy-gate:policy -->'],
    ['lint --> <script>', '<!-- policy-gate:lint%20--%3E%20%3Cscript%3E -->'],
    ['a\nb', '<!-- policy-gate:a%0Ab -->']
  ])('%j → %s', (job, marker) => {
    expect(commentMarker(job)).toBe(marker)
  })
})

describe('exceptionExpiry', () => {
  it.each([
    [{ expires: '2026-12-31' }, '2026-12-31'],
    [{ custom: { expiry: '2027-01-01' } }, '2027-01-01'],
    [{ until: 20270101 }, '20270101'],
    [{ owner: 'team' }, undefined],
    [undefined, undefined]
  ])('%j → %s', (metadata, expiry) => {
    expect(exceptionExpiry(finding({ severity: 'exception', metadata }))).toBe(expiry)
  })
})

describe('renderSummary', () => {
  it('renders counts, a table per file, exceptions with expiry, and how policies were built', () => {
    expect(summary(sampleFindings)).toMatchInlineSnapshot(`
     "## ❌ policy-gate: 1 failure, 1 parse error in 2 files

     | Failures | Parse errors | Warnings | Exceptions | Files | Rules |
     | ---: | ---: | ---: | ---: | ---: | ---: |
     | 1 | 1 | 1 | 1 | 3 | 12 |

     Policies from policy/ at 0123456, compiled in this run. Mode: enforce. Commit [0123456](https://github.com/acme/platform/commit/0123456789abcdef0123456789abcdef01234567). conftest would report: 18 tests, 15 passed, 1 warning, 1 failure, 1 exception.

     ### Findings

     #### [<code>k8s/deployment.yaml</code>](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/k8s/deployment.yaml)

     | Rule | Severity | Line | Message |
     | --- | --- | ---: | --- |
     | <code>K8S-001</code> | ❌ failure | [12](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/k8s/deployment.yaml#L12) | Containers must not run as root |
     | <code>K8S-010</code> | ⚠️ warning | [20](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/k8s/deployment.yaml#L20) | Image uses the latest tag |

     #### [<code>terraform/plan.json</code>](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/terraform/plan.json)

     | Rule | Severity | Line | Message |
     | --- | --- | ---: | --- |
     | <code>parse-error</code> | ⛔ parse error | [3](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/terraform/plan.json#L3) | unexpected end of JSON input |

     ### Exceptions

     These results matched an exception rule and do not fail the check.

     | File | Rule | Line | Message | Expires |
     | --- | --- | ---: | --- | --- |
     | [<code>k8s/legacy.yaml</code>](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/k8s/legacy.yaml#L4) | <code>main.exception</code> | 4 | data.main.exception\\[\\_\\]\\[\\_\\] == "deny" | 2026-12-31 |

     <details><summary>1 file passed every rule</summary>

     - <code>k8s/service.yaml</code>

     </details>
     "
    `)
  })

  it('says when the policies came from the cache and everything passed', () => {
    const out = renderSummary({ ...context, policies: 'cached' }, enforce([]), [], sampleResults)
    expect(out).toMatch(/^## ✅ policy-gate: all policies pass\n/)
    expect(out).toContain('restored from the cache')
    expect(out).toContain('3 files passed every rule')
  })

  it('calls out audit mode without hiding the failures', () => {
    const out = renderSummary(
      { ...context, mode: 'audit' },
      decide(sampleFindings, { mode: 'audit', failOnWarn: false }),
      sampleFindings,
      sampleResults
    )
    expect(out).toMatch(/^## ⚠️ policy-gate \(audit mode\): 1 failure, 1 parse error in 2 files/)
    expect(out).toContain('Mode: audit.')
  })

  it('stays within 1 MiB and says how many findings are only in the results file', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      finding({ file: `k8s/app-${i % 40}.yaml`, line: i + 1, message: `m${i} `.repeat(60) })
    )
    const out = summary(many)
    const bytes = Buffer.byteLength(out)
    expect(bytes).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(bytes).toBeGreaterThan(SUMMARY_LIMIT_BYTES - 2000)
    const rows = out.split('\n').filter(l => l.startsWith('| <code>K8S-001')).length
    const note = out.match(/> ([\d,]+) more findings did not fit in this summary/)
    expect(note).not.toBeNull()
    expect(rows + Number(note?.[1].replace(/,/g, ''))).toBe(many.length)
    expect(out).toContain('<code>policy-gate-results.json</code>')
    expectIntactTables(out)
  })

  it('keeps a summary of exactly 1 MiB whole, and trims one byte over', () => {
    // Rows of equal size (same file, four-digit lines); the last message pads the summary to
    // exactly the limit.
    const findings = (count: number, pad: number): Finding[] =>
      Array.from({ length: count }, (_, i) =>
        finding({ line: 1000 + i, message: i === count - 1 ? 'p'.repeat(pad) : 'm'.repeat(600) })
      )
    const size = (count: number, pad: number): number =>
      Buffer.byteLength(
        renderSummary(context, enforce(findings(count, pad)), findings(count, pad), [])
      )
    const row = size(3, 1) - size(2, 1)
    let count = Math.floor((SUMMARY_LIMIT_BYTES - size(1, 1)) / row)
    while (size(count, 1) > SUMMARY_LIMIT_BYTES - 1) count -= 1
    const pad = SUMMARY_LIMIT_BYTES - size(count, 1) + 1
    expect(pad).toBeLessThanOrEqual(1000)

    const exact = findings(count, pad)
    const whole = renderSummary(context, enforce(exact), exact, [])
    expect(Buffer.byteLength(whole)).toBe(SUMMARY_LIMIT_BYTES)
    expect(whole).not.toContain('did not fit')

    const over = findings(count, pad + 1)
    const trimmed = renderSummary(context, enforce(over), over, [])
    expect(Buffer.byteLength(trimmed)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    const rows = trimmed.split('\n').filter(l => l.startsWith('| <code>')).length
    expect(trimmed).toContain(
      `> ${count - rows} more finding${count - rows === 1 ? '' : 's'} did not fit in this summary`
    )
  })
})

describe('renderComment', () => {
  it('renders the marker, a headline and findings grouped by file', () => {
    expect(comment(sampleFindings)).toMatchInlineSnapshot(`
     "<!-- policy-gate:policy -->
     ### ❌ policy-gate: 1 failure, 1 parse error in 2 files

     3 files checked against 12 rules at [0123456](https://github.com/acme/platform/commit/0123456789abcdef0123456789abcdef01234567). Also 1 warning, 1 exception (listed in the job summary).

     <details open><summary><code>k8s/deployment.yaml</code>: 1 failure, 1 warning</summary>

     | Rule | Severity | Line | Message |
     | --- | --- | ---: | --- |
     | <code>K8S-001</code> | ❌ failure | [12](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/k8s/deployment.yaml#L12) | Containers must not run as root |
     | <code>K8S-010</code> | ⚠️ warning | [20](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/k8s/deployment.yaml#L20) | Image uses the latest tag |

     </details>

     <details open><summary><code>terraform/plan.json</code>: 1 parse error</summary>

     | Rule | Severity | Line | Message |
     | --- | --- | ---: | --- |
     | <code>parse-error</code> | ⛔ parse error | [3](https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/terraform/plan.json#L3) | unexpected end of JSON input |

     </details>

     <sub>policy-gate · job <code>policy</code> · mode enforce · [workflow run and job summary](https://github.com/acme/platform/actions/runs/42)</sub>
     "
    `)
  })

  it('says clearly that everything passes', () => {
    expect(comment([])).toMatchInlineSnapshot(`
     "<!-- policy-gate:policy -->
     ### ✅ policy-gate: all policies pass

     No failures: 3 files checked against 12 rules at [0123456](https://github.com/acme/platform/commit/0123456789abcdef0123456789abcdef01234567).

     <sub>policy-gate · job <code>policy</code> · mode enforce · [workflow run and job summary](https://github.com/acme/platform/actions/runs/42)</sub>
     "
    `)
  })

  it('lists warnings on a passing pull request', () => {
    const out = comment([finding({ severity: 'warning', id: 'K8S-010', message: 'latest tag' })])
    expect(out).toContain('### ✅ policy-gate: all policies pass')
    expect(out).toContain('No failures: 3 files checked against 12 rules')
    expect(out).toContain('| <code>K8S-010</code> | ⚠️ warning |')
  })

  it('links each line to the file at the head commit, encoding the path', () => {
    const out = comment([finding({ file: 'dir with space/(x)#1.yaml', line: 5 })])
    expect(linkTargets(out)).toContain(
      'https://github.com/acme/platform/blob/0123456789abcdef0123456789abcdef01234567/' +
        'dir%20with%20space/%28x%29%231.yaml#L5'
    )
  })

  it('collapses the file sections when there are more than three files', () => {
    const files = ['a', 'b', 'c', 'd'].map(f => finding({ file: `${f}.yaml` }))
    expect(comment(files)).not.toContain('<details open>')
    expect(comment(files.slice(0, 3))).toContain('<details open>')
  })

  describe('at the 65,536-character limit', () => {
    // Filler rows of 100-character messages; the last message is sized so the whole comment is
    // exactly at the limit (a row is shorter than the 300 characters a message may have).
    const findings = (pad: number, count: number): Finding[] =>
      Array.from({ length: count }, (_, i) =>
        finding({
          file: `k8s/app-${i % 7}.yaml`,
          line: i + 1,
          message: i === count - 1 ? 'p'.repeat(pad) : `${i}:`.padEnd(100, 'm')
        })
      )
    // The length of the whole comment, or Infinity once it no longer fits and is trimmed.
    const lengthWith = (count: number): number => {
      const out = comment(findings(1, count))
      return out.includes('not shown') ? Infinity : out.length
    }
    let count = 1
    while (lengthWith(count + 1) <= COMMENT_LIMIT_CHARS - 1) count += 1
    const pad = COMMENT_LIMIT_CHARS - lengthWith(count) + 1

    it('keeps a comment of exactly 65,536 characters whole', () => {
      const out = comment(findings(pad, count))
      expect(out.length).toBe(COMMENT_LIMIT_CHARS)
      expect(out).not.toContain('not shown')
      expect(out.split('\n').filter(l => l.startsWith('| <code>')).length).toBe(count)
    })

    it('trims one character over, pointing to the job summary', () => {
      const out = comment(findings(pad + 1, count))
      expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
      const shown = out.split('\n').filter(l => l.startsWith('| <code>')).length
      expect(out).toContain(
        `**${count - shown} more finding${count - shown === 1 ? ' is' : 's are'} not shown**`
      )
      expect(out).toContain('[job summary](https://github.com/acme/platform/actions/runs/42)')
      expect(out.match(/<details/g)?.length).toBe(out.match(/<\/details>/g)?.length)
      expectIntactTables(out)
    })

    it('never exceeds the limit however many findings there are', () => {
      const out = comment(findings(100, 2000))
      expect(out.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
      expect(out).toMatch(/\*\*[\d,]+ more findings are not shown\*\*/)
    })
  })
})

describe('hostile input', () => {
  const fields = ['message', 'file', 'id'] as const

  it.each(hostileStrings.map(s => [s.slice(0, 40), s]))(
    '%j in a message, file name and rule ID comes out escaped',
    (_, hostile) => {
      for (const field of fields) {
        const findings = [finding({ [field]: hostile }), finding({ severity: 'warning' })]
        for (const out of [comment(findings), summary(findings)]) {
          expectNoInjection(out)
          expect(out.length).toBeLessThan(20_000)
        }
      }
    }
  )

  it('escapes the job name and policy source from the context', () => {
    const ctx = { ...context, job: '@octocat <script>x</script>', policySource: '[x](http://e)' }
    expectNoInjection(comment(sampleFindings, ctx).replace(/^<!--.*-->\n/, ''), ctx)
    expectNoInjection(summary(sampleFindings, ctx), ctx)
  })

  it('cuts a 70,000-character message with an ellipsis', () => {
    const out = comment([finding({ message: 'z'.repeat(70_000) })])
    expect(out).toContain(`${'z'.repeat(299)}…`)
    expect(out).not.toContain('z'.repeat(300))
  })

  it('renders the escaped text readably: the characters are all still there', () => {
    const out = comment([finding({ message: '[x](http://evil) @octocat #123 a|b' })])
    const row = out.split('\n').find(l => l.startsWith('| <code>K8S-001'))
    expect(row).toContain('\\[x\\]\\(http:\u200d//evil\\) @\u200doctocat #\u200d123 a\\|b')
  })

  it('never breaks a table, whatever the message (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ maxLength: 60 }),
        (message, file) => {
          const findings = [finding({ message, file }), finding({ message: `${message}|` })]
          const out = comment(findings)
          expectIntactTables(out)
          expectIntactTables(summary(findings))
          expect(out.split('\n').filter(l => l.startsWith('| <code>')).length).toBe(2)
        }
      ),
      { numRuns: 300 }
    )
  })
})

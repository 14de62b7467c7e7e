// Property-based tests (fast-check) across the stages that take untrusted input: the parsers, the
// result normaliser (conftest's semantics) and every renderer. Random documents and messages never
// crash them, and what comes out is always valid: JSON that parses, SARIF that holds together,
// XML a strict parser accepts, Markdown whose tables, tags and links are the renderer's own.

import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseFile } from '../src/documents/parse.js'
import { parseJson } from '../src/documents/json.js'
import { parseYaml } from '../src/documents/yaml.js'
import {
  checkDocument,
  ResultShapeError,
  toCheckResult,
  type DocumentCheck
} from '../src/evaluate/conftest.js'
import { isFailureRule, isWarningRule, type NamespacePlan } from '../src/evaluate/plan.js'
import type { CheckResult, Finding } from '../src/findings.js'
import { decide } from '../src/outcome.js'
import { summarizePolicyChange } from '../src/policy-source.js'
import { planAnnotations } from '../src/report/annotations.js'
import type { PolicyChangeReport, ReportContext } from '../src/report/context.js'
import { renderConftestJson, renderResultsJson } from '../src/report/json.js'
import { renderJUnit } from '../src/report/junit.js'
import { policyChangeNote, renderComment, renderSummary } from '../src/report/markdown.js'
import { renderSarif, type SarifLog } from '../src/report/sarif.js'
import { context, hostileStrings } from './support/report-fixtures.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-property-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// ---------------------------------------------------------------------------------------------
// Arbitraries

const FRAGMENTS = [
  ...hostileStrings.filter(s => s.length < 1000),
  '::',
  '%0A',
  '\r',
  '\u2028',
  '\u202e',
  '\ud800',
  '\u0000',
  '<!--',
  '-->',
  '</code>',
  '</details>',
  ']]>',
  '&amp;',
  '&#35;1',
  '\\',
  '`',
  '|',
  '[',
  '](',
  '@',
  '#1'
]

/** Text that mixes ordinary characters, every kind of code unit and the known-dangerous pieces. */
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom(...FRAGMENTS)
    ),
    { maxLength: 6 }
  )
  .map(parts => parts.join(''))

/** Sometimes very long: the renderers must cut, not overflow. */
const message = fc.oneof(
  { weight: 9, arbitrary: text },
  { weight: 1, arbitrary: fc.nat(80_000).map(n => 'm'.repeat(n)) }
)

const finding: fc.Arbitrary<Finding> = fc.record(
  {
    severity: fc.constantFrom('failure', 'warning', 'exception', 'error'),
    file: fc.oneof(text, fc.constantFrom('k8s/app.yaml', '', './a.yaml', '../../etc/passwd')),
    line: fc.integer({ min: -2, max: 100_000 }),
    namespace: fc.oneof(fc.constantFrom('', 'main', 'terraform.aws'), text),
    rule: fc.constantFrom('deny', 'warn', 'violation_x', 'parse', 'compile'),
    id: text,
    message,
    title: text,
    remediation: text,
    document: fc.nat(5),
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 3
    })
  },
  { requiredKeys: ['severity', 'file', 'namespace', 'rule', 'id', 'message'] }
)

const findings = fc.array(finding, { maxLength: 40 })

/** conftest's results for the files the findings name (the renderers take both). */
function resultsFor(list: readonly Finding[]): CheckResult[] {
  const files = [...new Set(list.map(f => f.file))]
  return files.map((filename, i) => ({ filename, namespace: 'main', successes: i % 3 }))
}

const changedFile = fc.record({
  path: text,
  status: fc.constantFrom('added' as const, 'modified' as const, 'removed' as const),
  kind: fc.constantFrom('policy' as const, 'data' as const)
})

const policyChange: fc.Arbitrary<PolicyChangeReport> = fc
  .record({
    baseSha: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), text),
    changed: fc.array(changedFile, { maxLength: 15 }),
    base: findings,
    head: fc.oneof(
      findings.map(list => ({ findings: list })),
      message.map(error => ({ error })),
      message.map(notRun => ({ notRun }))
    )
  })
  .map(({ baseSha, changed, base, head }) =>
    summarizePolicyChange({ baseSha, changed, baseFindings: base, head })
  )

const reportContext: fc.Arbitrary<ReportContext> = fc
  .record({
    job: text,
    policySource: text,
    resultsFile: text,
    change: fc.option(policyChange, { nil: undefined })
  })
  .map(({ job, policySource, resultsFile, change }) => ({
    ...context,
    job,
    policySource,
    resultsFile,
    ...(change ? { policyChange: change } : {})
  }))

// ---------------------------------------------------------------------------------------------
// What valid output means

/** Unescaped `|` in a Markdown line: the cell separators GFM sees. */
const cellSeparators = (line: string): number => (line.match(/(?<!\\)(?:\\\\)*\|/g) ?? []).length

/**
 * Markdown that is the renderer's own structure: each table keeps its header's column count,
 * every HTML element opened is closed, link destinations are GitHub's or the run's, and nothing a
 * message holds became a tag, an image, a second comment marker or a notification.
 */
function checkMarkdown(markdown: string, ctx: ReportContext): void {
  let columns: number | undefined
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = undefined
      continue
    }
    columns ??= cellSeparators(line)
    if (cellSeparators(line) !== columns) throw new Error(`broken table row: ${line.slice(0, 200)}`)
  }
  for (const [, target] of markdown.matchAll(/(?<!\\)\]\(([^)\s]*)\)/g)) {
    if (!target.startsWith('https://github.com/acme/platform/') && target !== ctx.runUrl) {
      throw new Error(`link to ${target}`)
    }
  }
  // The comment's marker is the one HTML comment allowed, and only on the first line.
  const textOnly = markdown
    .replace(/^<!-- policy-gate:[^\n>]* -->\n/, '')
    .replace(/(?<!\\)\]\([^)\s]*\)/g, ']')
    .replace(/&#\d+;/g, '')
  for (const tag of ['details', 'summary', 'code', 'sub']) {
    const opened = (textOnly.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length
    const closed = (textOnly.match(new RegExp(`</${tag}>`, 'g')) ?? []).length
    if (opened !== closed) throw new Error(`<${tag}> opened ${opened} times, closed ${closed}`)
  }
  expect(textOnly).not.toMatch(/<(?!\/?(?:details|summary|code|sub)[ >])[a-z!/]/i)
  expect(textOnly).not.toMatch(/(?<![\w`\\])@[A-Za-z0-9]/)
  expect(textOnly).not.toMatch(/#\d/)
  expect(textOnly).not.toMatch(/(?<!\\)!\[/)
  expect(textOnly).not.toContain('\u202e')
}

function checkSarif(sarifText: string, input: readonly Finding[]): void {
  const log = JSON.parse(sarifText) as SarifLog
  expect(log.version).toBe('2.1.0')
  const run = log.runs[0]
  expect(run.results.length).toBeLessThanOrEqual(input.length)
  for (const result of run.results) {
    const rule = run.tool.driver.rules[result.ruleIndex]
    expect(rule.id).toBe(result.ruleId)
    const line = result.locations[0].physicalLocation.region.startLine
    expect(Number.isInteger(line) && line >= 1).toBe(true)
    // No embedded link (SARIF §3.11.6) from a message's brackets.
    expect(result.message.text).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/)
  }
}

// ---------------------------------------------------------------------------------------------

describe('renderers never crash and stay valid (fast-check)', () => {
  it('the job summary and the comment: within limits, well-formed, inert', () => {
    fc.assert(
      fc.property(reportContext, findings, (ctx, list) => {
        const outcome = decide(list, { mode: 'enforce', failOnWarn: false })
        const summary = renderSummary(ctx, outcome, list, resultsFor(list))
        const comment = renderComment(ctx, outcome, list)
        expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1024 * 1024)
        expect(comment.length).toBeLessThanOrEqual(65_536)
        expect(comment.match(/<!-- policy-gate:/g)).toHaveLength(1)
        checkMarkdown(summary, ctx)
        checkMarkdown(comment, ctx)
      }),
      { numRuns: 150 }
    )
  })

  it('the comment keeps within a small limit too, ending with how many were left out', () => {
    fc.assert(
      fc.property(
        reportContext,
        findings,
        fc.integer({ min: 4000, max: 20_000 }),
        (ctx, list, max) => {
          const comment = renderComment(
            ctx,
            decide(list, { mode: 'enforce', failOnWarn: false }),
            list,
            {
              maxLength: max
            }
          )
          // The head (marker, headline, policy-change note) is never cut; everything else is.
          const head = ctx.policyChange ? policyChangeNote(ctx, ctx.policyChange).length : 0
          expect(comment.length).toBeLessThanOrEqual(Math.max(max, head + 2000))
          checkMarkdown(comment, ctx)
        }
      ),
      { numRuns: 100 }
    )
  })

  it('the policy-change note is bounded whatever the pull request changed', () => {
    fc.assert(
      fc.property(policyChange, change => {
        const note = policyChangeNote(context, change)
        expect(note.length).toBeLessThanOrEqual(40_000)
        expect(note.split('\n').every(line => line === '' || line.startsWith('>'))).toBe(true)
        checkMarkdown(note, context)
      }),
      { numRuns: 200 }
    )
  })

  it('SARIF parses and holds together', () => {
    fc.assert(
      fc.property(findings, list => checkSarif(renderSarif(list, { toolVersion: '1.0.0' }), list)),
      { numRuns: 150 }
    )
  })

  it('the results file and conftest JSON parse, and list every finding', () => {
    fc.assert(
      fc.property(findings, list => {
        const results = resultsFor(list)
        const parsed = JSON.parse(renderResultsJson(results, list)) as {
          warnings?: unknown[]
          failures?: unknown[]
          exceptions?: unknown[]
        }[]
        const entries = parsed.reduce(
          (n, r) =>
            n + (r.warnings?.length ?? 0) + (r.failures?.length ?? 0) + (r.exceptions?.length ?? 0),
          0
        )
        expect(entries).toBe(list.length)
        expect(() => JSON.parse(renderConftestJson(results))).not.toThrow()
      }),
      { numRuns: 150 }
    )
  })

  it('annotations stay within what the runner shows', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 60 }), list => {
        const plan = planAnnotations(list)
        for (const kind of ['error', 'warning', 'notice'] as const) {
          expect(plan.filter(a => a.kind === kind).length).toBeLessThanOrEqual(10)
        }
        for (const a of plan) {
          expect(a.properties.title.length).toBeLessThanOrEqual(255)
          expect(a.properties.title).not.toMatch(/[\r\n]/)
          expect(a.message.length).toBeLessThanOrEqual(4096)
        }
      }),
      { numRuns: 150 }
    )
  })

  const python = spawnSync('python3', ['--version']).status === 0
  const withPython = python ? it : it.skip
  withPython('JUnit XML is accepted by a strict XML parser (Python expat)', () => {
    const samples = fc.sample(findings, { numRuns: 60, seed: 20_240_601 })
    const files = samples.map((list, i) => {
      const file = path.join(dir, `junit-${i}.xml`)
      writeFileSync(file, renderJUnit(resultsFor(list), list))
      return file
    })
    const check = spawnSync(
      'python3',
      [
        '-c',
        'import sys, xml.etree.ElementTree as ET\nfor f in sys.argv[1:]: ET.parse(f)',
        ...files
      ],
      { encoding: 'utf8' }
    )
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
  })
})

// ---------------------------------------------------------------------------------------------

/** Text a file of any format might hold, biased towards each format's syntax. */
const SYNTAX = [
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  '\n',
  '  ',
  '- ',
  '---\n',
  '&a ',
  '*a',
  '!!',
  '#',
  '<<: ',
  'FROM ',
  'RUN ',
  '\\\n',
  'resource "x" "y" {',
  '= ',
  '${',
  '%{',
  '<<EOF\n',
  'EOF\n',
  '\t',
  '\ufeff',
  '\r\n'
]
const fileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SYNTAX),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 })
    ),
    {
      maxLength: 40
    }
  )
  .map(parts => parts.join(''))

describe('parsers never crash (fast-check)', () => {
  it.each([
    ['a.yaml', 200],
    ['a.json', 200],
    ['Dockerfile', 200],
    ['main.tf', 60]
  ])('%s: documents or an error with a message, never an exception', async (name, numRuns) => {
    await fc.assert(
      fc.asyncProperty(fileText, async content => {
        const parsed = await parseFile(name, content)
        if (parsed.error) {
          expect(parsed.error.message.length).toBeGreaterThan(0)
          expect(parsed.documents).toEqual([])
          if (parsed.error.line !== undefined) expect(parsed.error.line).toBeGreaterThanOrEqual(1)
        } else {
          // What the policies get is plain JSON data with lines.
          expect(() => JSON.stringify(parsed.documents.map(d => d.value))).not.toThrow()
          for (const d of parsed.documents) expect(d.line).toBeGreaterThanOrEqual(1)
        }
      }),
      { numRuns }
    )
  })

  it('JSON: any JSON value comes back as itself', () => {
    fc.assert(
      fc.property(fc.jsonValue(), value => {
        const parsed = parseJson(JSON.stringify(value))
        if ('error' in parsed) throw new Error(parsed.error.message)
        expect(JSON.stringify(parsed.documents[0].value)).toBe(JSON.stringify(value))
      }),
      { numRuns: 200 }
    )
  })

  it('YAML: JSON-style documents of integers, booleans, null and printable strings come back as themselves', () => {
    const scalar = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)) })
    )
    const value = fc.letrec<{ node: unknown }>(tie => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.string({
            unit: fc.integer({ min: 0x61, max: 0x7a }).map(c => String.fromCharCode(c))
          }),
          tie('node'),
          { maxKeys: 4 }
        )
      )
    })).node
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', 'c') }),
          value
        ),
        doc => {
          const parsed = parseYaml(JSON.stringify(doc))
          if ('error' in parsed) throw new Error(parsed.error.message)
          expect(parsed.documents[0].value).toEqual(doc)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('nesting of any depth is a document or a depth error, never a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.boolean(), (depth, objects) => {
        const open = objects ? '{"a":' : '['
        const close = objects ? '}' : ']'
        const textOf = `${open.repeat(depth)}1${close.repeat(depth)}`
        for (const parsed of [parseJson(textOf), parseYaml(textOf)]) {
          if ('error' in parsed) expect(parsed.error.message).toMatch(/deeper than/)
          else expect(depth).toBeLessThanOrEqual(1000)
        }
      }),
      { numRuns: 60 }
    )
  })
})

// ---------------------------------------------------------------------------------------------

const ruleName = fc.oneof(
  fc.constantFrom('deny', 'warn', 'violation'),
  fc.stringMatching(/^(deny|warn|violation)_[a-z0-9]{1,6}$/)
)

/** What a rule can evaluate to: nothing, a set/array of strings and objects, or anything else. */
const ruleValue = fc.oneof(
  fc.constant(undefined),
  fc.array(
    fc.oneof(
      text,
      fc.record(
        {
          msg: fc.oneof(text, fc.jsonValue({ maxDepth: 1 })),
          _loc: fc.oneof(
            fc.record({ file: text, line: fc.integer() }, { requiredKeys: [] }),
            fc.jsonValue({ maxDepth: 1 })
          ),
          id: text,
          path: fc.array(fc.oneof(text, fc.integer()), { maxLength: 4 })
        },
        { requiredKeys: [] }
      ),
      fc.jsonValue({ maxDepth: 1 })
    ),
    { maxLength: 5 }
  ),
  fc.jsonValue({ maxDepth: 2 })
)

describe('the result normaliser never crashes (fast-check)', () => {
  it('any rule values become conftest results, or the one error conftest raises', () => {
    const plan: fc.Arbitrary<NamespacePlan> = fc
      .uniqueArray(ruleName, { minLength: 1, maxLength: 5 })
      .chain(rules =>
        fc.record({
          namespace: fc.constantFrom('main', 'k8s.rules'),
          rules: fc.constant(rules),
          ruleCount: fc.integer({ min: rules.length, max: rules.length + 3 }),
          hasException: fc.boolean()
        })
      )
    const output = (p: NamespacePlan): fc.Arbitrary<Record<string, unknown>> =>
      fc
        .tuple(
          fc.tuple(...p.rules.map(() => ruleValue)),
          fc.oneof(
            fc.constant(undefined),
            fc.array(fc.array(fc.oneof(fc.constantFrom('', 'x', 'deny'), text), { maxLength: 3 }), {
              maxLength: 3
            })
          )
        )
        .map(([values, exception]) => ({
          ...Object.fromEntries(p.rules.map((r, i) => [r, values[i]])),
          ...(exception !== undefined ? { exception } : {})
        }))

    fc.assert(
      fc.property(
        plan.chain(p => fc.tuple(fc.constant(p), output(p))),
        ([p, out]) => {
          let check: DocumentCheck
          try {
            check = checkDocument(p, out, 0)
          } catch (error) {
            expect(error).toBeInstanceOf(ResultShapeError)
            return
          }
          for (const r of check.failures) expect(isFailureRule(r.rule)).toBe(true)
          for (const r of check.warnings) expect(isWarningRule(r.rule)).toBe(true)
          for (const r of [...check.failures, ...check.warnings]) {
            expect(typeof r.msg).toBe('string')
            expect(r.msg).not.toBe('')
          }
          const total =
            check.successes +
            check.failures.length +
            check.warnings.length +
            check.exceptions.length
          expect(total).toBeGreaterThanOrEqual(p.ruleCount)
          const result = toCheckResult('a.yaml', p.namespace, check)
          expect(() => JSON.parse(renderConftestJson([result]))).not.toThrow()
        }
      ),
      { numRuns: 300 }
    )
  })
})

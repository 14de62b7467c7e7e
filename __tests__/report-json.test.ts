import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { CheckResult, Finding } from '../src/findings.js'
import {
  DETAILS_KEY,
  goJsonString,
  renderConftestJson,
  renderResultsJson
} from '../src/report/json.js'
import { conftestCases, haveConftest, runConftest } from './support/report-conftest.js'
import {
  finding,
  hostileStrings,
  sampleFindings,
  sampleResults
} from './support/report-fixtures.js'

const withConftest = haveConftest ? describe : describe.skip

withConftest('renderConftestJson', () => {
  it.each(conftestCases)('prints what conftest -o json prints for %s in %s', (file, namespace) => {
    const printed = runConftest({ file, namespace, format: 'json' })
    // Parsing loses conftest's key order; the renderer must restore Go's order and escaping.
    expect(renderConftestJson(JSON.parse(printed) as CheckResult[])).toBe(printed)
  })
})

describe('goJsonString', () => {
  it.each([
    ['plain', '"plain"'],
    ['<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['\b\f\n\r\t\u0000\u001f\u007f', '"\\b\\f\\n\\r\\t\\u0000\\u001f\u007f"'],
    ['line\u2028para\u2029', '"line\\u2028para\\u2029"'],
    ['lone \ud800 surrogate \udc00', '"lone \\ufffd surrogate \\ufffd"'],
    ['pair 😀', '"pair 😀"']
  ])('%j → %s', (text, json) => {
    expect(goJsonString(text)).toBe(json)
  })
})

describe('renderConftestJson', () => {
  it('sorts metadata keys by UTF-8 bytes, as Go sorts map keys', () => {
    const out = renderConftestJson([
      {
        filename: 'a.yaml',
        namespace: 'main',
        successes: 0,
        failures: [{ msg: 'm', metadata: { '😀': 1, '\uff21': 2, B: 3, a: 4, '10': 5, '9': 6 } }]
      }
    ])
    const keys = [...out.matchAll(/^\t{5}"([^"]+)"/gm)].map(m => m[1])
    expect(keys).toEqual(['10', '9', 'B', 'a', '\uff21', '😀'])
  })

  it('prints stdin as an empty file name and leaves out empty lists and metadata', () => {
    expect(
      renderConftestJson([
        {
          filename: '-',
          namespace: 'main',
          successes: 1,
          warnings: [],
          failures: [{ msg: 'x', metadata: {} }]
        }
      ])
    ).toBe(
      '[\n\t{\n\t\t"filename": "",\n\t\t"namespace": "main",\n\t\t"successes": 1,\n' +
        '\t\t"failures": [\n\t\t\t{\n\t\t\t\t"msg": "x"\n\t\t\t}\n\t\t]\n\t}\n]\n'
    )
  })

  it('prints no results as an empty list', () => {
    expect(renderConftestJson([])).toBe('[]\n')
  })
})

describe('renderResultsJson', () => {
  const parsed = (text: string) => JSON.parse(text) as Array<Record<string, unknown>>

  it('adds the rule ID, severity, line and document to each matching result', () => {
    const out = parsed(
      renderResultsJson(
        sampleResults,
        sampleFindings.map(f => ({ ...f, document: 0 }))
      )
    )
    expect(out[0].failures).toEqual([
      {
        msg: 'Containers must not run as root',
        metadata: { query: 'data.main.deny' },
        [DETAILS_KEY]: {
          ruleId: 'K8S-001',
          rule: 'deny',
          severity: 'failure',
          line: 12,
          document: 0,
          title: 'Run as non-root',
          remediation: 'Set securityContext.runAsNonRoot: true.'
        }
      }
    ])
    expect(out[1].exceptions).toEqual([
      {
        msg: 'data.main.exception[_][_] == "deny"',
        [DETAILS_KEY]: {
          ruleId: 'main.exception',
          rule: 'exception',
          severity: 'exception',
          line: 4,
          document: 0
        }
      }
    ])
  })

  it('is conftest’s JSON once the added key is removed', () => {
    const withoutParseErrors = sampleFindings.filter(f => f.severity !== 'error')
    const out = parsed(renderResultsJson(sampleResults, withoutParseErrors))
    for (const result of out) {
      for (const list of ['warnings', 'failures', 'exceptions']) {
        for (const entry of (result[list] ?? []) as Array<Record<string, unknown>>) {
          delete entry[DETAILS_KEY]
        }
      }
    }
    expect(renderConftestJson(out as unknown as CheckResult[])).toBe(
      renderConftestJson(sampleResults)
    )
  })

  it('lists a parse error as a failure of its file, so conftest consumers see it', () => {
    const out = parsed(renderResultsJson(sampleResults, sampleFindings))
    expect(out.at(-1)).toEqual({
      filename: 'terraform/plan.json',
      namespace: '',
      successes: 0,
      failures: [
        {
          msg: 'unexpected end of JSON input',
          loc: { file: 'terraform/plan.json', line: 3 },
          [DETAILS_KEY]: { ruleId: 'parse-error', rule: 'parse', severity: 'error', line: 3 }
        }
      ]
    })
  })

  it('matches a finding to its result when the file is spelled ./a.yaml in one of them', () => {
    const results: CheckResult[] = [
      {
        filename: './k8s/deployment.yaml',
        namespace: 'main',
        successes: 0,
        failures: [{ msg: 'm' }]
      }
    ]
    const out = parsed(renderResultsJson(results, [finding({ message: 'm' })]))
    expect(out).toHaveLength(1)
    expect((out[0].failures as Array<Record<string, unknown>>)[0][DETAILS_KEY]).toMatchObject({
      ruleId: 'K8S-001'
    })
  })

  it('matches identical messages to findings in order', () => {
    const results: CheckResult[] = [
      {
        filename: 'a.yaml',
        namespace: 'main',
        successes: 0,
        failures: [{ msg: 'same' }, { msg: 'same' }]
      }
    ]
    const findings = [3, 9].map(line => finding({ file: 'a.yaml', message: 'same', line }))
    const out = parsed(renderResultsJson(results, findings))
    const lines = (out[0].failures as Array<Record<string, { line: number }>>).map(
      e => e[DETAILS_KEY].line
    )
    expect(lines).toEqual([3, 9])
    expect(out).toHaveLength(1)
  })

  it('is valid JSON that keeps every message, whatever it holds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            message: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...hostileStrings)),
            file: fc.string({ unit: 'binary', maxLength: 20 }),
            severity: fc.constantFrom('failure', 'warning', 'exception', 'error' as const),
            metadata: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue())
          }),
          { maxLength: 10 }
        ),
        records => {
          const findings: Finding[] = records.map(r => finding(r))
          const results: CheckResult[] = findings
            .filter(f => f.severity !== 'error')
            .map(f => ({
              filename: f.file,
              namespace: f.namespace,
              successes: 1,
              [`${f.severity}s`]: [{ msg: f.message, metadata: f.metadata }]
            }))
          const out = parsed(renderResultsJson(results, findings))
          const messages = out.flatMap(r =>
            ['warnings', 'failures', 'exceptions'].flatMap(list =>
              ((r[list] ?? []) as Array<{ msg: string }>).map(e => e.msg)
            )
          )
          // Lone surrogates are not valid Unicode; Go (and so conftest) writes U+FFFD for them.
          const wellFormed = (s: string) => s.replace(/[\ud800-\udfff]/gu, '\ufffd')
          expect(messages.sort()).toEqual(findings.map(f => wellFormed(f.message)).sort())
        }
      ),
      { numRuns: 200 }
    )
  })
})

import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Finding } from '../src/findings.js'
import {
  FINGERPRINT_KEY,
  SARIF_MAX_GZIP_BYTES,
  SARIF_MAX_RESULTS,
  renderSarif,
  type SarifLog
} from '../src/report/sarif.js'
import { finding, hostileStrings, sampleFindings } from './support/report-fixtures.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The checks of the SARIF 2.1.0 schema (sarif-2.1.0.json) that apply to what policy-gate
 * writes: required properties, enums and minimums of the objects it emits, plus GitHub's
 * ingestion requirements (a location and a rule ID on every result, at most 25,000 results).
 * Returns the problems as `path: what` lines; empty when valid.
 */
function sarifProblems(log: SarifLog): string[] {
  const problems: string[] = []
  const check = (ok: boolean, where: string, what: string): void => {
    if (!ok) problems.push(`${where}: ${what}`)
  }
  const isText = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string'
  check(log.version === '2.1.0', 'version', 'must be "2.1.0"')
  check(Array.isArray(log.runs) && log.runs.length === 1, 'runs', 'must hold one run')
  for (const [r, run] of log.runs.entries()) {
    const driver = run.tool?.driver
    check(typeof driver?.name === 'string', `runs[${r}].tool.driver.name`, 'required string')
    const ids = new Set<string>()
    for (const [i, rule] of (driver?.rules ?? []).entries()) {
      const at = `runs[${r}].tool.driver.rules[${i}]`
      check(typeof rule.id === 'string' && rule.id !== '', `${at}.id`, 'required string')
      check(!ids.has(rule.id), `${at}.id`, 'must be unique')
      ids.add(rule.id)
      check(rule.name !== rule.id, `${at}.name`, 'must differ from id')
      for (const key of ['shortDescription', 'fullDescription', 'help'] as const) {
        check(isText(rule[key]), `${at}.${key}`, 'must have text')
      }
      check(
        ['none', 'note', 'warning', 'error'].includes(rule.defaultConfiguration.level),
        `${at}.defaultConfiguration.level`,
        'not a SARIF level'
      )
    }
    check(run.results.length <= SARIF_MAX_RESULTS, `runs[${r}].results`, 'over 25,000')
    for (const [i, result] of run.results.entries()) {
      const at = `runs[${r}].results[${i}]`
      check(isText(result.message), `${at}.message`, 'must have text')
      check(ids.has(result.ruleId), `${at}.ruleId`, 'must name a rule of the driver')
      check(driver.rules[result.ruleIndex]?.id === result.ruleId, `${at}.ruleIndex`, 'mismatch')
      check(['none', 'note', 'warning', 'error'].includes(result.level), `${at}.level`, 'enum')
      check(result.locations.length === 1, `${at}.locations`, 'GitHub needs a location')
      const physical = result.locations[0]?.physicalLocation
      const uri = physical?.artifactLocation.uri ?? ''
      check(
        uri !== '' && !/^[a-z]+:|^\/|[\s%](?![0-9A-F]{2})/i.test(uri),
        `${at}.locations[0].physicalLocation.artifactLocation.uri`,
        `must be a relative URI reference, got ${JSON.stringify(uri)}`
      )
      const line = physical?.region.startLine
      check(Number.isInteger(line) && (line ?? 0) >= 1, `${at}.region.startLine`, 'integer ≥ 1')
      for (const [key, value] of Object.entries(result.partialFingerprints)) {
        check(typeof value === 'string', `${at}.partialFingerprints.${key}`, 'string')
      }
      for (const s of result.suppressions ?? []) {
        check(['inSource', 'external'].includes(s.kind), `${at}.suppressions.kind`, 'enum')
      }
    }
    for (const invocation of run.invocations) {
      check(typeof invocation.executionSuccessful === 'boolean', 'invocation', 'boolean needed')
      for (const n of invocation.toolExecutionNotifications) {
        check(isText(n.message), 'notification.message', 'must have text')
        check(['none', 'note', 'warning', 'error'].includes(n.level), 'notification.level', 'enum')
      }
    }
  }
  return problems
}

const parse = (text: string): SarifLog => JSON.parse(text) as SarifLog

describe('renderSarif', () => {
  it('renders one run with rules from titles and remediations', () => {
    expect(parse(renderSarif(sampleFindings, { toolVersion: 'v1.2.3' }))).toMatchInlineSnapshot(`
     {
       "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
       "runs": [
         {
           "invocations": [
             {
               "executionSuccessful": true,
               "toolExecutionNotifications": [],
             },
           ],
           "results": [
             {
               "level": "error",
               "locations": [
                 {
                   "physicalLocation": {
                     "artifactLocation": {
                       "uri": "terraform/plan.json",
                       "uriBaseId": "%SRCROOT%",
                     },
                     "region": {
                       "startLine": 3,
                     },
                   },
                 },
               ],
               "message": {
                 "text": "unexpected end of JSON input",
               },
               "partialFingerprints": {
                 "policyGate/v1": "beda2caca71354f94ecd5a2325d67aff83616fcd10274b1838cad0be116a8093",
               },
               "properties": {
                 "namespace": "",
                 "rule": "parse",
               },
               "ruleId": "parse-error",
               "ruleIndex": 0,
             },
             {
               "level": "error",
               "locations": [
                 {
                   "physicalLocation": {
                     "artifactLocation": {
                       "uri": "k8s/deployment.yaml",
                       "uriBaseId": "%SRCROOT%",
                     },
                     "region": {
                       "startLine": 12,
                     },
                   },
                 },
               ],
               "message": {
                 "text": "Containers must not run as root",
               },
               "partialFingerprints": {
                 "policyGate/v1": "e968c64c1efba2e458c733ec56ff92417eed2d61fd0df00e3396b3d4d98fc9cc",
               },
               "properties": {
                 "namespace": "main",
                 "rule": "deny",
               },
               "ruleId": "K8S-001",
               "ruleIndex": 1,
             },
             {
               "level": "warning",
               "locations": [
                 {
                   "physicalLocation": {
                     "artifactLocation": {
                       "uri": "k8s/deployment.yaml",
                       "uriBaseId": "%SRCROOT%",
                     },
                     "region": {
                       "startLine": 20,
                     },
                   },
                 },
               ],
               "message": {
                 "text": "Image uses the latest tag",
               },
               "partialFingerprints": {
                 "policyGate/v1": "8d695620a53405551ea0b0d426f3d4911e49efcab13f23e7d1d4eb7a9a1b311f",
               },
               "properties": {
                 "namespace": "main",
                 "rule": "warn",
               },
               "ruleId": "K8S-010",
               "ruleIndex": 2,
             },
             {
               "level": "note",
               "locations": [
                 {
                   "physicalLocation": {
                     "artifactLocation": {
                       "uri": "k8s/legacy.yaml",
                       "uriBaseId": "%SRCROOT%",
                     },
                     "region": {
                       "startLine": 4,
                     },
                   },
                 },
               ],
               "message": {
                 "text": "data.main.exception\\[_\\]\\[_\\] == "deny"",
               },
               "partialFingerprints": {
                 "policyGate/v1": "f378de4ff8c29e0cf9715b890fe7d7916900d00aebbceb220f14eff600cbb83e",
               },
               "properties": {
                 "namespace": "main",
                 "rule": "exception",
               },
               "ruleId": "main.exception",
               "ruleIndex": 3,
               "suppressions": [
                 {
                   "justification": "Excepted by an exception rule of the policy.",
                   "kind": "external",
                 },
               ],
             },
           ],
           "tool": {
             "driver": {
               "name": "policy-gate",
               "rules": [
                 {
                   "defaultConfiguration": {
                     "level": "error",
                   },
                   "fullDescription": {
                     "text": "Parse or evaluation error from rule parse.",
                   },
                   "help": {
                     "text": "Parse or evaluation error: parse-error",
                   },
                   "id": "parse-error",
                   "name": "policy-gate.parse",
                   "properties": {
                     "tags": [
                       "policy-gate",
                       "parse",
                     ],
                   },
                   "shortDescription": {
                     "text": "Parse or evaluation error: parse-error",
                   },
                 },
                 {
                   "defaultConfiguration": {
                     "level": "error",
                   },
                   "fullDescription": {
                     "text": "Run as non-root (rule deny in package main)",
                   },
                   "help": {
                     "text": "Set securityContext.runAsNonRoot: true.",
                   },
                   "id": "K8S-001",
                   "name": "main.deny",
                   "properties": {
                     "tags": [
                       "policy-gate",
                       "policy",
                     ],
                   },
                   "shortDescription": {
                     "text": "Run as non-root",
                   },
                 },
                 {
                   "defaultConfiguration": {
                     "level": "warning",
                   },
                   "fullDescription": {
                     "text": "Policy warning from rule warn in package main.",
                   },
                   "help": {
                     "text": "Policy warning: K8S-010",
                   },
                   "id": "K8S-010",
                   "name": "main.warn",
                   "properties": {
                     "tags": [
                       "policy-gate",
                       "policy",
                     ],
                   },
                   "shortDescription": {
                     "text": "Policy warning: K8S-010",
                   },
                 },
                 {
                   "defaultConfiguration": {
                     "level": "note",
                   },
                   "fullDescription": {
                     "text": "Policy exception from rule exception in package main.",
                   },
                   "help": {
                     "text": "Policy exception: main.exception",
                   },
                   "id": "main.exception",
                   "properties": {
                     "tags": [
                       "policy-gate",
                       "policy",
                     ],
                   },
                   "shortDescription": {
                     "text": "Policy exception: main.exception",
                   },
                 },
               ],
               "semanticVersion": "1.2.3",
             },
           },
         },
       ],
       "version": "2.1.0",
     }
    `)
  })

  it('gives the same fingerprint when lines move, and a different one per occurrence', () => {
    const fingerprints = (findings: Finding[]): string[] =>
      parse(renderSarif(findings)).runs[0].results.map(r => r.partialFingerprints[FINGERPRINT_KEY])
    const before = fingerprints([finding({ line: 3 }), finding({ line: 9 })])
    const after = fingerprints([finding({ line: 30 }), finding({ line: 90 })])
    expect(after).toEqual(before)
    expect(new Set(before).size).toBe(2)
  })

  it('escapes brackets so a message cannot embed a SARIF link', () => {
    const log = parse(renderSarif([finding({ message: 'see [here](https://evil.example)' })]))
    expect(log.runs[0].results[0].message.text).toBe('see \\[here\\](https://evil.example)')
  })

  it('keeps the 25,000 most severe results and says how many were left out', () => {
    const findings = [
      ...Array.from({ length: SARIF_MAX_RESULTS }, (_, i) =>
        finding({ severity: 'warning', line: i + 1, message: `w${i}` })
      ),
      finding({ line: 1, message: 'the failure' })
    ]
    const text = renderSarif(findings)
    expect(gzipSync(text).length).toBeLessThan(SARIF_MAX_GZIP_BYTES)
    const log = parse(text)
    const run = log.runs[0]
    expect(run.results).toHaveLength(SARIF_MAX_RESULTS)
    expect(run.results[0]).toMatchObject({ level: 'error', message: { text: 'the failure' } })
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text:
            '1 of 25001 results were left out, the least severe first: GitHub code scanning ' +
            'accepts at most 25,000 results per run and 10 MB gzipped per upload. All of them ' +
            'are in the results file.'
        },
        descriptor: { id: 'policy-gate/results-left-out' }
      }
    ])
    expect(sarifProblems(log)).toEqual([])
  })

  it('trims to the gzip size limit, measured', () => {
    // Random messages do not compress: 400 of 4,096 characters are well over 200 KB gzipped.
    const random = fc.sample(fc.string({ minLength: 4096, maxLength: 4096 }), {
      numRuns: 400,
      seed: 7
    })
    const findings = random.map((message, i) => finding({ line: i + 1, message }))
    const text = renderSarif(findings, { maxGzipBytes: 200_000, resultsFile: 'results.json' })
    expect(gzipSync(text).length).toBeLessThanOrEqual(200_000)
    const log = parse(text)
    const kept = log.runs[0].results.length
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(400)
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(
      new RegExp(`^${400 - kept} of 400 results were left out.*the results file results\\.json\\.$`)
    )
  })

  it('cuts long messages, encodes paths as URIs, and never writes a line below 1', () => {
    const log = parse(
      renderSarif([
        finding({ message: 'x'.repeat(70_000), file: 'dir with space/a#1.yaml', line: undefined })
      ])
    )
    const result = log.runs[0].results[0]
    expect(result.message.text).toHaveLength(4096)
    expect(result.message.text.endsWith('…')).toBe(true)
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'dir%20with%20space/a%231.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 }
    })
  })

  it('produces valid SARIF for hostile and random messages and file names (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            message: fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom(...hostileStrings)),
            file: fc.string({ minLength: 1, maxLength: 40 }),
            id: fc.string({ minLength: 1, maxLength: 20 }),
            severity: fc.constantFrom('failure', 'warning', 'exception', 'error' as const),
            line: fc.option(fc.integer({ min: -3, max: 100_000 }), { nil: undefined })
          }),
          { maxLength: 20 }
        ),
        records => {
          const log = parse(renderSarif(records.map(r => finding(r))))
          expect(sarifProblems(log)).toEqual([])
        }
      ),
      { numRuns: 200 }
    )
  })
})

/**
 * Microsoft's SARIF multitool, with GitHub's ingestion rules (`--rule-kind Sarif;Gh`): the
 * self-contained binary of the devDependency @microsoft/sarif-multitool's platform package, or
 * $SARIF_MULTITOOL. Not its `bin.js`: that wrapper passes the arguments through a shell unquoted,
 * which reads the `;` of `Sarif;Gh` as the end of the command.
 */
const multitool = [
  process.env.SARIF_MULTITOOL,
  path.join(
    repoRoot,
    'node_modules',
    '@microsoft',
    `sarif-multitool-${process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'darwin' : 'linux'}`,
    process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool'
  )
]
  .filter((p): p is string => p !== undefined && p !== '')
  .find(p => existsSync(p))
if (multitool === undefined) {
  console.warn(
    'SARIF multitool not installed (npm i -D @microsoft/sarif-multitool): skipping its validation; the schema checks above still run'
  )
}
const withMultitool = multitool ? describe : describe.skip

withMultitool('the SARIF multitool', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-sarif-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('finds no errors or warnings, with GitHub ingestion rules, in what policy-gate writes', () => {
    const logs = {
      'sample.sarif': renderSarif(sampleFindings, {
        toolVersion: '1.2.3',
        informationUri: 'https://github.com/acme/policy-gate'
      }),
      'hostile.sarif': renderSarif(
        hostileStrings.map((message, i) =>
          finding({ message, file: `d/${message.slice(0, 50)}`, line: i + 1 })
        ),
        { toolVersion: '1.2.3', informationUri: 'https://github.com/acme/policy-gate' }
      ),
      'trimmed.sarif': renderSarif(
        Array.from({ length: 30 }, (_, i) => finding({ line: i + 1 })),
        {
          maxResults: 10,
          toolVersion: '1.2.3',
          informationUri: 'https://github.com/acme/policy-gate'
        }
      )
    }
    for (const [name, text] of Object.entries(logs)) writeFileSync(path.join(dir, name), text)
    const output = path.join(dir, 'validation.sarif')
    const run = spawnSync(
      multitool as string,
      [
        'validate',
        ...Object.keys(logs).map(n => path.join(dir, n)),
        '--rule-kind',
        'Sarif;Gh',
        '-o',
        output,
        '--log',
        'ForceOverwrite',
        '-q'
      ],
      { encoding: 'utf8', timeout: 120_000 }
    )
    expect(run.error).toBeUndefined()
    const validation = parse(readFileSync(output, 'utf8'))
    const reported = validation.runs[0].results.map(
      r => `${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message)}`
    )
    expect(reported).toEqual([])
  })
})

import { afterAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { renderJUnit } from '../src/report/junit.js'
import {
  conftestCases,
  conftestResults,
  haveConftest,
  runConftest
} from './support/report-conftest.js'
import {
  finding,
  findingsFromResults,
  hostileStrings,
  sampleFindings,
  sampleResults
} from './support/report-fixtures.js'

/**
 * Parses JUnit XML files with Python's expat-based xml.etree (a real, strict XML parser) into
 * the structure CI systems read. Python is on GitHub's runners; the tests skip without it.
 */
const PARSE = `
import json, sys
import xml.etree.ElementTree as ET
out = []
for name in sys.argv[1:]:
    try:
        root = ET.parse(name).getroot()
    except ET.ParseError as e:
        out.append({"error": str(e)})
        continue
    suites = []
    for s in root.iter("testsuite"):
        cases = []
        for c in s.iter("testcase"):
            outcome = next((k for k in c if k.tag in ("failure", "error", "skipped")), None)
            cases.append({
                "classname": c.get("classname"), "name": c.get("name"),
                "outcome": outcome.tag if outcome is not None else "passed",
                "message": outcome.get("message") if outcome is not None else None,
                "text": outcome.text if outcome is not None else None})
        suites.append({"name": s.get("name"), "tests": int(s.get("tests")),
                       "failures": int(s.get("failures")), "cases": cases})
    out.append({"suites": suites})
print(json.dumps(out))
`
interface ParsedCase {
  classname: string
  name: string
  outcome: 'passed' | 'failure' | 'error' | 'skipped'
  message: string | null
  text: string | null
}
interface Parsed {
  error?: string
  suites: Array<{ name: string; tests: number; failures: number; cases: ParsedCase[] }>
}

const python = spawnSync('python3', ['--version']).status === 0
if (!python) console.warn('python3 not found: skipping the JUnit XML parsing tests')
const withPython = python ? describe : describe.skip

const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-junit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function parseXml(documents: string[]): Parsed[] {
  const files = documents.map((xml, i) => {
    const file = path.join(dir, `doc-${i}.xml`)
    writeFileSync(file, xml)
    return file
  })
  const run = spawnSync('python3', ['-c', PARSE, ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 28
  })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Parsed[]
}

describe('renderJUnit', () => {
  it('renders suites per namespace, failures, skipped exceptions and errors', () => {
    expect(renderJUnit(sampleResults, sampleFindings)).toMatchInlineSnapshot(`
     "<?xml version="1.0" encoding="UTF-8"?>
     <testsuites>
     	<testsuite tests="18" failures="2" errors="0" skipped="1" time="0.000" name="conftest.main">
     		<testcase classname="conftest.main" name="k8s/deployment.yaml - Image uses the latest tag" file="k8s/deployment.yaml" time="0.000">
     			<failure message="K8S-010: Image uses the latest tag" type="warning">Image uses the latest tag&#xA;&#xA;Rule K8S-010 (main.warn) at k8s/deployment.yaml:20</failure>
     		</testcase>
     		<testcase classname="conftest.main" name="k8s/deployment.yaml - Containers must not run as root" file="k8s/deployment.yaml" time="0.000">
     			<failure message="K8S-001: Containers must not run as root" type="failure">Containers must not run as root&#xA;&#xA;Rule K8S-001 (main.deny) at k8s/deployment.yaml:12</failure>
     		</testcase>
     		<testcase classname="conftest.main" name="k8s/deployment.yaml" file="k8s/deployment.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/deployment.yaml" file="k8s/deployment.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/deployment.yaml" file="k8s/deployment.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/deployment.yaml" file="k8s/deployment.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/legacy.yaml - data.main.exception[_][_] == &#34;deny&#34;" file="k8s/legacy.yaml" time="0.000">
     			<skipped message="exception: main.exception: data.main.exception[_][_] == &#34;deny&#34;"></skipped>
     		</testcase>
     		<testcase classname="conftest.main" name="k8s/legacy.yaml" file="k8s/legacy.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/legacy.yaml" file="k8s/legacy.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/legacy.yaml" file="k8s/legacy.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/legacy.yaml" file="k8s/legacy.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/legacy.yaml" file="k8s/legacy.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/service.yaml" file="k8s/service.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/service.yaml" file="k8s/service.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/service.yaml" file="k8s/service.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/service.yaml" file="k8s/service.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/service.yaml" file="k8s/service.yaml" time="0.000"></testcase>
     		<testcase classname="conftest.main" name="k8s/service.yaml" file="k8s/service.yaml" time="0.000"></testcase>
     	</testsuite>
     	<testsuite tests="1" failures="0" errors="1" skipped="0" time="0.000" name="policy-gate">
     		<testcase classname="policy-gate" name="terraform/plan.json - unexpected end of JSON input" file="terraform/plan.json" time="0.000">
     			<error message="parse-error: unexpected end of JSON input" type="parse">unexpected end of JSON input&#xA;&#xA;Rule parse-error (parse) at terraform/plan.json:3</error>
     		</testcase>
     	</testsuite>
     </testsuites>
     "
    `)
  })

  it('renders an empty report as an empty test suite list', () => {
    expect(renderJUnit([], [])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n</testsuites>\n'
    )
  })
})

withPython('JUnit XML read by a real parser', () => {
  it('keeps every hostile string intact as text, in names, messages and bodies', () => {
    const findings = hostileStrings.map((message, i) =>
      finding({ message: `${message}\u0000\u001b`, file: `f${i}/${message.slice(0, 30)}` })
    )
    const [parsed] = parseXml([renderJUnit([], findings)])
    expect(parsed.error).toBeUndefined()
    const cases = parsed.suites.flatMap(s => s.cases)
    expect(cases).toHaveLength(hostileStrings.length)
    for (const [i, message] of hostileStrings.entries()) {
      // Characters XML cannot carry (NUL, ESC) become U+FFFD; everything else survives, even
      // carriage returns (written as references, so the parser does not normalize them).
      expect(cases[i].text?.startsWith(`${message}\ufffd\ufffd\n\nRule K8S-001`)).toBe(true)
      expect(cases[i].message).toBe(`K8S-001: ${`${message}\ufffd\ufffd`.split('\n')[0]}`)
    }
  })

  it('is well-formed for random messages and file names (property)', () => {
    const inputs = fc.sample(
      fc.array(
        fc.record({
          message: fc.string({ unit: 'binary', maxLength: 80 }),
          file: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
          namespace: fc.string({ maxLength: 10 }),
          severity: fc.constantFrom('failure', 'warning', 'exception', 'error' as const)
        }),
        { maxLength: 8 }
      ),
      { numRuns: 150, seed: 42 }
    )
    const parsed = parseXml(
      inputs.map(records =>
        renderJUnit(
          [],
          records.map(r => finding(r))
        )
      )
    )
    for (const [i, doc] of parsed.entries()) {
      expect({ input: inputs[i], error: doc.error }).toEqual({ input: inputs[i], error: undefined })
      expect(doc.suites.flatMap(s => s.cases)).toHaveLength(inputs[i].length)
    }
  })

  const withConftest = haveConftest ? describe : describe.skip
  withConftest('next to conftest -o junit', () => {
    it.each(conftestCases)('has conftest’s suites and cases for %s in %s', (file, namespace) => {
      const results = conftestResults(file, namespace)
      const [ours, theirs] = parseXml([
        renderJUnit(results, findingsFromResults(results)),
        runConftest({ file, namespace, format: 'junit' })
      ])
      // conftest has no place for exceptions; policy-gate adds them as skipped cases.
      const comparable = (doc: Parsed) =>
        doc.suites.map(s => ({
          name: s.name,
          failures: s.failures,
          cases: s.cases
            .filter(c => c.outcome !== 'skipped')
            .map(c => ({ classname: c.classname, name: c.name, failed: c.outcome === 'failure' }))
        }))
      expect(comparable(ours)).toEqual(comparable(theirs))
    })
  })
})

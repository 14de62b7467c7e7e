import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Finding, Severity } from '../src/findings.js'
import {
  ANNOTATIONS_PER_KIND,
  ANNOTATION_MESSAGE_LIMIT,
  TITLE_LIMIT,
  planAnnotations,
  type PlannedAnnotation
} from '../src/report/annotations.js'
import { finding, hostileStrings, sampleFindings } from './support/report-fixtures.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const many = (severity: Severity, n: number): Finding[] =>
  Array.from({ length: n }, (_, i) =>
    finding({ severity, file: `f${String(i).padStart(2, '0')}.yaml`, line: i + 1 })
  )
const kinds = (plan: PlannedAnnotation[]) =>
  plan.reduce<Record<string, number>>((n, a) => ({ ...n, [a.kind]: (n[a.kind] ?? 0) + 1 }), {})

describe('planAnnotations', () => {
  it('maps severities to annotation kinds, most severe first', () => {
    expect(planAnnotations(sampleFindings)).toEqual([
      {
        kind: 'error',
        message: 'unexpected end of JSON input',
        properties: { title: 'parse-error', file: 'terraform/plan.json', startLine: 3 }
      },
      {
        kind: 'error',
        message: 'Containers must not run as root',
        properties: {
          title: 'K8S-001: Run as non-root',
          file: 'k8s/deployment.yaml',
          startLine: 12
        }
      },
      {
        kind: 'warning',
        message: 'Image uses the latest tag',
        properties: { title: 'K8S-010', file: 'k8s/deployment.yaml', startLine: 20 }
      },
      {
        kind: 'notice',
        message: 'data.main.exception[_][_] == "deny"',
        properties: { title: 'main.exception (exception)', file: 'k8s/legacy.yaml', startLine: 4 }
      }
    ])
  })

  it.each(['failure', 'warning', 'exception'] as const)(
    'keeps exactly 10 %s annotations without a "more" notice',
    severity => {
      const plan = planAnnotations(many(severity, ANNOTATIONS_PER_KIND))
      expect(plan).toHaveLength(10)
      expect(plan.some(a => a.message.includes('more finding'))).toBe(false)
    }
  )

  it('shows 10 of 11 errors and says 1 more is in the summary and results file', () => {
    const plan = planAnnotations(many('failure', 11), { resultsFile: 'policy-gate-results.json' })
    expect(kinds(plan)).toEqual({ error: 10, notice: 1 })
    expect(plan.at(-1)).toEqual({
      kind: 'notice',
      message:
        '1 more finding is not shown as annotations (1 failure): GitHub shows at most 10 ' +
        'annotations of each kind per step. See the job summary and the results file ' +
        'policy-gate-results.json for all of them.',
      properties: { title: 'policy-gate: 1 more not annotated' }
    })
    // The most severe are kept: the first ten files in order.
    expect(plan.slice(0, 10).map(a => a.properties.file)).toEqual(
      many('failure', 10).map(f => f.file)
    )
  })

  it('shows 10 of 11 warnings', () => {
    const plan = planAnnotations(many('warning', 11))
    expect(kinds(plan)).toEqual({ warning: 10, notice: 1 })
    expect(plan.at(-1)?.message).toMatch(
      /^1 more finding is not shown as annotations \(1 warning\)/
    )
  })

  it('shows 9 of 11 exceptions, since the "more" notice takes a notice slot', () => {
    const plan = planAnnotations(many('exception', 11))
    expect(kinds(plan)).toEqual({ notice: 10 })
    expect(plan.at(-1)?.message).toMatch(
      /^2 more findings are not shown as annotations \(2 exceptions\)/
    )
  })

  it('never exceeds 10 of each kind, and counts everything left out', () => {
    const findings = [
      ...many('exception', 30),
      ...many('warning', 25),
      ...many('failure', 12),
      ...many('error', 3)
    ]
    const plan = planAnnotations(findings)
    expect(kinds(plan)).toEqual({ error: 10, warning: 10, notice: 10 })
    expect(
      plan
        .filter(a => a.kind === 'error')
        .slice(0, 3)
        .map(a => a.properties.title)
    ).toEqual(['K8S-001', 'K8S-001', 'K8S-001'])
    expect(plan.at(-1)?.message).toMatch(
      /^41 more findings are not shown as annotations \(5 failures, 15 warnings, 21 exceptions\)/
    )
  })

  it('keeps titles within 255 characters with the rule ID first, and long messages cut', () => {
    const [annotation] = planAnnotations([
      finding({
        id: 'K8S-001',
        title: `very\nlong ${'t'.repeat(400)}`,
        message: 'm'.repeat(70_000)
      })
    ])
    expect(annotation.properties.title).toHaveLength(TITLE_LIMIT)
    expect(annotation.properties.title).toMatch(/^K8S-001: very long t+…$/)
    expect(annotation.message).toHaveLength(ANNOTATION_MESSAGE_LIMIT)
    expect(annotation.message.endsWith('…')).toBe(true)
  })

  it('leaves out a line the finding does not have', () => {
    const [annotation] = planAnnotations([finding({ line: undefined })])
    expect(annotation.properties).toEqual({ title: 'K8S-001', file: 'k8s/deployment.yaml' })
  })
})

describe('the planned annotations through @actions/core', () => {
  it('stay one workflow command each, whatever the message or file name', () => {
    const findings = hostileStrings.map((message, i) =>
      finding({ message, file: `dir/${message.slice(0, 40)}`, title: message, line: i + 1 })
    )
    const plan = planAnnotations(findings)
    // A child process, as the runner sees it: core writes the commands to stdout.
    const script = `
      import * as core from '@actions/core'
      const plan = JSON.parse(process.env.PLAN)
      for (const a of plan) core[a.kind](a.message, a.properties)
    `
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', PLAN: JSON.stringify(plan) }
    })
    expect(run.stderr).toBe('')
    const lines = run.stdout.trimEnd().split(/\r?\n/)
    expect(lines).toHaveLength(plan.length)
    for (const [i, line] of lines.entries()) {
      const [, kind, properties, message] = /^::(\w+) ([^:]*)::(.*)$/.exec(line) ?? []
      expect(kind).toBe(plan[i].kind)
      // Unescaped as the runner does, the properties and message are the planned ones.
      const unescape = (s: string) =>
        s
          .replace(/%3A/g, ':')
          .replace(/%2C/g, ',')
          .replace(/%0D/g, '\r')
          .replace(/%0A/g, '\n')
          .replace(/%25/g, '%')
      expect(unescape(message)).toBe(plan[i].message)
      const props = Object.fromEntries(
        properties.split(',').map(p => {
          const [key, ...value] = p.split('=')
          return [key, unescape(value.join('='))]
        })
      )
      expect(props.title).toBe(plan[i].properties.title)
      expect(props.file).toBe(plan[i].properties.file)
      expect(props.line).toBe(plan[i].properties.startLine?.toString())
    }
  })
})

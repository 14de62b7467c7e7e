/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run of the
 * `policy-gate` tool, a rule per rule ID, a result per finding. Within GitHub's upload limits:
 * results past 25,000 or past 10 MB gzipped are left out, most severe kept, and a run-level
 * notification says how many.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Finding, Severity } from '../findings.js'
import { encodePath, escapeSarifText, truncate } from './escape.js'

/** GitHub code scanning keeps at most this many results of a run. */
export const SARIF_MAX_RESULTS = 25_000
/** GitHub refuses a SARIF upload larger than this once gzipped. */
export const SARIF_MAX_GZIP_BYTES = 10 * 1024 * 1024
/** A result message longer than this is cut; the results file has the full text. */
export const SARIF_MESSAGE_LIMIT = 4096

export type SarifLevel = 'error' | 'warning' | 'note'

const LEVEL: Record<Severity, SarifLevel> = {
  error: 'error',
  failure: 'error',
  warning: 'warning',
  exception: 'note'
}
const RANK: Record<Severity, number> = { error: 0, failure: 1, warning: 2, exception: 3 }

/** What a rule is, when the policy gives no title (conftest's SARIF descriptions). */
const DESCRIPTION: Record<Severity, string> = {
  failure: 'Policy violation',
  error: 'Parse or evaluation error',
  warning: 'Policy warning',
  exception: 'Policy exception'
}

interface Text {
  text: string
}

export interface SarifRule {
  id: string
  /** Left out when it would equal the ID, as SARIF asks (§3.49.7). */
  name?: string
  shortDescription: Text
  fullDescription: Text
  help: Text
  defaultConfiguration: { level: SarifLevel }
  properties: { tags: string[] }
}

export interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: SarifLevel
  message: Text
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' }
      region: { startLine: number }
    }
  }>
  partialFingerprints: Record<string, string>
  suppressions?: Array<{ kind: 'external'; justification: string }>
  properties: { namespace: string; rule: string; document?: number }
}

export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: Array<{
    tool: {
      driver: {
        name: string
        semanticVersion?: string
        informationUri?: string
        rules: SarifRule[]
      }
    }
    results: SarifResult[]
    invocations: Array<{
      executionSuccessful: boolean
      toolExecutionNotifications: Array<{
        level: 'warning'
        message: Text
        descriptor: { id: string }
      }>
    }>
  }>
}

export interface SarifOptions {
  /** policy-gate's version, as `semanticVersion` (no leading `v`). */
  toolVersion?: string
  /** Where people can read about the tool. */
  informationUri?: string
  /** Limits, GitHub's by default; smaller ones let tests reach them cheaply. */
  maxResults?: number
  maxGzipBytes?: number
  /** Name of the results file, named in the notification when results are left out. */
  resultsFile?: string
}

/** The fingerprint key policy-gate owns; GitHub adds `primaryLocationLineHash` itself. */
export const FINGERPRINT_KEY = 'policyGate/v1'

function byPriority(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    (a.line ?? 0) - (b.line ?? 0)
  )
}

function ruleFor(finding: Finding): SarifRule {
  const description = finding.title ?? `${DESCRIPTION[finding.severity]}: ${finding.id}`
  const name = `${finding.namespace === '' ? 'policy-gate' : finding.namespace}.${finding.rule}`
  return {
    id: finding.id,
    ...(name !== finding.id ? { name } : {}),
    shortDescription: { text: truncate(description, 1024) },
    fullDescription: {
      text: truncate(
        finding.title
          ? `${finding.title} (rule ${finding.rule} in package ${finding.namespace})`
          : `${DESCRIPTION[finding.severity]} from rule ${finding.rule}` +
              (finding.namespace === '' ? '.' : ` in package ${finding.namespace}.`),
        4096
      )
    },
    help: { text: truncate(finding.remediation ?? description, 4096) },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: { tags: ['policy-gate', finding.namespace === '' ? 'parse' : 'policy'] }
  }
}

/**
 * A fingerprint that survives lines moving: rule, file, message, and which occurrence of that
 * triple it is (two identical findings in one file stay two alerts).
 */
function fingerprint(finding: Finding, occurrence: number): string {
  return createHash('sha256')
    .update(JSON.stringify([finding.id, finding.file, finding.message, occurrence]))
    .digest('hex')
}

/** A URI reference relative to the checkout (`%SRCROOT%`), whatever the path looks like. */
function artifactUri(file: string): string {
  const relative = file.replace(/^(?:\.?\/)+/, '')
  return relative === '' ? '.' : encodePath(relative)
}

function resultFor(finding: Finding, ruleIndex: number, occurrence: number): SarifResult {
  const result: SarifResult = {
    ruleId: finding.id,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: {
      text: escapeSarifText(truncate(finding.message || finding.id, SARIF_MESSAGE_LIMIT))
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(finding.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: finding.line !== undefined && finding.line >= 1 ? finding.line : 1 }
        }
      }
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding, occurrence) },
    properties: {
      namespace: finding.namespace,
      rule: finding.rule,
      ...(finding.document !== undefined ? { document: finding.document } : {})
    }
  }
  if (finding.severity === 'exception') {
    result.suppressions = [
      { kind: 'external', justification: 'Excepted by an exception rule of the policy.' }
    ]
  }
  return result
}

function build(findings: readonly Finding[], options: SarifOptions, total: number): SarifLog {
  const rules: SarifRule[] = []
  const ruleIndex = new Map<string, number>()
  const seen = new Map<string, number>()
  const results = findings.map(finding => {
    let index = ruleIndex.get(finding.id)
    if (index === undefined) {
      index = rules.push(ruleFor(finding)) - 1
      ruleIndex.set(finding.id, index)
    }
    const key = JSON.stringify([finding.id, finding.file, finding.message])
    const occurrence = seen.get(key) ?? 0
    seen.set(key, occurrence + 1)
    return resultFor(finding, index, occurrence)
  })
  const left = total - findings.length
  const where = options.resultsFile ? `the results file ${options.resultsFile}` : 'the results file'
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'policy-gate',
            ...(options.toolVersion
              ? { semanticVersion: options.toolVersion.replace(/^v/, '') }
              : {}),
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules
          }
        },
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications:
              left === 0
                ? []
                : [
                    {
                      level: 'warning',
                      message: {
                        text:
                          `${left} of ${total} results were left out, the least severe first: ` +
                          'GitHub code scanning accepts at most ' +
                          `${(options.maxResults ?? SARIF_MAX_RESULTS).toLocaleString('en-US')} ` +
                          'results per run and 10 MB gzipped per upload. All of them are in ' +
                          `${where}.`
                      },
                      descriptor: { id: 'policy-gate/results-left-out' }
                    }
                  ]
          }
        ]
      }
    ]
  }
}

const serialize = (log: SarifLog): string => `${JSON.stringify(log, null, 2)}\n`

/**
 * The SARIF log for `findings`, as text. Results are ordered most severe first, so when limits
 * force some out, failures are the last to go.
 */
export function renderSarif(findings: readonly Finding[], options: SarifOptions = {}): string {
  const maxResults = options.maxResults ?? SARIF_MAX_RESULTS
  const maxGzip = options.maxGzipBytes ?? SARIF_MAX_GZIP_BYTES
  const sorted = [...findings].sort(byPriority)
  let kept = Math.min(sorted.length, maxResults)
  for (;;) {
    const text = serialize(build(sorted.slice(0, kept), options, sorted.length))
    const size = gzipSync(text).length
    if (size <= maxGzip || kept === 0) return text
    // Shrink in proportion to the overshoot (with a margin), then measure again.
    kept = Math.min(kept - 1, Math.floor((kept * maxGzip * 0.95) / size))
    kept = Math.max(kept, 0)
  }
}

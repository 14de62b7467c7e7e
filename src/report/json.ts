/**
 * The results file, in conftest's `-o json` shape, and conftest's exact JSON bytes.
 *
 * conftest marshals with Go's encoding/json and indents with tabs: struct fields in declaration
 * order, map keys sorted by bytes, `<`, `>`, `&`, U+2028 and U+2029 escaped, empty lists and
 * metadata left out (`omitempty`). `GoStruct` marks the objects whose key order is fixed; every
 * other object is a map and is sorted.
 */
import path from 'node:path'
import type { CheckResult, CheckResultEntry, Finding, Severity } from '../findings.js'

/** An object whose keys keep their order, as a Go struct's fields do. */
class GoStruct {
  constructor(readonly fields: ReadonlyArray<readonly [string, unknown]>) {}
}

const GO_SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t'
}

/** A JSON string as Go's encoding/json writes it (HTML-safe, invalid UTF-16 as U+FFFD). */
export function goJsonString(text: string): string {
  const escaped = text.replace(
    // eslint-disable-next-line no-control-regex
    /["\\\u0000-\u001f<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    c => {
      const short = GO_SHORT_ESCAPES[c]
      if (short !== undefined) return short
      const code = c.charCodeAt(0)
      if (code >= 0xd800 && code <= 0xdfff) return '\\ufffd'
      return `\\u${code.toString(16).padStart(4, '0')}`
    }
  )
  return `"${escaped}"`
}

/** Go sorts map keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

function goNumber(n: number): string {
  // encoding/json refuses NaN and infinities; a policy cannot produce them from JSON data.
  return Number.isFinite(n) ? JSON.stringify(n) : 'null'
}

/** `json.Marshal` followed by `json.Indent(.., "", "\t")`. */
function encode(value: unknown, depth: number): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return goJsonString(value)
  if (typeof value === 'number') return goNumber(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const inner = '\n' + '\t'.repeat(depth + 1)
  const close = '\n' + '\t'.repeat(depth)
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[${inner}${value.map(v => encode(v, depth + 1)).join(`,${inner}`)}${close}]`
  }
  const fields =
    value instanceof GoStruct
      ? value.fields.filter(([, v]) => v !== undefined)
      : Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => byUtf8(a, b))
  if (fields.length === 0) return '{}'
  const members = fields.map(([k, v]) => `${goJsonString(k)}: ${encode(v, depth + 1)}`)
  return `{${inner}${members.join(`,${inner}`)}${close}}`
}

const nonEmpty = <T>(list: T[] | undefined): T[] | undefined =>
  list !== undefined && list.length > 0 ? list : undefined

const hasKeys = (map: Record<string, unknown> | undefined): map is Record<string, unknown> =>
  map !== undefined && Object.keys(map).length > 0

/** policy-gate's own fields on a result, under one key that conftest consumers ignore. */
export interface ResultDetails {
  ruleId: string
  rule: string
  severity: Severity
  line?: number
  document?: number
  title?: string
  remediation?: string
}

/** The key the details are written under on each result object. */
export const DETAILS_KEY = 'policyGate'

type Entry = CheckResultEntry & { [DETAILS_KEY]?: ResultDetails }
type Result = Omit<CheckResult, 'warnings' | 'failures' | 'exceptions'> & {
  warnings?: Entry[]
  failures?: Entry[]
  exceptions?: Entry[]
}

function entryStruct(entry: Entry): GoStruct {
  const loc = entry.loc
  const details = entry[DETAILS_KEY]
  return new GoStruct([
    ['msg', entry.msg],
    [
      'loc',
      loc === undefined
        ? undefined
        : new GoStruct([
            ['file', loc.file === '' ? undefined : loc.file],
            ['line', loc.line]
          ])
    ],
    ['metadata', hasKeys(entry.metadata) ? entry.metadata : undefined],
    ['outputs', nonEmpty(entry.outputs)],
    [
      DETAILS_KEY,
      details === undefined
        ? undefined
        : new GoStruct([
            ['ruleId', details.ruleId],
            ['rule', details.rule],
            ['severity', details.severity],
            ['line', details.line],
            ['document', details.document],
            ['title', details.title],
            ['remediation', details.remediation]
          ])
    ]
  ])
}

function resultStruct(result: Result): GoStruct {
  const list = (items: Entry[] | undefined): GoStruct[] | undefined =>
    nonEmpty(items)?.map(entryStruct)
  return new GoStruct([
    // conftest prints stdin ("-") as an empty file name.
    ['filename', result.filename === '-' ? '' : result.filename],
    ['namespace', result.namespace],
    ['successes', result.successes],
    ['warnings', list(result.warnings)],
    ['failures', list(result.failures)],
    ['exceptions', list(result.exceptions)]
  ])
}

function render(results: readonly Result[]): string {
  return `${encode(results.map(resultStruct), 0)}\n`
}

/** Exactly what `conftest test -o json` prints for these results. */
export function renderConftestJson(results: readonly CheckResult[]): string {
  return render(results)
}

const LISTS = { failure: 'failures', warning: 'warnings', exception: 'exceptions' } as const

function detailsOf(finding: Finding): ResultDetails {
  return {
    ruleId: finding.id,
    rule: finding.rule,
    severity: finding.severity,
    line: finding.line,
    document: finding.document,
    title: finding.title,
    remediation: finding.remediation
  }
}

/**
 * The results file: conftest's JSON for `results`, with each result object carrying
 * `policyGate: { ruleId, rule, severity, line, document, ... }` from its finding. Findings are
 * matched to results by file, namespace, kind and message, in order. Findings without a result
 * (parse errors, which conftest has no place for) are listed as failures of their file, so a
 * consumer that only reads `failures` still sees that the file did not pass.
 */
export function renderResultsJson(
  results: readonly CheckResult[],
  findings: readonly Finding[]
): string {
  // The same file may be named `./a.yaml` in a result and `a.yaml` in its finding.
  const key = (file: string, namespace: string, severity: Severity, msg: string): string =>
    JSON.stringify([path.posix.normalize(file.replace(/\\/g, '/')), namespace, severity, msg])
  // Findings with the same key are taken in order: `next` is the first one not yet matched.
  const pending = new Map<string, { findings: Finding[]; next: number }>()
  const matched = new Set<Finding>()
  for (const finding of findings) {
    const k = key(finding.file, finding.namespace, finding.severity, finding.message)
    const queue = pending.get(k)
    if (queue) queue.findings.push(finding)
    else pending.set(k, { findings: [finding], next: 0 })
  }

  const out: Result[] = results.map(result => {
    const annotate = (severity: 'failure' | 'warning' | 'exception'): Entry[] | undefined =>
      result[LISTS[severity]]?.map(entry => {
        const queue = pending.get(key(result.filename, result.namespace, severity, entry.msg))
        const finding = queue?.findings[queue.next]
        if (queue === undefined || finding === undefined) return entry
        queue.next += 1
        matched.add(finding)
        return { ...entry, [DETAILS_KEY]: detailsOf(finding) }
      })
    return {
      filename: result.filename,
      namespace: result.namespace,
      successes: result.successes,
      warnings: annotate('warning'),
      failures: annotate('failure'),
      exceptions: annotate('exception')
    }
  })

  const byFile = new Map(out.map(r => [JSON.stringify([r.filename, r.namespace]), r]))
  for (const finding of findings.filter(f => !matched.has(f))) {
    const fileKey = JSON.stringify([finding.file, finding.namespace])
    let target = byFile.get(fileKey)
    if (target === undefined) {
      target = { filename: finding.file, namespace: finding.namespace, successes: 0 }
      out.push(target)
      byFile.set(fileKey, target)
    }
    const list = finding.severity === 'error' ? 'failures' : LISTS[finding.severity]
    const entry: Entry = { msg: finding.message, [DETAILS_KEY]: detailsOf(finding) }
    if (finding.line !== undefined) entry.loc = { file: finding.file, line: finding.line }
    if (finding.metadata !== undefined) entry.metadata = finding.metadata
    target[list] = target[list] ?? []
    target[list].push(entry)
  }
  return render(out)
}

/**
 * The job summary and the sticky pull request comment. Pure: findings and context in, Markdown
 * out. Every string that comes from a policy, a manifest or a file name goes through escape.ts,
 * and each renderer stays within GitHub's size limit with an explicit "N more" line.
 */
import type { CheckResult, Finding, Severity } from '../findings.js'
import type { Outcome } from '../outcome.js'
import { repositoryUrl, type PolicyChangeReport, type ReportContext } from './context.js'
import { encodePath, escapeHtmlText, escapeMarkdown, markdownCode, wellFormed } from './escape.js'
import { summaryLine } from './text.js'

/** GitHub refuses a step summary larger than this many bytes, and then shows none of it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024
/** GitHub refuses an issue comment longer than this many characters. */
export const COMMENT_LIMIT_CHARS = 65_536
/** Longest message shown in the summary / the comment; the results file has the full text. */
export const SUMMARY_MESSAGE_LIMIT = 1000
export const COMMENT_MESSAGE_LIMIT = 300
/** File names and rule IDs are cut at this length in both. */
const NAME_LIMIT = 300

/** The hidden first line that finds the comment again on the next run of the same job. */
export function commentMarker(job: string): string {
  // encodeURIComponent leaves no `>` or newline, so the HTML comment cannot be closed early.
  return `<!-- policy-gate:${encodeURIComponent(wellFormed(job))} -->`
}

const SEVERITY_LABEL: Record<Severity, string> = {
  failure: '❌ failure',
  error: '⛔ parse error',
  warning: '⚠️ warning',
  exception: '➖ exception'
}
const RANK: Record<Severity, number> = { error: 0, failure: 1, warning: 2, exception: 3 }

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

function byFileAndLine(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1
  return RANK[a.severity] - RANK[b.severity] || (a.line ?? 0) - (b.line ?? 0)
}

/** Findings grouped by file, files in path order, most severe first within a file. */
function groupByFile(findings: readonly Finding[]): Array<[string, Finding[]]> {
  const groups = new Map<string, Finding[]>()
  for (const finding of [...findings].sort(byFileAndLine)) {
    const group = groups.get(finding.file)
    if (group) group.push(finding)
    else groups.set(finding.file, [finding])
  }
  return [...groups]
}

/** Longer links are left out: no real path is that long, and the text says what it is. */
const URL_LIMIT = 4096

function blobUrl(ctx: ReportContext, file: string, line?: number): string | undefined {
  const anchor = line !== undefined && line >= 1 ? `#L${line}` : ''
  const url = `${repositoryUrl(ctx)}/blob/${encodeURIComponent(ctx.sha)}/${encodePath(file)}${anchor}`
  return url.length <= URL_LIMIT ? url : undefined
}

/** `[text](url)`, or the text alone when there is no usable URL. */
const link = (text: string, url: string | undefined): string =>
  url === undefined ? text : `[${text}](${url})`

const shortSha = (sha: string): string => escapeMarkdown(sha.slice(0, 7), 7)
const fileLabel = (file: string): string => (file === '' ? '(no file)' : file)

function counts(findings: readonly Finding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { failure: 0, error: 0, warning: 0, exception: 0 }
  for (const f of findings) n[f.severity] += 1
  return n
}

/** `3 failures, 1 parse error, 2 warnings`: the non-zero counts, failures first. */
function countsText(findings: readonly Finding[], kinds: Severity[]): string {
  const n = counts(findings)
  const words: Record<Severity, [string, string]> = {
    failure: ['failure', 'failures'],
    error: ['parse error', 'parse errors'],
    warning: ['warning', 'warnings'],
    exception: ['exception', 'exceptions']
  }
  return kinds
    .filter(kind => n[kind] > 0)
    .map(kind => plural(n[kind], ...words[kind]))
    .join(', ')
}

function headline(outcome: Outcome, findings: readonly Finding[]): string {
  let blocking = findings.filter(f => f.severity === 'failure' || f.severity === 'error')
  // With fail-on-warn, warnings alone can fail the check.
  if (outcome.result === 'fail' && blocking.length === 0) {
    blocking = findings.filter(f => f.severity === 'warning')
  }
  const what = countsText(blocking, ['failure', 'error', 'warning'])
  const files = plural(new Set(blocking.map(f => f.file)).size, 'file')
  if (outcome.result === 'fail') return `❌ policy-gate: ${what || 'failed'} in ${files}`
  if (blocking.length > 0) return `⚠️ policy-gate (audit mode): ${what} in ${files}, not blocking`
  return '✅ policy-gate: all policies pass'
}

/**
 * Markdown assembled up to a size limit. Blocks are added only when they and the closing text
 * they need still fit, so whatever is cut, the document stays well-formed.
 */
class BoundedText {
  private readonly parts: string[] = []
  private size = 0

  constructor(
    private readonly limit: number,
    private readonly measure: (text: string) => number
  ) {}

  fits(...texts: string[]): boolean {
    return this.size + texts.reduce((sum, t) => sum + this.measure(t), 0) <= this.limit
  }

  add(text: string): void {
    this.parts.push(text)
    this.size += this.measure(text)
  }

  toString(): string {
    return this.parts.join('')
  }
}

/** A heading or table opening, its rows (one per finding), and what closes it. */
interface Section {
  open: string
  rows: string[]
  close: string
}

interface Layout {
  head: string
  sections: Section[]
  /** Added after the sections only when nothing was cut and it fits. */
  optional?: string[]
  /** Always last. */
  tail: string
  /** The line that says how many rows were cut and where to find them. */
  trailer: (omitted: number) => string
  limit: number
  measure: (text: string) => number
}

function fill(text: BoundedText, sections: Section[]): number {
  let omitted = 0
  for (const section of sections) {
    if (omitted > 0 || !text.fits(section.open, section.rows[0] ?? '', section.close)) {
      omitted += section.rows.length
      continue
    }
    text.add(section.open)
    for (const row of section.rows) {
      if (omitted === 0 && text.fits(row, section.close)) text.add(row)
      else omitted += 1
    }
    text.add(section.close)
  }
  return omitted
}

/**
 * Everything when it fits in `limit`; otherwise as many rows as fit with room kept for the
 * trailer, which then says how many were left out.
 */
function assemble(layout: Layout): string {
  const { head, sections, tail, trailer, limit, measure } = layout
  const whole = new BoundedText(limit - measure(tail), measure)
  whole.add(head)
  if (fill(whole, sections) === 0) {
    for (const block of layout.optional ?? []) {
      if (whole.fits(block)) {
        whole.add(block)
        break
      }
    }
    return `${whole}${tail}`
  }
  const rows = sections.reduce((sum, section) => sum + section.rows.length, 0)
  const cut = new BoundedText(limit - measure(tail) - measure(trailer(rows)), measure)
  cut.add(head)
  const omitted = fill(cut, sections)
  return `${cut}${trailer(omitted)}${tail}`
}

const TABLE_HEAD = '| Rule | Severity | Line | Message |\n| --- | --- | ---: | --- |\n'

function findingRow(ctx: ReportContext, finding: Finding, messageLimit: number): string {
  const line =
    finding.line !== undefined && finding.line >= 1
      ? link(String(finding.line), blobUrl(ctx, finding.file, finding.line))
      : '–'
  const message = escapeMarkdown(finding.message, messageLimit)
  return `| ${markdownCode(finding.id, NAME_LIMIT)} | ${SEVERITY_LABEL[finding.severity]} | ${line} | ${message} |\n`
}

/** Keys policies use for an exception's end date, top level or under METADATA `custom`. */
const EXPIRY_KEYS = ['expires', 'expiry', 'expiration', 'expires_at', 'expiresAt', 'until']

/** The expiry date an exception's metadata gives, if any. */
export function exceptionExpiry(finding: Finding): string | undefined {
  const custom = finding.metadata?.custom
  const scopes = [finding.metadata, typeof custom === 'object' && custom !== null ? custom : {}]
  for (const scope of scopes) {
    for (const key of EXPIRY_KEYS) {
      const value = (scope as Record<string, unknown> | undefined)?.[key]
      if (typeof value === 'string' || typeof value === 'number') return String(value)
    }
  }
  return undefined
}

function policiesLine(ctx: ReportContext): string {
  const how = ctx.policies === 'compiled' ? 'compiled in this run' : 'restored from the cache'
  const commit = `[${shortSha(ctx.sha)}](${repositoryUrl(ctx)}/commit/${encodeURIComponent(ctx.sha)})`
  return (
    `Policies from ${escapeMarkdown(ctx.policySource, NAME_LIMIT)}, ${how}. ` +
    `Mode: ${ctx.mode}. Commit ${commit}.`
  )
}

function exceptionRow(ctx: ReportContext, f: Finding): string {
  const line = f.line !== undefined && f.line >= 1 ? String(f.line) : '–'
  const expiry = exceptionExpiry(f)
  return (
    `| ${link(markdownCode(fileLabel(f.file), NAME_LIMIT), blobUrl(ctx, f.file, f.line))} | ` +
    `${markdownCode(f.id, NAME_LIMIT)} | ${line} | ${escapeMarkdown(f.message, SUMMARY_MESSAGE_LIMIT)} | ` +
    `${expiry === undefined ? '–' : escapeMarkdown(expiry, NAME_LIMIT)} |\n`
  )
}

/** How many changed files and compared findings the policy-change note lists before "N more". */
const CHANGE_FILES_SHOWN = 10
const CHANGE_FINDINGS_SHOWN = 5
const CHANGE_NAME_LIMIT = 120
const CHANGE_MESSAGE_LIMIT = 160

const more = (n: number): string => (n > 0 ? `, and ${n.toLocaleString('en-US')} more` : '')

function changedFinding(f: Finding): string {
  const where =
    `${markdownCode(fileLabel(f.file), CHANGE_NAME_LIMIT)}` +
    (f.line !== undefined && f.line >= 1 ? ` line ${f.line}` : '')
  return (
    `> - ${SEVERITY_LABEL[f.severity]} ${markdownCode(f.id, CHANGE_NAME_LIMIT)} in ${where}: ` +
    `${escapeMarkdown(f.message, CHANGE_MESSAGE_LIMIT)}\n`
  )
}

/**
 * The note shown above the findings when a pull request changes the policy or data files: the
 * check used the base commit's policies, and what the pull request's own would change. Bounded
 * (at most 10 files and 5 findings each way), so it always fits in the comment's head.
 */
export function policyChangeNote(ctx: ReportContext, change: PolicyChangeReport): string {
  const base = `[${shortSha(change.baseSha)}](${repositoryUrl(ctx)}/commit/${encodePath(change.baseSha)})`
  const files = change.files
    .slice(0, CHANGE_FILES_SHOWN)
    .map(f => `${markdownCode(f.path, CHANGE_NAME_LIMIT)} (${f.status})`)
    .join(', ')
  let text =
    '\n> [!IMPORTANT]\n' +
    `> **This pull request changes the policies.** The check used the policies of the base commit ` +
    `${base}: a pull request cannot change the rules that judge it.\n>\n` +
    `> Changed: ${files || 'none listed'}${more(change.files.length - CHANGE_FILES_SHOWN)}.\n>\n`
  const head = change.head
  if (head.outcome === 'not-run') {
    text += `> The pull request's own policies were not run: ${escapeMarkdown(head.reason, 500)}\n`
  } else if (head.outcome === 'error') {
    text +=
      "> The pull request's own policies could not be run: " +
      `${escapeMarkdown(head.message, 500)}\n`
  } else {
    const counts = (['failure', 'error', 'warning', 'exception'] as const)
      .map(s => plural(head.counts[s], SEVERITY_LABEL[s].replace(/^\S+ /, '')))
      .join(', ')
    text +=
      `> With the pull request's own policies (run in audit mode, not deciding the check): ` +
      `${counts}. ${plural(head.disappear.length, 'finding')} would disappear and ` +
      `${plural(head.appear.length, 'finding')} would appear.\n`
    const list = (title: string, findings: readonly Finding[]): void => {
      if (findings.length === 0) return
      text += `>\n> ${title}${more(findings.length - CHANGE_FINDINGS_SHOWN)}:\n>\n`
      text += findings.slice(0, CHANGE_FINDINGS_SHOWN).map(changedFinding).join('')
    }
    list('Would disappear', head.disappear)
    list('Would appear', head.appear)
  }
  return text
}

export interface SummaryOptions {
  /** Size limit in UTF-8 bytes; GitHub's 1 MiB by default. */
  maxBytes?: number
}

/**
 * The job summary: the decision and counts, a table of findings per file, exceptions with their
 * expiry, how the policies were obtained, and the files that passed. Stays within `maxBytes`,
 * ending with how many findings did not fit and where they are.
 */
export function renderSummary(
  ctx: ReportContext,
  outcome: Outcome,
  findings: readonly Finding[],
  checkResults: readonly CheckResult[],
  options: SummaryOptions = {}
): string {
  const n = counts(findings)
  const head =
    `## ${headline(outcome, findings)}\n\n` +
    '| Failures | Parse errors | Warnings | Exceptions | Files | Rules |\n' +
    '| ---: | ---: | ---: | ---: | ---: | ---: |\n' +
    `| ${n.failure} | ${n.error} | ${n.warning} | ${n.exception} | ${ctx.filesEvaluated} | ` +
    `${ctx.rulesEvaluated} |\n\n${policiesLine(ctx)} ` +
    `conftest would report: ${summaryLine(checkResults)}.\n` +
    (ctx.policyChange ? policyChangeNote(ctx, ctx.policyChange) : '')

  const reported = findings.filter(f => f.severity !== 'exception')
  const exceptions = findings.filter(f => f.severity === 'exception')
  const sections: Section[] = groupByFile(reported).map(([file, list], i) => ({
    open:
      (i === 0 ? '\n### Findings\n' : '') +
      `\n#### ${link(markdownCode(fileLabel(file), NAME_LIMIT), blobUrl(ctx, file))}\n\n${TABLE_HEAD}`,
    rows: list.map(f => findingRow(ctx, f, SUMMARY_MESSAGE_LIMIT)),
    close: ''
  }))
  if (exceptions.length > 0) {
    sections.push({
      open:
        '\n### Exceptions\n\nThese results matched an exception rule and do not fail the check.\n\n' +
        '| File | Rule | Line | Message | Expires |\n| --- | --- | ---: | --- | --- |\n',
      rows: [...exceptions].sort(byFileAndLine).map(f => exceptionRow(ctx, f)),
      close: ''
    })
  }

  // The files evaluated without any finding, as a list or, when that is too long, a count.
  const withFindings = new Set(findings.map(f => f.file))
  const passed = [...new Set(checkResults.map(r => r.filename))].filter(f => !withFindings.has(f))
  const optional =
    passed.length === 0
      ? []
      : [
          `\n<details><summary>${plural(passed.length, 'file')} passed every rule</summary>\n\n` +
            passed.map(f => `- ${markdownCode(f, NAME_LIMIT)}\n`).join('') +
            '\n</details>\n',
          `\n${plural(passed.length, 'file')} passed every rule.\n`
        ]

  const where = ctx.resultsFile
    ? `the results file ${markdownCode(ctx.resultsFile, NAME_LIMIT)}`
    : 'the results file'
  return assemble({
    head,
    sections,
    optional,
    tail: '',
    trailer: omitted =>
      `\n> [!NOTE]\n> ${plural(omitted, 'more finding', 'more findings')} did not fit in this ` +
      `summary (GitHub takes at most 1 MiB): they are in ${where}.\n`,
    limit: options.maxBytes ?? SUMMARY_LIMIT_BYTES,
    measure: text => Buffer.byteLength(text)
  })
}

export interface CommentOptions {
  /** Length limit in UTF-16 code units (at least GitHub's character count); 65,536 by default. */
  maxLength?: number
}

/**
 * The sticky pull request comment: the marker, a headline, and the failures, parse errors and
 * warnings grouped by file in collapsible sections that link to the lines at the head commit.
 * When trimmed to `maxLength`, it ends with how many findings are left out and a link to the
 * summary. When everything passes it says so, replacing an earlier failing comment.
 */
export function renderComment(
  ctx: ReportContext,
  outcome: Outcome,
  findings: readonly Finding[],
  options: CommentOptions = {}
): string {
  const shown = findings.filter(f => f.severity !== 'exception')
  const exceptions = findings.length - shown.length
  const commit = `[${shortSha(ctx.sha)}](${repositoryUrl(ctx)}/commit/${encodeURIComponent(ctx.sha)})`
  const evaluated =
    `${plural(ctx.filesEvaluated, 'file')} checked against ${plural(ctx.rulesEvaluated, 'rule')} ` +
    `at ${commit}`
  const also = [
    countsText(findings, ['warning']),
    exceptions > 0 ? `${plural(exceptions, 'exception')} (listed in the job summary)` : ''
  ].filter(s => s !== '')
  const passed = outcome.result === 'pass' && shown.every(f => f.severity === 'warning')
  const head =
    `${commentMarker(ctx.job)}\n### ${headline(outcome, findings)}\n\n` +
    (passed ? `No failures: ${evaluated}.` : `${evaluated}.`) +
    (also.length > 0 ? ` Also ${also.join(', ')}.` : '') +
    '\n' +
    (ctx.policyChange ? policyChangeNote(ctx, ctx.policyChange) : '')

  const groups = groupByFile(shown)
  const sections: Section[] = groups.map(([file, list]) => ({
    open:
      `\n<details${groups.length <= 3 ? ' open' : ''}><summary><code>` +
      `${escapeHtmlText(fileLabel(file), NAME_LIMIT)}</code>: ` +
      `${countsText(list, ['failure', 'error', 'warning'])}</summary>\n\n${TABLE_HEAD}`,
    rows: list.map(f => findingRow(ctx, f, COMMENT_MESSAGE_LIMIT)),
    close: '\n</details>\n'
  }))

  return assemble({
    head,
    sections,
    tail:
      `\n<sub>policy-gate · job ${markdownCode(ctx.job, NAME_LIMIT)} · mode ${ctx.mode} · ` +
      `[workflow run and job summary](${ctx.runUrl})</sub>\n`,
    trailer: omitted =>
      `\n**${plural(omitted, 'more finding is', 'more findings are')} not shown** (a comment ` +
      `holds ${COMMENT_LIMIT_CHARS.toLocaleString('en-US')} characters): see the ` +
      `[job summary](${ctx.runUrl}).\n`,
    limit: options.maxLength ?? COMMENT_LIMIT_CHARS,
    measure: text => text.length
  })
}

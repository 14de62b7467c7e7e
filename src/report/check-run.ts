/**
 * One check run carrying every finding as an annotation. Workflow commands are capped at 10 error
 * and 10 warning annotations a step; the Checks API is not, but it takes 50 annotations a request:
 * the run is created complete with the first 50 and each update appends the next 50.
 */
import type { Finding, Severity } from '../findings.js'
import {
  describeGitHubError,
  isNotAccessible,
  type Delivery,
  type GitHubClient
} from '../github.js'

export const CHECK_RUN_NAME = 'policy-gate annotations'
export const ANNOTATIONS_PER_REQUEST = 50
export const SUMMARY_MAX_LENGTH = 65535
export const ANNOTATION_TITLE_MAX_LENGTH = 255
export const ANNOTATION_MESSAGE_MAX_BYTES = 64 * 1024

export interface CheckRunTarget {
  owner: string
  repo: string
  /** The commit the annotations belong to: a pull request's head, not the merge commit. */
  headSha: string
}

export interface CheckRunReport {
  name?: string
  title: string
  /** Markdown; longer than 65,535 characters is cut with a note saying so. */
  summary: string
  /** Informational: the gate's own step fails or passes the run. */
  conclusion: 'success' | 'neutral' | 'failure'
  findings: readonly Finding[]
  detailsUrl?: string
}

export interface CheckRunAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title: string
  raw_details?: string
}

export type CheckRunDelivery = Delivery<{
  id: number
  url: string
  /** Annotations GitHub accepted. */
  annotations: number
  /** Set when the run was created but a later batch of annotations was refused. */
  incomplete?: string
}>

const LEVELS: Record<Severity, CheckRunAnnotation['annotation_level']> = {
  failure: 'failure',
  error: 'failure',
  warning: 'warning',
  exception: 'notice'
}

function truncateChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  const marker = '…'
  const budget = maxBytes - Buffer.byteLength(marker)
  let bytes = 0
  let end = 0
  for (const char of text) {
    const size = Buffer.byteLength(char)
    if (bytes + size > budget) break
    bytes += size
    end += char.length
  }
  return text.slice(0, end) + marker
}

/** A finding as GitHub's Checks API takes it. */
export function toAnnotation(finding: Finding): CheckRunAnnotation {
  const line = finding.line !== undefined && finding.line >= 1 ? finding.line : 1
  const title = finding.title ? `${finding.id}: ${finding.title}` : finding.id
  const annotation: CheckRunAnnotation = {
    path: finding.file,
    start_line: line,
    end_line: line,
    annotation_level: LEVELS[finding.severity],
    message: truncateUtf8(finding.message, ANNOTATION_MESSAGE_MAX_BYTES),
    title: truncateChars(title, ANNOTATION_TITLE_MAX_LENGTH)
  }
  if (finding.remediation) {
    annotation.raw_details = truncateUtf8(
      `Remediation: ${finding.remediation}`,
      ANNOTATION_MESSAGE_MAX_BYTES
    )
  }
  return annotation
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size))
  }
  return result
}

/** The summary within GitHub's limit, saying so when it had to be cut. */
export function fitSummary(summary: string): string {
  if (summary.length <= SUMMARY_MAX_LENGTH) return summary
  const note =
    '\n\n… the summary was cut at GitHub’s 65,535-character limit; the job summary has it all.'
  return summary.slice(0, SUMMARY_MAX_LENGTH - note.length) + note
}

/**
 * Creates the check run with every finding as an annotation. Never throws for a GitHub failure:
 * a refusal (fork pull request, no `checks: write`, a personal access token) or an outage comes
 * back as `{ posted: false, reason }`; a failure after the run exists comes back as `incomplete`.
 */
export async function publishCheckRun(
  octokit: GitHubClient,
  target: CheckRunTarget,
  report: CheckRunReport
): Promise<CheckRunDelivery> {
  const [first = [], ...rest] = batches(report.findings.map(toAnnotation), ANNOTATIONS_PER_REQUEST)
  const output = { title: truncateChars(report.title, 1024), summary: fitSummary(report.summary) }
  let created: { id: number; html_url: string | null }
  try {
    const { data } = await octokit.rest.checks.create({
      owner: target.owner,
      repo: target.repo,
      name: report.name ?? CHECK_RUN_NAME,
      head_sha: target.headSha,
      // Complete from the start: a later batch failing must not leave a run "in progress".
      status: 'completed',
      conclusion: report.conclusion,
      ...(report.detailsUrl ? { details_url: report.detailsUrl } : {}),
      output: first.length > 0 ? { ...output, annotations: first } : output
    })
    created = data
  } catch (error) {
    return refused(error, target)
  }

  const url = created.html_url ?? ''
  let sent = first.length
  for (const batch of rest) {
    try {
      await octokit.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: created.id,
        output: { ...output, annotations: batch }
      })
      sent += batch.length
    } catch (error) {
      const missing = report.findings.length - sent
      return {
        posted: true,
        id: created.id,
        url,
        annotations: sent,
        incomplete: `The check run has ${sent} of ${report.findings.length} annotations; the other ${missing} were refused: ${describeGitHubError(error)}`
      }
    }
  }
  return { posted: true, id: created.id, url, annotations: sent }
}

/**
 * The commit annotations belong to. On `pull_request` events GITHUB_SHA is the test merge commit,
 * which the pull request's Files tab does not show; its head commit is the one to annotate.
 */
export function checkRunHeadSha(payload: Record<string, unknown>, githubSha: string): string {
  const pull = payload.pull_request as { head?: { sha?: unknown } } | undefined
  const sha = pull?.head?.sha
  return typeof sha === 'string' && sha !== '' ? sha : githubSha
}

function refused(error: unknown, target: CheckRunTarget): CheckRunDelivery {
  const where = `${target.owner}/${target.repo}@${target.headSha.slice(0, 12)}`
  const message = describeGitHubError(error)
  if (isNotAccessible(error)) {
    return {
      posted: false,
      cause: 'forbidden',
      reason: `Could not create the check run on ${where}: the token may not write checks (${message}). A pull request from a fork gets a read-only GITHUB_TOKEN; otherwise give the job "permissions: checks: write".`
    }
  }
  if (/must authenticate via a GitHub App/i.test(message)) {
    return {
      posted: false,
      cause: 'forbidden',
      reason: `Could not create the check run on ${where}: only a GitHub App or the GITHUB_TOKEN may create check runs, not a personal access token (${message}).`
    }
  }
  return {
    posted: false,
    cause: 'failed',
    reason: `Could not create the check run on ${where}: ${message}`
  }
}

import type { Finding, Severity } from '../findings.js'
import { collapseWhitespace, truncate } from './escape.js'

export type AnnotationKind = 'error' | 'warning' | 'notice'

/**
 * One annotation, ready for `core[kind](message, properties)`. The toolkit escapes both the
 * message and the properties, so nothing here is pre-escaped.
 */
export interface PlannedAnnotation {
  kind: AnnotationKind
  message: string
  properties: { title: string; file?: string; startLine?: number }
}

/** The runner shows at most this many annotations of each kind per step and drops the rest. */
export const ANNOTATIONS_PER_KIND = 10
/** GitHub cuts annotation titles at 255 characters. */
export const TITLE_LIMIT = 255
/** A message longer than this is not readable in an annotation; the full text is in the files. */
export const ANNOTATION_MESSAGE_LIMIT = 4096

const KIND: Record<Severity, AnnotationKind> = {
  error: 'error',
  failure: 'error',
  warning: 'warning',
  exception: 'notice'
}

/** Parse errors first: the file was not evaluated at all. */
const RANK: Record<Severity, number> = { error: 0, failure: 1, warning: 2, exception: 3 }

const NOUN: Record<Severity, [string, string]> = {
  error: ['parse error', 'parse errors'],
  failure: ['failure', 'failures'],
  warning: ['warning', 'warnings'],
  exception: ['exception', 'exceptions']
}

function count(n: number, severity: Severity): string {
  return `${n} ${NOUN[severity][n === 1 ? 0 : 1]}`
}

function byPriority(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    (a.line ?? 0) - (b.line ?? 0)
  )
}

function annotationFor(finding: Finding): PlannedAnnotation {
  const label = finding.title ? `${finding.id}: ${finding.title}` : finding.id
  const title = finding.severity === 'exception' ? `${label} (exception)` : label
  const message = finding.message.trim() === '' ? finding.id : finding.message
  const properties: PlannedAnnotation['properties'] = {
    title: truncate(collapseWhitespace(title), TITLE_LIMIT)
  }
  if (finding.file !== '') properties.file = finding.file
  if (finding.line !== undefined && finding.line >= 1) properties.startLine = finding.line
  return {
    kind: KIND[finding.severity],
    message: truncate(message, ANNOTATION_MESSAGE_LIMIT),
    properties
  }
}

export interface AnnotationOptions {
  /** Name of the results file, named in the "N more" notice. */
  resultsFile?: string
}

/**
 * The annotations to emit for `findings`, within what the runner keeps: the most severe first,
 * at most 10 errors, 10 warnings and 10 notices; when anything is left out, the last notice says
 * how many and where to read them instead of letting the runner drop them silently.
 */
export function planAnnotations(
  findings: readonly Finding[],
  options: AnnotationOptions = {}
): PlannedAnnotation[] {
  const sorted = [...findings].sort(byPriority)
  const ofKind = (kind: AnnotationKind): Finding[] => sorted.filter(f => KIND[f.severity] === kind)
  const errors = ofKind('error')
  const warnings = ofKind('warning')
  const notices = ofKind('notice')

  const overflow =
    errors.length > ANNOTATIONS_PER_KIND ||
    warnings.length > ANNOTATIONS_PER_KIND ||
    notices.length > ANNOTATIONS_PER_KIND
  // The "N more" notice takes one of the ten notice slots.
  const noticeSlots = overflow ? ANNOTATIONS_PER_KIND - 1 : ANNOTATIONS_PER_KIND
  const shown = [
    ...errors.slice(0, ANNOTATIONS_PER_KIND),
    ...warnings.slice(0, ANNOTATIONS_PER_KIND),
    ...notices.slice(0, noticeSlots)
  ]
  const plan = shown.map(annotationFor)
  if (!overflow) return plan

  const hidden = [
    ...errors.slice(ANNOTATIONS_PER_KIND),
    ...warnings.slice(ANNOTATIONS_PER_KIND),
    ...notices.slice(noticeSlots)
  ]
  const breakdown = (['error', 'failure', 'warning', 'exception'] as const)
    .map(severity => [severity, hidden.filter(f => f.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => count(n, severity))
    .join(', ')
  const where = options.resultsFile
    ? `the job summary and the results file ${options.resultsFile}`
    : 'the job summary'
  const more = hidden.length === 1 ? '1 more finding is' : `${hidden.length} more findings are`
  plan.push({
    kind: 'notice',
    message:
      `${more} not shown as annotations (${breakdown}): GitHub shows at most ` +
      `${ANNOTATIONS_PER_KIND} annotations of each kind per step. See ${where} for all of them.`,
    properties: { title: `policy-gate: ${hidden.length} more not annotated` }
  })
  return plan
}

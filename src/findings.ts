/**
 * The data that flows between the stages: parsed documents in, conftest-shaped check results and
 * located findings out. Everything here is plain data, so every stage can be tested without I/O.
 */

/** One document of a file as the policies see it (`input`), with where it starts. */
export interface SourceDocument {
  /** Position of the document within its file (0 for single-document files). */
  index: number
  /** 1-based line where the document starts in its file. */
  line: number
  /** The parsed value, in conftest's shape for the format. */
  value: unknown
}

/** A file after parsing: its documents, or the reason it could not be parsed. */
export interface ParsedFile {
  /** Path relative to the workspace root, with forward slashes. */
  path: string
  /** The parser used (`yaml`, `json`, `hcl2`, `dockerfile`, ...). */
  parser: string
  /** Raw text of the file, kept to locate findings on lines. */
  text: string
  documents: SourceDocument[]
  /** Set when the file could not be read or parsed; `documents` is then empty. */
  error?: { message: string; line?: number }
}

/** A result as conftest reports it (`output.Result`). */
export interface CheckResultEntry {
  msg: string
  loc?: { file: string; line: number }
  metadata?: Record<string, unknown>
  outputs?: string[]
}

/** One file × namespace, in conftest's JSON output shape (`output.CheckResult`). */
export interface CheckResult {
  filename: string
  namespace: string
  successes: number
  warnings?: CheckResultEntry[]
  failures?: CheckResultEntry[]
  exceptions?: CheckResultEntry[]
}

export type Severity = 'failure' | 'warning' | 'exception' | 'error'

/** A result located on a file and line, with the identifiers the reports need. */
export interface Finding {
  severity: Severity
  /** Repository-relative path of the file the finding is about. */
  file: string
  /** 1-based line; absent only when the file has no lines (e.g. unreadable). */
  line?: number
  namespace: string
  /** The Rego rule that produced it (`deny`, `warn_latest`, ...); `parse` for parse errors. */
  rule: string
  /** Stable rule ID from the result or METADATA (`K8S-001`); defaults to namespace/rule. */
  id: string
  message: string
  title?: string
  remediation?: string
  /** Index of the document within the file. */
  document?: number
  metadata?: Record<string, unknown>
  /** Other places the finding shows, e.g. the .tf block of a Terraform plan's resource. */
  related?: { file: string; line: number }[]
}

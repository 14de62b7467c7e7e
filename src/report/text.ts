/**
 * The CLI's text outputs, the same bytes conftest v0.69.0 prints for the same results
 * (`output/standard.go`, `tap.go`, `table.go`, `github.go`), so scripts written against
 * `conftest test -o <format>` keep working. The one intended difference: the `github` format
 * escapes workflow-command data and properties, which conftest does not.
 */
import path from 'node:path'
import type { CheckResult, CheckResultEntry } from '../findings.js'
import { displayWidth } from './display-width.js'
import { escapeWorkflowData, escapeWorkflowProperty } from './escape.js'

const entries = (list: CheckResultEntry[] | undefined): CheckResultEntry[] => list ?? []

function plural(word: string, n: number): string {
  return n === 1 ? word : `${word}s`
}

interface Totals {
  tests: number
  successes: number
  warnings: number
  failures: number
  exceptions: number
}

function totals(results: readonly CheckResult[]): Totals {
  const t: Totals = { tests: 0, successes: 0, warnings: 0, failures: 0, exceptions: 0 }
  for (const r of results) {
    t.successes += r.successes
    t.warnings += entries(r.warnings).length
    t.failures += entries(r.failures).length
    t.exceptions += entries(r.exceptions).length
  }
  t.tests = t.successes + t.warnings + t.failures + t.exceptions
  return t
}

/** `N tests, N passed, N warnings, N failures, N exceptions`, conftest's closing line. */
export function summaryLine(results: readonly CheckResult[]): string {
  const t = totals(results)
  return (
    `${t.tests} ${plural('test', t.tests)}, ${t.successes} passed, ` +
    `${t.warnings} ${plural('warning', t.warnings)}, ${t.failures} ${plural('failure', t.failures)}, ` +
    `${t.exceptions} ${plural('exception', t.exceptions)}`
  )
}

/** conftest's `- file` / `- namespace -` columns, with `-` standing for stdin. */
function indicators(result: CheckResult): [string, string] {
  const file = result.filename === '-' ? '-' : `- ${result.filename}`
  const namespace = result.namespace === '-' ? '-' : `- ${result.namespace} -`
  return [file, namespace]
}

/** ANSI foreground colours as conftest's aurora prints them. */
const COLOURS = { red: 31, green: 32, yellow: 33, blue: 34, cyan: 36 } as const
type Colour = keyof typeof COLOURS

export interface StandardOptions {
  /** Colour the labels and the summary (conftest colours unless `--no-color`). */
  color?: boolean
  /** Leave out exceptions (`--suppress-exceptions`). */
  suppressExceptions?: boolean
  /**
   * What the policies' `print()` calls wrote (`policy/p.rego:3: hello`), printed first as
   * conftest does. conftest keeps each line's newline and so follows it with a blank line; a
   * line may be given with or without it.
   */
  prints?: readonly string[]
}

/** `conftest test -o stdout`: one `WARN`/`FAIL`/`EXCP` line per result, then the totals. */
export function renderStandard(
  results: readonly CheckResult[],
  options: StandardOptions = {}
): string {
  const paint = (text: string, colour: Colour): string =>
    options.color ? `\x1b[${COLOURS[colour]}m${text}\x1b[0m` : text
  const lines: string[] = (options.prints ?? []).map(
    text => `${paint('PRNT ', 'blue')}  ${text.replace(/\n$/, '')}\n`
  )
  for (const result of results) {
    const [file, namespace] = indicators(result)
    const line = (label: string, colour: Colour, entry: CheckResultEntry): void => {
      lines.push(`${paint(label, colour)} ${file} ${namespace} ${entry.msg}`)
    }
    for (const warning of entries(result.warnings)) line('WARN', 'yellow', warning)
    for (const failure of entries(result.failures)) line('FAIL', 'red', failure)
    if (!options.suppressExceptions) {
      for (const exception of entries(result.exceptions)) line('EXCP', 'cyan', exception)
    }
  }
  const t = totals(results)
  const colour: Colour =
    t.failures > 0 ? 'red' : t.warnings > 0 ? 'yellow' : t.exceptions > 0 ? 'cyan' : 'green'
  lines.push('', paint(summaryLine(results), colour))
  return `${lines.join('\n')}\n`
}

/** `conftest test -o tap`: one TAP plan per file × namespace. */
export function renderTap(results: readonly CheckResult[]): string {
  let out = ''
  for (const result of results) {
    const [file, namespace] = indicators(result)
    const failures = entries(result.failures)
    const warnings = entries(result.warnings)
    const exceptions = entries(result.exceptions)
    const count = result.successes + failures.length + warnings.length + exceptions.length
    // conftest stops the whole output at the first result without tests (a `return` inside its
    // loop); kept so the output stays the same.
    if (count === 0) return out
    let n = 1
    const line = (status: string, msg: string): void => {
      out += `${status} ${n++} ${file} ${namespace} ${msg}\n`
    }
    out += `1..${count}\n`
    for (const failure of failures) line('not ok', failure.msg)
    if (warnings.length > 0) {
      out += '# warnings\n'
      for (const warning of warnings) line('not ok', warning.msg)
    }
    if (exceptions.length > 0) {
      out += '# exceptions\n'
      for (const exception of exceptions) line('ok', exception.msg)
    }
    if (result.successes > 0) {
      out += '# successes\n'
      for (let i = 0; i < result.successes; i++) line('ok', 'SUCCESS')
    }
  }
  return out
}

export interface TableOptions {
  /**
   * Columns a tab expands to. conftest's tablewriter guesses it from TABWIDTH, .editorconfig or
   * the project in the working directory (4 next to a package.json or go.mod); 8 otherwise.
   */
  tabWidth?: number
}

/** Go's `strings.TrimSpace`: Unicode White_Space, which differs from `String.trim` (no U+FEFF). */
const GO_SPACE =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g')
const goTrimSpace = (text: string): string => text.replace(GO_TRIM, '')

/** `conftest test -o table`: a box-drawn table (tablewriter v1.1.4 defaults); nothing when empty. */
export function renderTable(results: readonly CheckResult[], options: TableOptions = {}): string {
  const rows: string[][] = []
  for (const r of results) {
    const row = (kind: string, msg: string): void => {
      rows.push([kind, r.filename, r.namespace, msg])
    }
    for (let i = 0; i < r.successes; i++) row('success', 'SUCCESS')
    for (const e of entries(r.exceptions)) row('exception', e.msg)
    for (const e of entries(r.warnings)) row('warning', e.msg)
    for (const e of entries(r.failures)) row('failure', e.msg)
  }
  if (rows.length === 0) return ''

  const tab = ' '.repeat(options.tabWidth ?? 8)
  // Each cell is trimmed, tabs expanded, and split into its visual lines.
  const toLines = (cells: string[]): string[][] =>
    cells.map(cell => goTrimSpace(cell).replace(/\t/g, tab).split('\n'))
  const header = toLines(['RESULT', 'FILE', 'NAMESPACE', 'MESSAGE'])
  const body = rows.map(toLines)
  const widths = header.map(
    (_, column) =>
      Math.max(...[header, ...body].flatMap(cells => cells[column].map(displayWidth))) + 2
  )

  const border = (left: string, middle: string, right: string): string =>
    left + widths.map(w => '─'.repeat(w)).join(middle) + right
  const pad = (text: string, width: number, centre: boolean): string => {
    const gap = width - displayWidth(text)
    const left = centre ? Math.floor((gap - 2) / 2) + 1 : 1
    return ' '.repeat(left) + text + ' '.repeat(gap - left)
  }
  const visualLines = (cells: string[][], centre: boolean): string[] => {
    const height = Math.max(...cells.map(lines => lines.length))
    const out: string[] = []
    for (let i = 0; i < height; i++) {
      const line = cells.map(lines => lines[i] ?? '')
      // tablewriter drops continuation lines that are blank in every column.
      if (i > 0 && line.every(text => goTrimSpace(text) === '')) continue
      out.push(`│${line.map((text, c) => pad(text, widths[c], centre)).join('│')}│`)
    }
    return out
  }

  return [
    border('┌', '┬', '┐'),
    ...visualLines(header, true),
    border('├', '┼', '┤'),
    ...body.flatMap(cells => visualLines(cells, false)),
    border('└', '┴', '┘'),
    ''
  ].join('\n')
}

/** Go's `%q`: a double-quoted string with Go escapes for non-printable characters. */
export function goQuote(text: string): string {
  let out = '"'
  for (const char of text) {
    const cp = char.codePointAt(0) ?? 0
    if (char === '"' || char === '\\') out += `\\${char}`
    else if (char === '\x07') out += '\\a'
    else if (char === '\b') out += '\\b'
    else if (char === '\f') out += '\\f'
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (char === '\v') out += '\\v'
    else if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) out += char
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`
    else out += `\\U${cp.toString(16).padStart(8, '0')}`
  }
  return `${out}"`
}

export interface GitHubOptions {
  /** Directory that absolute `loc.file` paths are shown relative to (conftest uses its cwd). */
  cwd?: string
}

type GitHubLevel = 'error' | 'warning' | 'notice'

/**
 * `conftest test -o github`: a group per file × namespace with one workflow command per result.
 * Unlike conftest, file names and messages are escaped as workflow commands require, so a
 * message with a newline or `::` cannot end the command or start another one, and a `%` in a
 * message is printed as is rather than read as a format verb.
 */
export function renderGitHub(results: readonly CheckResult[], options: GitHubOptions = {}): string {
  const lines: string[] = []
  const command = (level: GitHubLevel, file: string, line: string, message: string): void => {
    lines.push(
      `::${level} file=${escapeWorkflowProperty(file)},line=${escapeWorkflowProperty(line)}::` +
        escapeWorkflowData(message)
    )
  }
  const relative = (file: string): string =>
    options.cwd !== undefined && path.isAbsolute(file) ? path.relative(options.cwd, file) : file
  for (const result of results) {
    const emit = (level: GitHubLevel, entry: CheckResultEntry): void => {
      const loc = entry.loc
      if (loc === undefined) {
        command(level, result.filename, '1', entry.msg)
      } else if (loc.file === result.filename) {
        command(level, loc.file, String(loc.line), entry.msg)
      } else {
        // A location in another file: annotate both, as conftest does.
        const file = relative(loc.file)
        command(level, file, String(loc.line), entry.msg)
        command(level, result.filename, '1', `(ORIGINATING FROM ${file} L${loc.line}) ${entry.msg}`)
      }
    }
    const failures = entries(result.failures)
    const warnings = entries(result.warnings)
    const exceptions = entries(result.exceptions)
    const policies = result.successes + failures.length + warnings.length + exceptions.length
    lines.push(
      escapeWorkflowData(
        `::group::Testing ${goQuote(result.filename)} against ${policies} policies in namespace ` +
          goQuote(result.namespace)
      )
    )
    for (const failure of failures) emit('error', failure)
    for (const warning of warnings) emit('warning', warning)
    for (const exception of exceptions) emit('notice', exception)
    command('notice', result.filename, '1', `Number of successful checks: ${result.successes}`)
    lines.push('::endgroup::')
  }
  lines.push(summaryLine(results))
  return `${lines.join('\n')}\n`
}

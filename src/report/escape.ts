/**
 * Escaping for text that comes from outside policy-gate: manifests, file names and policy messages.
 * Each report format has its own context; every function here is pure and total (any string in,
 * safe text out), so the renderers never hand-escape.
 */

/** U+200D ZERO WIDTH JOINER: invisible, and breaks GitHub's mention and reference autolinkers. */
export const ZWJ = '\u200d'

/** The ellipsis that marks text cut to a limit. */
export const ELLIPSIS = '…'

/**
 * Control characters that would break a single-line context, and the bidirectional overrides that
 * make text read differently from what it is ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const LINE_BREAKS = /[ \t]*(?:\r\n|\r|\n|\u2028|\u2029)[\s]*/g

/** Newlines (with the blanks around them) become one space; tabs a space; other controls go. */
export function collapseWhitespace(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').replace(CONTROL, '')
}

/**
 * Cut `text` to at most `max` UTF-16 code units, ending with an ellipsis when cut. Never splits a
 * surrogate pair, so the result is always well-formed.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  if (max <= 0) return ''
  let end = max - ELLIPSIS.length
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return text.slice(0, Math.max(end, 0)) + ELLIPSIS
}

/**
 * Break the patterns GitHub turns into notifications or links after Markdown is rendered: it
 * links `@user`, `@org/team`, `#123`, `GH-123`, `owner/repo#1` and bare URLs in text nodes, so a
 * backslash escape is not enough (it is gone by then). A zero-width joiner after the trigger
 * character keeps the text readable and copyable while no autolinker matches it.
 */
export function neutralizeReferences(text: string): string {
  return text
    // Any @ before a non-space: Markdown between the @ and a name (`@**x**`) renders away.
    .replace(/@(?=\S)/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`)
}

/** Characters with a meaning in inline GitHub Markdown; escaped with a backslash. */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]()!|~$]/g
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/** HTML-escape the five characters that can open a tag, an attribute or an entity. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => HTML_ENTITIES[c] ?? c)
}

/**
 * Untrusted text for one line of GitHub Markdown (a table cell, a list item, a heading): one line,
 * at most `max` characters before escaping, no links, images, HTML, emphasis, code, math, table
 * breaks or notifying references. Renders as the original text (minus newlines).
 */
export function escapeMarkdown(text: string, max: number): string {
  const safe = neutralizeReferences(truncate(collapseWhitespace(text), max))
  return safe.replace(/[&<>]/g, c => HTML_ENTITIES[c] ?? c).replace(MARKDOWN_PUNCTUATION, '\\$&')
}

/** Untrusted text rendered in a monospace `<code>` element inside Markdown (file names, rule IDs). */
export function markdownCode(text: string, max: number): string {
  return `<code>${escapeMarkdown(text, max)}</code>`
}

/**
 * Untrusted text inside a raw HTML block (e.g. `<summary>`), where Markdown is not parsed and
 * backslashes would show: entities only, plus the reference neutralizing. Markdown punctuation
 * becomes numeric references too, so the text stays inert even where a renderer does parse it.
 */
export function escapeHtmlText(text: string, max: number): string {
  return escapeHtml(neutralizeReferences(truncate(collapseWhitespace(text), max))).replace(
    MARKDOWN_PUNCTUATION,
    c => `&#${c.charCodeAt(0)};`
  )
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Lone surrogates replaced with U+FFFD, so encodeURIComponent (which throws on them) is total. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd')
}

/**
 * Percent-encode a repository-relative path for a URL, segment by segment, including the
 * characters Markdown link destinations treat specially (`(`, `)`, spaces).
 */
export function encodePath(path: string): string {
  return wellFormed(path)
    .split('/')
    .map(segment =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
      )
    )
    .join('/')
}

/** U+23CE, shown in the log where untrusted text had a line break. */
const RETURN_SYMBOL = '\u23ce'

/**
 * Untrusted text for one line of the job log (`core.info`). The runner reads every line that
 * starts with `::` (after blanks) as a workflow command, and it splits lines on CR as well as LF,
 * so a policy's print() or a file name could otherwise add annotations, masks or outputs. Line
 * breaks become a visible ⏎; a leading `::` gets a zero-width space before it.
 */
export function escapeLogLine(text: string): string {
  const line = text.replace(/\r\n|\r|\n/g, RETURN_SYMBOL)
  return /^\s*::/.test(line) ? `\u200b${line}` : line
}

/** Workflow command data (`::error ...::<data>`), as the runner unescapes it (toolkit `escapeData`). */
export function escapeWorkflowData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Workflow command property values (`file=<value>`), as the toolkit's `escapeProperty`. */
export function escapeWorkflowProperty(text: string): string {
  return escapeWorkflowData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * Characters XML 1.0 cannot carry even as references: C0 controls other than tab, LF and CR,
 * lone surrogates, U+FFFE and U+FFFF. Replaced with U+FFFD as Go's encoding/xml does.
 */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;'
}

/**
 * Text for an XML attribute value or character data. Escapes like Go's `xml.EscapeText` (what
 * conftest's JUnit output uses), so whitespace survives attribute-value normalization.
 */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '\ufffd').replace(/[&<>"'\t\n\r]/g, c => XML_ESCAPES[c] ?? c)
}

/**
 * SARIF plain-text messages treat `[text](target)` as an embedded link (SARIF 2.1.0 §3.11.6);
 * literal brackets are escaped with a backslash so a policy message cannot create one.
 */
export function escapeSarifText(text: string): string {
  return text.replace(/[[\]]/g, '\\$&')
}

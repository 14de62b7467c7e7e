/**
 * Sends the results JSON to a `report-url` (a dashboard, a collector). Best effort: a few attempts
 * with a growing wait, then a reason for the caller to warn with; it never decides the gate.
 */

export interface PostResultsOptions {
  url: string
  /** Serialised as the JSON body. */
  results: unknown
  /** Extra headers, e.g. an `authorization` for the collector. Never echoed in reasons. */
  headers?: Record<string, string>
  userAgent?: string
  /** Attempts in all, first included. Default 3. */
  attempts?: number
  /** Wait before the second attempt; doubled for each one after. Default 1,000 ms. */
  backoffMs?: number
  /** Longest `Retry-After` honoured, in ms; longer ones give up. Default 30,000 ms. */
  maxRetryAfterMs?: number
  /** Time allowed for one attempt. Default 10,000 ms. */
  timeoutMs?: number
}

export type PostResultsOutcome =
  | { posted: true; status: number; attempts: number }
  | { posted: false; reason: string; attempts: number }

/** Statuses worth another attempt: the collector is busy or down, not refusing the data. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599)
}

/** `Retry-After` as a delay in ms: seconds or an HTTP date; undefined when absent or malformed. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The URL as it may appear in a log: no credentials, query or fragment, which can hold secrets. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return '<unparseable URL>'
  }
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, a timeout's AbortError). */
function describeFetchError(error: unknown): string {
  // Duck-typed: errors from undici may come from another realm than this module's `Error`.
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: unknown }
  const inner = (cause ?? {}) as { message?: unknown; code?: unknown }
  if (typeof inner.message === 'string' && inner.message !== '') return inner.message
  if (typeof inner.code === 'string') return inner.code
  return typeof message === 'string' ? message : String(error)
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export async function postResults(options: PostResultsOptions): Promise<PostResultsOutcome> {
  const attempts = Math.max(1, options.attempts ?? 3)
  const backoffMs = options.backoffMs ?? 1000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000
  const shown = redactUrl(options.url)

  let parsed: URL
  try {
    parsed = new URL(options.url)
  } catch {
    return { posted: false, attempts: 0, reason: `report-url is not a URL: ${shown}` }
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return {
      posted: false,
      attempts: 0,
      reason: `report-url must be http(s), not ${parsed.protocol}`
    }
  }

  const body = JSON.stringify(options.results)
  let lastProblem = ''
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait = backoffMs * 2 ** (attempt - 1)
    try {
      const response = await fetch(parsed, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': options.userAgent ?? 'policy-gate',
          ...options.headers
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000)
      })
      // Drain the body so the connection is released; its content is not needed.
      await response.arrayBuffer().catch(() => undefined)
      if (response.ok) return { posted: true, status: response.status, attempts: attempt }
      lastProblem = `answered ${response.status} ${response.statusText}`.trim()
      if (!isRetryableStatus(response.status)) {
        return {
          posted: false,
          attempts: attempt,
          reason: `POST ${shown} ${lastProblem}; not retried`
        }
      }
      const asked = retryAfterMs(response.headers.get('retry-after'))
      if (asked !== undefined) {
        if (asked > maxRetryAfterMs) {
          return {
            posted: false,
            attempts: attempt,
            reason: `POST ${shown} ${lastProblem} and asked to retry after ${Math.ceil(asked / 1000)}s, longer than the ${Math.ceil(maxRetryAfterMs / 1000)}s allowed`
          }
        }
        wait = asked
      }
    } catch (error) {
      lastProblem = `failed: ${describeFetchError(error)}`
    }
    if (attempt < attempts) await sleep(wait)
  }
  return {
    posted: false,
    attempts,
    reason: `POST ${shown} ${lastProblem} (gave up after ${attempts} attempts)`
  }
}

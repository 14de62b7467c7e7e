/**
 * The one place that builds a GitHub REST client. Everything that talks to GitHub takes the client
 * as a parameter, so tests hand in a client pointed at a local server.
 *
 * The client retries what is worth retrying and nothing else: 5xx with a growing backoff
 * (@octokit/plugin-retry), secondary rate limits after the `retry-after` GitHub sends, a bounded
 * number of times, and the primary rate limit only when it resets soon — a job should not sit for
 * an hour waiting for a quota (@octokit/plugin-throttling).
 */
import * as core from '@actions/core'
import type { getOctokit } from '@actions/github'

export type GitHubClient = ReturnType<typeof getOctokit>

/**
 * Octokit and its plugins, loaded when a client is built (a chunk of dist/ of their own): a run
 * without a token never pays for them.
 */
async function loadOctokit() {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
  ])
  return { getOctokit, retry, throttling }
}

/** Where the client reports retries and waits; maps onto Octokit's `log`. */
export interface ClientLog {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface CreateOctokitOptions {
  /** REST API root, `GITHUB_API_URL` on a runner (`https://api.github.com` or a GHES `/api/v3`). */
  baseUrl: string
  userAgent: string
  log?: ClientLog
  /** Unit of the 5xx backoff (waits are 1, 4, 9 × this). Default 1,000 ms. */
  retryBaseMs?: number
  /** Retries of a request that failed with a 5xx or a network error. Default 3. */
  serverErrorRetries?: number
  /** Retries after a secondary rate limit, each waiting for `retry-after`. Default 2. */
  secondaryRateLimitRetries?: number
  /** Longest wait accepted for a secondary limit's `retry-after` or a primary limit's reset. */
  maxRateLimitWaitSeconds?: number
}

const coreLog: ClientLog = {
  debug: message => core.debug(message),
  info: message => core.info(message),
  // Octokit's warnings (deprecations, retries) belong in the log, not in the run's annotations.
  warn: message => core.info(message),
  error: message => core.info(message)
}

// Throttling groups are shared by every client with the same id; one id per client keeps the
// spacing GitHub asks for between writes of one run without coupling unrelated clients.
let clientCount = 0

export async function createOctokit(
  token: string,
  options: CreateOctokitOptions
): Promise<GitHubClient> {
  const { getOctokit, retry, throttling } = await loadOctokit()
  const log = options.log ?? coreLog
  const maxWait = options.maxRateLimitWaitSeconds ?? 60
  const secondaryRetries = options.secondaryRateLimitRetries ?? 2
  clientCount += 1

  return getOctokit(
    token,
    {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      userAgent: options.userAgent,
      log,
      retry: {
        retries: options.serverErrorRetries ?? 3,
        retryAfterBaseValue: options.retryBaseMs ?? 1000
      },
      throttle: {
        id: `policy-gate-${process.pid}-${clientCount}`,
        onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
          const route = `${request.method} ${request.url}`
          if (retryCount >= secondaryRetries || retryAfter > maxWait) {
            log.warn(
              `GitHub secondary rate limit on ${route}; giving up after ${retryCount} retries`
            )
            return false
          }
          log.info(`GitHub secondary rate limit on ${route}; retrying in ${retryAfter}s`)
          return true
        },
        onRateLimit: (retryAfter, request, _octokit, retryCount) => {
          const route = `${request.method} ${request.url}`
          if (retryCount >= 1 || retryAfter > maxWait) return false
          log.info(
            `GitHub API rate limit exhausted on ${route}; it resets in ${retryAfter}s, waiting`
          )
          return true
        }
      }
    },
    retry,
    throttling
  )
}

/** The parts of an Octokit `RequestError` this module reads; duck-typed to stay dependency-free. */
interface RequestErrorLike {
  status: number
  message: string
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown }
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { message?: unknown }).message === 'string'
  )
}

/** GitHub's message without the ` - https://docs.github.com/...` suffix Octokit appends. */
function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data as { message?: unknown } | undefined
  if (typeof data?.message === 'string' && data.message !== '') return data.message
  return error.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '')
}

/**
 * 403 "Resource not accessible by integration" (a GITHUB_TOKEN without the permission, or a
 * fork's read-only token) and its personal-access-token twin.
 */
export function isNotAccessible(error: unknown): boolean {
  return (
    isRequestError(error) &&
    error.status === 403 &&
    /resource not accessible by/i.test(githubMessage(error))
  )
}

/** The primary rate limit: 403/429 with `x-ratelimit-remaining: 0`. */
export function rateLimitResetsAt(error: unknown): Date | undefined {
  if (!isRequestError(error) || (error.status !== 403 && error.status !== 429)) return undefined
  const headers = error.response?.headers ?? {}
  if (String(headers['x-ratelimit-remaining']) !== '0') return undefined
  const reset = Number(headers['x-ratelimit-reset'])
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined
}

/** One line saying why a GitHub call failed, for a notice or a warning. */
export function describeGitHubError(error: unknown, now: Date = new Date()): string {
  if (!isRequestError(error)) {
    return error instanceof Error ? error.message : String(error)
  }
  const resetsAt = rateLimitResetsAt(error)
  if (resetsAt) {
    const minutes = Math.max(1, Math.round((resetsAt.getTime() - now.getTime()) / 60_000))
    return `GitHub API rate limit exhausted (${githubMessage(error)}); it resets at ${resetsAt.toISOString()}, in about ${minutes} min`
  }
  if (/secondary rate limit/i.test(githubMessage(error))) {
    return `GitHub secondary rate limit still in effect after retrying (${githubMessage(error)})`
  }
  return `GitHub API answered ${error.status}: ${githubMessage(error)}`
}

/** Result of a transport that may be refused: the caller reports `reason` and carries on. */
export type Delivery<T> =
  | ({ posted: true } & T)
  | {
      posted: false
      /** `forbidden`: the token may not write here (fork pull request, missing permission). */
      cause: 'forbidden' | 'failed'
      reason: string
    }

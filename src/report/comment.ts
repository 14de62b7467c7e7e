/**
 * The sticky pull request comment: one comment per pull request (and marker), found again on the
 * next run by a hidden marker and its author, and edited in place.
 */
import {
  describeGitHubError,
  isNotAccessible,
  type Delivery,
  type GitHubClient
} from '../github.js'

export interface IssueRef {
  owner: string
  repo: string
  /** The pull request's number (pull requests are issues for comments). */
  issueNumber: number
}

export interface UpsertCommentOptions {
  /**
   * Login our comments are authored by. Leave unset for a GITHUB_TOKEN (`github-actions[bot]`) or
   * a personal access token (asked of `GET /user`); set it for a GitHub App's token
   * (`my-app[bot]`), which cannot ask who it is.
   */
  author?: string
}

export type CommentDelivery = Delivery<{
  action: 'created' | 'updated' | 'unchanged'
  id: number
  url: string
}>

/** GitHub refuses comments longer than this many characters. */
export const COMMENT_MAX_LENGTH = 65536

/** A GITHUB_TOKEN is an installation token of the GitHub Actions app; it comments as this. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]'

interface ListedComment {
  id: number
  body?: string
  html_url: string
  user: { login: string } | null
}

/** The first comment that carries the marker and was written by `author`. */
export function findOwnComment<T extends ListedComment>(
  comments: readonly T[],
  marker: string,
  author: string
): T | undefined {
  const login = author.toLowerCase()
  return comments.find(
    comment => comment.user?.login.toLowerCase() === login && (comment.body ?? '').includes(marker)
  )
}

/** The body as posted: it must carry the marker, or the next run will not find it. */
export function withMarker(marker: string, body: string): string {
  return body.includes(marker) ? body : `${marker}\n${body}`
}

/**
 * Who the token writes as: `GET /user` answers for a personal access token; an installation
 * token (GITHUB_TOKEN) is refused with 403 and writes as `github-actions[bot]`.
 */
async function ownLogin(octokit: GitHubClient): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return data.login
  } catch (error) {
    if (isNotAccessible(error)) return GITHUB_ACTIONS_LOGIN
    throw error
  }
}

/**
 * Updates our comment on the pull request, or creates it when there is none. Never throws for a
 * GitHub failure: a fork's read-only token, a missing permission or an outage come back as
 * `{ posted: false, reason }` for the caller to report; the gate's decision does not depend on it.
 */
export async function upsertComment(
  octokit: GitHubClient,
  issue: IssueRef,
  marker: string,
  body: string,
  options: UpsertCommentOptions = {}
): Promise<CommentDelivery> {
  const where = `pull request #${issue.issueNumber} of ${issue.owner}/${issue.repo}`
  const text = withMarker(marker, body)
  if (text.length > COMMENT_MAX_LENGTH) {
    return {
      posted: false,
      cause: 'failed',
      reason: `The comment for ${where} is ${text.length} characters, more than GitHub's ${COMMENT_MAX_LENGTH}; it was not posted`
    }
  }
  try {
    const author = options.author ?? (await ownLogin(octokit))
    const existing = await findExisting(octokit, issue, marker, author)
    if (existing && existing.body === text) {
      return { posted: true, action: 'unchanged', id: existing.id, url: existing.html_url }
    }
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({
        owner: issue.owner,
        repo: issue.repo,
        comment_id: existing.id,
        body: text
      })
      return { posted: true, action: 'updated', id: data.id, url: data.html_url }
    }
    return await create(octokit, issue, marker, author, text)
  } catch (error) {
    if (isNotAccessible(error)) {
      return {
        posted: false,
        cause: 'forbidden',
        reason: `Could not comment on ${where}: the token may not write there (${describeGitHubError(error)}). A pull request from a fork gets a read-only GITHUB_TOKEN; otherwise give the job "permissions: pull-requests: write".`
      }
    }
    return {
      posted: false,
      cause: 'failed',
      reason: `Could not comment on ${where}: ${describeGitHubError(error)}`
    }
  }
}

/**
 * Creates the comment. A create that fails with a 5xx may still have landed (GitHub's front end
 * timing out on a completed write), so it is not retried blindly: look again first, and create
 * only if the comment is still not there — a second sticky comment is worse than a slow run.
 */
async function create(
  octokit: GitHubClient,
  issue: IssueRef,
  marker: string,
  author: string,
  text: string
): Promise<CommentDelivery> {
  const params = {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.issueNumber,
    body: text
  }
  try {
    const { data } = await octokit.rest.issues.createComment({ ...params, request: { retries: 0 } })
    return { posted: true, action: 'created', id: data.id, url: data.html_url }
  } catch (error) {
    if (!mayHaveLanded(error)) throw error
    const landed = await findExisting(octokit, issue, marker, author)
    if (landed && landed.body === text) {
      return { posted: true, action: 'created', id: landed.id, url: landed.html_url }
    }
    if (landed) {
      const { data } = await octokit.rest.issues.updateComment({
        owner: issue.owner,
        repo: issue.repo,
        comment_id: landed.id,
        body: text
      })
      return { posted: true, action: 'updated', id: data.id, url: data.html_url }
    }
    const { data } = await octokit.rest.issues.createComment(params)
    return { posted: true, action: 'created', id: data.id, url: data.html_url }
  }
}

/** A server error or a lost connection: the write may or may not have happened. */
function mayHaveLanded(error: unknown): boolean {
  const status = (error as { status?: unknown }).status
  return typeof status !== 'number' || status >= 500
}

/** Walks the comments page by page (oldest first) and stops at the first one that is ours. */
async function findExisting(
  octokit: GitHubClient,
  issue: IssueRef,
  marker: string,
  author: string
): Promise<ListedComment | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.issueNumber,
    per_page: 100
  })
  for await (const page of pages) {
    const found = findOwnComment(page.data, marker, author)
    if (found) return found
  }
  return undefined
}

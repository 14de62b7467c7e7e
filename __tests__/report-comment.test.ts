// The sticky comment over real HTTP against the test GitHub server: each "run" builds its own
// client, as successive workflow runs do.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createOctokit, type GitHubClient } from '../src/github.js'
import {
  COMMENT_MAX_LENGTH,
  findOwnComment,
  upsertComment,
  withMarker,
  type IssueRef
} from '../src/report/comment.js'
import {
  DEFAULT_TOKEN,
  GITHUB_ACTIONS_BOT,
  startGitHubServer,
  type GitHubServer
} from './support/github-server.js'

const MARKER = '<!-- policy-gate:comment -->'
const PAT = 'ghp_personalAccessToken0123456789abcdef'
const FORK_TOKEN = 'ghs_forkReadOnlyToken0123456789abcdef'
const APP_TOKEN = 'ghs_otherAppInstallation0123456789abcd'
const pr: IssueRef = { owner: 'octo-org', repo: 'hello', issueNumber: 12 }
const LIST = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' as const

let server: GitHubServer

async function run(token = DEFAULT_TOKEN): Promise<GitHubClient> {
  const quiet = () => undefined
  return createOctokit(token, {
    baseUrl: server.url,
    userAgent: 'policy-gate-tests',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    retryBaseMs: 20
  })
}

const comments = () => server.state.commentsOn('octo-org/hello', 12)
const writes = () => server.requests.filter(request => request.method !== 'GET')

beforeEach(async () => {
  server = await startGitHubServer({
    tokens: {
      [DEFAULT_TOKEN]: GITHUB_ACTIONS_BOT,
      [PAT]: { kind: 'user', login: 'octocat', permission: 'write' },
      [FORK_TOKEN]: { ...GITHUB_ACTIONS_BOT, permission: 'read' },
      [APP_TOKEN]: { kind: 'installation', login: 'policy-app[bot]', permission: 'write' }
    }
  })
  server.state.addPullRequest('octo-org/hello', 12)
})

afterEach(async () => {
  await server.close()
})

describe('upsertComment', () => {
  it('creates the comment on the first run and updates the same one on the next', async () => {
    const first = await upsertComment(await run(), pr, MARKER, `${MARKER}\n❌ 2 failures`)
    const second = await upsertComment(await run(), pr, MARKER, `${MARKER}\n✅ all policies pass`)

    expect(first).toMatchObject({ posted: true, action: 'created' })
    expect(second).toMatchObject({ posted: true, action: 'updated' })
    expect(second.posted && first.posted && second.id === first.id).toBe(true)
    expect(comments().map(comment => [comment.user.login, comment.body])).toEqual([
      ['github-actions[bot]', `${MARKER}\n✅ all policies pass`]
    ])
    expect(first.posted && first.url).toMatch(
      /^https:\/\/github\.com\/octo-org\/hello\/pull\/12#issuecomment-\d+$/
    )
  })

  it('does not write when the comment already says the same', async () => {
    await upsertComment(await run(), pr, MARKER, `${MARKER}\nsame`)
    const before = writes().length
    const again = await upsertComment(await run(), pr, MARKER, `${MARKER}\nsame`)
    expect(again).toMatchObject({ posted: true, action: 'unchanged' })
    expect(writes()).toHaveLength(before)
  })

  it('finds its comment on the third page of 250 and edits it in place', async () => {
    for (let i = 0; i < 230; i++) server.state.addComment('octo-org/hello', 12, `review ${i}`)
    const ours = server.state.addComment('octo-org/hello', 12, `${MARKER}\nold`, {
      login: 'github-actions[bot]'
    })
    for (let i = 230; i < 250; i++) server.state.addComment('octo-org/hello', 12, `review ${i}`)

    const result = await upsertComment(await run(), pr, MARKER, `${MARKER}\nnew`)

    expect(result).toMatchObject({ posted: true, action: 'updated', id: ours.id })
    expect(comments()).toHaveLength(251)
    expect(ours.body).toBe(`${MARKER}\nnew`)
    const pages = server.requests.filter(request => request.route === LIST)
    expect(
      pages.map(request => new URL(request.path, server.url).searchParams.get('page'))
    ).toEqual([null, '2', '3'])
  })

  it('ignores a comment by someone else that quotes the marker', async () => {
    const quoted = server.state.addComment('octo-org/hello', 12, `> ${MARKER}\n> ❌ quoted`)
    const result = await upsertComment(await run(), pr, MARKER, `${MARKER}\nours`)
    expect(result).toMatchObject({ posted: true, action: 'created' })
    expect(quoted.body).toBe(`> ${MARKER}\n> ❌ quoted`)
    expect(comments()).toHaveLength(2)
  })

  it('asks GET /user who a personal access token is, and edits that user’s comment', async () => {
    const mine = server.state.addComment('octo-org/hello', 12, `${MARKER}\nold`, {
      login: 'octocat'
    })
    server.state.addComment('octo-org/hello', 12, `${MARKER}\nbot`, {
      login: 'github-actions[bot]'
    })
    const result = await upsertComment(await run(PAT), pr, MARKER, `${MARKER}\nnew`)
    expect(result).toMatchObject({ posted: true, action: 'updated', id: mine.id })
  })

  it('takes the author from the caller for a GitHub App token', async () => {
    const mine = server.state.addComment('octo-org/hello', 12, `${MARKER}\nold`, {
      login: 'policy-app[bot]'
    })
    const result = await upsertComment(await run(APP_TOKEN), pr, MARKER, `${MARKER}\nnew`, {
      author: 'policy-app[bot]'
    })
    expect(result).toMatchObject({ posted: true, action: 'updated', id: mine.id })
    expect(server.requests.some(request => request.route === 'GET /user')).toBe(false)
  })

  it('adds the marker when the body lacks it, so the next run finds the comment', async () => {
    await upsertComment(await run(), pr, MARKER, 'no marker here')
    const second = await upsertComment(await run(), pr, MARKER, 'still none')
    expect(second).toMatchObject({ posted: true, action: 'updated' })
    expect(comments().map(comment => comment.body)).toEqual([`${MARKER}\nstill none`])
  })

  it('degrades on a fork’s read-only token: no throw, a reason to report', async () => {
    const result = await upsertComment(await run(FORK_TOKEN), pr, MARKER, `${MARKER}\nbody`)
    expect(result).toEqual({
      posted: false,
      cause: 'forbidden',
      reason: expect.stringMatching(
        /^Could not comment on pull request #12 of octo-org\/hello: the token may not write there \(GitHub API answered 403: Resource not accessible by integration\)\. A pull request from a fork gets a read-only GITHUB_TOKEN/
      )
    })
    expect(comments()).toHaveLength(0)
  })

  it('retries a 500 while listing, then creates the comment', async () => {
    server.inject(LIST, 'server-error')
    const result = await upsertComment(await run(), pr, MARKER, `${MARKER}\nbody`)
    expect(result).toMatchObject({ posted: true, action: 'created' })
    expect(server.requests.filter(r => r.route === LIST).map(r => r.status)).toEqual([500, 200])
  })

  it.each([
    ['that landed', true],
    ['that did not land', false]
  ])('leaves exactly one comment after a 5xx on the create %s', async (_name, landed) => {
    server.inject('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 'bad-gateway', {
      landed
    })
    const result = await upsertComment(await run(), pr, MARKER, `${MARKER}\nbody`)
    expect(result).toMatchObject({ posted: true, action: 'created' })
    expect(comments().map(comment => comment.body)).toEqual([`${MARKER}\nbody`])
  })

  it('honours a secondary rate limit on the create', async () => {
    server.inject(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'secondary-rate-limit'
    )
    const started = Date.now()
    const result = await upsertComment(await run(), pr, MARKER, `${MARKER}\nbody`)
    expect(result).toMatchObject({ posted: true, action: 'created' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(comments()).toHaveLength(1)
  })

  it('reports other failures as reasons', async () => {
    const missing = await upsertComment(await run(), { ...pr, issueNumber: 404 }, MARKER, 'b')
    expect(missing).toEqual({
      posted: false,
      cause: 'failed',
      reason:
        'Could not comment on pull request #404 of octo-org/hello: GitHub API answered 404: Not Found'
    })
  })

  it('refuses a body over GitHub’s limit without sending it', async () => {
    const result = await upsertComment(
      await run(),
      pr,
      MARKER,
      `${MARKER}${'x'.repeat(COMMENT_MAX_LENGTH)}`
    )
    expect(result).toMatchObject({ posted: false, cause: 'failed' })
    expect(result.posted === false && result.reason).toMatch(/more than GitHub's 65536/)
    expect(server.requests).toHaveLength(0)
  })
})

describe('findOwnComment / withMarker', () => {
  const comment = (id: number, login: string, body?: string) => ({
    id,
    body,
    html_url: `u${id}`,
    user: { login }
  })

  it.each([
    [
      'the first marked comment by the author',
      [comment(1, 'a', MARKER), comment(2, 'a', MARKER)],
      1
    ],
    ['the author, case-insensitively', [comment(1, 'GitHub-Actions[bot]', MARKER)], 1],
    ['nothing by another author', [comment(1, 'b', MARKER)], undefined],
    ['nothing without the marker', [comment(1, 'a', 'text'), comment(2, 'a')], undefined]
  ])('finds %s', (_name, list, expected) => {
    const author = list[0]?.user.login.startsWith('GitHub') ? 'github-actions[bot]' : 'a'
    expect(findOwnComment(list, MARKER, author)?.id).toBe(expected)
  })

  it('finds nothing on a comment whose author was deleted (user null)', () => {
    expect(findOwnComment([{ id: 1, body: MARKER, html_url: '', user: null }], MARKER, 'a')).toBe(
      undefined
    )
  })

  it('prepends the marker only when missing', () => {
    expect(withMarker(MARKER, 'x')).toBe(`${MARKER}\nx`)
    expect(withMarker(MARKER, `a ${MARKER} b`)).toBe(`a ${MARKER} b`)
  })
})

// The client's retry and rate-limit behaviour, over real HTTP against the test GitHub server.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  createOctokit,
  describeGitHubError,
  isNotAccessible,
  type ClientLog,
  type CreateOctokitOptions,
  type GitHubClient
} from '../src/github.js'
import { startGitHubServer, type GitHubServer } from './support/github-server.js'

const LIST = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments' as const
const params = { owner: 'octo-org', repo: 'hello', issue_number: 3 }

let server: GitHubServer
let logged: string[]

async function client(options: Partial<CreateOctokitOptions> = {}): Promise<GitHubClient> {
  const log: ClientLog = {
    debug: message => logged.push(message),
    info: message => logged.push(message),
    warn: message => logged.push(message),
    error: message => logged.push(message)
  }
  return createOctokit(server.token, {
    baseUrl: `${server.url}/`,
    userAgent: 'policy-gate-tests/1.0',
    log,
    retryBaseMs: 20,
    ...options
  })
}

const listed = () => server.requests.filter(request => request.route === LIST)

beforeEach(async () => {
  server = await startGitHubServer()
  server.state.addPullRequest('octo-org/hello', 3)
  logged = []
})

afterEach(async () => {
  await server.close()
})

describe('createOctokit', () => {
  it('sends the token and the user agent, and never logs the token', async () => {
    server.inject(LIST, 'server-error')
    await (await client()).rest.issues.listComments(params)
    const [first] = listed()
    expect(first?.headers.authorization).toBe(`token ${server.token}`)
    expect(first?.headers['user-agent']).toMatch(/^policy-gate-tests\/1\.0 /)
    expect(logged.join('\n')).not.toContain(server.token)
  })

  it('retries a 5xx (JSON or an HTML gateway page) and succeeds', async () => {
    server.inject(LIST, 'server-error')
    server.inject(LIST, 'bad-gateway')
    const response = await (await client()).rest.issues.listComments(params)
    expect(response.status).toBe(200)
    expect(listed().map(request => request.status)).toEqual([500, 502, 200])
  })

  it('gives up on a 5xx after the configured retries', async () => {
    server.inject(LIST, 'server-error', { times: 10 })
    await expect(
      (await client({ serverErrorRetries: 2 })).rest.issues.listComments(params)
    ).rejects.toMatchObject({ status: 500 })
    expect(listed()).toHaveLength(3)
  })

  it.each([
    ['not-found', 404],
    ['not-accessible', 403]
  ] as const)('does not retry %s', async (fault, status) => {
    server.inject(LIST, fault)
    await expect((await client()).rest.issues.listComments(params)).rejects.toMatchObject({
      status
    })
    expect(listed()).toHaveLength(1)
  })

  it('honours retry-after on a secondary rate limit', async () => {
    server.inject(LIST, 'secondary-rate-limit', { retryAfter: 1 })
    const started = Date.now()
    const response = await (await client()).rest.issues.listComments(params)
    expect(response.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(listed().map(request => request.status)).toEqual([403, 200])
    expect(logged.join('\n')).toMatch(/secondary rate limit .* retrying in 1s/)
  })

  it('retries a secondary rate limit a bounded number of times', async () => {
    // retry-after 0 would read as "absent" to the throttling plugin, which then waits 60s.
    server.inject(LIST, 'secondary-rate-limit', { times: 5, retryAfter: 1 })
    const error = await (
      await client({ secondaryRateLimitRetries: 2 })
    ).rest.issues
      .listComments(params)
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 403 })
    expect(listed()).toHaveLength(3)
    expect(describeGitHubError(error)).toMatch(/^GitHub secondary rate limit still in effect/)
  })

  it('does not wait for a secondary rate limit longer than allowed', async () => {
    server.inject(LIST, 'secondary-rate-limit', { retryAfter: 600 })
    await expect(
      (await client({ maxRateLimitWaitSeconds: 60 })).rest.issues.listComments(params)
    ).rejects.toMatchObject({ status: 403 })
    expect(listed()).toHaveLength(1)
  })

  it('waits for a primary rate limit that resets soon', async () => {
    server.setRateLimit({ remaining: 0, resetInSeconds: 1 })
    const response = await (await client()).rest.issues.listComments(params)
    expect(response.status).toBe(200)
    expect(listed().map(request => request.status)).toEqual([403, 200])
  })

  it('fails at once, saying when it resets, on a primary rate limit that resets late', async () => {
    server.setRateLimit({ remaining: 0, resetInSeconds: 3600 })
    const error = await (
      await client()
    ).rest.issues
      .listComments(params)
      .catch((caught: unknown) => caught)
    expect(listed()).toHaveLength(1)
    expect(describeGitHubError(error)).toMatch(
      /^GitHub API rate limit exhausted \(API rate limit exceeded for installation ID \d+\.\); it resets at \d{4}-\d\d-\d\dT[\d:.]+Z, in about 60 min$/
    )
  })
})

describe('describeGitHubError / isNotAccessible', () => {
  it('names the status and GitHub’s message, without the docs link', async () => {
    server.inject(LIST, 'not-accessible')
    const error = await (
      await client()
    ).rest.issues
      .listComments(params)
      .catch((caught: unknown) => caught)
    expect(isNotAccessible(error)).toBe(true)
    expect(describeGitHubError(error)).toBe(
      'GitHub API answered 403: Resource not accessible by integration'
    )
  })

  it('passes other errors through', () => {
    expect(isNotAccessible(new Error('boom'))).toBe(false)
    expect(describeGitHubError(new Error('connect ECONNREFUSED'))).toBe('connect ECONNREFUSED')
    expect(describeGitHubError('text')).toBe('text')
  })
})

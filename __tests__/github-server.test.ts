// The test GitHub server is only useful if it refuses what GitHub refuses and answers what GitHub
// answers; these tests hold it to GitHub's published OpenAPI description and status codes.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { request as httpRequest } from 'node:http'
import { createOctokit, type ClientLog, type GitHubClient } from '../src/github.js'
import {
  DEFAULT_TOKEN,
  GITHUB_ACTIONS_BOT,
  startGitHubServer,
  type GitHubServer
} from './support/github-server.js'
import { gitHubOpenApi, operationOf, responseSchema, validate } from './support/openapi.js'

const PAT = 'ghp_personalAccessToken0123456789abcdef'
const FORK_TOKEN = 'ghs_forkReadOnlyToken0123456789abcdef'
const quiet: ClientLog = { debug() {}, info() {}, warn() {}, error() {} }

let server: GitHubServer
let octokit: GitHubClient

async function client(token = DEFAULT_TOKEN): Promise<GitHubClient> {
  return createOctokit(token, {
    baseUrl: server.url,
    userAgent: 'policy-gate-tests',
    log: quiet,
    serverErrorRetries: 0,
    secondaryRateLimitRetries: 0
  })
}

/** A request with exactly the headers given (fetch would add its own user-agent and accept). */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string
): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${path}`, { method, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', chunk => chunks.push(chunk as Buffer))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
        })
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

const api = { accept: 'application/vnd.github+json', 'user-agent': 'raw-test' }

beforeEach(async () => {
  server = await startGitHubServer({
    tokens: {
      [DEFAULT_TOKEN]: GITHUB_ACTIONS_BOT,
      [PAT]: { kind: 'user', login: 'octocat', permission: 'write' },
      [FORK_TOKEN]: { ...GITHUB_ACTIONS_BOT, permission: 'read' }
    }
  })
  server.state.addPullRequest('octo-org/hello', 7, [{ filename: 'k8s/deploy.yaml' }])
  octokit = await client()
})

afterEach(async () => {
  await server.close()
})

describe('authentication and headers', () => {
  it('answers 401 "Requires authentication" without a token and "Bad credentials" with a wrong one', async () => {
    const path = '/repos/octo-org/hello/issues/7/comments'
    const missing = await rawRequest('GET', path, api)
    const wrong = await rawRequest('GET', path, { ...api, authorization: 'token ghs_nope' })
    const bearer = await rawRequest('GET', path, {
      ...api,
      authorization: `Bearer ${DEFAULT_TOKEN}`
    })

    expect([missing.status, missing.json.message]).toEqual([401, 'Requires authentication'])
    expect([wrong.status, wrong.json.message]).toEqual([401, 'Bad credentials'])
    expect(bearer.status).toBe(200)
  })

  it('refuses a request without a user-agent (403) or an accept header (415)', async () => {
    const path = '/repos/octo-org/hello/issues/7/comments'
    const auth = { authorization: `token ${DEFAULT_TOKEN}` }
    const noAgent = await rawRequest('GET', path, { ...auth, accept: 'application/json' })
    const noAccept = await rawRequest('GET', path, { ...auth, 'user-agent': 'raw-test' })

    expect(noAgent.status).toBe(403)
    expect(noAgent.json.message).toMatch(/User-Agent header/)
    expect(noAccept.status).toBe(415)
  })

  it('answers 404 for an unknown route, repository or issue', async () => {
    const auth = { ...api, authorization: `token ${DEFAULT_TOKEN}` }
    expect((await rawRequest('GET', '/repos/octo-org/hello/teleport', auth)).status).toBe(404)
    expect((await rawRequest('GET', '/repos/octo-org/nope/issues/7/comments', auth)).status).toBe(
      404
    )
    expect((await rawRequest('GET', '/repos/octo-org/hello/issues/8/comments', auth)).status).toBe(
      404
    )
  })

  it('sends rate-limit headers with every answer', async () => {
    const response = await octokit.rest.issues.listComments({
      owner: 'octo-org',
      repo: 'hello',
      issue_number: 7
    })
    expect(response.headers['x-ratelimit-limit']).toBe('5000')
    expect(response.headers['x-ratelimit-remaining']).toBe('4999')
    expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000)
  })
})

describe('identity', () => {
  it('refuses GET /user to an installation token, as GitHub does for a GITHUB_TOKEN', async () => {
    await expect(octokit.rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration')
    })
  })

  it('answers GET /user for a personal access token', async () => {
    const { data } = await (await client(PAT)).rest.users.getAuthenticated()
    expect(data.login).toBe('octocat')
  })

  it('records a GITHUB_TOKEN comment as authored by github-actions[bot]', async () => {
    const { data } = await octokit.rest.issues.createComment({
      owner: 'octo-org',
      repo: 'hello',
      issue_number: 7,
      body: 'hello'
    })
    expect(data.user).toMatchObject({ login: 'github-actions[bot]', id: 41898282, type: 'Bot' })
    expect(server.state.commentsOn('octo-org/hello', 7)).toHaveLength(1)
  })
})

describe('request bodies are validated against GitHub’s OpenAPI description', () => {
  it('answers 422 with GitHub’s message when a required field is missing', async () => {
    const error = await octokit
      .request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: 'octo-org',
        repo: 'hello',
        issue_number: 7,
        text: 'not the field GitHub wants'
      } as never)
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({
      status: 422,
      response: { data: { message: 'Invalid request.\n\n"body" wasn\'t supplied.' } }
    })
    expect(server.state.comments).toHaveLength(0)
  })

  it.each([
    ['an unknown annotation level', { annotation_level: 'error' }, /is not a member of/],
    ['a line that is not an integer', { start_line: '3' }, /is not an integer/],
    ['a missing message', { message: undefined }, /"message" wasn't supplied/]
  ])('refuses a check run annotation with %s', async (_name, change, expected) => {
    const annotation = {
      path: 'a.yaml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      message: 'm',
      ...change
    }
    const error = await octokit
      .request('POST /repos/{owner}/{repo}/check-runs', {
        owner: 'octo-org',
        repo: 'hello',
        name: 'x',
        head_sha: 'a'.repeat(40),
        conclusion: 'neutral',
        output: { title: 't', summary: 's', annotations: [annotation] }
      } as never)
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ status: 422 })
    expect((error as { response: { data: { message: string } } }).response.data.message).toMatch(
      expected
    )
  })

  it('refuses more than 50 annotations in one request, and an update completing without a conclusion', async () => {
    const annotation = {
      path: 'a.yaml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning' as const,
      message: 'm'
    }
    await expect(
      octokit.rest.checks.create({
        owner: 'octo-org',
        repo: 'hello',
        name: 'x',
        head_sha: 'a'.repeat(40),
        output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) }
      })
    ).rejects.toMatchObject({ status: 422 })

    const { data: run } = await octokit.rest.checks.create({
      owner: 'octo-org',
      repo: 'hello',
      name: 'x',
      head_sha: 'a'.repeat(40)
    })
    await expect(
      octokit.rest.checks.update({
        owner: 'octo-org',
        repo: 'hello',
        check_run_id: run.id,
        status: 'completed'
      })
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: expect.stringContaining('"conclusion" wasn\'t supplied') } }
    })
  })

  it('refuses a comment longer than 65,536 characters with GitHub’s "Validation Failed"', async () => {
    await expect(
      octokit.rest.issues.createComment({
        owner: 'octo-org',
        repo: 'hello',
        issue_number: 7,
        body: 'x'.repeat(65537)
      })
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed', errors: [{ field: 'body' }] } }
    })
  })
})

describe('responses match GitHub’s response schemas', () => {
  const doc = gitHubOpenApi()
  const conforms = (path: string, method: string, status: number, body: unknown): string[] => {
    const schema = responseSchema(doc, operationOf(doc, path, method), status)
    if (!schema) throw new Error(`no ${status} schema for ${method} ${path}`)
    return validate(doc, schema, body)
  }

  it('for comments, check runs, pull request files and the authenticated user', async () => {
    const owner = 'octo-org'
    const repo = 'hello'
    const created = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 7,
      body: 'b'
    })
    const listed = await octokit.rest.issues.listComments({ owner, repo, issue_number: 7 })
    const updated = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: created.data.id,
      body: 'c'
    })
    const run = await octokit.rest.checks.create({
      owner,
      repo,
      name: 'n',
      head_sha: 'b'.repeat(40),
      conclusion: 'success',
      output: { title: 't', summary: 's' }
    })
    const files = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 7 })
    const user = await (await client(PAT)).rest.users.getAuthenticated()

    expect({
      created: conforms(
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        'post',
        201,
        created.data
      ),
      listed: conforms(
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        'get',
        200,
        listed.data
      ),
      updated: conforms(
        '/repos/{owner}/{repo}/issues/comments/{comment_id}',
        'patch',
        200,
        updated.data
      ),
      run: conforms('/repos/{owner}/{repo}/check-runs', 'post', 201, run.data),
      files: conforms('/repos/{owner}/{repo}/pulls/{pull_number}/files', 'get', 200, files.data),
      user: conforms('/user', 'get', 200, user.data)
    }).toEqual({ created: [], listed: [], updated: [], run: [], files: [], user: [] })

    // The same check catches a response GitHub would never send.
    const withoutUser: Record<string, unknown> = { ...created.data }
    delete withoutUser.user
    expect(
      conforms('/repos/{owner}/{repo}/issues/{issue_number}/comments', 'post', 201, {
        ...withoutUser,
        id: 'not-a-number'
      })
    ).toEqual([`"user" wasn't supplied.`, `For 'properties/id', "not-a-number" is not an integer.`])
  })
})

describe('pagination', () => {
  it('pages with per_page (at most 100) and links next/last like GitHub', async () => {
    for (let i = 0; i < 250; i++) server.state.addComment('octo-org/hello', 7, `comment ${i}`)
    const first = await octokit.rest.issues.listComments({
      owner: 'octo-org',
      repo: 'hello',
      issue_number: 7,
      per_page: 500
    })
    expect(first.data).toHaveLength(100)
    expect(first.headers.link).toMatch(/[?&]page=2[^>]*>; rel="next"/)
    expect(first.headers.link).toMatch(/[?&]page=3[^>]*>; rel="last"/)
    // GitHub's links point at /repositories/{id}/..., not at the path that was asked.
    expect(first.headers.link).toMatch(/\/repositories\/\d+\/issues\/7\/comments/)

    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: 'octo-org',
      repo: 'hello',
      issue_number: 7,
      per_page: 100
    })
    expect(all.map(comment => comment.body)).toEqual(
      Array.from({ length: 250 }, (_, i) => `comment ${i}`)
    )
  })

  it('lists at most 3,000 files of a pull request', async () => {
    const files = Array.from({ length: 3500 }, (_, i) => ({ filename: `f/${i}.yaml` }))
    server.state.addPullRequest('octo-org/hello', 9, files)
    const listed = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: 'octo-org',
      repo: 'hello',
      pull_number: 9,
      per_page: 100
    })
    expect(listed).toHaveLength(3000)
    expect(listed[2999]?.filename).toBe('f/2999.yaml')
  })
})

describe('permissions and faults', () => {
  it('refuses writes to a read-only (fork) token with "Resource not accessible by integration"', async () => {
    const fork = await client(FORK_TOKEN)
    await expect(
      fork.rest.issues.listComments({ owner: 'octo-org', repo: 'hello', issue_number: 7 })
    ).resolves.toMatchObject({ status: 200 })
    await expect(
      fork.rest.issues.createComment({
        owner: 'octo-org',
        repo: 'hello',
        issue_number: 7,
        body: 'b'
      })
    ).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } }
    })
  })

  it('refuses check runs to a personal access token', async () => {
    await expect(
      (await client(PAT)).rest.checks.create({
        owner: 'octo-org',
        repo: 'hello',
        name: 'n',
        head_sha: 'c'.repeat(40)
      })
    ).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'You must authenticate via a GitHub App.' } }
    })
  })

  it('fails a route the injected number of times, then answers normally', async () => {
    server.inject('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', 'server-error', {
      times: 2
    })
    const auth = { ...api, authorization: `token ${DEFAULT_TOKEN}` }
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await rawRequest('GET', '/repos/octo-org/hello/issues/7/comments', auth)).status
      )
    }
    expect(statuses).toEqual([500, 500, 200])
  })

  it('signals a secondary rate limit with 403 and retry-after', async () => {
    server.inject('*', 'secondary-rate-limit', { retryAfter: 7 })
    const auth = { ...api, authorization: `token ${DEFAULT_TOKEN}` }
    const limited = await rawRequest('GET', '/repos/octo-org/hello/issues/7/comments', auth)
    expect(limited.status).toBe(403)
    expect(limited.headers['retry-after']).toBe('7')
    expect(limited.json.message).toMatch(/secondary rate limit/)
  })

  it('runs out of its primary rate limit with x-ratelimit-remaining: 0, until the reset', async () => {
    server.setRateLimit({ remaining: 1, resetInSeconds: 3600 })
    const auth = { ...api, authorization: `token ${DEFAULT_TOKEN}` }
    const path = '/repos/octo-org/hello/issues/7/comments'
    expect((await rawRequest('GET', path, auth)).status).toBe(200)
    const limited = await rawRequest('GET', path, auth)
    expect(limited.status).toBe(403)
    expect(limited.headers['x-ratelimit-remaining']).toBe('0')
    expect(limited.json.message).toMatch(/API rate limit exceeded for installation/)
  })
})

describe('state', () => {
  it('appends check run annotations on every update', async () => {
    const annotation = (line: number) => ({
      path: 'a.yaml',
      start_line: line,
      end_line: line,
      annotation_level: 'notice' as const,
      message: `m${line}`
    })
    const { data } = await octokit.rest.checks.create({
      owner: 'octo-org',
      repo: 'hello',
      name: 'n',
      head_sha: 'd'.repeat(40),
      conclusion: 'neutral',
      output: { title: 't', summary: 's', annotations: [annotation(1)] }
    })
    const updated = await octokit.rest.checks.update({
      owner: 'octo-org',
      repo: 'hello',
      check_run_id: data.id,
      output: { title: 't', summary: 's', annotations: [annotation(2), annotation(3)] }
    })
    expect(updated.data.output.annotations_count).toBe(3)
    expect(server.state.checkRuns[0]?.annotations.map(a => a.start_line)).toEqual([1, 2, 3])
    expect(server.state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' })
  })
})

// A GitHub REST API on 127.0.0.1 that checks every request the way api.github.com does: the route
// and method, the token, the headers, and the JSON body against GitHub's published OpenAPI
// description. It answers with GitHub's status codes, shapes and headers (pagination through
// `Link`, rate-limit headers, "Resource not accessible by integration"), keeps the comments and
// check runs it was given so tests can assert on them, and can be told to fail a route n times
// (5xx, secondary rate limit, 403, 404) or to run out of its primary rate limit.

import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gitHubOpenApi, operationOf, requestBodySchema, validate } from './openapi.js'

/** Who a token is, and what it may do. */
export interface TokenIdentity {
  /**
   * `installation`: a GITHUB_TOKEN or an app's installation token — `GET /user` answers 403 and
   * its comments are authored by `login` (`github-actions[bot]`). `user`: a personal access token.
   */
  kind: 'installation' | 'user'
  login: string
  /** `read` is a fork pull request's GITHUB_TOKEN (or `permissions: read-all`): writes get 403. */
  permission: 'read' | 'write'
}

export const DEFAULT_TOKEN = 'ghs_policyGateTestToken0123456789abcdef'

export const GITHUB_ACTIONS_BOT: TokenIdentity = {
  kind: 'installation',
  login: 'github-actions[bot]',
  permission: 'write'
}

export interface GitHubServerOptions {
  /** Tokens the server accepts; default `{ [DEFAULT_TOKEN]: GITHUB_ACTIONS_BOT }`. */
  tokens?: Record<string, TokenIdentity>
  /** Most files `pulls/{n}/files` lists for one pull request; 3,000 on GitHub. */
  maxPullFiles?: number
}

/** The routes served, named as in GitHub's docs; `inject` and `requests` use these names. */
export type Route =
  | 'GET /user'
  | 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
  | 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
  | 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
  | 'POST /repos/{owner}/{repo}/check-runs'
  | 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
  | 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'

export type FaultKind =
  /** 500 with GitHub's JSON error body. */
  | 'server-error'
  /** 502 with an HTML body, as GitHub's front end sends. */
  | 'bad-gateway'
  /** 403 "You have exceeded a secondary rate limit" with `retry-after`. */
  | 'secondary-rate-limit'
  /** 403 "Resource not accessible by integration". */
  | 'not-accessible'
  | 'not-found'

export interface RecordedRequest {
  method: string
  /** Path and query as requested. */
  path: string
  /** The route it matched, when it matched one. */
  route?: Route
  headers: IncomingMessage['headers']
  /** The parsed JSON body, when there was one. */
  body?: unknown
  status: number
}

export interface StoredUser {
  login: string
  id: number
  type: 'User' | 'Bot'
}

export interface StoredComment {
  id: number
  repository: string
  issueNumber: number
  body: string
  user: StoredUser
  createdAt: string
  updatedAt: string
}

export interface Annotation {
  path: string
  start_line: number
  end_line: number
  start_column?: number
  end_column?: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title?: string
  raw_details?: string
}

export interface StoredCheckRun {
  id: number
  repository: string
  name: string
  headSha: string
  status: string
  conclusion: string | null
  detailsUrl: string | null
  externalId: string
  startedAt: string
  completedAt: string | null
  output: { title: string | null; summary: string | null; text: string | null }
  /** Every annotation received, in order, across the create and all updates. */
  annotations: Annotation[]
  /** Identity that created it. */
  createdBy: string
}

export interface PullFileSeed {
  filename: string
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  previous_filename?: string
  additions?: number
  deletions?: number
}

interface RepositoryRecord {
  id: number
  owner: string
  name: string
  issues: Map<number, { pullFiles?: PullFileSeed[] }>
}

/** What the server knows. Tests seed it and assert on it. */
export class GitHubState {
  readonly comments: StoredComment[] = []
  readonly checkRuns: StoredCheckRun[] = []
  readonly repositories = new Map<string, RepositoryRecord>()
  private nextId = 1_000_001
  private nextRepositoryId = 1_296_269

  allocateId(): number {
    return this.nextId++
  }

  repository(fullName: string): RepositoryRecord {
    let record = this.repositories.get(fullName.toLowerCase())
    if (!record) {
      const [owner, name] = fullName.split('/')
      if (!owner || !name) throw new Error(`Not an owner/repo name: ${fullName}`)
      record = { id: this.nextRepositoryId++, owner, name, issues: new Map() }
      this.repositories.set(fullName.toLowerCase(), record)
    }
    return record
  }

  /** A pull request (also an issue, as on GitHub) and the files it changes. */
  addPullRequest(fullName: string, number: number, files: PullFileSeed[] = []): void {
    this.repository(fullName).issues.set(number, { pullFiles: files })
  }

  /** A comment someone already left; `login` defaults to a human. */
  addComment(
    fullName: string,
    issueNumber: number,
    body: string,
    author: { login: string; type?: 'User' | 'Bot' } = { login: 'octocat' }
  ): StoredComment {
    const now = new Date().toISOString()
    const comment: StoredComment = {
      id: this.allocateId(),
      repository: this.repository(fullName).owner + '/' + this.repository(fullName).name,
      issueNumber,
      body,
      user: userOf(author.login, author.type),
      createdAt: now,
      updatedAt: now
    }
    this.comments.push(comment)
    return comment
  }

  commentsOn(fullName: string, issueNumber: number): StoredComment[] {
    const repository = this.repository(fullName)
    return this.comments.filter(
      comment =>
        comment.repository === `${repository.owner}/${repository.name}` &&
        comment.issueNumber === issueNumber
    )
  }
}

export interface GitHubServer {
  /** `http://127.0.0.1:<port>`: the `baseUrl` / `GITHUB_API_URL` to use. */
  url: string
  /** The first accepted token. */
  token: string
  state: GitHubState
  requests: RecordedRequest[]
  /**
   * Answer the next `times` (default 1) requests to `route` (or any route) with `fault`. With
   * `landed`, the request takes effect before the fault is answered, as when GitHub's front end
   * times out on a write that its back end completed.
   */
  inject(
    route: Route | '*',
    fault: FaultKind,
    options?: { times?: number; retryAfter?: number; landed?: boolean }
  ): void
  /** Give `token`'s primary rate limit `remaining` requests, resetting in `resetInSeconds`. */
  setRateLimit(limit: { remaining: number; resetInSeconds: number; token?: string }): void
  close(): Promise<void>
}

const WEB = 'https://github.com'
const DOCS = 'https://docs.github.com/rest'
const RATE_LIMIT = 5000

function idOf(login: string): number {
  if (login === 'github-actions[bot]') return 41898282
  return 10_000 + (createHash('sha256').update(login).digest().readUInt32BE(0) % 9_000_000)
}

function userOf(login: string, type?: 'User' | 'Bot'): StoredUser {
  return { login, id: idOf(login), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') }
}

interface Fault {
  route: Route | '*'
  kind: FaultKind
  remaining: number
  retryAfter: number
  landed: boolean
}

interface RateLimitBucket {
  remaining: number
  reset: number
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {}
  ) {
    super(String(body.message))
  }
}

function gitHubError(status: number, message: string, docs = DOCS, extra = {}): HttpError {
  return new HttpError(status, {
    message,
    ...extra,
    documentation_url: docs,
    status: String(status)
  })
}

const notFound = (): HttpError => gitHubError(404, 'Not Found')

function validationFailed(resource: string, field: string, message: string, docs: string) {
  return gitHubError(422, 'Validation Failed', docs, {
    errors: [{ resource, code: 'custom', field, message }]
  })
}

interface Matched {
  route: Route
  params: Record<string, string>
}

// Route patterns; `/repositories/{id}/...` is where GitHub's own `Link` headers point.
const PATTERNS: { method: string; regex: RegExp; route: Route }[] = [
  { method: 'GET', regex: /^\/user$/, route: 'GET /user' },
  {
    method: 'GET',
    regex:
      /^\/(?:repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)|repositories\/(?<repository_id>\d+))\/issues\/(?<issue_number>\d+)\/comments$/,
    route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
  },
  {
    method: 'POST',
    regex: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/(?<issue_number>\d+)\/comments$/,
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
  },
  {
    method: 'PATCH',
    regex: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/issues\/comments\/(?<comment_id>\d+)$/,
    route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}'
  },
  {
    method: 'POST',
    regex: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/check-runs$/,
    route: 'POST /repos/{owner}/{repo}/check-runs'
  },
  {
    method: 'PATCH',
    regex: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/check-runs\/(?<check_run_id>\d+)$/,
    route: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
  },
  {
    method: 'GET',
    regex:
      /^\/(?:repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)|repositories\/(?<repository_id>\d+))\/pulls\/(?<pull_number>\d+)\/files$/,
    route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files'
  }
]

function match(method: string, pathname: string): Matched | undefined {
  for (const pattern of PATTERNS) {
    const found = pattern.regex.exec(pathname)
    if (found && pattern.method === method) {
      const params: Record<string, string> = {}
      for (const [key, value] of Object.entries(found.groups ?? {})) {
        if (value !== undefined) params[key] = decodeURIComponent(value)
      }
      return { route: pattern.route, params }
    }
  }
  return undefined
}

const WRITE_ROUTES = new Set<Route>([
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'POST /repos/{owner}/{repo}/check-runs',
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}'
])

function openApiPath(route: Route): { method: string; path: string } {
  const [method, path] = route.split(' ') as [string, string]
  return { method, path }
}

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const doc = gitHubOpenApi()
  const tokens = options.tokens ?? { [DEFAULT_TOKEN]: GITHUB_ACTIONS_BOT }
  const maxPullFiles = options.maxPullFiles ?? 3000
  const state = new GitHubState()
  const requests: RecordedRequest[] = []
  const faults: Fault[] = []
  const buckets = new Map<string, RateLimitBucket>()
  let url = ''

  const bucketOf = (token: string): RateLimitBucket => {
    const now = Math.floor(Date.now() / 1000)
    let bucket = buckets.get(token)
    if (!bucket || bucket.reset <= now) {
      bucket = { remaining: RATE_LIMIT, reset: now + 3600 }
      buckets.set(token, bucket)
    }
    return bucket
  }

  const rateHeaders = (bucket: RateLimitBucket): Record<string, string> => ({
    'x-ratelimit-limit': String(RATE_LIMIT),
    'x-ratelimit-remaining': String(bucket.remaining),
    'x-ratelimit-used': String(RATE_LIMIT - bucket.remaining),
    'x-ratelimit-reset': String(bucket.reset),
    'x-ratelimit-resource': 'core'
  })

  const handlers: Record<Route, (call: Call) => Reply> = {
    'GET /user': call => {
      if (call.identity.kind === 'installation') {
        throw gitHubError(
          403,
          'Resource not accessible by integration',
          `${DOCS}/users/users#get-the-authenticated-user`
        )
      }
      return { status: 200, body: privateUserJson(call.identity.login, url) }
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': call => {
      const repository = call.repository()
      const number = Number(call.params.issue_number)
      if (!repository.issues.has(number)) throw notFound()
      const comments = state.commentsOn(`${repository.owner}/${repository.name}`, number)
      return paginate(
        comments.map(comment => commentJson(comment, url)),
        call,
        `/repositories/${repository.id}/issues/${number}/comments`
      )
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': call => {
      const repository = call.repository()
      const number = Number(call.params.issue_number)
      if (!repository.issues.has(number)) throw notFound()
      const { body } = call.body as { body: string }
      checkCommentBody(body, call.docs)
      const comment = state.addComment(`${repository.owner}/${repository.name}`, number, body, {
        login: call.identity.login
      })
      return {
        status: 201,
        body: commentJson(comment, url),
        headers: { location: `${url}/repos/${comment.repository}/issues/comments/${comment.id}` }
      }
    },

    'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': call => {
      const repository = call.repository()
      const comment = state.comments.find(
        candidate =>
          candidate.id === Number(call.params.comment_id) &&
          candidate.repository === `${repository.owner}/${repository.name}`
      )
      if (!comment) throw notFound()
      if (comment.user.login !== call.identity.login && call.identity.kind === 'installation') {
        // An integration may edit only its own comments.
        throw gitHubError(403, 'Resource not accessible by integration', call.docs)
      }
      const { body } = call.body as { body: string }
      checkCommentBody(body, call.docs)
      comment.body = body
      comment.updatedAt = new Date().toISOString()
      return { status: 200, body: commentJson(comment, url) }
    },

    'POST /repos/{owner}/{repo}/check-runs': call => {
      if (call.identity.kind !== 'installation') {
        throw gitHubError(403, 'You must authenticate via a GitHub App.', call.docs)
      }
      const repository = call.repository()
      const input = call.body as CheckRunInput & { head_sha: string; name: string }
      if (!/^[0-9a-f]{40}$/i.test(input.head_sha)) {
        throw gitHubError(422, `No commit found for SHA: ${input.head_sha}`, call.docs)
      }
      checkAnnotations(input, call.docs)
      const now = new Date().toISOString()
      const run: StoredCheckRun = {
        id: state.allocateId(),
        repository: `${repository.owner}/${repository.name}`,
        name: input.name,
        headSha: input.head_sha,
        status: 'queued',
        conclusion: null,
        detailsUrl: input.details_url ?? null,
        externalId: input.external_id ?? '',
        startedAt: input.started_at ?? now,
        completedAt: null,
        output: { title: null, summary: null, text: null },
        annotations: [],
        createdBy: call.identity.login
      }
      applyCheckRunInput(run, input, call.docs)
      state.checkRuns.push(run)
      return { status: 201, body: checkRunJson(run, url) }
    },

    'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': call => {
      const repository = call.repository()
      const run = state.checkRuns.find(
        candidate =>
          candidate.id === Number(call.params.check_run_id) &&
          candidate.repository === `${repository.owner}/${repository.name}`
      )
      if (!run) throw notFound()
      if (run.createdBy !== call.identity.login) {
        throw gitHubError(403, 'Resource not accessible by integration', call.docs)
      }
      const input = call.body as CheckRunInput
      checkAnnotations(input, call.docs)
      applyCheckRunInput(run, input, call.docs)
      return { status: 200, body: checkRunJson(run, url) }
    },

    'GET /repos/{owner}/{repo}/pulls/{pull_number}/files': call => {
      const repository = call.repository()
      const pull = repository.issues.get(Number(call.params.pull_number))
      if (!pull?.pullFiles) throw notFound()
      // GitHub lists at most 3,000 files of a pull request; the rest are silently absent.
      const files = pull.pullFiles.slice(0, maxPullFiles)
      const fullName = `${repository.owner}/${repository.name}`
      return paginate(
        files.map(file => diffEntryJson(file, fullName, url)),
        call,
        `/repositories/${repository.id}/pulls/${call.params.pull_number}/files`
      )
    }
  }

  function repositoryOf(params: Record<string, string>): RepositoryRecord {
    if (params.repository_id) {
      const found = [...state.repositories.values()].find(
        record => record.id === Number(params.repository_id)
      )
      if (!found) throw notFound()
      return found
    }
    const record = state.repositories.get(`${params.owner}/${params.repo}`.toLowerCase())
    if (!record) throw notFound()
    return record
  }

  function paginate(items: unknown[], call: Call, linkPath: string): Reply {
    const perPageAsked = Number.parseInt(call.query.get('per_page') ?? '', 10)
    const perPage =
      Number.isFinite(perPageAsked) && perPageAsked > 0 ? Math.min(perPageAsked, 100) : 30
    const pageAsked = Number.parseInt(call.query.get('page') ?? '', 10)
    const page = Number.isFinite(pageAsked) && pageAsked > 0 ? pageAsked : 1
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const linkTo = (target: number): string => {
      const query = new URLSearchParams(call.query)
      query.set('per_page', String(perPage))
      query.set('page', String(target))
      return `${url}${linkPath}?${query.toString()}`
    }
    const links: string[] = []
    if (page > 1) links.push(`<${linkTo(Math.min(page - 1, last))}>; rel="prev"`)
    if (page < last) {
      links.push(`<${linkTo(page + 1)}>; rel="next"`, `<${linkTo(last)}>; rel="last"`)
    }
    if (page > 1) links.push(`<${linkTo(1)}>; rel="first"`)
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {}
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1')
    const rawBody = await readBody(req)
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname + parsed.search,
      headers: req.headers,
      status: 0
    }
    requests.push(record)
    let headers: Record<string, string> = {}
    try {
      const matched = match(record.method, parsed.pathname)
      if (!matched) throw notFound()
      record.route = matched.route
      const { method, path } = openApiPath(matched.route)
      const operation = operationOf(doc, path, method)
      const docs = operation.externalDocs?.url ?? DOCS

      if (!req.headers['user-agent']) {
        throw gitHubError(
          403,
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.'
        )
      }
      const accept = req.headers.accept
      if (!accept || !/application\/(vnd\.github[^,]*|json)|\*\/\*/.test(accept)) {
        throw gitHubError(
          415,
          `Unsupported 'Accept' header: ${JSON.stringify(accept ?? '')}.`,
          docs
        )
      }

      const token = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
      if (!token) throw gitHubError(401, 'Requires authentication', docs)
      const identity = tokens[token]
      if (!identity) throw gitHubError(401, 'Bad credentials', DOCS)

      const bucket = bucketOf(token)
      headers = rateHeaders(bucket)
      const fault = faults.find(
        candidate =>
          candidate.remaining > 0 && (candidate.route === '*' || candidate.route === matched.route)
      )
      if (fault) {
        fault.remaining -= 1
        if (!fault.landed) throw faultError(fault, docs)
      }
      if (bucket.remaining <= 0) {
        throw gitHubError(
          403,
          identity.kind === 'installation'
            ? 'API rate limit exceeded for installation ID 4242424.'
            : `API rate limit exceeded for user ID ${idOf(identity.login)}.`,
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits'
        )
      }
      bucket.remaining -= 1
      headers = rateHeaders(bucket)

      let body: unknown
      const schema = requestBodySchema(operation)
      if (schema) {
        try {
          body = rawBody.length === 0 ? {} : JSON.parse(rawBody.toString('utf8'))
        } catch {
          throw gitHubError(400, 'Problems parsing JSON', docs)
        }
        record.body = body
        const problems = validate(doc, schema, body)
        if (problems.length > 0) {
          throw gitHubError(422, `Invalid request.\n\n${problems.join('\n')}`, docs)
        }
      }

      if (WRITE_ROUTES.has(matched.route) && identity.permission === 'read') {
        throw gitHubError(
          403,
          identity.kind === 'installation'
            ? 'Resource not accessible by integration'
            : 'Resource not accessible by personal access token',
          docs
        )
      }

      const call: Call = {
        params: matched.params,
        query: parsed.searchParams,
        body,
        identity,
        docs,
        repository: () => repositoryOf(matched.params)
      }
      const reply = handlers[matched.route](call)
      if (fault) throw faultError(fault, docs)
      send(res, record, reply.status, reply.body, { ...headers, ...reply.headers })
    } catch (error) {
      if (error instanceof HttpError) {
        send(res, record, error.status, error.body, { ...headers, ...error.headers })
      } else {
        send(res, record, 500, { message: `Test server bug: ${String(error)}` }, headers)
      }
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    token: Object.keys(tokens)[0] as string,
    state,
    requests,
    inject(route, kind, { times = 1, retryAfter = 1, landed = false } = {}) {
      faults.push({ route, kind, remaining: times, retryAfter, landed })
    },
    setRateLimit({ remaining, resetInSeconds, token }) {
      const key = token ?? (Object.keys(tokens)[0] as string)
      buckets.set(key, { remaining, reset: Math.ceil(Date.now() / 1000 + resetInSeconds) })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }
}

interface Call {
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
  identity: TokenIdentity
  docs: string
  repository(): RepositoryRecord
}

interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

function faultError(fault: Fault, docs: string): HttpError {
  switch (fault.kind) {
    case 'server-error':
      return gitHubError(500, 'Server Error', docs)
    case 'bad-gateway':
      return new HttpError(502, { html: '<html><body><h1>502 Bad Gateway</h1></body></html>' })
    case 'not-found':
      return notFound()
    case 'not-accessible':
      return gitHubError(403, 'Resource not accessible by integration', docs)
    case 'secondary-rate-limit':
      return new HttpError(
        403,
        {
          message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${randomUUID()}.`,
          documentation_url:
            'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403'
        },
        { 'retry-after': String(fault.retryAfter) }
      )
  }
}

function send(
  res: ServerResponse,
  record: RecordedRequest,
  status: number,
  body: unknown,
  headers: Record<string, string>
): void {
  record.status = status
  const html = (body as { html?: unknown } | undefined)?.html
  const text = typeof html === 'string' ? html : JSON.stringify(body)
  res.writeHead(status, {
    'content-type': typeof html === 'string' ? 'text/html' : 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-request-id': randomUUID().toUpperCase(),
    ...headers
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

// GitHub's limits that its OpenAPI description does not express.
const COMMENT_MAX = 65536
const ANNOTATION_TEXT_MAX_BYTES = 64 * 1024

function checkCommentBody(body: string, docs: string): void {
  if (body.length > COMMENT_MAX) {
    throw validationFailed(
      'IssueComment',
      'body',
      `body is too long (maximum is ${COMMENT_MAX} characters)`,
      docs
    )
  }
}

interface CheckRunInput {
  name?: string
  details_url?: string
  external_id?: string
  status?: string
  started_at?: string
  conclusion?: string
  completed_at?: string
  output?: { title?: string; summary?: string; text?: string; annotations?: Annotation[] }
}

function checkAnnotations(input: CheckRunInput, docs: string): void {
  for (const annotation of input.output?.annotations ?? []) {
    if (annotation.title !== undefined && annotation.title.length > 255) {
      throw validationFailed(
        'CheckRun',
        'title',
        'title is too long (maximum is 255 characters)',
        docs
      )
    }
    for (const field of ['message', 'raw_details'] as const) {
      const text = annotation[field]
      if (text !== undefined && Buffer.byteLength(text) > ANNOTATION_TEXT_MAX_BYTES) {
        throw validationFailed('CheckRun', field, `${field} is too long (maximum is 64 KB)`, docs)
      }
    }
    if (annotation.end_line < annotation.start_line) {
      throw validationFailed('CheckRun', 'end_line', 'end_line must not be before start_line', docs)
    }
  }
}

function applyCheckRunInput(run: StoredCheckRun, input: CheckRunInput, docs: string): void {
  if (input.status === 'completed' && !input.conclusion && !run.conclusion) {
    throw gitHubError(422, 'Invalid request.\n\n"conclusion" wasn\'t supplied.', docs)
  }
  if (input.name !== undefined) run.name = input.name
  if (input.details_url !== undefined) run.detailsUrl = input.details_url
  if (input.external_id !== undefined) run.externalId = input.external_id
  if (input.started_at !== undefined) run.startedAt = input.started_at
  if (input.status !== undefined) run.status = input.status
  if (input.conclusion !== undefined) {
    // GitHub: providing a conclusion completes the run.
    run.conclusion = input.conclusion
    run.status = 'completed'
    run.completedAt = input.completed_at ?? new Date().toISOString()
  }
  if (input.output) {
    if (input.output.title !== undefined) run.output.title = input.output.title
    if (input.output.summary !== undefined) run.output.summary = input.output.summary
    if (input.output.text !== undefined) run.output.text = input.output.text
    // Annotations are appended on every update, never replaced.
    run.annotations.push(...(input.output.annotations ?? []))
  }
}

function simpleUserJson(user: StoredUser, api: string): Record<string, unknown> {
  const base = `${api}/users/${encodeURIComponent(user.login)}`
  return {
    login: user.login,
    id: user.id,
    node_id: Buffer.from(`04:User${user.id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: base,
    html_url:
      user.type === 'Bot'
        ? `${WEB}/apps/${user.login.replace(/\[bot\]$/, '')}`
        : `${WEB}/${user.login}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false
  }
}

function privateUserJson(login: string, api: string): Record<string, unknown> {
  const now = new Date().toISOString()
  return {
    ...simpleUserJson(userOf(login, 'User'), api),
    user_view_type: 'private',
    name: login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: now,
    updated_at: now,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true
  }
}

function commentJson(comment: StoredComment, api: string): Record<string, unknown> {
  const [owner, repo] = comment.repository.split('/') as [string, string]
  return {
    id: comment.id,
    node_id: Buffer.from(`012:IssueComment${comment.id}`).toString('base64'),
    url: `${api}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
    html_url: `${WEB}/${owner}/${repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: simpleUserJson(comment.user, api),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${api}/repos/${owner}/${repo}/issues/${comment.issueNumber}`,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    performed_via_github_app: null,
    reactions: {
      url: `${api}/repos/${owner}/${repo}/issues/comments/${comment.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0
    }
  }
}

function checkRunJson(run: StoredCheckRun, api: string): Record<string, unknown> {
  const [owner, repo] = run.repository.split('/') as [string, string]
  const now = new Date().toISOString()
  return {
    id: run.id,
    node_id: Buffer.from(`CR_${run.id}`).toString('base64'),
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/repos/${owner}/${repo}/check-runs/${run.id}`,
    html_url: `${WEB}/${owner}/${repo}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${WEB}/${owner}/${repo}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/repos/${owner}/${repo}/check-runs/${run.id}/annotations`
    },
    name: run.name,
    check_suite: { id: run.id + 7_000_000 },
    app: {
      id: 15368,
      slug: 'github-actions',
      node_id: 'MDM6QXBwMTUzNjg=',
      owner: simpleUserJson(userOf('github', 'User'), api),
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${WEB}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: now,
      permissions: { checks: 'write', pull_requests: 'write', metadata: 'read' },
      events: ['check_run', 'pull_request']
    },
    pull_requests: []
  }
}

function diffEntryJson(file: PullFileSeed, fullName: string, api: string): Record<string, unknown> {
  const sha = createHash('sha1').update(file.filename).digest('hex')
  const additions = file.additions ?? 1
  const deletions = file.deletions ?? 0
  const path = file.filename.split('/').map(encodeURIComponent).join('/')
  return {
    sha,
    filename: file.filename,
    status: file.status ?? 'modified',
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${WEB}/${fullName}/blob/${sha}/${path}`,
    raw_url: `${WEB}/${fullName}/raw/${sha}/${path}`,
    contents_url: `${api}/repos/${fullName}/contents/${path}?ref=${sha}`,
    ...(file.previous_filename ? { previous_filename: file.previous_filename } : {})
  }
}

// The check run over real HTTP against the test GitHub server, whose bodies are checked against
// GitHub's OpenAPI description (50 annotations a request, required fields, levels).

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { Finding } from '../src/findings.js'
import { createOctokit, type GitHubClient } from '../src/github.js'
import {
  ANNOTATION_MESSAGE_MAX_BYTES,
  CHECK_RUN_NAME,
  batches,
  checkRunHeadSha,
  fitSummary,
  publishCheckRun,
  SUMMARY_MAX_LENGTH,
  toAnnotation,
  truncateUtf8,
  type CheckRunTarget
} from '../src/report/check-run.js'
import {
  DEFAULT_TOKEN,
  GITHUB_ACTIONS_BOT,
  startGitHubServer,
  type GitHubServer
} from './support/github-server.js'

const FORK_TOKEN = 'ghs_forkReadOnlyToken0123456789abcdef'
const PAT = 'ghp_personalAccessToken0123456789abcdef'
const target: CheckRunTarget = { owner: 'octo-org', repo: 'hello', headSha: 'e'.repeat(40) }
const CREATE = 'POST /repos/{owner}/{repo}/check-runs' as const
const UPDATE = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}' as const

let server: GitHubServer

async function client(token = DEFAULT_TOKEN): Promise<GitHubClient> {
  const quiet = () => undefined
  return createOctokit(token, {
    baseUrl: server.url,
    userAgent: 'policy-gate-tests',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    retryBaseMs: 20
  })
}

function finding(i: number, overrides: Partial<Finding> = {}): Finding {
  return {
    severity: (['failure', 'warning', 'exception', 'error'] as const)[i % 4] ?? 'failure',
    file: `k8s/app-${i}.yaml`,
    line: i + 1,
    namespace: 'main',
    rule: 'deny',
    id: `K8S-${String(i).padStart(3, '0')}`,
    message: `finding ${i}`,
    ...overrides
  }
}

const report = (findings: Finding[]) => ({
  title: `${findings.length} findings`,
  summary: '## policy-gate\nsee annotations',
  conclusion: 'failure' as const,
  findings
})

beforeEach(async () => {
  server = await startGitHubServer({
    tokens: {
      [DEFAULT_TOKEN]: GITHUB_ACTIONS_BOT,
      [FORK_TOKEN]: { ...GITHUB_ACTIONS_BOT, permission: 'read' },
      [PAT]: { kind: 'user', login: 'octocat', permission: 'write' }
    }
  })
  server.state.repository('octo-org/hello')
})

afterEach(async () => {
  await server.close()
})

describe('publishCheckRun', () => {
  it('gets all 120 findings onto one check run in 3 requests of at most 50', async () => {
    const findings = Array.from({ length: 120 }, (_, i) => finding(i))
    const result = await publishCheckRun(await client(), target, report(findings))

    expect(result).toMatchObject({ posted: true, annotations: 120 })
    const writes = server.requests.filter(r => r.route === CREATE || r.route === UPDATE)
    expect(writes.map(r => [r.route, r.status])).toEqual([
      [CREATE, 201],
      [UPDATE, 200],
      [UPDATE, 200]
    ])
    const [run] = server.state.checkRuns
    expect(server.state.checkRuns).toHaveLength(1)
    expect(run).toMatchObject({
      name: CHECK_RUN_NAME,
      headSha: target.headSha,
      status: 'completed',
      conclusion: 'failure',
      output: { title: '120 findings', summary: '## policy-gate\nsee annotations' }
    })
    expect(run?.annotations.map(a => a.message)).toEqual(findings.map(f => f.message))
    expect(run?.annotations.slice(0, 4).map(a => a.annotation_level)).toEqual([
      'failure',
      'warning',
      'notice',
      'failure'
    ])
    expect(result.posted && result.url).toMatch(
      /^https:\/\/github\.com\/octo-org\/hello\/runs\/\d+$/
    )
  })

  it.each([
    [0, 1],
    [50, 1],
    [51, 2]
  ])('sends %i annotations in %i request(s)', async (count, requests) => {
    const findings = Array.from({ length: count }, (_, i) => finding(i))
    const result = await publishCheckRun(await client(), target, report(findings))
    expect(result).toMatchObject({ posted: true, annotations: count })
    expect(server.requests.filter(r => r.route === CREATE || r.route === UPDATE)).toHaveLength(
      requests
    )
    expect(server.state.checkRuns[0]?.annotations).toHaveLength(count)
  })

  it('degrades on a fork’s read-only token', async () => {
    const result = await publishCheckRun(await client(FORK_TOKEN), target, report([finding(0)]))
    expect(result).toEqual({
      posted: false,
      cause: 'forbidden',
      reason: expect.stringContaining('"permissions: checks: write"')
    })
    expect(server.state.checkRuns).toHaveLength(0)
  })

  it('explains that a personal access token cannot create check runs', async () => {
    const result = await publishCheckRun(await client(PAT), target, report([finding(0)]))
    expect(result).toMatchObject({ posted: false, cause: 'forbidden' })
    expect(result.posted === false && result.reason).toMatch(/not a personal access token/)
  })

  it('retries a 500 on the create, then succeeds', async () => {
    server.inject(CREATE, 'server-error')
    const result = await publishCheckRun(await client(), target, report([finding(0)]))
    expect(result).toMatchObject({ posted: true, annotations: 1 })
    expect(server.requests.filter(r => r.route === CREATE).map(r => r.status)).toEqual([500, 201])
  })

  it('keeps the run complete and says what is missing when a later batch is refused', async () => {
    server.inject(UPDATE, 'not-accessible')
    const findings = Array.from({ length: 75 }, (_, i) => finding(i))
    const result = await publishCheckRun(await client(), target, report(findings))
    expect(result).toMatchObject({
      posted: true,
      annotations: 50,
      incomplete:
        'The check run has 50 of 75 annotations; the other 25 were refused: GitHub API answered 403: Resource not accessible by integration'
    })
    expect(server.state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' })
  })

  it('reports a failure to create as a reason', async () => {
    const result = await publishCheckRun(await client(), { ...target, repo: 'missing' }, report([]))
    expect(result).toEqual({
      posted: false,
      cause: 'failed',
      reason:
        'Could not create the check run on octo-org/missing@eeeeeeeeeeee: GitHub API answered 404: Not Found'
    })
  })

  it('sends annotations at GitHub’s limits, which GitHub accepts', async () => {
    const long = finding(0, {
      title: 'T'.repeat(400),
      message: '€'.repeat(40_000),
      remediation: 'pin the image digest'
    })
    const result = await publishCheckRun(await client(), target, {
      ...report([long]),
      summary: 's'.repeat(SUMMARY_MAX_LENGTH + 10)
    })
    expect(result).toMatchObject({ posted: true, annotations: 1 })
    const [annotation] = server.state.checkRuns[0]?.annotations ?? []
    expect(annotation?.title).toHaveLength(255)
    expect(Buffer.byteLength(annotation?.message ?? '')).toBeLessThanOrEqual(
      ANNOTATION_MESSAGE_MAX_BYTES
    )
    expect(annotation?.raw_details).toBe('Remediation: pin the image digest')
    expect(server.state.checkRuns[0]?.output.summary).toHaveLength(SUMMARY_MAX_LENGTH)
  })
})

describe('toAnnotation', () => {
  it('maps a finding to GitHub’s annotation fields', () => {
    expect(toAnnotation(finding(1, { title: 'Latest tag', line: 7 }))).toEqual({
      path: 'k8s/app-1.yaml',
      start_line: 7,
      end_line: 7,
      annotation_level: 'warning',
      message: 'finding 1',
      title: 'K8S-001: Latest tag'
    })
  })

  it.each([
    [undefined, 1],
    [0, 1],
    [12, 12]
  ])('puts a finding on line %s at line %i', (line, expected) => {
    expect(toAnnotation(finding(0, { line })).start_line).toBe(expected)
  })
})

describe('pure helpers', () => {
  it('batches by size, the last one short', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(batches([], 50)).toEqual([])
  })

  it('cuts UTF-8 on a character boundary, within the byte limit', () => {
    expect(truncateUtf8('abc', 3)).toBe('abc')
    const cut = truncateUtf8('€€€€', 8) // 12 bytes; '…' is 3
    expect(cut).toBe('€…')
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(8)
  })

  it('keeps a summary at the limit and cuts one over it with a note', () => {
    const exact = 'a'.repeat(SUMMARY_MAX_LENGTH)
    expect(fitSummary(exact)).toBe(exact)
    const cut = fitSummary(exact + 'a')
    expect(cut).toHaveLength(SUMMARY_MAX_LENGTH)
    expect(cut).toMatch(/the summary was cut at GitHub’s 65,535-character limit/)
  })

  it('annotates a pull request’s head commit, not the merge commit', () => {
    expect(checkRunHeadSha({ pull_request: { head: { sha: 'head' } } }, 'merge')).toBe('head')
    expect(checkRunHeadSha({ after: 'pushed' }, 'pushed')).toBe('pushed')
  })
})

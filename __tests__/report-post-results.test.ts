// postResults against a real HTTP collector on 127.0.0.1 that answers as told, attempt by attempt.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  isRetryableStatus,
  postResults,
  redactUrl,
  retryAfterMs
} from '../src/report/post-results.js'

interface Answer {
  status: number
  headers?: Record<string, string>
  /** Never answer (to exercise the timeout). */
  hang?: boolean
}

interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

let server: Server
let url: string
let answers: Answer[]
let received: Received[]

beforeEach(async () => {
  answers = []
  received = []
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', chunk => chunks.push(chunk as Buffer))
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now()
      })
      const answer = answers.shift() ?? { status: 200 }
      if (answer.hang) return
      res.writeHead(answer.status, answer.headers).end('{}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`
})

afterEach(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const results = { version: 1, findings: [{ id: 'K8S-001', file: 'a.yaml' }] }

describe('postResults', () => {
  it('posts the results as JSON with the given headers', async () => {
    const outcome = await postResults({
      url,
      results,
      headers: { authorization: 'Bearer collector-token' },
      userAgent: 'policy-gate/1.0'
    })
    expect(outcome).toEqual({ posted: true, status: 200, attempts: 1 })
    expect(JSON.parse(received[0]?.body ?? '')).toEqual(results)
    expect(received[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'policy-gate/1.0',
      authorization: 'Bearer collector-token'
    })
  })

  it('retries a 503 with a growing wait and succeeds', async () => {
    answers = [{ status: 503 }, { status: 502 }, { status: 201 }]
    const outcome = await postResults({ url, results, backoffMs: 100 })
    expect(outcome).toEqual({ posted: true, status: 201, attempts: 3 })
    const gaps = received.slice(1).map((r, i) => r.at - (received[i]?.at ?? 0))
    expect(gaps[0]).toBeGreaterThanOrEqual(95)
    expect(gaps[1]).toBeGreaterThanOrEqual(195)
  })

  it('gives up after the attempts allowed, with a reason', async () => {
    answers = Array(5).fill({ status: 500 })
    const outcome = await postResults({ url, results, attempts: 3, backoffMs: 10 })
    expect(outcome).toEqual({
      posted: false,
      attempts: 3,
      reason: `POST ${url} answered 500 Internal Server Error (gave up after 3 attempts)`
    })
    expect(received).toHaveLength(3)
  })

  it('does not retry a refusal (4xx)', async () => {
    answers = [{ status: 401 }]
    const outcome = await postResults({ url, results, backoffMs: 10 })
    expect(outcome).toEqual({
      posted: false,
      attempts: 1,
      reason: `POST ${url} answered 401 Unauthorized; not retried`
    })
    expect(received).toHaveLength(1)
  })

  it('honours Retry-After on a 429', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]
    const outcome = await postResults({ url, results, backoffMs: 10 })
    expect(outcome).toMatchObject({ posted: true, attempts: 2 })
    expect((received[1]?.at ?? 0) - (received[0]?.at ?? 0)).toBeGreaterThanOrEqual(990)
  })

  it('gives up when Retry-After asks for longer than allowed', async () => {
    answers = [{ status: 503, headers: { 'retry-after': '3600' } }]
    const outcome = await postResults({ url, results, maxRetryAfterMs: 5000 })
    expect(outcome).toMatchObject({ posted: false, attempts: 1 })
    expect(outcome.posted === false && outcome.reason).toMatch(
      /asked to retry after 3600s, longer than the 5s allowed/
    )
  })

  it('times out an attempt that never answers, and retries it', async () => {
    answers = [{ status: 0, hang: true }, { status: 200 }]
    const outcome = await postResults({ url, results, timeoutMs: 300, backoffMs: 10 })
    expect(outcome).toEqual({ posted: true, status: 200, attempts: 2 })
  })

  it('reports a collector that is not listening, without leaking the query', async () => {
    const closed = await new Promise<string>(resolve => {
      const probe = createServer()
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(`http://127.0.0.1:${port}/ingest?token=s3cr3t`))
      })
    })
    const outcome = await postResults({ url: closed, results, attempts: 2, backoffMs: 10 })
    expect(outcome).toMatchObject({ posted: false, attempts: 2 })
    const reason = outcome.posted === false ? outcome.reason : ''
    expect(reason).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/ingest failed: .*ECONNREFUSED/)
    expect(reason).not.toContain('s3cr3t')
  })

  it.each([
    ['not a url', /^report-url is not a URL/],
    ['ftp://example.com/x', /^report-url must be http\(s\), not ftp:/]
  ])('refuses %s without sending anything', async (bad, reason) => {
    const outcome = await postResults({ url: bad, results })
    expect(outcome).toMatchObject({
      posted: false,
      attempts: 0,
      reason: expect.stringMatching(reason)
    })
  })
})

describe('pure helpers', () => {
  it.each([
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [599, true],
    [400, false],
    [404, false],
    [422, false]
  ])('status %i is retryable: %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected)
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-05-01T12:00:00Z')
    expect(retryAfterMs('2', now)).toBe(2000)
    expect(retryAfterMs('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000)
    expect(retryAfterMs('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs(null, now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })

  it('redacts credentials, query and fragment', () => {
    expect(redactUrl('https://user:pw@example.com/a/b?token=x#frag')).toBe(
      'https://example.com/a/b'
    )
  })
})

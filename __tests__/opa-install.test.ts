// installOpa against a real HTTP release server on 127.0.0.1 serving the real OPA binary, with
// a real tool cache in fresh temp dirs: no module is mocked.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import {
  appendFile,
  chmod,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile
} from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tc from '@actions/tool-cache'
import { installOpa, validateOpaVersion, type InstallOptions } from '../src/opa/install.js'
import { startReleaseServer, type ReleaseServer } from './support/release-server.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const realOpa = path.join(repoRoot, '.tools', 'bin', 'opa')
const VERSION = '1.22.3'
const ASSET = 'opa_linux_amd64_static'

// tool-cache waits 10–20 s between download attempts; it reads these globals (its own test hook)
// so a retried 5xx or dropped connection is retried at once here.
const retryGlobals = globalThis as Record<string, unknown>
retryGlobals.TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS = 0
retryGlobals.TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS = 0

const timings: Record<string, number[]> = {}
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now()
  try {
    return await work()
  } finally {
    ;(timings[label] ??= []).push(performance.now() - started)
  }
}

let root: string
let server: ReleaseServer
let running: ReleaseServer | undefined
let lines: string[]
const savedEnv = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP }

beforeAll(() => {
  if (!existsSync(realOpa)) {
    throw new Error(`${realOpa} is missing: run scripts/install-tools.sh first`)
  }
})

afterAll(() => {
  restoreEnv('RUNNER_TOOL_CACHE', savedEnv.cache)
  restoreEnv('RUNNER_TEMP', savedEnv.temp)
  const summary = Object.entries(timings).map(([label, ms]) => {
    const sorted = [...ms].sort((a, b) => a - b)
    return `${label}: median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms over ${ms.length} runs`
  })
  if (summary.length > 0) console.log(`installOpa timings\n${summary.join('\n')}`)
})

beforeEach(async () => {
  // tool-cache reads these on every call, not at import, so fresh dirs per test are enough.
  root = await mkdtemp(path.join(tmpdir(), 'opa-install-'))
  process.env.RUNNER_TOOL_CACHE = path.join(root, 'tool-cache')
  process.env.RUNNER_TEMP = path.join(root, 'temp')
  lines = []
})

afterEach(async () => {
  await running?.close()
  running = undefined
  await rm(root, { recursive: true, force: true })
})

const serve = async (opaBinary = realOpa, assets?: string[]): Promise<ReleaseServer> => {
  server = await startReleaseServer({ opaBinary, version: VERSION, assets })
  running = server
  return server
}

const options = (overrides: Partial<InstallOptions> = {}): InstallOptions => ({
  version: VERSION,
  downloadBaseUrl: server.url,
  platform: 'linux',
  arch: 'x64',
  ...overrides
})

const install = (overrides: Partial<InstallOptions> = {}) =>
  installOpa(options(overrides), line => lines.push(line))

// The error a promise rejects with; a fulfilled one fails the test.
const rejection = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    value => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
    },
    (error: unknown) => error as Error
  )

const binaryUrl = () => `${server.url}${server.pathOf(ASSET)}`

const writeFakeOpa = async (dir: string, version: string): Promise<string> => {
  const file = path.join(dir, 'opa')
  await writeFile(file, `#!/bin/sh\necho "Version: ${version}"\necho "Platform: linux/amd64"\n`)
  await chmod(file, 0o755)
  return file
}

const cachedDir = () => path.join(root, 'tool-cache', 'opa', VERSION, 'x64')

describe('download', () => {
  it('downloads, verifies and caches the release binary, following the redirect', async () => {
    await serve()
    const opa = await timed('fresh download + verify + cache', () => install())

    expect(opa).toEqual({
      path: path.join(cachedDir(), 'opa'),
      version: VERSION,
      source: 'download',
      sha256: server.sha256
    })
    expect(execFileSync(opa.path, ['version'], { encoding: 'utf8' })).toContain(
      `Version: ${VERSION}`
    )
    expect(await readFile(path.join(cachedDir(), 'opa.sha256'), 'utf8')).toBe(
      `${server.sha256}  opa\n`
    )
    expect(
      server.requests.map(r => [
        r.path.replace(/\?.*/, '').replace(/[0-9a-f-]{36}/, 'ID'),
        r.status
      ])
    ).toEqual([
      [server.pathOf(ASSET), 302],
      ['/github-production-release-asset/ID', 200],
      [server.pathOf(`${ASSET}.sha256`), 302],
      ['/github-production-release-asset/ID', 200]
    ])
    // The downloads into RUNNER_TEMP are removed once cached.
    expect(await readdir(path.join(root, 'temp'))).toEqual([])
    expect(lines).toEqual([
      `Downloading OPA ${VERSION} for linux/x64 from ${binaryUrl()}`,
      `Verified SHA-256 ${server.sha256} of ${ASSET}`,
      `Installed OPA ${VERSION} for linux/x64 into the tool cache: ${opa.path}`
    ])
  })

  it('accepts a leading v and a matching pinned sha256 (any case)', async () => {
    await serve()
    const opa = await timed('fresh download + verify + cache', () =>
      install({ version: `v${VERSION}`, sha256: server.sha256.toUpperCase() })
    )
    expect(opa.source).toBe('download')
    expect(opa.version).toBe(VERSION)
  })

  it('names the Windows asset and caches it as opa.exe', async () => {
    // The Linux binary stands in for the Windows one: what is tested is the naming end to end.
    await serve(realOpa, ['opa_windows_amd64.exe'])
    const opa = await timed('fresh download + verify + cache', () => install({ platform: 'win32' }))
    expect(opa.path).toBe(path.join(cachedDir(), 'opa.exe'))
    expect(server.requests[0].path).toBe(server.pathOf('opa_windows_amd64.exe'))
  })
})

describe('the release server', () => {
  it('answers like github.com: a 302 to an objects URL, then the bytes', async () => {
    await serve()
    const first = await fetch(binaryUrl(), { redirect: 'manual' })
    expect(first.status).toBe(302)
    const location = first.headers.get('location') ?? ''
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/github-production-release-asset\//)

    const asset = await fetch(location)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toBe('application/octet-stream')
    expect(asset.headers.get('content-length')).toBe(String((await stat(realOpa)).size))
    expect((await asset.arrayBuffer()).byteLength).toBe((await stat(realOpa)).size)

    const checksum = await fetch(`${binaryUrl()}.sha256`)
    expect(await checksum.text()).toBe(`${server.sha256}  ${ASSET}\n`)
    const unknown = await fetch(`${server.url}${server.pathOf('opa_plan9_amd64')}`)
    expect(unknown.status).toBe(404)
    expect(() => server.inject('/nope', { kind: 'wrong-digest' })).toThrow('/nope is not served')
  })
})

describe('tool cache', () => {
  it('resolves a second run from the tool cache without any request', async () => {
    await serve()
    const first = await install()
    const requestsAfterFirst = server.requests.length
    for (let run = 0; run < 3; run++) {
      const again = await timed('cached resolve (digest re-check)', () => install())
      expect(again).toEqual({ ...first, source: 'tool-cache' })
    }
    expect(server.requests).toHaveLength(requestsAfterFirst)
    expect(lines.at(-1)).toBe(`Using OPA ${VERSION} from the tool cache: ${first.path}`)
  })

  it('refuses a tampered cached binary and downloads it again', async () => {
    await serve()
    const first = await install()
    await appendFile(first.path, 'tampered')
    const tamperedDigest = execFileSync('sha256sum', [first.path], { encoding: 'utf8' }).split(
      ' '
    )[0]
    server.requests.length = 0

    const again = await install()
    expect(again.source).toBe('download')
    expect(again.sha256).toBe(server.sha256)
    expect(server.requests.length).toBeGreaterThan(0)
    expect(lines).toContain(
      `Not using the cached OPA at ${first.path}: its SHA-256 is ${tamperedDigest}, but it was ` +
        `${server.sha256} when it was downloaded and verified; downloading it again`
    )
    expect((await install()).source).toBe('tool-cache')
  })

  it('refuses a cached binary without a recorded digest', async () => {
    await serve()
    const first = await install()
    await rm(path.join(cachedDir(), 'opa.sha256'))
    const again = await install()
    expect(again.source).toBe('download')
    expect(
      lines.some(line =>
        line.startsWith(`Not using the cached OPA at ${first.path}: its recorded digest`)
      )
    ).toBe(true)
  })

  it('refuses a cached binary that is not the pinned sha256', async () => {
    await serve()
    await install()
    const pinned = 'f'.repeat(64)
    await expect(install({ sha256: pinned })).rejects.toThrow(`'opa-sha256' pins ${pinned}`)
    expect(lines).toContain(
      `Not using the cached OPA at ${path.join(cachedDir(), 'opa')}: its SHA-256 ${server.sha256} ` +
        `is not the pinned ${pinned}; downloading it again`
    )
  })
})

describe('refusals', () => {
  it('refuses a binary whose digest is not the one in its .sha256 file', async () => {
    await serve()
    server.inject(server.pathOf(`${ASSET}.sha256`), { kind: 'wrong-digest' })
    const error = await rejection(install())
    expect(error.message).toMatch(
      new RegExp(
        `^Refusing OPA ${VERSION} for linux/x64 downloaded from ${escape(binaryUrl())}: ` +
          `its SHA-256 is ${server.sha256}, but ${escape(binaryUrl())}\\.sha256 says [0-9a-f]{64}$`
      )
    )
    expect(tc.find('opa', VERSION, 'x64')).toBe('')
    expect(await readdir(path.join(root, 'temp'))).toEqual([])
  })

  it('refuses a binary whose digest is not the pinned sha256', async () => {
    await serve()
    const pinned = '0'.repeat(64)
    await expect(install({ sha256: pinned })).rejects.toThrow(
      `Refusing OPA ${VERSION} for linux/x64 downloaded from ${binaryUrl()}: its SHA-256 is ` +
        `${server.sha256}, but 'opa-sha256' pins ${pinned}`
    )
    expect(tc.find('opa', VERSION, 'x64')).toBe('')
  })

  it('refuses a malformed pinned sha256 before any request', async () => {
    await serve()
    await expect(install({ sha256: 'abc' })).rejects.toThrow(
      "Input 'opa-sha256' must be a SHA-256 digest of 64 hex digits (got 'abc')"
    )
    expect(server.requests).toEqual([])
  })

  it('reports a 404 with the URL, the platform and the status, without retrying', async () => {
    await serve()
    const url = `${server.url}/open-policy-agent/opa/releases/download/v1.22.4/${ASSET}`
    const error = await rejection(install({ version: '1.22.4' }))
    expect(error.message).toBe(`Failed to download OPA 1.22.4 for linux/x64 from ${url}: HTTP 404`)
    expect(error.cause).toBeInstanceOf(tc.HTTPError)
    expect(server.requests).toHaveLength(1)
  })

  it('reports a missing .sha256 file by its URL', async () => {
    await serve()
    server.inject(server.pathOf(`${ASSET}.sha256`), { kind: 'status', status: 404 })
    await expect(install()).rejects.toThrow(
      `Failed to download the checksum of OPA ${VERSION} for linux/x64 from ${binaryUrl()}.sha256: HTTP 404`
    )
    expect(tc.find('opa', VERSION, 'x64')).toBe('')
  })

  it('refuses a binary that reports another version, and keeps it out of the cache', async () => {
    const fake = await writeFakeOpa(await mkdtemp(path.join(root, 'fake-')), '0.70.0')
    await serve(fake)
    await expect(install()).rejects.toThrow(
      `Refusing OPA ${VERSION} for linux/x64 downloaded from ${binaryUrl()}: 'opa version' reports 0.70.0, not ${VERSION}`
    )
    expect(tc.find('opa', VERSION, 'x64')).toBe('')
    expect(existsSync(cachedDir())).toBe(false)
  })

  it('refuses an unsupported platform before any request, listing the supported ones', async () => {
    await serve()
    await expect(install({ platform: 'freebsd' })).rejects.toThrow(
      'OPA publishes no release binary for freebsd/x64; supported platforms are linux/x64, ' +
        'linux/arm64, darwin/x64, darwin/arm64, win32/x64.'
    )
    expect(server.requests).toEqual([])
  })
})

describe('transient failures', () => {
  it('retries one 500 and succeeds', async () => {
    await serve()
    server.inject(server.pathOf(ASSET), { kind: 'status', status: 500, times: 1 })
    const opa = await install()
    expect(opa.source).toBe('download')
    expect(server.requests.slice(0, 2).map(r => [r.path, r.status])).toEqual([
      [server.pathOf(ASSET), 500],
      [server.pathOf(ASSET), 302]
    ])
  })

  it('gives up after tool-cache’s three attempts at a persistent 503', async () => {
    await serve()
    server.inject(server.pathOf(ASSET), { kind: 'status', status: 503 })
    await expect(install()).rejects.toThrow(
      `Failed to download OPA ${VERSION} for linux/x64 from ${binaryUrl()}: HTTP 503`
    )
    expect(server.requests.map(r => r.status)).toEqual([503, 503, 503])
  })

  it('retries a body cut short once and succeeds', async () => {
    await serve()
    server.inject(server.pathOf(ASSET), { kind: 'truncate', times: 1 })
    const opa = await install()
    expect(opa.sha256).toBe(server.sha256)
    expect(server.requests.filter(r => r.path === server.pathOf(ASSET))).toHaveLength(2)
  })

  it('fails on a body that is always cut short, naming the URL', async () => {
    await serve()
    server.inject(server.pathOf(ASSET), { kind: 'truncate', bytes: 1024 * 1024 })
    const error = await rejection(install())
    expect(error.message).toBe(
      `Failed to download OPA ${VERSION} for linux/x64 from ${binaryUrl()}: ` +
        'the connection closed before the whole file arrived (aborted)'
    )
    expect(error.cause).toBeDefined()
    expect(tc.find('opa', VERSION, 'x64')).toBe('')
    expect(await readdir(path.join(root, 'temp'))).toEqual([])
  })
})

describe('opa-path and PATH', () => {
  it('uses opa-path when it reports the requested version, without any request', async () => {
    await serve()
    const opa = await install({ opaPath: realOpa })
    expect(opa).toEqual({ path: realOpa, version: VERSION, source: 'input', sha256: server.sha256 })
    expect(server.requests).toEqual([])
  })

  it('refuses an opa-path that does not exist', async () => {
    await serve()
    const missing = path.join(root, 'no', 'opa')
    await expect(install({ opaPath: missing })).rejects.toThrow(
      `Input 'opa-path' is ${missing}, which cannot be used: no such file`
    )
    expect(server.requests).toEqual([])
  })

  it('refuses an opa-path of another version', async () => {
    await serve()
    const fake = await writeFakeOpa(root, '0.70.0')
    await expect(install({ opaPath: fake })).rejects.toThrow(
      `Input 'opa-path' is ${fake}, which is OPA 0.70.0, but 'opa-version' asks for ${VERSION}`
    )
  })

  it('refuses an opa-path that is not the pinned sha256', async () => {
    await serve()
    const pinned = 'e'.repeat(64)
    await expect(install({ opaPath: realOpa, sha256: pinned })).rejects.toThrow(
      `Input 'opa-path' is ${realOpa}, whose SHA-256 is ${server.sha256}, but 'opa-sha256' pins ${pinned}`
    )
  })

  it('uses the first opa on PATH when it is exactly the requested version', async () => {
    await serve()
    const empty = await mkdtemp(path.join(root, 'empty-'))
    const bin = await mkdtemp(path.join(root, 'bin-'))
    await symlink(realOpa, path.join(bin, 'opa'))
    const opa = await install({ searchPath: ['', empty, bin].join(path.delimiter) })
    expect(opa).toEqual({
      path: path.join(bin, 'opa'),
      version: VERSION,
      source: 'path',
      sha256: server.sha256
    })
    expect(server.requests).toEqual([])
  })

  it('ignores an opa on PATH of another version and downloads', async () => {
    await serve()
    const bin = await mkdtemp(path.join(root, 'bin-'))
    const fake = await writeFakeOpa(bin, '1.22.2')
    const opa = await install({ searchPath: bin })
    expect(opa.source).toBe('download')
    expect(lines[0]).toBe(`Ignoring ${fake} on PATH: it is OPA 1.22.2, not ${VERSION}`)
  })
})

describe('outside a runner', () => {
  it('says to pass opa-path when there is no tool cache to look in', async () => {
    await serve()
    delete process.env.RUNNER_TOOL_CACHE
    await expect(install()).rejects.toThrow(
      `Cannot look for OPA ${VERSION} in the runner's tool cache (Expected RUNNER_TOOL_CACHE to be ` +
        `defined): outside a runner, pass opa-path or put OPA ${VERSION} on PATH`
    )
    expect(server.requests).toEqual([])
  })
})

describe('validateOpaVersion', () => {
  it.each([
    ['1.22.3', '1.22.3'],
    ['v1.22.3', '1.22.3'],
    [' 0.70.0 ', '0.70.0'],
    ['10.0.12', '10.0.12']
  ])('%j → %s', (input, expected) => {
    expect(validateOpaVersion(input)).toBe(expected)
  })

  it.each([
    '',
    'latest',
    '^1.22.0',
    '~1.22',
    '1.x',
    '>=1.0.0',
    '1.22',
    '1.22.3-rc1',
    '01.2.3',
    'v',
    '1.22.3 1.22.4'
  ])('refuses %j naming the input', input => {
    expect(() => validateOpaVersion(input)).toThrow(
      `Input 'opa-version' must be an exact OPA release such as 1.22.3 or v1.22.3 (got '${input}'): ` +
        "ranges, 'latest' and an empty value are refused so that every run of the gate uses the same OPA."
    )
  })

  it('is applied by installOpa before anything else', async () => {
    await serve()
    await expect(install({ version: 'latest', opaPath: realOpa })).rejects.toThrow(
      "Input 'opa-version' must be an exact OPA release"
    )
    expect(server.requests).toEqual([])
  })
})

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

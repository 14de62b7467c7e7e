// A local stand-in for github.com's release downloads, on 127.0.0.1: it serves a real OPA binary
// and its real digest at OPA's release paths, redirects like GitHub does, and can be told to
// misbehave per path (5xx, a truncated body, a wrong digest) so the installer's real HTTP path is
// what the tests exercise.

import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReleaseServerOptions {
  /** The file served as every asset in `assets` (a real OPA, or any executable a test needs). */
  opaBinary: string
  /** The release it is served under, without the `v` (`1.22.3`). */
  version: string
  /** The asset names served; default the one a linux/x64 runner downloads. */
  assets?: readonly string[]
  /** Answer a download with a 302 to an objects path, as github.com does; default true. */
  redirect?: boolean
}

export type Fault =
  /** Answer with `status` the next `times` requests (every request when omitted), then normally. */
  | { kind: 'status'; status: number; times?: number }
  /** Advertise the full content-length, send only `bytes` (default half), then drop the connection. */
  | { kind: 'truncate'; bytes?: number; times?: number }
  /** Serve a `.sha256` file whose digest is not the asset's (its name stays right). */
  | { kind: 'wrong-digest' }

export interface RecordedRequest {
  method: string
  /** The path and query as requested. */
  path: string
  status: number
}

export interface ReleaseServer {
  /** `http://127.0.0.1:<port>`: the download base URL to give the installer. */
  url: string
  /** The served binary's SHA-256, as its `.sha256` file publishes it. */
  sha256: string
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** The path of an asset of the served version, e.g. `.../v1.22.3/opa_linux_amd64_static`. */
  pathOf(asset: string): string
  /**
   * Make `path` (a release path from pathOf, `.sha256` included) misbehave; replaces any fault
   * injected on that path before. A status fault answers the release path itself, the others
   * the content it redirects to.
   */
  inject(path: string, fault: Fault): void
  close(): Promise<void>
}

export const DEFAULT_ASSET = 'opa_linux_amd64_static'

/** The GitHub path a release asset is downloaded from. */
export function releasePath(version: string, asset: string): string {
  return `/open-policy-agent/opa/releases/download/v${version}/${asset}`
}

// What a release path serves: the binary (streamed from disk, it is ~60 MB) or a small body.
type Content = { kind: 'binary' } | { kind: 'bytes'; body: Buffer }

interface ActiveFault {
  fault: Fault
  remaining: number
}

export async function startReleaseServer(options: ReleaseServerOptions): Promise<ReleaseServer> {
  const assets = options.assets ?? [DEFAULT_ASSET]
  const redirect = options.redirect ?? true
  const binarySize = (await stat(options.opaBinary)).size
  const sha256 = createHash('sha256')
    .update(await readFile(options.opaBinary))
    .digest('hex')

  // Release path -> what it serves; checksum files are written as `shasum -a 256 <asset>` does.
  const byReleasePath = new Map<string, Content>()
  const assetOf = new Map<string, string>()
  for (const asset of assets) {
    const binaryPath = releasePath(options.version, asset)
    byReleasePath.set(binaryPath, { kind: 'binary' })
    assetOf.set(binaryPath, asset)
    byReleasePath.set(`${binaryPath}.sha256`, {
      kind: 'bytes',
      body: Buffer.from(`${sha256}  ${asset}\n`)
    })
    assetOf.set(`${binaryPath}.sha256`, `${asset}.sha256`)
  }

  // Objects-host stand-in: GitHub redirects to a signed, one-off URL for each download.
  const objects = new Map<string, string>()
  const faults = new Map<string, ActiveFault>()
  const requests: RecordedRequest[] = []

  const takeFault = (path: string, kinds: Fault['kind'][]): Fault | undefined => {
    const active = faults.get(path)
    if (active === undefined || !kinds.includes(active.fault.kind) || active.remaining <= 0) {
      return undefined
    }
    active.remaining -= 1
    return active.fault
  }

  const finish = (req: IncomingMessage, res: ServerResponse, status: number): void => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '', status })
    res.statusCode = status
  }

  const notFound = (req: IncomingMessage, res: ServerResponse): void => {
    finish(req, res, 404)
    res.setHeader('content-type', 'text/plain; charset=utf-8')
    res.end('Not Found')
  }

  const serveContent = (req: IncomingMessage, res: ServerResponse, servedPath: string): void => {
    const content = byReleasePath.get(servedPath)
    const asset = assetOf.get(servedPath)
    if (content === undefined || asset === undefined) return notFound(req, res)
    const size = content.kind === 'binary' ? binarySize : content.body.length
    const truncate = takeFault(servedPath, ['truncate'])
    const wrongDigest = content.kind === 'bytes' && takeFault(servedPath, ['wrong-digest'])

    finish(req, res, 200)
    res.setHeader('content-type', 'application/octet-stream')
    res.setHeader('content-disposition', `attachment; filename=${asset}`)
    res.setHeader('content-length', String(size))
    if (req.method === 'HEAD') return void res.end()

    if (wrongDigest) {
      // Same format and name, another digest: what the checksum of a swapped binary looks like.
      const other = createHash('sha256').update(`not ${asset}`).digest('hex')
      return void res.end(`${other}  ${asset.replace(/\.sha256$/, '')}\n`)
    }
    if (truncate?.kind === 'truncate') {
      // A connection that drops mid-body: fewer bytes than the content-length promised.
      const bytes = Math.min(size - 1, truncate.bytes ?? Math.floor(size / 2))
      const drop = (): void => void res.socket?.destroy()
      if (content.kind === 'bytes') return void res.write(content.body.subarray(0, bytes), drop)
      const partial = createReadStream(options.opaBinary, { start: 0, end: bytes - 1 })
      partial.pipe(res, { end: false })
      partial.on('end', () => res.write(Buffer.alloc(0), drop))
      return
    }
    if (content.kind === 'binary') createReadStream(options.opaBinary).pipe(res)
    else res.end(content.body)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      finish(req, res, 405)
      return void res.end()
    }

    const objectPath = objects.get(url.pathname)
    if (objectPath !== undefined) {
      return serveContent(req, res, objectPath)
    }

    if (!byReleasePath.has(url.pathname)) return notFound(req, res)
    const status = takeFault(url.pathname, ['status'])
    if (status !== undefined && status.kind === 'status') {
      finish(req, res, status.status)
      res.setHeader('content-type', 'text/plain; charset=utf-8')
      return void res.end(`injected ${status.status}`)
    }
    if (!redirect) return serveContent(req, res, url.pathname)

    const objectId = `/github-production-release-asset/${randomUUID()}`
    objects.set(objectId, url.pathname)
    finish(req, res, 302)
    res.setHeader('location', `${address()}${objectId}?X-Amz-Signature=${randomUUID()}`)
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: address(),
    sha256,
    requests,
    pathOf: asset => releasePath(options.version, asset),
    inject(path, fault) {
      if (!byReleasePath.has(path)) {
        throw new Error(
          `inject: ${path} is not served (serving ${[...byReleasePath.keys()].join(', ')})`
        )
      }
      const times = fault.kind === 'wrong-digest' ? Infinity : (fault.times ?? Infinity)
      faults.set(path, { fault, remaining: times })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close(error => (error ? reject(error) : resolve()))
      })
  }
}

// SHA-256 digests of OPA binaries: computing one, reading OPA's published `.sha256` files, and
// normalising a pinned digest.

import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

const HEX_DIGEST = /^[0-9a-f]{64}$/

/** The lowercase hex SHA-256 of a file, streamed (OPA binaries are ~60 MB). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

/** True when `text` is a 64-digit hex SHA-256 (either case). */
export function isSha256(text: string): boolean {
  return HEX_DIGEST.test(text.trim().toLowerCase())
}

/**
 * A pinned digest as the user wrote it, lowercased and trimmed; an optional `sha256:` prefix is
 * accepted because that is how digests are often copied (OCI, Docker). Throws when it is not one.
 */
export function normalizeSha256(text: string, what: string): string {
  const digest = text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
  if (!HEX_DIGEST.test(digest)) {
    throw new Error(`${what} must be a SHA-256 digest of 64 hex digits (got '${text}')`)
  }
  return digest
}

/**
 * The digest in the content of a `.sha256` file. OPA writes them with `shasum -a 256 <asset>`,
 * i.e. `<hex>  <asset>` (or `<hex> *<asset>` in binary mode); a bare `<hex>` is accepted too.
 * When a line names a file, it must be `asset`, so a checksum of another binary is never used.
 */
export function parseChecksumFile(content: string, asset: string): string {
  const lines = content
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
  for (const line of lines) {
    const match = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line)
    if (match === null) continue
    const [, hex, name] = match
    if (name === undefined || baseName(name) === asset) return hex.toLowerCase()
  }
  const shown = content.length > 200 ? `${content.slice(0, 200)}…` : content
  throw new Error(
    `no SHA-256 digest for ${asset} in the checksum file (expected '<64 hex digits>  ${asset}', got ${JSON.stringify(shown)})`
  )
}

// `shasum` run from another directory writes `./dir/asset`; compare file names only.
function baseName(name: string): string {
  return name.trim().split(/[\\/]/).pop() ?? name
}

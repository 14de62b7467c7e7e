import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { isSha256, normalizeSha256, parseChecksumFile, sha256File } from '../src/opa/checksum.js'

const HEX = 'a'.repeat(32) + 'B'.repeat(32)
const LOWER = HEX.toLowerCase()
const ASSET = 'opa_linux_amd64_static'

describe('parseChecksumFile', () => {
  it.each([
    ['shasum -a 256 output', `${HEX}  ${ASSET}\n`],
    ['binary mode marker', `${HEX} *${ASSET}\n`],
    ['bare hex', `${HEX}\n`],
    ['bare hex without newline', HEX],
    ['CRLF and surrounding blank lines', `\r\n${HEX}  ${ASSET}\r\n\r\n`],
    ['a path before the name', `${HEX}  ./_release/${ASSET}\n`],
    ['the asset among others', `${'c'.repeat(64)}  opa_linux_arm64_static\n${HEX}  ${ASSET}\n`]
  ])('reads %s', (_name, content) => {
    expect(parseChecksumFile(content, ASSET)).toBe(LOWER)
  })

  it.each([
    ['empty', ''],
    ['a digest of another asset', `${HEX}  opa_linux_arm64_static\n`],
    ['a short digest', `${'a'.repeat(63)}  ${ASSET}\n`],
    ['an HTML error page', '<html><body>Not Found</body></html>'],
    ['non-hex digits', `${'g'.repeat(64)}  ${ASSET}\n`]
  ])('refuses %s, saying what it expected', (_name, content) => {
    expect(() => parseChecksumFile(content, ASSET)).toThrow(
      `no SHA-256 digest for ${ASSET} in the checksum file (expected '<64 hex digits>  ${ASSET}'`
    )
  })
})

describe('normalizeSha256', () => {
  it.each([
    [HEX, LOWER],
    [`  ${HEX}\n`, LOWER],
    [`sha256:${HEX}`, LOWER]
  ])('%j → lowercase hex', (input, expected) => {
    expect(normalizeSha256(input, "Input 'opa-sha256'")).toBe(expected)
    expect(isSha256(input.replace('sha256:', ''))).toBe(true)
  })

  it.each(['', 'latest', 'a'.repeat(63), 'a'.repeat(65), `md5:${'a'.repeat(32)}`])(
    'refuses %j naming the input',
    input => {
      expect(() => normalizeSha256(input, "Input 'opa-sha256'")).toThrow(
        `Input 'opa-sha256' must be a SHA-256 digest of 64 hex digits (got '${input}')`
      )
    }
  )
})

describe('sha256File', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'opa-checksum-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['a short text', Buffer.from('policy-gate\n')],
    ['3 MiB spanning many stream chunks', Buffer.alloc(3 * 1024 * 1024, 7)]
  ])('agrees with sha256sum on %s', async (name, bytes) => {
    const file = path.join(dir, name.replace(/\W+/g, '-'))
    await writeFile(file, bytes)
    const expected = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]
    expect(await sha256File(file)).toBe(expected)
  })

  it('rejects a missing file with its path', async () => {
    await expect(sha256File(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT.*missing/)
  })
})

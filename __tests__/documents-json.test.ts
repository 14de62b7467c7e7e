import { describe, expect, it } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { endOfJsonValue, findJsonString, lineAt, parseJson } from '../src/documents/json.js'
import { JsonIndex } from '../src/documents/positions.js'
import { conftestParse } from './support/conftest-parse.js'

async function conftestRejects(text: string): Promise<boolean> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'json-'))
  const file = path.join(dir, 'input.json')
  await writeFile(file, text)
  return 'error' in ((await conftestParse([file])).get(file) ?? { error: 'none' })
}

describe('parseJson', () => {
  it('is one document, starting at its first line, even for a top-level array', () => {
    expect(parseJson('\n\n[{"a": 1},\n {"b": 2}]\n')).toEqual({
      documents: [{ index: 0, line: 3, value: [{ a: 1 }, { b: 2 }] }]
    })
  })

  it('ignores a byte order mark, as conftest does', () => {
    expect(parseJson('\ufeff{"a": 1}')).toEqual({
      documents: [{ index: 0, line: 1, value: { a: 1 } }]
    })
  })

  it.each([
    ['{"a": }', 1, 7],
    ['{\n  "a": 1,\n}', 3, 1],
    ['[1, 2', 1, 6],
    ['{"a" 1}', 1, 6],
    ['[1] x', 1, 5],
    ['', 1, 1],
    ['{"a": "\u0001"}', 1, 8],
    ['{\n  "list": [\n    1,\n    2,,\n  ]\n}', 4, 7]
  ])('a syntax error in %j names line %i, column %i', async (text, line, column) => {
    const parsed = parseJson(text)
    expect(parsed).toEqual({
      error: {
        message: expect.stringMatching(
          new RegExp(`^invalid JSON at line ${line}, column ${column}: .+\\. Fix the syntax`)
        ),
        line
      }
    })
    expect(await conftestRejects(text)).toBe(true)
  })

  it('refuses numbers too large for a 64-bit float, as conftest does', async () => {
    const text = '{\n  "ok": 1e308,\n  "big": 1e400\n}'
    const parsed = parseJson(text)
    expect(parsed).toEqual({
      error: { message: expect.stringMatching(/the JSON number 1e400 is too large/), line: 3 }
    })
    expect(await conftestRejects(text)).toBe(true)
    expect(parseJson('{"small": 1e-400}')).toEqual({
      documents: [{ index: 0, line: 1, value: { small: 0 } }]
    })
  })

  it('refuses 100,000 levels of nesting with an error, not a stack overflow', () => {
    const parsed = parseJson('['.repeat(100_000) + ']'.repeat(100_000))
    expect('error' in parsed && parsed.error.message).toMatch(/nesting is deeper than 1000 levels/)
  })

  it('parses 1,000,000 keys in bounded time', () => {
    const text = `{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`
    const started = Date.now()
    const parsed = parseJson(text)
    expect(Date.now() - started).toBeLessThan(60_000) // a hang guard on a loaded 2-core CI machine, not a speed test
    if ('error' in parsed) throw new Error(parsed.error.message)
    expect(Object.keys(parsed.documents[0].value as object)).toHaveLength(1_000_000)
  })

  it('refuses a top-level array with more elements than the document limit', () => {
    const parsed = parseJson('[1, 2, 3]', { maxDocuments: 2 })
    expect('error' in parsed && parsed.error.message).toMatch(/has 3 elements; .* at most 2/)
  })
})

describe('positions in JSON text', () => {
  const text = [
    '{', //                                  1
    '  "kind": "Pod",', //                   2
    '  "spec": {', //                        3
    '    "containers": [', //                4
    '      {"name": "app", "image": "nginx"},',
    '      {', //                            6
    '        "name": "sidecar",', //         7
    '        "image": "envoy"', //           8
    '      }', //                            9
    '    ],', //                             10
    '    "note": "the \\"nginx\\" image",', //11
    '    "dup": 1,', //                      12
    '    "dup": 2', //                       13
    '  }', //                                14
    '}'
  ].join('\n')

  it.each([
    [['spec', 'containers', 1, 'image'], 8, 4],
    [['spec', 'containers', 0, 'name'], 5, 4],
    [['spec', 'containers', 1], 6, 3],
    [['spec', 'containers', 5], 4, 2],
    [['spec', 'missing', 'x'], 3, 1],
    [['spec', 'dup'], 13, 2],
    [[], 1, 0]
  ] as const)('path %j reaches line %i (%i segments)', (segments, line, resolved) => {
    const found = new JsonIndex(text).locate(segments)
    expect([lineAt(text, found.offset), found.resolved]).toEqual([line, resolved])
  })

  it('finds string values, not keys nor text inside longer strings', () => {
    expect(lineAt(text, findJsonString(text, 'nginx'))).toBe(5)
    expect(lineAt(text, findJsonString(text, 'sidecar'))).toBe(7)
    expect(findJsonString(text, 'containers')).toBe(-1)
    expect(findJsonString(text, 'absent')).toBe(-1)
    const start = new JsonIndex(text).locate(['spec', 'containers', 1]).offset
    // After the first container, "nginx" only appears escaped inside the note.
    expect(findJsonString(text, 'nginx', start)).toBe(-1)
  })

  it('finds where a value ends', () => {
    const start = new JsonIndex(text).locate(['spec', 'containers', 0]).offset
    expect(text.slice(start, endOfJsonValue(text, start))).toBe('{"name": "app", "image": "nginx"}')
  })
})

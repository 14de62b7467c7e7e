import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { lineAt } from '../src/documents/json.js'
import { JsonIndex, LineIndex } from '../src/documents/positions.js'
import { locateJsonPath } from './support/json-path-scan.js'
import { repoRoot } from './support/tools.js'

const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'documents')
const regula = path.resolve(repoRoot, '..', 'shared', 'corpora', 'fugue__regula')

type Segment = string | number

/** Every path into a value, and each with a segment that does not resolve after it. */
function* paths(value: unknown, prefix: Segment[] = []): Generator<Segment[]> {
  yield prefix
  yield [...prefix, 'absent', 0]
  yield [...prefix, 99]
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* paths(v, [...prefix, i])
    yield [...prefix, 'length']
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) yield* paths(v, [...prefix, k])
    yield [...prefix, 0]
  }
}

function planFiles(dir: string, limit: number): string[] {
  if (!existsSync(dir)) return []
  const found: string[] = []
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (entry.name.endsWith('.json') && found.length < limit) found.push(p)
    }
  }
  walk(dir)
  return found.sort()
}

const texts: [string, string][] = [
  [
    'nested, with duplicate keys and escapes',
    '{"a": {"b": [1, {"c": "x"}]}, "a\\u0062": 2, "a": {"d": [] }}'
  ],
  ['blank around everything', ' \n [ 1 ,\n "two" , { } , [ true , null ] , -1.5e3 ]\n'],
  ['a key with an escaped quote', '{"say \\"hi\\"": {"k": "v\\\\"}, "k": ["\\"", ":", "{"]}'],
  ['a scalar', '  "just a string"'],
  ['a BOM before the value', '\ufeff{"a": 1}'],
  ['an empty object', '{}'],
  ...['terraform/plan.json', 'locate/pods.json'].map(
    f => [f, readFileSync(path.join(fixtures, f), 'utf8')] as [string, string]
  ),
  ...planFiles(regula, 5).map(
    f => [path.relative(regula, f), readFileSync(f, 'utf8')] as [string, string]
  )
]

describe('JsonIndex', () => {
  it.each(texts)('resolves every path as locateJsonPath does: %s', (_name, text) => {
    const index = new JsonIndex(text)
    const value: unknown = JSON.parse(text.replace(/^\ufeff/, ''))
    let compared = 0
    for (const p of paths(value)) {
      const { offset, resolved } = index.locate(p)
      expect({ p, offset, resolved }).toEqual({ p, ...locateJsonPath(text, p) })
      compared++
    }
    expect(compared).toBeGreaterThanOrEqual(3)
  })

  it('gives the end of an object or array the path reaches', () => {
    const text = '[ {"a": [1, 2]} , 3 ]'
    const index = new JsonIndex(text)
    expect(index.locate([0])).toEqual({ offset: 2, resolved: 1, end: 15 })
    expect(index.locate([0, 'a'])).toEqual({ offset: 3, resolved: 2, end: 14 })
    expect(index.locate([1])).toEqual({ offset: 18, resolved: 1 })
  })
})

describe('LineIndex', () => {
  it.each([
    ['', 1],
    ['one line', 1],
    ['one line\n', 1],
    ['two\nlines', 2],
    ['two\r\nlines\r\n', 2],
    ['\n\n', 2]
  ])('counts the lines of %j as %i', (text, count) => {
    expect(new LineIndex(text).count).toBe(count)
  })

  it('finds the line of every offset as lineAt does', () => {
    const text = '\na\n\nbc\r\nd\n'
    const index = new LineIndex(text)
    for (let offset = -1; offset <= text.length + 1; offset++) {
      expect([offset, index.lineAt(offset)]).toEqual([offset, lineAt(text, offset)])
    }
  })
})

import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml'
import {
  indexYamlBlock,
  scalarPositionText,
  type YamlPositionNode
} from '../src/documents/yaml-positions.js'
import { resolvePlainScalar, splitYamlParts } from '../src/documents/yaml.js'
import { repoRoot } from './support/tools.js'

const corpora = path.resolve(repoRoot, '..', 'shared', 'corpora')
const fixtures = path.join(repoRoot, '__tests__', 'fixtures')

/** The index's tree, rebuilt from the `yaml` package's syntax tree: what it must equal. */
function expected(text: string): unknown {
  const lineCounter = new LineCounter()
  const [doc] = parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as ReturnType<
    typeof parseAllDocuments
  > &
    unknown[]
  const line = (node: YamlNode): number => lineCounter.linePos(node.range?.[0] ?? -1).line - 1
  const convert = (node: unknown): unknown => {
    if (isMap(node)) {
      return {
        kind: 'map',
        line: line(node),
        pairs: node.items.map(pair => ({ key: convert(pair.key), value: convert(pair.value) }))
      }
    }
    if (isSeq(node)) {
      return { kind: 'seq', line: line(node), items: node.items.map(convert) }
    }
    if (isScalar(node)) {
      const text =
        node.type === 'PLAIN' ? String(resolvePlainScalar(String(node.source))) : String(node.value)
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
        // Empty or ending in a line break, so never a message's candidate: the index keeps none.
        expect(text === '' || text.endsWith('\n')).toBe(true)
        return { line: line(node), text: '\n' }
      }
      return { line: line(node), text }
    }
    throw new Error(`unexpected node ${String(node)}`)
  }
  return convert((doc as { contents: unknown }).contents)
}

function comparable(node: YamlPositionNode): unknown {
  switch (node.kind) {
    case 'map':
      return {
        kind: 'map',
        line: node.line,
        pairs: node.pairs.map(p => ({ key: comparable(p.key), value: comparable(p.value) }))
      }
    case 'seq':
      return { kind: 'seq', line: node.line, items: node.items.map(comparable) }
    default:
      return { line: node.line, text: scalarPositionText(node) }
  }
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  const found: string[] = []
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (/\.ya?ml$/.test(entry.name)) found.push(p)
    }
  }
  walk(dir)
  return found.sort()
}

describe('indexYamlBlock', () => {
  it.each([
    ['a map', 'a: 1\nb: two\n'],
    ['nesting, comments and blank lines', '# c\n\na:   # c\n  x: 1 # c\n\n  y: "q"\nb:\n'],
    ['a sequence under a key at the same indentation', 'a:\n- x\n- y: 1\n  z: 2\nb: 3\n'],
    ['compact maps in a sequence', '- name: a\n  image: "nginx:1"\n-\n  name: b\n- # c\n  c\n'],
    ['block scalars', 'a: |\n  line\n\n  more\nb: >+\n  u\nc: |\nd: x\n'],
    ['an indented root', '  a: 1\n  b:\n    - 1\n'],
    ['quoted keys and values', `'a''s': 'b''c'\n"k": "v"  # c\n`],
    ['scalars that resolve', 'on: yes\n0x1F: 1_000\n~: null\n']
  ])('gives every node of %s the line the yaml package gives it', (_name, text) => {
    const index = indexYamlBlock(text)
    expect(index).toBeDefined()
    expect(comparable(index as YamlPositionNode)).toEqual(expected(text))
  })

  it.each([
    ['a flow collection', 'a: [1, 2]\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a:\n  <<: {b: 1}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['an escape', 'a: "\\u0041"\n'],
    ['a stripped block scalar', 'a: |-\n  x\n'],
    ['an indentation indicator', 'a: |2\n   x\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['CR line breaks', 'a: 1\r\nb: 2\r\n'],
    ['a BOM', '\ufeffa: 1\n'],
    ['a document marker', '---\na: 1\n'],
    ['a directive', '%YAML 1.2\na: 1\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a nested sequence on one line', '- - a\n'],
    ['an empty item', '- a\n-\n- b\n'],
    ['a space before a colon', 'a : 1\n'],
    ['a mapping in a value', 'a: b: c\n'],
    ['a root scalar', 'just text\n'],
    ['nothing', '# only a comment\n'],
    ['an over-indented line', 'a: 1\n   b: 2\n']
  ])('leaves %s to the syntax tree', (_name, text) => {
    expect(indexYamlBlock(text)).toBeUndefined()
  })

  const files = [...yamlFiles(fixtures), ...yamlFiles(corpora)]

  it('agrees with the yaml package on every document of the fixtures and shared corpora it indexes', () => {
    let indexed = 0
    for (const file of files) {
      for (const part of splitYamlParts(readFileSync(file, 'utf8'))) {
        const index = indexYamlBlock(part.text)
        if (!index) continue
        indexed++
        expect({ file, tree: comparable(index) }).toEqual({ file, tree: expected(part.text) })
      }
    }
    expect(indexed).toBeGreaterThan(files.length > 100 ? 100 : 5)
  })
})

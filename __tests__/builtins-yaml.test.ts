import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from '@jest/globals'

import { createHostBuiltins } from '../src/evaluate/builtins/registry.js'
import { yamlKeyLess, yamlMarshal, yamlUnmarshal } from '../src/evaluate/builtins/yaml.js'
import { parseValueDump, regoString } from '../src/evaluate/rego-value.js'
import { describeDifferences, opaAvailable, runDifferential } from './support/differential.js'

const DOCUMENTS = [
  '',
  '# only a comment',
  '---\n',
  'a: 1',
  'a: 1\nb: two\nc: [1, 2.5, "3"]\nd: {e: null}',
  'ints: [0, -0, +12, 0x1F, 0o17, 017, 08, 0b101, -0b11, 1_000, 9223372036854775807, 9223372036854775808, 18446744073709551615, 18446744073709551616, -9223372036854775809]',
  'floats: [1.0, -1.5, .5, 5., 1e3, 1E-7, 1.5e+300, 1e400, -.5e-3, 1_000.5, 6.02e23, 100000000000000000000000.0, 0.000001, 0.0000001]',
  'specials: [.inf, -.Inf, +.INF, .nan]',
  'bools: [true, True, TRUE, false, yes, no, on, off, y, n]',
  'nulls: [null, Null, NULL, ~, ]',
  'strings: ["quoted", \'single\', plain text, "tab\\there", "esc \\u00e9 \\x41 \\U0001F600"]',
  'times: [2023-01-01, 2023-01-01T10:00:00Z, "2023-01-01", !!timestamp 2023-01-01, !!timestamp 2001-12-14t21:59:43.10-05:00]',
  'base60: 1:20\nversion: 1.20\nnot_float: 1.2.3\nhex_float: 0x1p3',
  'tagged: [!!str 123, !!int "42", !!float 1, !!bool true, !!null "", !custom value, ! 12]',
  'bad_tag: !!int abc',
  'bad_bool: !!bool yes',
  'binary: !!binary aGVsbG8=',
  'bad_binary: !!binary "not base64!"',
  'literal: |\n  line one\n  line two\n',
  'a: |\n  x',
  'a: |+\n  x',
  'a: >\n  x',
  'a: |-\n  x',
  'a: |\n  x\n  ',
  'a: |+\n  x\n\n  ',
  '- |\n  x',
  'a: |\n  x  ',
  'a: |+\n  x\n  ',
  'a: |+\n  x\n \n  ',
  'folded: >\n  folded\n  text\n\n  para\n',
  'keep: |+\n  text\n\n',
  'strip: |-\n  text\n',
  'multi: plain\n  continued\n  lines',
  'anchors:\n  base: &base {a: 1, b: 2}\n  copy: *base\n  list: [*base, *base]',
  'merge:\n  base: &base {a: 1, b: 2}\n  child:\n    <<: *base\n    b: 3\n    c: 4',
  'merge_list:\n  a: &a {x: 1, y: 1}\n  b: &b {y: 2, z: 2}\n  c:\n    <<: [*a, *b]',
  'repeated_merge:\n  a: &a {x: 1}\n  b: &b {x: 2, y: 2}\n  c:\n    <<: *a\n    <<: *b',
  'bad_merge:\n  <<: [1, 2]',
  'quoted_merge:\n  "<<": {a: 1}',
  'dupes: 1\ndupes: 2',
  '1: one\n"1": string one',
  'keys:\n  1: int\n  1.5: float\n  0.1: tenth\n  true: bool\n  0x10: hex\n  1e3: thousand\n  3.14159265358979: pi',
  'null_key:\n  ~: value',
  'map_key:\n  ? {a: 1}\n  : value',
  'seq_key:\n  ? [a]\n  : value',
  'unknown: *nowhere',
  'recursive: &r [*r]',
  'first: doc\n---\nsecond: doc',
  'first: doc\n---\n[unclosed',
  '- a\n- b\n-   - nested\n    - seq',
  '[1, 2, 3]',
  '"just a string"',
  '42',
  'key: value\n\tbad: tab',
  'a:\n  b: 1\n c: 2',
  '{a: 1, b: [x, y], c: {d: e}}',
  'key: "unterminated',
  'a: b: c',
  '- &x 1\n- *x',
  'emoji: 😀\nunicode: héllo',
  'empty_map: {}\nempty_seq: []',
  '? complex\n: key',
  'a: 1 # comment\nb: 2',
  '%YAML 1.2\n---\na: 1',
  'a: !!timestamp not-a-date',
  'nan_key:\n  .nan: x',
  '1.0: a\n1: b'
]

const VALUES = [
  'null',
  'true',
  '1',
  '-0',
  '1.0',
  '-0.0',
  '1e21',
  '100000000.0',
  '0.1',
  '1e400',
  '12345678901234567890',
  '123456789012345678901234567890',
  '""',
  '"plain"',
  '"with space"',
  '" leading"',
  '"trailing "',
  '"123"',
  '"1.5"',
  '"true"',
  '"yes"',
  '"null"',
  '"~"',
  '"1:20"',
  '"2023-01-01"',
  '"0x1F"',
  '"a: b"',
  '"a #b"',
  '"#comment"',
  '"- dash"',
  '"-"',
  '"?x"',
  '"@at"',
  '"`tick"',
  '"it\'s"',
  '"quote\\"d"',
  '"back\\\\slash"',
  '"multi\\nline"',
  '"multi\\nline\\n"',
  '"multi\\n\\n"',
  '"\\nleading break"',
  '" \\nspace break"',
  '"trailing space \\nx"',
  '"tab\\there"',
  '"nul\\u0000"',
  '"bell\\u0007"',
  '"nel\\u0085"',
  '"a \\u0085 b"',
  '"a\\u0085\\u0085\\u0085b"',
  '"del\\u007f"',
  '"c1\\u0090"',
  '"nonchar\\uffff"',
  '"nbsp\\u00a0"',
  '"ls\\u2028"',
  '"bom\\ufeffmid"',
  '"\\ufeffbom start"',
  '"😀 emoji"',
  '"héllo"',
  '"---"',
  '"..."',
  '"a\\rb"',
  '[]',
  '{}',
  'set()',
  '[1, "a", null, [2, [3]], {"k": "v"}]',
  '{"b": 1, "a": [1, 2], "c": {"d": {"e": []}}, "f": {}}',
  '{"a10": 1, "a2": 2, "a1": 3, "b": 4, "B": 5, "1": 6, "10": 7, "2": 8, "_": 9, "a01": 10, "a001": 11}',
  '{"x": [{"a": 1, "b": [1, 2]}, [[1, 2], [3]], "s"]}',
  '{1: "int key", [1, 2]: "array key", {"a"}: "set key", "<tag>": "&"}',
  '{"key with\\nnewline": 1, "k": "v"}',
  '{"' + 'k'.repeat(130) + '": 1}',
  '{"b", "a", "c"}',
  '{"nested": {"list": ["multi\\nline", "x"]}}',
  '[["a", "b"], {"c": ["d"]}]',
  '[{"a": {"b": 1}}]'
]

function expressions(): string[] {
  return [
    ...DOCUMENTS.flatMap(doc => [
      `yaml.unmarshal(${JSON.stringify(doc)})`,
      `yaml.is_valid(${JSON.stringify(doc)})`
    ]),
    ...VALUES.map(value => `yaml.marshal(${value})`),
    'yaml.is_valid(json.unmarshal("1"))'
  ]
}

describe('yaml built-ins against OPA', () => {
  const run = opaAvailable ? it : it.skip
  run(
    'agree with opa eval on go-yaml v3 decoding, OPA normalisation and go-yaml encoding',
    async () => {
      const outcomes = await runDifferential(
        expressions().map(expression => ({ expression })),
        createHostBuiltins()
      )
      const identical = outcomes.filter(o => o.same).length
      console.log(
        `yaml differential: ${identical} of ${outcomes.length} cases identical to opa eval`
      )
      expect(describeDifferences(outcomes)).toBe('')
    }
  )

  const corpora = '/work/shared/corpora'
  const runCorpus = opaAvailable && existsSync(corpora) ? it : it.skip
  runCorpus(
    'agree with opa eval on real YAML files from the shared corpora, both ways',
    async () => {
      const files = findYamlFiles(corpora, 250)
      const cases = files.flatMap(file => {
        const text = JSON.stringify(readFileSync(file, 'utf8'))
        return [
          { expression: `yaml.unmarshal(${text})` },
          { expression: `yaml.marshal(yaml.unmarshal(${text}))` }
        ]
      })
      const outcomes = await runDifferential(cases, createHostBuiltins())
      const identical = outcomes.filter(o => o.same).length
      console.log(
        `yaml corpus differential: ${identical} of ${outcomes.length} cases (${files.length} files) identical to opa eval`
      )
      expect(describeDifferences(outcomes)).toBe('')
    }
  )
})

function findYamlFiles(root: string, limit: number): string[] {
  const found: string[] = []
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (found.length >= limit) return
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(full)
      else if (/\.ya?ml$/.test(entry.name) && readFileSync(full).length < 20000) found.push(full)
    }
  }
  visit(root)
  return found
}

describe('yaml', () => {
  it('marshals as go-yaml v3 with a two-space indent', () => {
    const value = parseValueDump('{"b": [1, {"c": "x"}], "a": "multi\\nline", "e": {}}')
    expect(yamlMarshal(value)).toEqual(
      regoString('a: |-\n  multi\n  line\nb:\n  - 1\n  - c: x\ne: {}\n')
    )
  })

  it('unmarshals with YAML 1.2 booleans and strings for implicit timestamps', () => {
    expect(yamlUnmarshal(regoString('a: yes\nb: 2023-01-01\nc: 0x10'))).toEqual(
      parseValueDump('{"a": "yes", "b": "2023-01-01", "c": 16}')
    )
  })

  it('sorts keys as go-yaml does (digit runs by value)', () => {
    const keys = ['a10', 'a2', 'b', 'a1', '10', '9']
    expect(keys.sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0))).toEqual([
      '9',
      '10',
      'a1',
      'a2',
      'a10',
      'b'
    ])
  })

  it('fails on what go-yaml rejects', () => {
    expect(() => yamlUnmarshal(regoString('a: *nowhere'))).toThrow()
    expect(() => yamlUnmarshal(regoString('a: !!int abc'))).toThrow(
      'cannot decode !!str `abc` as a !!int'
    )
  })
})

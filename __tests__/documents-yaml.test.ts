import { beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseYaml, resolvePlainScalar, splitYamlParts } from '../src/documents/yaml.js'
import { canonicalJson, conftestParse } from './support/conftest-parse.js'
import { repoRoot } from './support/tools.js'

const corpora = path.resolve(repoRoot, '..', 'shared', 'corpora')

/** Writes YAML to a temporary file and returns what the real conftest makes of it. */
async function conftestYaml(text: string): Promise<{ value: unknown } | { error: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'yaml-'))
  const file = path.join(dir, 'input.yaml')
  await writeFile(file, text)
  const result = (await conftestParse([file])).get(file)
  if (!result) throw new Error('conftest gave no result')
  return result
}

function values(text: string): unknown[] {
  const parsed = parseYaml(text)
  if ('error' in parsed) throw new Error(parsed.error.message)
  return parsed.documents.map(d => d.value)
}

describe('plain scalars resolve as go-yaml v2 resolves them', () => {
  const scalars = [
    'yes',
    'Yes',
    'YES',
    'y',
    'Y',
    'on',
    'ON',
    'no',
    'n',
    'N',
    'off',
    'Off',
    'true',
    'FALSE',
    'tRuE',
    'nO',
    '~',
    'null',
    'Null',
    'NULL',
    'nULL',
    '0',
    '00',
    '-0',
    '+0',
    '0755',
    '0o755',
    '0O17',
    '0x1F',
    '0X1f',
    '-0x1F',
    '+0x10',
    '0b101',
    '-0b101',
    '0B11',
    '0x',
    '0b',
    '0o',
    '08',
    '09.5',
    '1_000',
    '1__0',
    '_1',
    '1_000.5',
    '1e3',
    '1E+3',
    '1e-3',
    '1.',
    '.5',
    '-.5',
    '+.5',
    '.5e2',
    '._5',
    '.',
    '+',
    '1e400',
    '-1e400',
    '.5e400',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
    '-9223372036854775809',
    '18446744073709551615',
    '18446744073709551616',
    '12345678901234567890123',
    '1.2.3',
    '3.10',
    '2001-12-14',
    '2001-12-14T21:59:43.10Z',
    '2001-12-14 21:59:43.10',
    '190:20:30',
    'NaN',
    'nan',
    'Infinity',
    'inf',
    '0.1',
    '1e',
    'e1',
    '0x1p-2',
    '1,000',
    '$1',
    '12abc',
    '<<'
  ]

  it('for every case, as the real conftest parses them', async () => {
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n') + '\n'
    const theirs = await conftestYaml(text)
    if ('error' in theirs) throw new Error(theirs.error)
    const expected = theirs.value as Record<string, unknown>
    const mismatches = scalars.filter(
      (s, i) => JSON.stringify(resolvePlainScalar(s)) !== JSON.stringify(expected[`k${i}`])
    )
    expect(mismatches).toEqual([])
  })

  it('for 3,000 random number-like scalars, as the real conftest parses them', async () => {
    const alphabet = '0123456789+-._eExXoObB:aAfFyYnN~'
    const scalars = fc
      .sample(fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: 12 }), {
        numRuns: 3000,
        seed: 20240601
      })
      // Keep valid plain scalars that go-yaml does not turn into infinities (a file error).
      .filter(s => /^[0-9a-zA-Z+._~][^:]*$/.test(s) && !/^[-+]$/.test(s))
      .filter(s => {
        const v = resolvePlainScalar(s)
        return typeof v !== 'number' || Number.isFinite(v)
      })
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n') + '\n'
    const theirs = await conftestYaml(text)
    if ('error' in theirs) throw new Error(theirs.error)
    const expected = theirs.value as Record<string, unknown>
    const mismatches = scalars
      .map((s, i) => [s, resolvePlainScalar(s), expected[`k${i}`]])
      .filter(([, ours, conftest]) => JSON.stringify(ours) !== JSON.stringify(conftest))
    expect(scalars.length).toBeGreaterThan(1500)
    expect(mismatches).toEqual([])
  })

  it.each(['.inf', '-.Inf', '+.INF', '.nan', '.NaN'])(
    '%s is an error, because JSON has no infinities (conftest fails too)',
    async scalar => {
      const parsed = parseYaml(`a: 1\nb: ${scalar}\n`)
      expect('error' in parsed && parsed.error.message).toMatch(/cannot be turned into JSON/)
      expect('error' in (await conftestYaml(`a: 1\nb: ${scalar}\n`))).toBe(true)
    }
  )
})

describe('documents and their lines', () => {
  it("splits on conftest's separator only, and numbers the documents' first lines", async () => {
    const text = [
      '# leading comment', //  1
      'kind: A', //            2
      '---', //                3
      '', //                   4
      'kind: B', //            5
      '--- # not a separator for conftest: the next document is dropped',
      'kind: C', //            7
      '---', //                8
      '---', //                9
      'kind: D' //             10
    ].join('\n')
    const parsed = parseYaml(text)
    if ('error' in parsed) throw new Error(parsed.error.message)
    // Two separators in a row are one separator and a document start marker.
    expect(parsed.documents).toEqual([
      { index: 0, line: 2, value: { kind: 'A' } },
      { index: 1, line: 5, value: { kind: 'B' } },
      { index: 2, line: 10, value: { kind: 'D' } }
    ])
    expect(await conftestYaml(text)).toEqual({ value: parsed.documents.map(d => d.value) })
  })

  it('keeps a leading %YAML directive with the first document', () => {
    expect(splitYamlParts('%YAML 1.1\n---\na: 1\n---\nb: 2\n').map(p => p.line)).toEqual([1, 5])
    expect(values('%YAML 1.1\n---\na: 1\n---\nb: 2\n')).toEqual([{ a: 1 }, { b: 2 }])
  })

  it('uses CRLF separators when the file has CRLF line ends', () => {
    expect(values('a: 1\r\n---\r\nb: 2\r\n')).toEqual([{ a: 1 }, { b: 2 }])
    expect(values('a: 1\r\n---\nb: 2\r\n')).toEqual([{ a: 1 }])
  })

  it('is one document holding a top-level list (the engine evaluates the items)', () => {
    const parsed = parseYaml('# list\n- a: 1\n- b: 2\n')
    expect(parsed).toEqual({ documents: [{ index: 0, line: 2, value: [{ a: 1 }, { b: 2 }] }] })
  })

  it('gives an empty file and a comment-only file one null document, as conftest does', () => {
    expect(parseYaml('')).toEqual({ documents: [{ index: 0, line: 1, value: null }] })
    expect(parseYaml('# nothing\n')).toEqual({ documents: [{ index: 0, line: 1, value: null }] })
  })

  it('drops the line break a block scalar cannot have at the end of a document', () => {
    expect(values('a: |\n  one\n---\nb: |\n  two\n')).toEqual([{ a: 'one' }, { b: 'two\n' }])
    expect(values('a: "quoted\\n"\n---\nb: 1\n')).toEqual([{ a: 'quoted\n' }, { b: 1 }])
  })

  it('refuses more documents than the limit', () => {
    const parsed = parseYaml('a: 1\n---\na: 2\n---\na: 3\n', { maxDocuments: 2 })
    expect('error' in parsed && parsed.error.message).toMatch(
      /holds 3 documents .* at most 2 per file\. Split the file/
    )
  })
})

describe('anchors, aliases and merge keys', () => {
  it('applies merges in go-yaml order: later entries overwrite, a merged list from its first item', () => {
    const [doc] = values(
      [
        'base: &base {image: nginx, replicas: 2}',
        'other: &other {replicas: 5, debug: true}',
        'explicit_first: {replicas: 4, <<: *base}',
        'merge_first: {<<: *base, replicas: 3}',
        'list: {<<: [*other, *base]}'
      ].join('\n')
    ) as Record<string, unknown>[]
    expect(doc).toMatchObject({
      explicit_first: { image: 'nginx', replicas: 2 },
      merge_first: { image: 'nginx', replicas: 3 },
      list: { image: 'nginx', replicas: 5, debug: true }
    })
  })

  it('refuses a merge of something that is not a mapping', () => {
    const parsed = parseYaml('a: &a [1, 2]\nb:\n  <<: *a\n')
    expect('error' in parsed && parsed.error.message).toMatch(
      /merge key \(<<\) must be given a mapping/
    )
  })

  it('refuses an anchor that contains its own alias', () => {
    const parsed = parseYaml('a: &a [1, *a]\n')
    expect('error' in parsed && parsed.error.message).toMatch(/refers to itself/)
  })

  it('refuses a billion-laughs bomb quickly, without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 12; i++) {
      const name = String.fromCharCode(97 + i)
      const previous = String.fromCharCode(96 + i)
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`)
    }
    const started = Date.now()
    const parsed = parseYaml(levels.join('\n'))
    expect(Date.now() - started).toBeLessThan(30_000) // expanding it would never end: a hang guard
    expect('error' in parsed && parsed.error.message).toMatch(/excessive aliasing/)
  })

  it.each([
    ['within go-yaml v2 alias ratio', 2000, 5, false],
    ['beyond go-yaml v2 alias ratio', 200, 1000, true]
  ])('agrees with conftest on aliasing %s', async (_name, size, uses, rejected) => {
    const text =
      `anchor: &a [${Array.from({ length: size }, (_, i) => i).join(', ')}]\n` +
      `uses: [${Array(uses).fill('*a').join(', ')}]\n`
    const ours = parseYaml(text)
    const theirs = await conftestYaml(text)
    expect('error' in ours).toBe(rejected)
    expect('error' in theirs).toBe(rejected)
  })
})

describe('syntax at the edges, against conftest', () => {
  const cases = [
    'a:\tb\n',
    'a:\n\t- b\n',
    'a: 1#not a comment\n',
    'key:value\n',
    'a: b: c\n',
    '? [a, b]\n: c\n',
    '[a, b]: c\n',
    '? a\n: b\n',
    '? {a: 1}\n: b\n',
    'a: &x 1\nb: &x 2\nc: *x\n',
    'a: *undefined\n',
    'a: [1, 2,]\n',
    'a: {b: 1,}\n',
    'a: "unterminated\n',
    '- a\nb: c\n',
    'a: |\n  text\n b\n',
    'a: !!int 1.5\n',
    'a: !!bool maybe\n',
    'a: !!str\n',
    'a:\n  - b\n  -\n  - c\n',
    'a: - b\n',
    '%TAG !e! tag:example.com,2000:\n---\na: !e!foo bar\n',
    'a: @reserved\n',
    'a: b\n...\nc: d\n',
    'a:\n  b: 1\n   c: 2\n',
    'a: 0x_1F\n',
    '\u00a0a: 1\n',
    'a: "\\x41\\u00e9\\U0001F600\\N\\_"\n',
    "a: 'multi\n  line'\n",
    'a: plain\n  multi\n\n  line\n',
    'a: 1\n a: 2\n',
    'a: [b, {c: d}, [e]]\nf: {g: [h]}\n'
  ]
  let conftest: Map<string, { value: unknown } | { error: string }>
  const files: string[] = []

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'yaml-syntax-'))
    for (const [i, text] of cases.entries()) {
      files.push(path.join(dir, `case-${i}.yaml`))
      await writeFile(files[i], text)
    }
    conftest = await conftestParse(files)
  })

  it.each(cases.map((text, i) => [text, i]))('%j', (text, i) => {
    const theirs = conftest.get(files[i as number])
    const ours = parseYaml(text as string)
    if (!theirs) throw new Error('no conftest result')
    if ('error' in theirs) {
      expect('error' in ours).toBe(true)
    } else {
      expect('error' in ours ? ours.error.message : undefined).toBeUndefined()
      if ('documents' in ours) {
        const value =
          ours.documents.length === 1 ? ours.documents[0].value : ours.documents.map(d => d.value)
        expect(canonicalJson(value)).toBe(canonicalJson(theirs.value))
      }
    }
  })
})

describe('bad input is an error with a line, never a crash', () => {
  it.each([
    ['a flow sequence 100,000 levels deep', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['a block sequence 100,000 levels deep', '- '.repeat(100_000) + 'x\n'],
    [
      'a block mapping 5,000 levels deep',
      Array.from({ length: 5000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n')
    ]
  ])('%s', (_kind, text) => {
    const parsed = parseYaml(text)
    expect('error' in parsed && parsed.error.message).toMatch(
      /nesting is deeper than 1000 levels; .* Flatten the document/
    )
  })

  it('a syntax error names its line and column', () => {
    const parsed = parseYaml('a: 1\n---\nb: 2\nc: [1, 2\nd: 4\n')
    expect(parsed).toEqual({
      error: {
        message: expect.stringMatching(/^invalid YAML at line 5, column \d+: .+Fix the syntax/),
        line: 5
      }
    })
  })

  it('an unrendered template used as a map key is refused, as conftest refuses it', async () => {
    const text = 'spec:\n  replicas: {{ .Values.replicas }}\n'
    const parsed = parseYaml(text)
    expect('error' in parsed && parsed.error.message).toMatch(/used as a map key/)
    expect('error' in (await conftestYaml(text))).toBe(true)
  })
})

describe('throughput', () => {
  const corporaIt = existsSync(corpora) ? it : it.skip
  corporaIt('parses the YAML corpora and reports MB/s and documents/s', () => {
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else if (/\.ya?ml$/i.test(entry.name)) files.push(full)
      }
    }
    walk(corpora)
    const texts = files.map(file => readFileSync(file, 'utf8'))
    const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0)
    for (const text of texts) parseYaml(text) // warm up
    const rounds = 5
    let documents = 0
    let errors = 0
    const started = process.hrtime.bigint()
    for (let round = 0; round < rounds; round++) {
      for (const text of texts) {
        const parsed = parseYaml(text)
        if ('error' in parsed) errors++
        else documents += parsed.documents.length
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const mbPerSecond = (rounds * bytes) / 1e6 / seconds
    console.log(
      `yaml.ts: ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB, ` +
        `${(documents / rounds).toFixed(0)} documents, ${errors / rounds} errors; ` +
        `${mbPerSecond.toFixed(1)} MB/s, ${(documents / seconds).toFixed(0)} documents/s`
    )
    expect(files.length).toBeGreaterThan(700)
    expect(errors / rounds).toBeLessThan(files.length / 50)
    expect(mbPerSecond).toBeGreaterThan(1)
  })
})

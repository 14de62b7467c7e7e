/**
 * The benchmark's corpora: the same bytes on every run, the sizes the issue asks for, and inputs
 * policy-gate's own parsers read as the documents they are meant to be.
 */
import { describe, expect, it } from '@jest/globals'
import { corpusFiles, FULL_SPECS, prng, type CorpusSpec } from '../bench/corpus.js'
import { documentInputs } from '../src/evaluate/engine.js'
import { parseFile } from '../src/documents/parse.js'

async function documentsOf(spec: CorpusSpec): Promise<unknown[]> {
  const values: unknown[] = []
  for (const [file, text] of corpusFiles(spec)) {
    const parsed = await parseFile(file, text)
    expect(parsed.error).toBeUndefined()
    values.push(...documentInputs(parsed).map(d => d.value))
  }
  return values
}

describe('bench corpora', () => {
  it('draws the same numbers from the same seed', () => {
    const a = prng(42)
    const b = prng(42)
    const first = Array.from({ length: 5 }, a)
    expect(Array.from({ length: 5 }, b)).toEqual(first)
    expect(first.every(n => n >= 0 && n < 1)).toBe(true)
    expect(Array.from({ length: 5 }, prng(43))).not.toEqual(first)
  })

  it('generates the same files every time', () => {
    const spec = FULL_SPECS.find(s => s.name === 'k8s-100x20')!
    expect([...corpusFiles(spec)]).toEqual([...corpusFiles(spec)])
  })

  it('covers the sizes of the issue', () => {
    expect(FULL_SPECS.map(s => [s.kind, s.units, s.perFile ?? 1])).toEqual([
      ['kubernetes', 100, 1],
      ['kubernetes', 100, 20],
      ['kubernetes', 1000, 1],
      ['kubernetes', 1000, 20],
      ['kubernetes', 10000, 1],
      ['kubernetes', 10000, 20],
      ['terraform', 100, 1],
      ['terraform', 1000, 1],
      ['terraform', 5000, 1],
      ['dockerfile', 1000, 1]
    ])
  })

  it.each([
    ['in files of one', 1, 100],
    ['in files of twenty', 20, 5]
  ])('writes Kubernetes objects %s, each a document', async (_, perFile, files) => {
    const spec: CorpusSpec = { name: `k8s-t${perFile}`, kind: 'kubernetes', units: 100, perFile }
    expect(corpusFiles(spec).size).toBe(files)
    const documents = (await documentsOf(spec)) as { apiVersion?: string; kind?: string }[]
    expect(documents).toHaveLength(100)
    expect(
      documents.every(d => typeof d.apiVersion === 'string' && typeof d.kind === 'string')
    ).toBe(true)
    expect(new Set(documents.map(d => d.kind)).size).toBeGreaterThan(5)
  })

  it('writes a plan with the number of resource changes asked for', async () => {
    const [plan] = (await documentsOf({ name: 'tf-t', kind: 'terraform', units: 250 })) as {
      format_version: string
      resource_changes: { type: string }[]
    }[]
    expect(plan.format_version).toBe('1.2')
    expect(plan.resource_changes).toHaveLength(250)
    expect(new Set(plan.resource_changes.map(r => r.type.split('_')[0]))).toEqual(
      new Set(['aws', 'google', 'azurerm'])
    )
  })

  it('writes Dockerfiles that parse into instructions', async () => {
    const spec: CorpusSpec = { name: 'docker-t', kind: 'dockerfile', units: 20 }
    const files = corpusFiles(spec)
    expect(files.size).toBe(20)
    expect([...files.keys()].every(f => f.endsWith('/Dockerfile'))).toBe(true)
    // conftest's shape: each Dockerfile is one input, the list of its instructions.
    const inputs = (await documentsOf(spec)) as { Cmd: string }[][]
    expect(inputs).toHaveLength(20)
    expect(inputs.every(instructions => instructions.some(i => i.Cmd === 'from'))).toBe(true)
  })
})

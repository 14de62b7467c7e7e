import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  builtinBundleDir,
  builtinDomains,
  builtinSelection,
  loadBuiltinBundle,
  parseBuiltinSetting
} from '../src/builtin.js'
import { selectNamespaces } from '../src/evaluate/plan.js'

describe('builtin setting', () => {
  it.each([
    ['', 'auto'],
    ['auto', 'auto'],
    ['TRUE', 'true'],
    ['false', 'false'],
    ['kubernetes, docker', ['kubernetes', 'docker']]
  ])('%j → %j', (value, expected) => {
    expect(parseBuiltinSetting(value)).toEqual(expected)
  })

  it('names the accepted values when wrong', () => {
    expect(() => parseBuiltinSetting('kubernetes,helm')).toThrow(
      "Input 'builtin' has an invalid value 'kubernetes,helm': expected auto, true, false or a list of kubernetes, terraform, docker, pipeline"
    )
  })

  it.each([
    ['auto', false, ['kubernetes', 'terraform', 'docker', 'pipeline']],
    ['auto', true, []],
    ['false', false, []],
    ['true', true, ['kubernetes', 'terraform', 'docker', 'pipeline']],
    [['docker'], true, ['docker']]
  ] as const)('%j with own policies %s → %j', (setting, own, domains) => {
    expect(builtinDomains(setting as never, own)).toEqual(domains)
  })
})

describe('the shipped bundle (dist/builtin)', () => {
  const dir = builtinBundleDir()

  it("is there and selects each domain's namespaces", async () => {
    expect(dir).toBeDefined()
    const bundle = await loadBuiltinBundle(dir!)
    const select = (d: Parameters<typeof builtinSelection>[0]) =>
      selectNamespaces(bundle.plan, builtinSelection(d)).map(ns => ns.namespace)
    expect(select(['kubernetes'])).toEqual(['kubernetes'])
    expect(select(['terraform'])).toEqual(['terraform.aws', 'terraform.azure', 'terraform.gcp'])
    expect(select(['pipeline'])).toEqual(['github', 'gitlab'])
  })

  it('is refused when the module does not match its manifest', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-builtin-'))
    try {
      cpSync(dir!, copy, { recursive: true })
      writeFileSync(path.join(copy, 'policy.wasm'), 'tampered')
      await expect(loadBuiltinBundle(copy)).rejects.toThrow(/does not match its manifest/)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})

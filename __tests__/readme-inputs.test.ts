/**
 * The README's inputs and outputs tables are generated from action.yml (scripts/gen-readme-inputs.mjs,
 * `npm run docs`); this fails when they drift, and checks the generator on copies of both files.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import YAML from 'yaml'
import { repoRoot, run } from './support/tools.js'

const script = path.join(repoRoot, 'scripts', 'gen-readme-inputs.mjs')
const temporary: string[] = []
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}

const readAction = (file = path.join(repoRoot, 'action.yml')): ActionYaml =>
  YAML.parse(readFileSync(file, 'utf8')) as ActionYaml

/** The first column of the table between a pair of markers: the names it lists. */
function tableNames(readme: string, marker: 'inputs' | 'outputs'): string[] {
  const start = readme.indexOf(`<!-- ${marker}:start -->`)
  const end = readme.indexOf(`<!-- ${marker}:end -->`)
  expect(start).toBeGreaterThan(-1)
  expect(end).toBeGreaterThan(start)
  return readme
    .slice(start, end)
    .split('\n')
    .map(line => /^\| `([^`]+)` +\|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
}

/** Copies of README.md and action.yml in a temporary directory. */
function copies(): { readme: string; action: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-readme-'))
  temporary.push(dir)
  const readme = path.join(dir, 'README.md')
  const action = path.join(dir, 'action.yml')
  writeFileSync(readme, readFileSync(path.join(repoRoot, 'README.md')))
  writeFileSync(action, readFileSync(path.join(repoRoot, 'action.yml')))
  return { readme, action }
}

const generate = (args: string[]) => run(process.execPath, [script, ...args], { cwd: repoRoot })

describe('README inputs and outputs', () => {
  it('match action.yml (run `npm run docs` when this fails)', async () => {
    const result = await generate(['--check'])
    expect({ exit: result.code, stderr: result.stderr }).toEqual({ exit: 0, stderr: '' })
  })

  it('list every input and output of action.yml, in its order', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    const action = readAction()
    expect(tableNames(readme, 'inputs')).toEqual(Object.keys(action.inputs))
    expect(tableNames(readme, 'outputs')).toEqual(Object.keys(action.outputs))
  })

  it('show each default as action.yml gives it', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    for (const [name, input] of Object.entries(readAction().inputs)) {
      const row = readme.split('\n').find(line => line.startsWith(`| \`${name}\` `)) ?? ''
      const shown = row.split('|').at(-2)?.trim()
      expect({ name, shown }).toEqual({
        name,
        shown: input.default ? `\`${input.default}\`` : '_empty_'
      })
    }
  })
})

describe('gen-readme-inputs', () => {
  it('fails --check with the command to run when action.yml gains an input, and then updates the README', async () => {
    const { readme, action } = copies()
    const metadata = readAction(action)
    metadata.inputs['new-input'] = {
      description: 'A new | input for `*_test.rego` files\n  over two lines.',
      default: 'x'
    }
    writeFileSync(action, YAML.stringify(metadata))

    const stale = await generate(['--check', '--readme', readme, '--action', action])
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain("run 'npm run docs' and commit the README")

    const written = await generate(['--readme', readme, '--action', action])
    expect(written.code).toBe(0)
    const text = readFileSync(readme, 'utf8')
    expect(tableNames(text, 'inputs').at(-1)).toBe('new-input')
    expect(text).toMatch(
      /^\| `new-input` +\| A new \\\| input for `\*_test.rego` files over two lines\. +\| `x` +\|$/m
    )

    const fresh = await generate(['--check', '--readme', readme, '--action', action])
    expect(fresh.code).toBe(0)
  })

  it('names the missing markers instead of guessing where the table goes', async () => {
    const { readme, action } = copies()
    writeFileSync(readme, readFileSync(readme, 'utf8').replace('<!-- outputs:end -->', ''))
    const result = await generate(['--check', '--readme', readme, '--action', action])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      "has no '<!-- outputs:start -->' … '<!-- outputs:end -->' markers for the outputs table"
    )
  })
})

/**
 * Runs the real conftest on the report fixtures, so the renderers can be compared with what
 * conftest prints. One file and one namespace per run: conftest evaluates files in parallel and
 * its output order across files is not stable, while one file × namespace is one CheckResult.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CheckResult } from '../../src/findings.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export const conftestBinary = path.join(repoRoot, '.tools', 'bin', 'conftest')
export const conftestFixtures = path.join(repoRoot, '__tests__', 'fixtures', 'report', 'conftest')

/** Whether conftest is installed (scripts/install-tools.sh); the tests skip with a note if not. */
export const haveConftest = existsSync(conftestBinary)
if (!haveConftest) {
  console.warn(`conftest not found at ${conftestBinary}: run scripts/install-tools.sh; skipping`)
}

export interface ConftestRun {
  file: string
  namespace: string
  format: string
  /** Extra environment, e.g. TABWIDTH. */
  env?: Record<string, string>
  args?: string[]
}

/** conftest's stdout for one input file and namespace; exit codes 0-2 are results, not errors. */
export function runConftest(run: ConftestRun): string {
  const args = ['test', '--namespace', run.namespace, '-p', 'policy', '-o', run.format]
  const result = spawnSync(conftestBinary, [...args, ...(run.args ?? []), run.file], {
    cwd: conftestFixtures,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // tablewriter guesses tab width and East Asian width from the environment: pin them.
      TABWIDTH: '8',
      RUNEWIDTH_EASTASIAN: '0',
      ...run.env
    }
  })
  if (result.error) throw result.error
  if (result.status === null || result.status > 2) {
    throw new Error(
      `conftest ${args.join(' ')} ${run.file} failed (${result.status}): ${result.stderr}`
    )
  }
  return result.stdout
}

/** The CheckResults conftest computed, read back from its own `-o json`. */
export function conftestResults(file: string, namespace: string): CheckResult[] {
  return JSON.parse(runConftest({ file, namespace, format: 'json' })) as CheckResult[]
}

/** Every input × namespace pair in the fixtures. */
export const conftestCases: Array<[string, string]> = [
  ['inputs/deployment.yaml', 'main'],
  ['inputs/deployment.yaml', 'services'],
  ['inputs/excepted.yaml', 'main'],
  ['inputs/clean.yaml', 'main'],
  ['inputs/hostile.json', 'main']
]

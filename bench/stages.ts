/**
 * policy-gate's stages, timed one by one in a process of their own: what `policy-gate test
 * --builtin true -d DATA -o json .` does, called stage by stage through the same functions the
 * CLI calls. With `--floor`, only finding, reading and parsing the files: the least any tool must
 * do with the same inputs. Prints one JSON object (StageTimings) on stdout.
 *
 * Usage: node stages.js --corpus DIR --data DIR --builtin DIR [--floor]
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { ALL_BUILTIN_DOMAINS, builtinSelection, loadBuiltinBundle } from '../src/builtin.js'
import { expandPaths } from '../src/cli.js'
import { loadData } from '../src/evaluate/data.js'
import { readAndParse, runGate } from '../src/gate.js'
import { renderConftestJson } from '../src/report/json.js'

export interface StageTimings {
  /** Node's start and the modules' loading, until the first line of this script runs. */
  startupMs: number
  /** Walking the corpus for files a parser handles. */
  discoverMs: number
  /** Loading the shipped, precompiled library and verifying its digest (no compile: a cache hit). */
  bundleMs?: number
  readMs: number
  parseMs: number
  /** Instantiating the WASM module and evaluating every document. */
  evaluateMs?: number
  /** Placing findings on lines of their files. */
  locateMs?: number
  /** Rendering the JSON report. */
  reportMs?: number
  totalMs: number
  documents: number
}

async function main(): Promise<void> {
  const startupMs = performance.now()
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      data: { type: 'string' },
      builtin: { type: 'string' },
      floor: { type: 'boolean' }
    }
  })
  if (!values.corpus || !values.data || !values.builtin) {
    throw new Error('usage: stages.js --corpus DIR --data DIR --builtin DIR [--floor]')
  }
  const cwd = values.corpus
  let t = performance.now()
  const files = await expandPaths(['.'], cwd)
  const discoverMs = performance.now() - t
  const common = { cwd, files, maxFileSize: 5_000_000 }
  if (values.floor) {
    const timings = { readMs: 0, parseMs: 0 }
    const { parsed } = await readAndParse(common, timings)
    const result: StageTimings = {
      startupMs,
      discoverMs,
      ...timings,
      totalMs: performance.now(),
      documents: parsed.reduce((n, f) => n + f.documents.length, 0)
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
    return
  }
  t = performance.now()
  const data = await loadData([values.data], cwd)
  const compiled = await loadBuiltinBundle(values.builtin)
  const bundleMs = performance.now() - t
  const run = await runGate({
    ...common,
    combine: false,
    policySets: [
      {
        name: 'built-in library',
        compiled,
        selection: builtinSelection(ALL_BUILTIN_DOMAINS),
        data
      }
    ]
  })
  t = performance.now()
  const report = renderConftestJson(run.checkResults)
  const reportMs = performance.now() - t
  const result: StageTimings = {
    startupMs,
    discoverMs,
    bundleMs,
    ...run.timings,
    reportMs,
    totalMs: performance.now(),
    documents: run.parsed.reduce((n, f) => n + f.documents.length, 0)
  }
  if (report.length === 0) throw new Error('empty report')
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`stages: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exitCode = 1
})

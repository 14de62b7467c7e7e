/**
 * `npm run bench`: generates the corpora, runs policy-gate, conftest and `opa eval` on them in
 * turn, and prints wall times, ratios, throughput, peak memory, policy-gate's stages, the floor,
 * whether the decisions agree, the action's warm start, and the targets.
 *
 *   npm run bench -- [--quick] [--corpora k8s-1000x1,tfplan-100] [--reps 3] [--opa-files 10]
 *                    [--timeout 900] [--warm-reps 10] [--no-warm-start]
 */
import { execFileSync } from 'node:child_process'
import { existsSync, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ALL_BUILTIN_DOMAINS, builtinSelection, type BuiltinManifest } from '../src/builtin.js'
import { selectNamespaces } from '../src/evaluate/plan.js'
import { FULL_SPECS, writeBenchData, writeCorpus, type Corpus } from './corpus.js'
import { compareDecisions } from './decisions.js'
import { canMeasureRss, measure, median, type Command, type Measurement } from './measure.js'
import { opaQuery, prepareOpaEval, sampleFiles } from './opa-eval.js'
import {
  renderResults,
  type BenchResults,
  type CorpusResult,
  type OpaEvalResult,
  type ToolResult,
  type WarmStartResult
} from './report.js'
import type { StageTimings } from './stages.js'
import { nodeBaseline, prepareWarmStart, type WarmStartVariant } from './warm-start.js'

/** build/bench/bench/main.js → the repository. */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const benchDir = path.join(repoRoot, 'bench')
const corpusRoot = path.join(benchDir, '.corpus')
const stagesScript = fileURLToPath(new URL('./stages.js', import.meta.url))
const cli = path.join(repoRoot, 'dist', 'cli', 'index.js')
const builtinDir = path.join(repoRoot, 'dist', 'builtin')
const conftestBin = path.join(repoRoot, '.tools', 'bin', 'conftest')
const opaBin = path.join(repoRoot, '.tools', 'bin', 'opa')
const policyDir = path.join(repoRoot, 'policy')

const QUICK = new Set([
  'k8s-100x1',
  'k8s-100x20',
  'k8s-1000x1',
  'k8s-1000x20',
  'tfplan-100',
  'tfplan-1000',
  'docker-1000'
])

const log = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

function requirePrerequisites(): void {
  const missing: [string, string][] = [
    [cli, 'bash scripts/package.sh'],
    [path.join(builtinDir, 'manifest.json'), 'bash scripts/package.sh'],
    [conftestBin, 'bash scripts/install-tools.sh'],
    [opaBin, 'bash scripts/install-tools.sh']
  ]
  const absent = missing.filter(([file]) => !existsSync(file))
  if (absent.length > 0) {
    throw new Error(
      absent
        .map(([file, fix]) => `${path.relative(repoRoot, file)} is missing: run ${fix}`)
        .join('\n')
    )
  }
}

function machine(): string {
  const cpus = os.cpus()
  const version = (bin: string, args: string[], pattern: RegExp): string => {
    try {
      return pattern.exec(execFileSync(bin, args, { encoding: 'utf8' }))?.[1] ?? '?'
    } catch {
      return '?'
    }
  }
  return [
    `${cpus.length} CPU(s) ${cpus[0]?.model.trim() ?? ''}`,
    `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    `load average ${os.loadavg()[0].toFixed(2)} at start`,
    `Node ${process.version}`,
    `conftest ${version(conftestBin, ['--version'], /Conftest: (\S+)/)}`,
    `OPA ${version(opaBin, ['version'], /Version: (\S+)/)}`
  ].join(', ')
}

function summarise(runs: Measurement[], problem?: string): ToolResult {
  const done = runs.filter(r => !r.timedOut)
  const rss = done.map(r => r.peakRssKb).filter((k): k is number => k !== undefined)
  return {
    ...(done.length ? { wallMs: median(done.map(r => r.wallMs)) } : {}),
    ...(rss.length ? { peakRssKb: median(rss) } : {}),
    runs: done.length,
    ...(problem ? { problem } : {})
  }
}

function describeFailure(m: Measurement, timeoutMs: number): string | undefined {
  if (m.timedOut) return `> ${Math.round(timeoutMs / 1000)} s (stopped)`
  if (m.code !== 0) {
    const first = m.stderr.trim().split('\n')[0] ?? ''
    return `exit ${m.code}: ${first.slice(0, 120)}`
  }
  return undefined
}

interface Options {
  reps: number
  opaFiles: number
  timeoutMs: number
}

async function benchCorpus(
  corpus: Corpus,
  dataDir: string,
  query: string,
  options: Options
): Promise<CorpusResult> {
  // Timed runs print each tool's default output, as people run them; one extra `-o json` run of
  // each, untimed, gives the decisions to compare.
  const policyGate: Command = {
    label: 'policy-gate',
    file: process.execPath,
    args: [cli, 'test', '--builtin', 'true', '-d', dataDir, '--no-color', '--no-fail', '.'],
    cwd: corpus.dir,
    timeoutMs: options.timeoutMs
  }
  const conftest: Command = {
    label: 'conftest',
    file: conftestBin,
    args: [
      'test',
      '--all-namespaces',
      '-p',
      policyDir,
      '-d',
      dataDir,
      '--no-color',
      '--no-fail',
      '.'
    ],
    cwd: corpus.dir,
    timeoutMs: options.timeoutMs
  }
  const asJson = (command: Command): Command => ({
    ...command,
    args: [...command.args.filter(a => a !== '--no-color'), '-o', 'json']
  })
  const floor: Command = {
    label: 'floor',
    file: process.execPath,
    args: [
      stagesScript,
      '--corpus',
      corpus.dir,
      '--data',
      dataDir,
      '--builtin',
      builtinDir,
      '--floor'
    ],
    cwd: corpus.dir,
    timeoutMs: options.timeoutMs
  }
  const sample = sampleFiles(corpus.files, options.opaFiles)
  const opaCommands =
    options.opaFiles > 0
      ? await prepareOpaEval({
          corpusDir: corpus.dir,
          files: sample,
          dir: path.join(corpusRoot, `${corpus.name}.opa-inputs`),
          opa: opaBin,
          policyDir,
          dataDir,
          query
        })
      : []

  const runs: Record<'policyGate' | 'conftest' | 'floor', Measurement[]> = {
    policyGate: [],
    conftest: [],
    floor: []
  }
  const problems: Partial<Record<keyof typeof runs | 'opaEval', string>> = {}
  const opaTotals: number[] = []
  const opaRss: number[] = []
  const tools: [keyof typeof runs, Command][] = [
    ['policyGate', policyGate],
    ['conftest', conftest]
  ]
  for (let rep = 0; rep < options.reps; rep++) {
    // Alternate which goes first, so drift in the machine's load falls on both alike.
    const order = rep % 2 === 0 ? tools : [...tools].reverse()
    for (const [key, command] of [...order, ['floor', floor] as [keyof typeof runs, Command]]) {
      if (problems[key]) continue // failed or timed out before: once is enough
      const m = await measure(command)
      const failure = describeFailure(m, options.timeoutMs)
      // A failed run (policy-gate exits 1 when a namespace could not be evaluated) still has a
      // wall time; the table marks it and lists why.
      if (failure) problems[key] ??= failure
      if (!m.timedOut) runs[key].push(m)
    }
    if (opaCommands.length > 0 && !problems.opaEval) {
      let total = 0
      for (const command of opaCommands) {
        const m = await measure({ ...command, timeoutMs: options.timeoutMs })
        const failure = describeFailure(m, options.timeoutMs)
        if (failure) {
          problems.opaEval = failure
          break
        }
        total += m.wallMs
        if (m.peakRssKb !== undefined) opaRss.push(m.peakRssKb)
      }
      if (!problems.opaEval) opaTotals.push((total / opaCommands.length) * corpus.files.length)
    }
    log(`  ${corpus.name}: repetition ${rep + 1}/${options.reps} done`)
  }
  const outputs: { policyGate?: string; conftest?: string } = {}
  for (const [key, command] of tools) {
    if (problems[key]) continue // its decisions would not be comparable
    const m = await measure(asJson(command))
    if (!m.timedOut && m.stdout.trim().startsWith('['))
      outputs[key as 'policyGate' | 'conftest'] = m.stdout
  }
  const stages = await runStages(corpus, dataDir, false, options.timeoutMs)
  const floorStages = await runStages(corpus, dataDir, true, options.timeoutMs)
  const opaEval: OpaEvalResult | undefined =
    opaCommands.length > 0
      ? {
          ...(opaTotals.length ? { wallMs: median(opaTotals) } : {}),
          ...(opaRss.length ? { peakRssKb: Math.max(...opaRss) } : {}),
          runs: opaTotals.length,
          sampled: opaCommands.length,
          ...(problems.opaEval ? { problem: problems.opaEval } : {})
        }
      : undefined
  return {
    name: corpus.name,
    units: corpus.units,
    unitName: corpus.unitName,
    files: corpus.files.length,
    policyGate: summarise(runs.policyGate, problems.policyGate),
    conftest: summarise(runs.conftest, problems.conftest),
    floor: summarise(runs.floor, problems.floor),
    ...(opaEval ? { opaEval } : {}),
    ...(stages ? { stages } : {}),
    ...(floorStages ? { floorStages } : {}),
    ...(outputs.conftest && outputs.policyGate
      ? { decisions: compareDecisions(outputs.conftest, outputs.policyGate) }
      : {})
  }
}

async function runStages(
  corpus: Corpus,
  dataDir: string,
  floorOnly: boolean,
  timeoutMs: number
): Promise<StageTimings | undefined> {
  const m = await measure({
    label: 'stages',
    file: process.execPath,
    args: [
      stagesScript,
      '--corpus',
      corpus.dir,
      '--data',
      dataDir,
      '--builtin',
      builtinDir,
      ...(floorOnly ? ['--floor'] : [])
    ],
    cwd: corpus.dir,
    timeoutMs
  })
  if (m.code !== 0 || m.timedOut) {
    log(
      `  ${corpus.name}: stages${floorOnly ? ' (floor)' : ''} failed: ${m.stderr.trim().split('\n')[0] ?? ''}`
    )
    return undefined
  }
  return JSON.parse(m.stdout) as StageTimings
}

async function benchWarmStart(
  reps: number
): Promise<{ baselineMs?: number; results: WarmStartResult[] }> {
  const root = path.join(corpusRoot, 'warm-start')
  const variants: WarmStartVariant[] = ['built-in library', 'own policies, cached bundle']
  const commands: Command[] = []
  const results: WarmStartResult[] = []
  for (const variant of variants) {
    const command = await prepareWarmStart({ root, repoRoot, variant, opa: opaBin })
    // The first run compiles (own policies) or warms the file cache; it is not counted.
    const first = await measure(command)
    if (first.code !== 0) {
      results.push({
        label: command.label,
        problem: `exit ${first.code}: ${(first.stdout + first.stderr).trim().split('\n').pop()}`
      })
    } else commands.push(command)
  }
  const baseline = nodeBaseline(root)
  const times = new Map<string, number[]>()
  for (let rep = 0; rep < reps; rep++) {
    for (const command of [baseline, ...commands]) {
      const m = await measure(command)
      if (m.code === 0) times.set(command.label, [...(times.get(command.label) ?? []), m.wallMs])
    }
  }
  const baselineMs = times.has(baseline.label) ? median(times.get(baseline.label)!) : undefined
  for (const command of commands) {
    const wallMs = times.has(command.label) ? median(times.get(command.label)!) : undefined
    results.push({
      label: command.label,
      ...(wallMs !== undefined ? { wallMs } : { problem: 'failed' }),
      ...(wallMs !== undefined && baselineMs !== undefined
        ? { overheadMs: wallMs - baselineMs }
        : {})
    })
  }
  return { ...(baselineMs !== undefined ? { baselineMs } : {}), results }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      corpora: { type: 'string' },
      reps: { type: 'string' },
      'opa-files': { type: 'string' },
      timeout: { type: 'string' },
      'warm-reps': { type: 'string' },
      'no-warm-start': { type: 'boolean' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    process.stdout.write(
      [
        'Usage: npm run bench -- [flags]',
        '  --quick            only the corpora up to 1,000 documents',
        `  --corpora LIST     comma-separated, from: ${FULL_SPECS.map(s => s.name).join(', ')}`,
        '  --reps N           repetitions per corpus (default 3; the median is shown)',
        '  --opa-files N      files timed with opa eval per corpus, scaled to the corpus (default 10; 0: skip)',
        '  --timeout S        stop a command after S seconds (default 900)',
        '  --warm-reps N      repetitions of the warm start (default 10)',
        '  --no-warm-start    skip the warm start',
        '  --from FILE        print the results of an earlier run (its results.json) again',
        ''
      ].join('\n')
    )
    return
  }
  if (values.from) {
    const earlier = JSON.parse(await fs.readFile(values.from, 'utf8')) as BenchResults
    process.stdout.write(renderResults(earlier))
    return
  }
  const count = (name: string, value: string | undefined, fallback: number): number => {
    const n = value === undefined ? fallback : Number(value)
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} must be a whole number (got '${value}')`)
    return n
  }
  const wanted = values.corpora?.split(',').map(s => s.trim())
  const unknown = wanted?.filter(w => !FULL_SPECS.some(s => s.name === w)) ?? []
  if (unknown.length > 0) {
    throw new Error(
      `unknown corpus ${unknown.join(', ')}: expected some of ${FULL_SPECS.map(s => s.name).join(', ')}`
    )
  }
  const specs = FULL_SPECS.filter(s =>
    wanted ? wanted.includes(s.name) : !values.quick || QUICK.has(s.name)
  )
  const options: Options = {
    reps: Math.max(1, count('reps', values.reps, 3)),
    opaFiles: count('opa-files', values['opa-files'], 10),
    timeoutMs: count('timeout', values.timeout, 900) * 1000
  }
  requirePrerequisites()
  if (!canMeasureRss())
    log('bench: /usr/bin/time (GNU time) is not installed: peak RSS is not measured')
  const machineLine = machine()

  log(`bench: corpora in ${path.relative(repoRoot, corpusRoot)}/`)
  const dataDir = await writeBenchData(corpusRoot)
  const manifest = JSON.parse(
    await fs.readFile(path.join(builtinDir, 'manifest.json'), 'utf8')
  ) as BuiltinManifest
  const query = opaQuery(
    selectNamespaces(manifest.plan, builtinSelection(ALL_BUILTIN_DOMAINS)).filter(
      ns => ns.rules.length > 0
    )
  )

  const corpora: CorpusResult[] = []
  for (const spec of specs) {
    log(`bench: ${spec.name}: generating`)
    const corpus = await writeCorpus(corpusRoot, spec)
    log(`bench: ${spec.name}: measuring`)
    corpora.push(await benchCorpus(corpus, dataDir, query, options))
  }
  const warm = values['no-warm-start']
    ? { results: [] as WarmStartResult[] }
    : await benchWarmStart(Math.max(1, count('warm-reps', values['warm-reps'], 10)))
  const results: BenchResults = {
    machine: machineLine,
    reps: options.reps,
    corpora,
    ...('baselineMs' in warm && warm.baselineMs !== undefined
      ? { nodeBaselineMs: warm.baselineMs }
      : {}),
    warmStart: warm.results
  }
  await fs.writeFile(path.join(corpusRoot, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(renderResults(results))
  log(`bench: results also in ${path.relative(repoRoot, path.join(corpusRoot, 'results.json'))}`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})

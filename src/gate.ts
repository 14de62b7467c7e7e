/**
 * The stages the action and the CLI share: compiled policies + files → parsed documents →
 * evaluations → located findings and conftest's check results. No reporting, no GitHub.
 */
import { performance } from 'node:perf_hooks'
import { locateFinding } from './documents/locate.js'
import { parseFile, parserFor } from './documents/parse.js'
import { readDocumentFile } from './documents/read.js'
import type { CheckResult, Finding, ParsedFile } from './findings.js'
import { hostBuiltins } from './evaluate/builtins/registry.js'
import { Engine, PrintSink, type FileEvaluation } from './evaluate/engine.js'
import { evaluationFindings, parseErrorFinding } from './evaluate/findings.js'
import { hostFunctions } from './evaluate/host.js'
import type { NamespaceSelection } from './evaluate/plan.js'
import { WasmPolicy } from './evaluate/wasm.js'
import type { CompiledPolicy } from './opa/compile.js'

/** The names of the host built-ins, for the compile step's capabilities. */
export const HOST_BUILTIN_NAMES: readonly string[] = Object.keys(hostBuiltins)

/** One compiled policy set and the namespaces to evaluate in it. */
export interface PolicySet {
  name: string
  compiled: CompiledPolicy
  selection: NamespaceSelection
  data: Record<string, unknown>
}

export interface GateInput {
  cwd: string
  /** Files to check, relative to cwd (or absolute). */
  files: readonly string[]
  parser?: string
  maxFileSize: number
  combine: boolean
  policySets: readonly PolicySet[]
}

/** Where a run's time went, in milliseconds of wall time per stage. */
export interface Timings {
  /** Reading the files (concurrently). */
  readMs: number
  /** Parsing them into documents. */
  parseMs: number
  /** Loading the WASM module and evaluating every document (conftest's semantics included). */
  evaluateMs: number
  /** Turning results into findings on lines of their files. */
  locateMs: number
}

export interface GateRun {
  parsed: ParsedFile[]
  /** Files skipped because no parser handles them, as conftest skips them. */
  unsupported: string[]
  evaluations: FileEvaluation[]
  findings: Finding[]
  checkResults: CheckResult[]
  prints: string[]
  timings: Timings
}

/**
 * Files read at once: enough to keep libuv's threads busy (each read is several system calls:
 * realpath, open, fstat, read, close), few enough to stay far from the descriptor limit.
 */
const READ_CONCURRENCY = 32

/** Maps with at most `limit` promises pending, keeping the order of `items`. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Reads and parses the files; unreadable or unparsable ones carry their error. */
export async function readAndParse(
  input: Pick<GateInput, 'cwd' | 'files' | 'parser' | 'maxFileSize'>,
  timings: Pick<Timings, 'readMs' | 'parseMs'>
): Promise<{ parsed: ParsedFile[]; unsupported: string[] }> {
  const unsupported = input.parser ? [] : input.files.filter(f => parserFor(f) === undefined)
  const wanted = input.parser ? input.files : input.files.filter(f => parserFor(f) !== undefined)
  let t = performance.now()
  const reads = await mapConcurrently(wanted, READ_CONCURRENCY, file =>
    readDocumentFile(input.cwd, file, { maxFileSize: input.maxFileSize })
  )
  timings.readMs += performance.now() - t
  t = performance.now()
  const parsed: ParsedFile[] = []
  for (const [i, file] of wanted.entries()) {
    const read = reads[i]
    if ('error' in read) {
      parsed.push({
        path: file,
        parser: '',
        text: '',
        documents: [],
        error: { message: read.error }
      })
    } else {
      parsed.push(await parseFile(file, read.text, input.parser ? { parser: input.parser } : {}))
    }
  }
  timings.parseMs += performance.now() - t
  return { parsed, unsupported }
}

export async function runGate(input: GateInput): Promise<GateRun> {
  const timings: Timings = { readMs: 0, parseMs: 0, evaluateMs: 0, locateMs: 0 }
  const { parsed, unsupported } = await readAndParse(input, timings)
  const evaluations: FileEvaluation[] = []
  const findings: Finding[] = []
  const checkResults: CheckResult[] = []
  const prints: string[] = []

  for (const file of parsed) if (file.error) findings.push(parseErrorFinding(file))
  const good = parsed.filter(f => !f.error)

  for (const set of input.policySets) {
    let t = performance.now()
    const sink = new PrintSink()
    const policy = await WasmPolicy.load(
      set.compiled.wasm,
      hostFunctions(hostBuiltins, line => sink.write(line))
    )
    const engine = new Engine(
      policy,
      set.compiled.plan,
      { selection: set.selection, cwd: input.cwd, data: set.data },
      sink
    )
    timings.evaluateMs += performance.now() - t
    const locate = (evaluation: FileEvaluation, file: ParsedFile | undefined): void => {
      const t = performance.now()
      evaluations.push(evaluation)
      prints.push(...evaluation.prints)
      // locateFinding caches each file's syntax trees by the file object: a copy per file lets
      // them go once the file is done, instead of holding every tree of the run at once.
      const scoped = file && { ...file }
      const located = evaluationFindings(evaluation, scoped, (f, d, h) =>
        locateFinding(f, d, h, { workspace: input.cwd })
      )
      findings.push(...located.findings)
      checkResults.push(...located.checkResults)
      timings.locateMs += performance.now() - t
    }
    // File by file: a file's documents are located while they are still in the CPU's caches.
    if (input.combine) {
      t = performance.now()
      const evaluation = engine.evaluateCombined(good)
      timings.evaluateMs += performance.now() - t
      locate(evaluation, undefined)
    } else {
      for (const file of good) {
        t = performance.now()
        const evaluation = engine.evaluateFile(file)
        timings.evaluateMs += performance.now() - t
        locate(evaluation, file)
      }
    }
  }
  return { parsed, unsupported, evaluations, findings, checkResults, prints, timings }
}

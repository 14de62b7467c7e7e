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

export interface Timings {
  readMs: number
  parseMs: number
  evaluateMs: number
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

/** Reads and parses the files; unreadable or unparsable ones carry their error. */
export async function readAndParse(
  input: Pick<GateInput, 'cwd' | 'files' | 'parser' | 'maxFileSize'>,
  timings: Timings
): Promise<{ parsed: ParsedFile[]; unsupported: string[] }> {
  const parsed: ParsedFile[] = []
  const unsupported: string[] = []
  for (const file of input.files) {
    if (!input.parser && parserFor(file) === undefined) {
      unsupported.push(file)
      continue
    }
    let t = performance.now()
    const read = await readDocumentFile(input.cwd, file, { maxFileSize: input.maxFileSize })
    timings.readMs += performance.now() - t
    t = performance.now()
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
    timings.parseMs += performance.now() - t
  }
  return { parsed, unsupported }
}

export async function runGate(input: GateInput): Promise<GateRun> {
  const timings: Timings = { readMs: 0, parseMs: 0, evaluateMs: 0 }
  const { parsed, unsupported } = await readAndParse(input, timings)
  const evaluations: FileEvaluation[] = []
  const findings: Finding[] = []
  const checkResults: CheckResult[] = []
  const prints: string[] = []

  for (const file of parsed) if (file.error) findings.push(parseErrorFinding(file))
  const good = parsed.filter(f => !f.error)

  const t = performance.now()
  for (const set of input.policySets) {
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
    const runs: [FileEvaluation, ParsedFile | undefined][] = input.combine
      ? [[engine.evaluateCombined(good), undefined]]
      : good.map(file => [engine.evaluateFile(file), file])
    for (const [evaluation, file] of runs) {
      evaluations.push(evaluation)
      prints.push(...evaluation.prints)
      const located = evaluationFindings(evaluation, file, (f, d, h) =>
        locateFinding(f, d, h, { workspace: input.cwd })
      )
      findings.push(...located.findings)
      checkResults.push(...located.checkResults)
    }
  }
  timings.evaluateMs = performance.now() - t
  return { parsed, unsupported, evaluations, findings, checkResults, prints, timings }
}

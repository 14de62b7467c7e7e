import path from 'node:path'
import type { ParsedFile } from '../findings.js'
import { checkDocument, mergeChecks, type DocumentCheck } from './conftest.js'
import type { NamespacePlan, NamespaceSelection, PolicyPlan } from './plan.js'
import { selectNamespaces } from './plan.js'
import type { WasmPolicy } from './wasm.js'

/** One input evaluated on its own: a document of a file, or an element of a top-level array. */
export interface InputRef {
  /** Index of the document within the file. */
  document: number
  /** Set when the document is a top-level array split into its elements, as conftest does. */
  element?: number
  value: unknown
}

export interface NamespaceEvaluation {
  namespace: string
  check: DocumentCheck
  /** Set when evaluating failed (a policy runtime error); the check is then empty. */
  error?: string
}

export interface FileEvaluation {
  /** The file's path as given (conftest's `filename`), or `Combined`. */
  filename: string
  inputs: InputRef[]
  namespaces: NamespaceEvaluation[]
  /** Lines written by `print` in the policies while evaluating this file. */
  prints: string[]
}

export interface EvaluationOptions {
  selection: NamespaceSelection
  /** Working directory: `data.conftest.file.dir` is absolute, as in conftest. */
  cwd: string
  /** Data documents (`-d`), rooted as conftest roots them. */
  data: Record<string, unknown>
}

/**
 * What conftest evaluates for a file: each document of a multi-document file, or each element
 * of a single top-level array, on its own.
 */
export function documentInputs(file: ParsedFile): InputRef[] {
  if (file.documents.length === 1 && Array.isArray(file.documents[0].value)) {
    const doc = file.documents[0]
    return (doc.value as unknown[]).map((value, element) => ({
      document: doc.index,
      element,
      value
    }))
  }
  return file.documents.map(doc => ({ document: doc.index, value: doc.value }))
}

/** Collects `print` output for the evaluation in progress. */
export class PrintSink {
  lines: string[] = []
  write(line: string): void {
    this.lines.push(line)
  }
}

export class Engine {
  private readonly namespaces: NamespacePlan[]

  constructor(
    private readonly policy: WasmPolicy,
    plan: PolicyPlan,
    private readonly options: EvaluationOptions,
    private readonly prints: PrintSink
  ) {
    this.namespaces = selectNamespaces(plan, options.selection)
    // Parsed into the module once; each file only overlays `conftest` (see setFileData).
    policy.setData(options.data)
  }

  /** The namespaces this run evaluates, in order. */
  get selectedNamespaces(): readonly NamespacePlan[] {
    return this.namespaces
  }

  /** `data.conftest.file`, as conftest sets it for each file: base name and absolute directory. */
  private setFileData(filename: string): void {
    const absolute = path.resolve(this.options.cwd, filename)
    const conftest = (this.options.data.conftest ?? {}) as Record<string, unknown>
    this.policy.setDataOverlay({
      conftest: {
        ...conftest,
        file: { name: path.basename(absolute), dir: path.dirname(absolute) }
      }
    })
  }

  /**
   * Evaluates every input against every selected namespace. Document by document, so each input
   * is parsed into the module once for all namespaces; results and `print` lines are gathered per
   * namespace and come out in conftest's order (namespace, then document). A namespace whose
   * evaluation fails is not evaluated for the file's later documents.
   */
  private evaluateInputs(filename: string, inputs: InputRef[]): FileEvaluation {
    this.setFileData(filename)
    const states = this.namespaces.map(ns => ({
      ns,
      checks: [] as DocumentCheck[],
      prints: [] as string[],
      error: undefined as string | undefined
    }))
    const evaluated = this.namespaces.some(ns => ns.entrypoint)
    for (const [i, input] of inputs.entries()) {
      if (evaluated) this.policy.setInput(JSON.stringify(input.value))
      for (const state of states) {
        if (state.error !== undefined) continue
        this.prints.lines = state.prints
        try {
          const output = state.ns.entrypoint ? this.policy.evaluate(state.ns.entrypoint) : undefined
          state.checks.push(
            checkDocument(state.ns, output as Record<string, unknown> | undefined, i)
          )
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          state.error = `evaluating namespace ${state.ns.namespace}: ${message}`
        }
      }
    }
    this.prints.lines = states.flatMap(state => state.prints)
    const namespaces: NamespaceEvaluation[] = states.map(state =>
      state.error === undefined
        ? { namespace: state.ns.namespace, check: mergeChecks(state.checks) }
        : { namespace: state.ns.namespace, check: mergeChecks([]), error: state.error }
    )
    return { filename, inputs, namespaces, prints: this.prints.lines }
  }

  /** Evaluates every document of one file against every selected namespace. */
  evaluateFile(file: ParsedFile, filename = file.path): FileEvaluation {
    return this.evaluateInputs(filename, documentInputs(file))
  }

  /**
   * `--combine`: one input, `[{path, contents}]` over every document of every file, evaluated
   * once per namespace under the name `Combined`.
   */
  evaluateCombined(files: readonly ParsedFile[]): FileEvaluation {
    const combined = files.flatMap(file =>
      documentInputs(file).map(input => ({ path: file.path, contents: input.value }))
    )
    return this.evaluateInputs('Combined', [{ document: 0, value: combined }])
  }
}

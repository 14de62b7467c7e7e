import path from 'node:path'
import type { ParsedFile } from '../findings.js'
import { checkDocument, mergeChecks, ResultShapeError, type DocumentCheck } from './conftest.js'
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
  }

  /** The namespaces this run evaluates, in order. */
  get selectedNamespaces(): readonly NamespacePlan[] {
    return this.namespaces
  }

  private setFileData(filename: string): void {
    const absolute = path.resolve(this.options.cwd, filename)
    const conftest = (this.options.data.conftest ?? {}) as Record<string, unknown>
    this.policy.setData({
      ...this.options.data,
      conftest: {
        ...conftest,
        file: { name: path.basename(absolute), dir: path.dirname(absolute) }
      }
    })
  }

  private evaluateInputs(filename: string, inputs: InputRef[]): FileEvaluation {
    this.setFileData(filename)
    this.prints.lines = []
    const encoder = new TextEncoder()
    const encoded = inputs.map(
      input => encoder.encode(JSON.stringify(input.value)).buffer as ArrayBuffer
    )
    const namespaces: NamespaceEvaluation[] = []
    for (const ns of this.namespaces) {
      const checks: DocumentCheck[] = []
      try {
        for (const [i, json] of encoded.entries()) {
          const output = ns.entrypoint ? this.policy.evaluate(json, ns.entrypoint) : undefined
          checks.push(checkDocument(ns, output as Record<string, unknown> | undefined, i))
        }
        namespaces.push({ namespace: ns.namespace, check: mergeChecks(checks) })
      } catch (error) {
        const message =
          error instanceof ResultShapeError || error instanceof Error
            ? error.message
            : String(error)
        namespaces.push({
          namespace: ns.namespace,
          check: mergeChecks([]),
          error: `evaluating namespace ${ns.namespace}: ${message}`
        })
      }
    }
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

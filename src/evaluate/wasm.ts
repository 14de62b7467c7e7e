import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm'

/**
 * A host built-in as the (patched) opa-wasm SDK calls it when `regoValues` is set: arguments and
 * result are Rego-syntax text (`opa_value_dump` / `opa_value_parse`), so sets stay sets.
 * `undefined` makes the call undefined, as a built-in error does in OPA's non-strict mode.
 * See patches/@open-policy-agent+opa-wasm+*.patch.
 */
export type HostFunction = ((...args: string[]) => string | undefined) & { regoValues: true }

export function hostFunction(fn: (...args: string[]) => string | undefined): HostFunction {
  return Object.assign(fn, { regoValues: true as const })
}

/** One WASM instance of the compiled policies, reused for every document. */
export class WasmPolicy {
  private constructor(private readonly policy: LoadedPolicy) {}

  static async load(wasm: Uint8Array, host: Record<string, HostFunction>): Promise<WasmPolicy> {
    // The SDK's types say `Record<string, CallableFunction>`; the patch reads `regoValues` off it.
    const policy = await loadPolicy(wasm, undefined, host as Record<string, CallableFunction>)
    return new WasmPolicy(policy)
  }

  get entrypoints(): Record<string, number> {
    return this.policy.entrypoints as Record<string, number>
  }

  /** Replaces `data` for the evaluations that follow. */
  setData(data: unknown): void {
    this.policy.setData(data as object)
  }

  /**
   * Evaluates one entrypoint for one input given as JSON text (serialised once per document and
   * reused across namespaces). Returns the entrypoint's value, or undefined when it is undefined.
   */
  evaluate(inputJson: ArrayBuffer, entrypoint: string): unknown {
    const resultSet = this.policy.evaluate(inputJson, entrypoint) as { result: unknown }[] | null
    return resultSet && resultSet.length > 0 ? resultSet[0].result : undefined
  }
}

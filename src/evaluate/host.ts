import { parseValueDump, renderRego, serializeForWasm, type RegoValue } from './rego-value.js'
import { hostFunction, type HostFunction } from './wasm.js'

/** A host built-in over typed Rego values; `undefined` when the call is undefined (or errs). */
export type RegoBuiltin = (...args: RegoValue[]) => RegoValue | undefined

/**
 * How `print` shows its operands (topdown/print.go): a string as itself, anything else as Rego,
 * an undefined operand as `<undefined>`; an operand with several values prints once per value.
 */
export function formatPrint(operands: RegoValue): string[] {
  if (operands.type !== 'array') return []
  const choices = operands.items.map(operand => {
    if (operand.type !== 'set' || operand.items.length === 0) return ['<undefined>']
    return operand.items.map(v => (v.type === 'string' ? v.value : renderRego(v)))
  })
  let lines: string[][] = [[]]
  for (const options of choices) lines = lines.flatMap(prefix => options.map(o => [...prefix, o]))
  return lines.map(parts => parts.join(' '))
}

/**
 * Adapts typed built-ins to the SDK's text interface. A built-in that throws is undefined, as in
 * OPA's default (non-strict) evaluation; `print` writes to the given sink.
 */
export function hostFunctions(
  builtins: Record<string, RegoBuiltin>,
  print: (line: string) => void
): Record<string, HostFunction> {
  const functions: Record<string, HostFunction> = {}
  for (const [name, builtin] of Object.entries(builtins)) {
    functions[name] = hostFunction((...args) => {
      try {
        const result = builtin(...args.map(parseValueDump))
        return result === undefined ? undefined : serializeForWasm(result)
      } catch {
        return undefined
      }
    })
  }
  functions['internal.print'] = hostFunction(operands => {
    for (const line of formatPrint(parseValueDump(operands))) print(line)
    return 'true'
  })
  return functions
}

/**
 * Which built-ins the engine can run: the ones OPA's WASM compiler implements natively, plus the
 * host built-ins this project implements. `opa build` is given exactly this list
 * (`--capabilities`), so a policy that calls anything else fails at compile time with the
 * built-in's name and the policy's file and line, instead of failing at evaluation.
 */

/**
 * Built-ins compiled natively into WASM by OPA v1.22.3: the `ast.<X>.Name` entries of
 * `internal/compiler/wasm/wasm.go`, mapped to their names through `v1/ast/builtins.go`
 * (`__tests__/capabilities.test.ts` re-derives this list from the OPA source in the Go module
 * cache and fails when it drifts).
 */
export const WASM_NATIVE_BUILTINS: readonly string[] = [
  'abs',
  'all',
  'and',
  'any',
  'array.concat',
  'array.flatten',
  'array.reverse',
  'array.slice',
  'assign',
  'base64.decode',
  'base64.encode',
  'base64.is_valid',
  'base64url.decode',
  'base64url.encode',
  'bits.and',
  'bits.lsh',
  'bits.negate',
  'bits.or',
  'bits.rsh',
  'bits.xor',
  'ceil',
  'concat',
  'contains',
  'count',
  'div',
  'endswith',
  'eq',
  'equal',
  'floor',
  'format_int',
  'glob.match',
  'graph.reachable',
  'gt',
  'gte',
  'indexof',
  'internal.member_2',
  'internal.member_3',
  'internal.template_string',
  'intersection',
  'is_array',
  'is_boolean',
  'is_null',
  'is_number',
  'is_object',
  'is_set',
  'is_string',
  'json.filter',
  'json.is_valid',
  'json.marshal',
  'json.remove',
  'json.unmarshal',
  'lower',
  'lt',
  'lte',
  'max',
  'min',
  'minus',
  'mul',
  'neq',
  'net.cidr_contains',
  'net.cidr_intersects',
  'net.cidr_overlap',
  'numbers.range',
  'object.filter',
  'object.get',
  'object.keys',
  'object.remove',
  'object.union',
  'object.union_n',
  'or',
  'plus',
  'product',
  're_match',
  'regex.find_all_string_submatch_n',
  'regex.is_valid',
  'regex.match',
  'rem',
  'replace',
  'round',
  'set_diff',
  'sort',
  'split',
  'startswith',
  'strings.replace_n',
  'strings.reverse',
  'substring',
  'sum',
  'to_number',
  'trim',
  'trim_left',
  'trim_prefix',
  'trim_right',
  'trim_space',
  'trim_suffix',
  'type_name',
  'union',
  'upper',
  'walk'
]

/** `print` compiles to a host call of `internal.print` (built with `--wasm-include-print`). */
export const PRINT_BUILTINS: readonly string[] = ['print', 'internal.print']

interface CapabilitiesDocument {
  builtins: { name: string }[]
  [key: string]: unknown
}

/**
 * Restricts OPA's own capabilities document (`opa capabilities --current`) to the built-ins the
 * engine runs; language features, future keywords and ABI versions are kept as OPA states them.
 */
export function restrictCapabilities(
  current: CapabilitiesDocument,
  hostBuiltins: readonly string[]
): CapabilitiesDocument {
  const allowed = new Set([...WASM_NATIVE_BUILTINS, ...PRINT_BUILTINS, ...hostBuiltins])
  return { ...current, builtins: current.builtins.filter(b => allowed.has(b.name)) }
}

// The built-ins the OPA WASM module calls on the host (opa_builtin0..4) because it has no native
// implementation of them, each with OPA's exact results. The loader (src/evaluate/wasm.ts)
// parses each argument's opa_value_dump text with parseValueDump, calls the function, and loads
// the result back with serializeForWasm/opa_value_parse; undefined means "undefined".
//
// OPA without --strict-builtin-errors (conftest's default) turns a built-in's error into an
// undefined expression; conftest can list those errors (--show-builtin-errors), hence onError.

import type { RegoValue } from '../rego-value.js'
import { BuiltinError } from './builtin-error.js'
import { regexSplit } from './regex.js'
import { CONFTEST_OPA_VERSION, opaRuntime } from './runtime.js'
import { semverCompare, semverIsValid } from './semver.js'
import { sprintf } from './sprintf.js'
import {
  currentUnixNanos,
  timeAddDate,
  timeClock,
  timeDate,
  timeDiff,
  timeFormat,
  timeNowNs,
  timeParseDurationNs,
  timeParseNs,
  timeParseRfc3339Ns,
  timeWeekday
} from './time.js'
import { unitsParse, unitsParseBytes } from './units.js'
import { yamlIsValid, yamlMarshal, yamlUnmarshal } from './yaml.js'

export type HostBuiltin = (...args: RegoValue[]) => RegoValue | undefined

export interface HostBuiltinContext {
  /** time.now_ns; OPA reads the clock once per query, so one value per evaluation. */
  readonly now: () => bigint
  /** opa.runtime().env: the environment conftest would see. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** opa.runtime().version and .commit. */
  readonly runtimeVersion: string
  readonly runtimeCommit: string
  /** Called with each built-in error (the expression is then undefined). */
  readonly onError?: (name: string, error: BuiltinError) => void
}

type Implementation = (context: HostBuiltinContext, args: RegoValue[]) => RegoValue

/** Each built-in by OPA name, with the number of operands OPA declares for it. */
const IMPLEMENTATIONS: Record<string, { arity: number; call: Implementation }> = {
  sprintf: { arity: 2, call: (_, [format, values]) => sprintf(format, values) },
  'time.now_ns': { arity: 0, call: context => timeNowNs(context.now()) },
  'time.parse_ns': { arity: 2, call: (_, [layout, value]) => timeParseNs(layout, value) },
  'time.parse_rfc3339_ns': { arity: 1, call: (_, [value]) => timeParseRfc3339Ns(value) },
  'time.parse_duration_ns': { arity: 1, call: (_, [duration]) => timeParseDurationNs(duration) },
  'time.format': { arity: 1, call: (_, [value]) => timeFormat(value) },
  'time.date': { arity: 1, call: (_, [value]) => timeDate(value) },
  'time.clock': { arity: 1, call: (_, [value]) => timeClock(value) },
  'time.weekday': { arity: 1, call: (_, [value]) => timeWeekday(value) },
  'time.add_date': {
    arity: 4,
    call: (_, [value, years, months, days]) => timeAddDate(value, years, months, days)
  },
  'time.diff': { arity: 2, call: (_, [first, second]) => timeDiff(first, second) },
  'units.parse_bytes': { arity: 1, call: (_, [value]) => unitsParseBytes(value) },
  'units.parse': { arity: 1, call: (_, [value]) => unitsParse(value) },
  'semver.compare': { arity: 2, call: (_, [a, b]) => semverCompare(a, b) },
  'semver.is_valid': { arity: 1, call: (_, [value]) => semverIsValid(value) },
  'regex.split': { arity: 2, call: (_, [pattern, value]) => regexSplit(pattern, value) },
  'yaml.marshal': { arity: 1, call: (_, [value]) => yamlMarshal(value) },
  'yaml.unmarshal': { arity: 1, call: (_, [value]) => yamlUnmarshal(value) },
  'yaml.is_valid': { arity: 1, call: (_, [value]) => yamlIsValid(value) },
  'opa.runtime': {
    arity: 0,
    call: context =>
      opaRuntime({
        env: context.env,
        version: context.runtimeVersion,
        commit: context.runtimeCommit
      })
  }
}

/** The names of the host built-ins implemented here (for the loader and --capabilities). */
export const HOST_BUILTIN_NAMES: readonly string[] = Object.keys(IMPLEMENTATIONS).sort()

/** The number of operands of each host built-in. */
export const HOST_BUILTIN_ARITY: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(IMPLEMENTATIONS).map(([name, { arity }]) => [name, arity])
)

/**
 * A clock that reads the time once and keeps it until the current synchronous job ends, so
 * every time.now_ns of one evaluation (which runs synchronously in WASM) sees the same value.
 */
export function evaluationClock(read: () => bigint = currentUnixNanos): () => bigint {
  let current: bigint | undefined
  return () => {
    if (current === undefined) {
      current = read()
      queueMicrotask(() => {
        current = undefined
      })
    }
    return current
  }
}

/** The host built-ins bound to a context; a built-in error yields undefined. */
export function createHostBuiltins(
  context: Partial<HostBuiltinContext> = {}
): Record<string, HostBuiltin> {
  const full: HostBuiltinContext = {
    now: context.now ?? evaluationClock(),
    env: context.env ?? process.env,
    runtimeVersion: context.runtimeVersion ?? CONFTEST_OPA_VERSION,
    runtimeCommit: context.runtimeCommit ?? '',
    onError: context.onError
  }
  const builtins: Record<string, HostBuiltin> = {}
  for (const [name, { arity, call }] of Object.entries(IMPLEMENTATIONS)) {
    builtins[name] = (...args: RegoValue[]): RegoValue | undefined => {
      if (args.length !== arity) {
        throw new Error(
          `host built-in ${name} takes ${arity} operands, the module passed ${args.length}`
        )
      }
      try {
        return call(full, args)
      } catch (error) {
        if (error instanceof BuiltinError) {
          full.onError?.(name, error)
          return undefined
        }
        throw error
      }
    }
  }
  return builtins
}

/** The host built-ins with conftest's defaults: this process's environment and clock. */
export const hostBuiltins: Record<string, HostBuiltin> = createHostBuiltins()

/**
 * Whether policy-gate and conftest decided the same on a corpus: the failures, warnings and
 * exceptions of their JSON outputs, compared as multisets of (file, kind, message). Namespaces are
 * left out: conftest --all-namespaces also lists the library's helper and test packages, with
 * nothing in them, and the built-in selection does not.
 */

interface Entry {
  msg: string
}

interface ResultJson {
  filename: string
  namespace: string
  failures?: Entry[]
  warnings?: Entry[]
  exceptions?: Entry[]
}

export interface Tally {
  failures: number
  warnings: number
  exceptions: number
}

export interface DecisionComparison {
  agree: boolean
  conftest: Tally
  policyGate: Tally
  /** A few (file, kind, message) entries only one of them reported, for the report. */
  onlyConftest: string[]
  onlyPolicyGate: string[]
}

const KINDS = ['failures', 'warnings', 'exceptions'] as const

function entries(results: readonly ResultJson[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const result of results) {
    for (const kind of KINDS) {
      for (const entry of result[kind] ?? []) {
        const key = `${result.filename} ${kind} ${entry.msg}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
    }
  }
  return counts
}

function tally(results: readonly ResultJson[]): Tally {
  const t: Tally = { failures: 0, warnings: 0, exceptions: 0 }
  for (const result of results) for (const kind of KINDS) t[kind] += result[kind]?.length ?? 0
  return t
}

function missingFrom(a: Map<string, number>, b: Map<string, number>, limit: number): string[] {
  const out: string[] = []
  for (const [key, count] of a) {
    const extra = count - (b.get(key) ?? 0)
    if (extra > 0) out.push(extra > 1 ? `${key} (×${extra})` : key)
    if (out.length >= limit) break
  }
  return out
}

/** Compares the two tools' `-o json` outputs. */
export function compareDecisions(conftestJson: string, policyGateJson: string): DecisionComparison {
  const conftest = JSON.parse(conftestJson) as ResultJson[]
  const policyGate = JSON.parse(policyGateJson) as ResultJson[]
  const a = entries(conftest)
  const b = entries(policyGate)
  const onlyConftest = missingFrom(a, b, 5)
  const onlyPolicyGate = missingFrom(b, a, 5)
  return {
    agree: onlyConftest.length === 0 && onlyPolicyGate.length === 0,
    conftest: tally(conftest),
    policyGate: tally(policyGate),
    onlyConftest,
    onlyPolicyGate
  }
}

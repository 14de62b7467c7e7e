/** The benchmark's results and their rendering as text tables: pure functions, no I/O. */
import type { DecisionComparison } from './decisions.js'
import type { StageTimings } from './stages.js'

/** One tool on one corpus, over the repetitions. */
export interface ToolResult {
  /** Median wall time of the runs that finished. */
  wallMs?: number
  /** Median peak RSS. */
  peakRssKb?: number
  runs: number
  /** Why a run did not finish or failed, when one did. */
  problem?: string
}

export interface OpaEvalResult extends ToolResult {
  /** Files timed; the wall time is scaled from them to the corpus. */
  sampled: number
}

export interface CorpusResult {
  name: string
  units: number
  unitName: string
  files: number
  policyGate: ToolResult
  conftest: ToolResult
  opaEval?: OpaEvalResult
  floor: ToolResult
  stages?: StageTimings
  floorStages?: StageTimings
  decisions?: DecisionComparison
}

export interface WarmStartResult {
  label: string
  wallMs?: number
  /** Above `node -e ''`. */
  overheadMs?: number
  problem?: string
}

export interface BenchResults {
  machine: string
  reps: number
  corpora: CorpusResult[]
  nodeBaselineMs?: number
  warmStart: WarmStartResult[]
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length))
const padStart = (s: string, n: number): string =>
  s.length >= n ? s : ' '.repeat(n - s.length) + s

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? pad(c, widths[i]) : padStart(c, widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export const seconds = (ms: number | undefined): string =>
  ms === undefined
    ? '—'
    : ms >= 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${(ms / 1000).toFixed(2)} s`

export const millis = (ms: number | undefined): string =>
  ms === undefined ? '—' : `${Math.round(ms)}`

export const megabytes = (kb: number | undefined): string =>
  kb === undefined ? '—' : `${Math.round(kb / 1024)} MB`

/** policy-gate / conftest as a fraction, and how many times faster: "0.12 (8.3×)". */
export function ratio(policyGateMs: number | undefined, conftestMs: number | undefined): string {
  if (policyGateMs === undefined || conftestMs === undefined) return '—'
  const r = policyGateMs / conftestMs
  const times = conftestMs / policyGateMs
  return `${r.toFixed(2)} (${times >= 1 ? `${times.toFixed(1)}× faster` : `${(1 / times).toFixed(1)}× slower`})`
}

const wall = (t: ToolResult): string =>
  t.wallMs === undefined ? (t.problem ?? '—') : `${seconds(t.wallMs)}${t.problem ? ' (!)' : ''}`

const perSecond = (units: number, ms: number | undefined): string =>
  ms === undefined ? '—' : `${Math.round(units / (ms / 1000))}`

export function renderResults(results: BenchResults): string {
  const out: string[] = []
  out.push(`policy-gate benchmark — ${results.machine}`)
  out.push(
    `Same policies (the built-in library), same inputs, same -d data; runs alternate, ${results.reps} repetition(s), median shown.`
  )
  out.push('')
  out.push('Wall time')
  out.push(
    table(
      [
        'corpus',
        'size',
        'policy-gate',
        'conftest',
        'policy-gate/conftest',
        'opa eval per file',
        'floor'
      ],
      results.corpora.map(c => [
        c.name,
        `${c.units} ${c.unitName}, ${c.files} file(s)`,
        wall(c.policyGate),
        wall(c.conftest),
        c.policyGate.problem || c.conftest.problem
          ? '— (a run failed)'
          : ratio(c.policyGate.wallMs, c.conftest.wallMs),
        c.opaEval
          ? c.opaEval.wallMs === undefined
            ? (c.opaEval.problem ?? '—')
            : `${c.opaEval.sampled < c.files ? '≈ ' : ''}${seconds(c.opaEval.wallMs)}${c.opaEval.sampled < c.files ? ` (${c.opaEval.sampled} timed)` : ''}`
          : '—',
        wall(c.floor)
      ])
    )
  )
  for (const c of results.corpora) {
    for (const [tool, t] of [
      ['policy-gate', c.policyGate],
      ['conftest', c.conftest],
      ['opa eval', c.opaEval],
      ['floor', c.floor]
    ] as const) {
      if (t?.problem) out.push(`  (!) ${c.name}, ${tool}: ${t.problem}`)
    }
  }
  out.push('')
  out.push('Throughput and peak memory')
  out.push(
    table(
      [
        'corpus',
        'policy-gate /s',
        'conftest /s',
        'policy-gate RSS',
        'conftest RSS',
        'opa eval RSS'
      ],
      results.corpora.map(c => [
        c.name,
        perSecond(c.units, c.policyGate.wallMs),
        perSecond(c.units, c.conftest.wallMs),
        megabytes(c.policyGate.peakRssKb),
        megabytes(c.conftest.peakRssKb),
        megabytes(c.opaEval?.peakRssKb)
      ])
    )
  )
  out.push('(per second: documents, resource changes or Dockerfiles, as the corpus counts them)')
  out.push('')
  out.push("policy-gate's stages, ms (one in-process run; floor: reading and parsing only)")
  out.push(
    table(
      [
        'corpus',
        'startup',
        'discover',
        'bundle (cached)',
        'read',
        'parse',
        'evaluate',
        'locate',
        'report',
        'total',
        'floor read',
        'floor parse',
        'floor total'
      ],
      results.corpora.map(c => {
        const s = c.stages
        const f = c.floorStages
        return [
          c.name,
          millis(s?.startupMs),
          millis(s?.discoverMs),
          millis(s?.bundleMs),
          millis(s?.readMs),
          millis(s?.parseMs),
          millis(s?.evaluateMs),
          millis(s?.locateMs),
          millis(s?.reportMs),
          millis(s?.totalMs),
          millis(f?.readMs),
          millis(f?.parseMs),
          millis(f?.totalMs)
        ]
      })
    )
  )
  out.push('')
  out.push('Decisions (failures / warnings / exceptions)')
  out.push(
    table(
      ['corpus', 'conftest', 'policy-gate', 'same'],
      results.corpora.map(c => {
        const d = c.decisions
        const t = (x?: { failures: number; warnings: number; exceptions: number }): string =>
          x ? `${x.failures} / ${x.warnings} / ${x.exceptions}` : '—'
        return [c.name, t(d?.conftest), t(d?.policyGate), d ? (d.agree ? 'yes' : 'NO') : '—']
      })
    )
  )
  for (const c of results.corpora) {
    if (!c.decisions || c.decisions.agree) continue
    out.push(`  ${c.name}: only conftest: ${c.decisions.onlyConftest.join(' | ') || 'none'}`)
    out.push(`  ${c.name}: only policy-gate: ${c.decisions.onlyPolicyGate.join(' | ') || 'none'}`)
  }
  if (results.warmStart.length > 0) {
    out.push('')
    out.push('Warm start (one small manifest, nothing to compile)')
    out.push(
      table(
        ['command', 'wall', 'above node'],
        [
          ["node -e ''", millis(results.nodeBaselineMs) + ' ms', ''],
          ...results.warmStart.map(w => [
            w.label,
            w.wallMs === undefined ? (w.problem ?? '—') : `${millis(w.wallMs)} ms`,
            w.overheadMs === undefined ? '—' : `+${millis(w.overheadMs)} ms`
          ])
        ]
      )
    )
  }
  out.push('')
  out.push('Targets')
  out.push(...renderTargets(results))
  return `${out.join('\n')}\n`
}

const mark = (ok: boolean | undefined): string => (ok === undefined ? '?' : ok ? 'met' : 'NOT met')

/** The issue's four targets, each with the measured figure. */
export function renderTargets(results: BenchResults): string[] {
  const lines: string[] = []
  const large = results.corpora.filter(c => c.name.startsWith('k8s-10000'))
  for (const c of large) {
    const ok =
      c.policyGate.wallMs !== undefined && c.conftest.wallMs !== undefined
        ? c.conftest.wallMs / c.policyGate.wallMs >= 5
        : undefined
    lines.push(
      `- at least 5× faster than conftest at 10,000 documents (${c.name}): ${ratio(c.policyGate.wallMs, c.conftest.wallMs)} — ${mark(ok)}`
    )
  }
  const slower = results.corpora.filter(
    c =>
      c.policyGate.wallMs === undefined ||
      c.policyGate.problem !== undefined ||
      (c.conftest.wallMs !== undefined && c.policyGate.wallMs >= c.conftest.wallMs)
  )
  lines.push(
    `- faster than conftest at every size: ${
      slower.length === 0
        ? 'met'
        : `NOT met on ${slower.map(c => `${c.name} (${c.policyGate.problem ? 'policy-gate failed' : ratio(c.policyGate.wallMs, c.conftest.wallMs)})`).join(', ')}`
    }`
  )
  for (const c of large) {
    const s = c.stages
    const ok = s?.evaluateMs !== undefined ? s.evaluateMs <= s.parseMs : undefined
    lines.push(
      `- evaluation no more than parsing at 10,000 documents (${c.name}): evaluate ${millis(s?.evaluateMs)} ms / parse ${millis(s?.parseMs)} ms = ${s?.evaluateMs !== undefined ? (s.evaluateMs / s.parseMs).toFixed(2) : '—'} — ${mark(ok)}`
    )
  }
  for (const w of results.warmStart) {
    lines.push(
      `- warm start under 300 ms above Node's own (${w.label}): ${w.overheadMs === undefined ? (w.problem ?? '—') : `+${millis(w.overheadMs)} ms`} — ${mark(w.overheadMs === undefined ? undefined : w.overheadMs < 300)}`
    )
  }
  for (const c of large) {
    const kb = c.policyGate.peakRssKb
    lines.push(
      `- peak RSS under 512 MB at 10,000 documents (${c.name}): ${megabytes(kb)} — ${mark(kb === undefined ? undefined : kb < 512 * 1024)}`
    )
  }
  return lines
}

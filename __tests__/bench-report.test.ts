/** The benchmark's figures as text: ratios, tables and the targets. */
import { describe, expect, it } from '@jest/globals'
import {
  ratio,
  renderTargets,
  table,
  type BenchResults,
  type CorpusResult
} from '../bench/report.js'

const corpus = (
  name: string,
  policyGateMs: number,
  conftestMs: number,
  problem?: string
): CorpusResult => ({
  name,
  units: 10000,
  unitName: 'documents',
  files: 10000,
  policyGate: {
    wallMs: policyGateMs,
    peakRssKb: 300 * 1024,
    runs: 3,
    ...(problem ? { problem } : {})
  },
  conftest: { wallMs: conftestMs, runs: 3 },
  floor: { wallMs: 1000, runs: 3 },
  stages: {
    startupMs: 300,
    discoverMs: 10,
    bundleMs: 10,
    readMs: 100,
    parseMs: 700,
    evaluateMs: 5600,
    locateMs: 100,
    reportMs: 100,
    totalMs: 7000,
    documents: 10000
  }
})

describe('bench report', () => {
  it.each([
    [1000, 10000, '0.10 (10.0× faster)'],
    [3000, 1500, '2.00 (2.0× slower)'],
    [undefined, 1500, '—']
  ])('writes policy-gate %s ms against conftest %s ms as %s', (pg, cf, text) => {
    expect(ratio(pg, cf)).toBe(text)
  })

  it('aligns columns, text left and figures right', () => {
    expect(
      table(
        ['corpus', 'time'],
        [
          ['a', '1 s'],
          ['longer', '10 s']
        ]
      )
    ).toBe(['corpus  time', '------  ----', 'a        1 s', 'longer  10 s'].join('\n'))
  })

  it('checks each target with its figure, and never counts a failed run as faster', () => {
    const results: BenchResults = {
      machine: 'test',
      reps: 3,
      corpora: [corpus('k8s-10000x1', 20000, 200000), corpus('tfplan-5000', 100, 1000, 'exit 1')],
      nodeBaselineMs: 100,
      warmStart: [{ label: 'node dist/index.js', wallMs: 350, overheadMs: 250 }]
    }
    expect(renderTargets(results)).toEqual([
      '- at least 5× faster than conftest at 10,000 documents (k8s-10000x1): 0.10 (10.0× faster) — met',
      '- faster than conftest at every size: NOT met on tfplan-5000 (policy-gate failed)',
      '- evaluation no more than parsing at 10,000 documents (k8s-10000x1): evaluate 5600 ms / parse 700 ms = 8.00 — NOT met',
      "- warm start under 300 ms above Node's own (node dist/index.js): +250 ms — met",
      '- peak RSS under 512 MB at 10,000 documents (k8s-10000x1): 300 MB — met'
    ])
  })
})

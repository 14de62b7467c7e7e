import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli.js'
import type { CheckResult } from '../../src/findings.js'
import { conftestBinary, opaBinary, run, type RunResult } from './tools.js'

/** A private compile cache per test process, so runs never share bundles by accident. */
const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-cache-'))

export function toolEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CACHE_HOME: cacheHome,
    PATH: `${path.dirname(opaBinary)}${path.delimiter}${process.env.PATH ?? ''}`
  }
}

/** Runs `policy-gate test` in-process, exactly as the command line would. */
export async function policyGate(args: readonly string[], cwd: string): Promise<RunResult> {
  let stdout = ''
  let stderr = ''
  const code = await main(['test', ...args], {
    stdout: t => (stdout += t),
    stderr: t => (stderr += t),
    env: toolEnv(),
    cwd,
    isTTY: false
  })
  return { code, stdout, stderr }
}

export async function conftest(args: readonly string[], cwd: string): Promise<RunResult> {
  return run(conftestBinary, ['test', ...args], { cwd, env: toolEnv() })
}

const stable = (v: unknown): string => JSON.stringify(v, Object.keys(flatKeys(v)).sort())

function flatKeys(v: unknown, acc: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(v)) v.forEach(x => flatKeys(x, acc))
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      acc[k] = true
      flatKeys(x, acc)
    }
  }
  return acc
}

/**
 * conftest's JSON with the order it does not define taken out: results sorted by file and
 * namespace (conftest iterates Go maps), each list sorted by its entries' text.
 */
export function normalise(json: string): CheckResult[] {
  const results = JSON.parse(json) as CheckResult[]
  const sortList = (list?: unknown[]): unknown[] | undefined =>
    list
      ? [...list].sort((a, b) => (stable(a) < stable(b) ? -1 : stable(a) > stable(b) ? 1 : 0))
      : undefined
  return results
    .map(r => ({
      ...r,
      ...(r.warnings ? { warnings: sortList(r.warnings) } : {}),
      ...(r.failures ? { failures: sortList(r.failures) } : {}),
      ...(r.exceptions ? { exceptions: sortList(r.exceptions) } : {})
    }))
    .sort((a, b) =>
      stable([a.filename, a.namespace]).localeCompare(stable([b.filename, b.namespace]))
    ) as CheckResult[]
}

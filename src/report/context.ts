import type { Finding, Severity } from '../findings.js'
import type { Mode } from '../outcome.js'

/**
 * What the reports say about the run besides the findings: where it ran, on which commit, what
 * was evaluated and how. Built once by the caller from the workflow context and settings; the
 * renderers only read it.
 */
export interface ReportContext {
  /** `owner/repo`. */
  repository: string
  /** `https://github.com`, or the GitHub Enterprise Server URL; no trailing slash needed. */
  serverUrl: string
  /** The head commit the findings are about (the PR head, not the merge commit). */
  sha: string
  /** Link to the workflow run, where the job summary is shown. */
  runUrl: string
  /** The job's name; identifies the sticky comment when several jobs run policy-gate. */
  job: string
  pullRequest?: number
  /** Where the policies came from, as a person would say it (`policy/ at abc1234`). */
  policySource: string
  /** Whether the WASM bundle was compiled in this run or restored from the cache. */
  policies: 'compiled' | 'cached'
  filesEvaluated: number
  rulesEvaluated: number
  mode: Mode
  /** Name of the full results file (artifact or path), for "see the results file" pointers. */
  resultsFile?: string
  /** Set when a pull request changes the policy or data files (policy-source: base). */
  policyChange?: PolicyChangeReport
}

/** A policy or data file a pull request adds, modifies or removes. */
export interface PolicyFileChange {
  /** Workspace-relative, `/`-separated. */
  path: string
  status: 'added' | 'modified' | 'removed'
  kind: 'policy' | 'data'
}

/**
 * A pull request that changes its policies: the check used the base commit's, and the head's were
 * run in audit mode (or not, with the reason) so reviewers see what the change would do.
 */
export interface PolicyChangeReport {
  /** The base commit whose policies decided the check. */
  baseSha: string
  files: PolicyFileChange[]
  head:
    | { outcome: 'not-run'; reason: string }
    | { outcome: 'error'; message: string }
    | {
        outcome: 'evaluated'
        counts: Record<Severity, number>
        /** Findings only the pull request's policies produce. */
        appear: Finding[]
        /** Findings the base's policies produce and the pull request's would not. */
        disappear: Finding[]
      }
}

/** `serverUrl/owner/repo`, with any trailing slash on the server removed. */
export function repositoryUrl(ctx: Pick<ReportContext, 'serverUrl' | 'repository'>): string {
  const owner = ctx.repository.split('/').map(encodeURIComponent).join('/')
  return `${ctx.serverUrl.replace(/\/+$/, '')}/${owner}`
}

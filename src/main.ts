/**
 * The action: settings → files → compiled policies → findings → reports → outcome. Everything is
 * reported (annotations, summary, files, comment, check run) before the step fails, and this is
 * the only place that fails it.
 */
import * as core from '@actions/core'
import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { defaultScope, discover } from './documents/discover.js'
import { loadData } from './evaluate/data.js'
import { annotationTargets, withTerraformSources } from './evaluate/terraform-sources.js'
import type { CheckResult, Finding } from './findings.js'
import { HOST_BUILTIN_NAMES, runGate, type GateRun, type PolicySet } from './gate.js'
import { builtinBundleDir, builtinDomains, builtinSelection, loadBuiltinBundle } from './builtin.js'
import { createOctokit, type GitHubClient } from './github.js'
import { actionsCache } from './opa/actions-cache.js'
import { compilePolicies, type CompiledPolicy } from './opa/compile.js'
import { formatDiagnostic, PolicyError } from './opa/inspect.js'
import { installOpa } from './opa/install.js'
import { decide, type Outcome } from './outcome.js'
import { planAnnotations } from './report/annotations.js'
import { publishCheckRun } from './report/check-run.js'
import { upsertComment } from './report/comment.js'
import type { ReportContext } from './report/context.js'
import { renderResultsJson } from './report/json.js'
import { renderJUnit } from './report/junit.js'
import { commentMarker, renderComment, renderSummary } from './report/markdown.js'
import { postResults } from './report/post-results.js'
import { renderSarif } from './report/sarif.js'
import { actionInputs, readSettings, type Settings } from './settings.js'
import {
  auditHeadPolicies,
  decidePolicySource,
  materializeBasePolicies,
  summarizePolicyChange,
  type BasePolicies
} from './policy-source.js'
import { escapeLogLine } from './report/escape.js'
import { VERSION } from './version.js'

type Json = Record<string, unknown>

interface RunContext {
  eventName: string
  payload: Json
  repository: string
  serverUrl: string
  apiUrl: string
  sha: string
  runUrl: string
  job: string
  pullRequest?: { number: number; headSha: string }
}

async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  const payload = env.GITHUB_EVENT_PATH
    ? (JSON.parse(await fs.readFile(env.GITHUB_EVENT_PATH, 'utf8')) as Json)
    : {}
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY || ''
  const pr = (payload.pull_request ?? undefined) as
    { number?: number; head?: { sha?: string } } | undefined
  const sha = pr?.head?.sha || env.GITHUB_SHA || ''
  return {
    eventName: env.GITHUB_EVENT_NAME || '',
    payload,
    repository,
    serverUrl,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    sha,
    runUrl: `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID || ''}`,
    job: env.GITHUB_JOB || 'policy-gate',
    ...(pr?.number ? { pullRequest: { number: pr.number, headSha: sha } } : {})
  }
}

function emitAnnotations(findings: readonly Finding[], resultsFile?: string): void {
  for (const a of planAnnotations(findings, resultsFile ? { resultsFile } : {})) {
    if (a.kind === 'error') core.error(a.message, a.properties)
    else if (a.kind === 'warning') core.warning(a.message, a.properties)
    else core.notice(a.message, a.properties)
  }
}

async function writeFileEnsuringDir(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, content)
}

/** A policy that does not compile: an error finding per diagnostic, on the policy's line. */
function policyErrorFindings(error: PolicyError): Finding[] {
  const diagnostics = error.diagnostics.length
    ? error.diagnostics
    : [{ file: 'policy', message: error.message }]
  return diagnostics.map(d => ({
    severity: 'error' as const,
    file: d.file,
    ...(d.line ? { line: d.line } : {}),
    namespace: '',
    rule: 'compile',
    id: 'policy-compile-error',
    message: `${formatDiagnostic(d)} — the policies did not compile, so no file was evaluated. Fix the policy and push again.`
  }))
}

async function compile(settings: Settings): Promise<CompiledPolicy> {
  return compilePolicies({
    opa: async () => {
      const installed = await installOpa(
        {
          version: settings.opa.version,
          ...(settings.opa.path ? { opaPath: settings.opa.path } : {}),
          searchPath: process.env.PATH ?? '',
          downloadBaseUrl: settings.opa.downloadUrl,
          ...(settings.opa.sha256 ? { sha256: settings.opa.sha256 } : {}),
          platform: process.platform,
          arch: process.arch
        },
        line => core.info(line)
      )
      return installed.path
    },
    opaVersion: settings.opa.version,
    policyPaths: settings.policyPaths,
    cwd: settings.workspace,
    ...(settings.regoVersion ? { regoVersion: settings.regoVersion } : {}),
    hostBuiltins: HOST_BUILTIN_NAMES,
    cacheDir: path.join(settings.runnerTemp, 'policy-gate', 'bundles'),
    sharedCache: actionsCache()
  })
}

interface Reports {
  ctx: ReportContext
  outcome: Outcome
  findings: Finding[]
  checkResults: CheckResult[]
}

async function report(
  settings: Settings,
  run: RunContext,
  octokit: GitHubClient | undefined,
  r: Reports
): Promise<void> {
  const { ctx, outcome, findings, checkResults } = r
  emitAnnotations(annotationTargets(findings), settings.resultsFile)

  const resultsJson = renderResultsJson(checkResults, findings)
  if (settings.resultsFile) {
    await writeFileEnsuringDir(path.resolve(settings.workspace, settings.resultsFile), resultsJson)
    core.setOutput('results-file', settings.resultsFile)
  }
  if (settings.sarifFile) {
    await writeFileEnsuringDir(
      path.resolve(settings.workspace, settings.sarifFile),
      renderSarif(findings, {
        toolVersion: VERSION,
        ...(settings.resultsFile ? { resultsFile: settings.resultsFile } : {})
      })
    )
    core.setOutput('sarif-file', settings.sarifFile)
  }

  if (settings.junitFile) {
    await writeFileEnsuringDir(
      path.resolve(settings.workspace, settings.junitFile),
      renderJUnit(checkResults, findings)
    )
    core.setOutput('junit-file', settings.junitFile)
  }

  core.setOutput('result', outcome.result)
  core.setOutput('failures', outcome.failures)
  core.setOutput('warnings', outcome.warnings)
  core.setOutput('exceptions', outcome.exceptions)
  core.setOutput('files', ctx.filesEvaluated)

  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSummary(ctx, outcome, findings, checkResults)).write()
  }

  const [owner, repo] = run.repository.split('/')
  const wantsComment =
    settings.comment === 'always' ||
    (settings.comment === 'on-failure' && outcome.result === 'fail')
  if (run.pullRequest && wantsComment) {
    if (!octokit) {
      core.notice(
        'policy-gate: no github-token, so no pull request comment was posted; the results are in the job summary.'
      )
    } else {
      const delivery = await upsertComment(
        octokit,
        { owner, repo, issueNumber: run.pullRequest.number },
        commentMarker(ctx.job),
        renderComment(ctx, outcome, findings)
      )
      if (!delivery.posted)
        core.notice(
          `policy-gate: the pull request comment was not posted: ${delivery.reason}. The results are in the job summary.`
        )
    }
  }
  if (settings.checkRun && octokit && ctx.sha) {
    const delivery = await publishCheckRun(
      octokit,
      { owner, repo, headSha: ctx.sha },
      {
        title: outcome.reason,
        summary: renderSummary(ctx, outcome, findings, checkResults, { maxBytes: 60_000 }),
        conclusion: outcome.result === 'fail' ? 'failure' : findings.length ? 'neutral' : 'success',
        findings: annotationTargets(findings),
        detailsUrl: ctx.runUrl
      }
    )
    if (!delivery.posted)
      core.notice(`policy-gate: the check run with annotations was not created: ${delivery.reason}`)
  }
  if (settings.reportUrl) {
    const posted = await postResults({ url: settings.reportUrl, results: JSON.parse(resultsJson) })
    if (!posted.posted)
      core.warning(`policy-gate: the results were not sent to report-url: ${posted.reason}`)
  }
}

interface PolicyStage {
  policySets: PolicySet[]
  compiled?: CompiledPolicy
  domains: string[]
  /** Compile errors, as findings. */
  errors: Finding[]
}

/** The policy sets for `settings` (own policies compiled, and/or the built-in library). */
async function policyStage(settings: Settings, nothingToCheck: boolean): Promise<PolicyStage> {
  const hasOwnPolicies = settings.policyPaths.some(p =>
    existsSync(path.resolve(settings.workspace, p))
  )
  const domains = builtinDomains(settings.builtin, hasOwnPolicies)
  const stage: PolicyStage = { policySets: [], domains, errors: [] }
  if (nothingToCheck) return stage
  const data = await loadData(settings.dataPaths, settings.workspace)
  if (hasOwnPolicies || domains.length === 0) {
    try {
      stage.compiled = await compile(settings)
      core.info(
        `policy-gate: policies ${stage.compiled.source === 'cache' ? 'taken from the cache' : 'compiled'} (${stage.compiled.key.slice(0, 12)})`
      )
      stage.policySets.push({
        name: 'policies',
        compiled: stage.compiled,
        selection: { namespaces: settings.namespaces, all: settings.allNamespaces },
        data
      })
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error
      stage.errors = policyErrorFindings(error)
    }
  }
  if (domains.length > 0) {
    const dir = builtinBundleDir()
    if (!dir)
      throw new Error(
        'The built-in policy library is missing from the action (dist/builtin); reinstall the action or set builtin: false'
      )
    stage.policySets.push({
      name: 'built-in library',
      compiled: await loadBuiltinBundle(dir),
      selection: builtinSelection(domains),
      data
    })
    core.info(`policy-gate: built-in library (${domains.join(', ')})`)
  }
  return stage
}

export async function run(): Promise<void> {
  try {
    const settings = readSettings(actionInputs, process.env)
    if (settings.token) core.setSecret(settings.token)
    const runContext = await readRunContext(process.env)
    const source = decidePolicySource(runContext.eventName, runContext.payload, settings)
    if (source.source === 'refuse') throw new Error(source.message)
    core.info(`policy-gate: ${source.note}`)
    const octokit = settings.token
      ? await createOctokit(settings.token, {
          baseUrl: runContext.apiUrl,
          userAgent: `policy-gate/${VERSION}`
        })
      : undefined

    const scope = settings.scope ?? defaultScope(runContext.eventName)
    const discovery = await discover({
      workspace: settings.workspace,
      scope,
      patterns: settings.files,
      event: { name: runContext.eventName, payload: runContext.payload },
      ...(octokit ? { octokit } : {}),
      log: line => core.info(escapeLogLine(line))
    })
    if (discovery.notice) core.notice(`policy-gate: ${discovery.notice}`)
    core.info(
      `policy-gate: ${discovery.files.length} file(s) to check (${scope} scope, from ${discovery.source})`
    )

    const nothingToCheck = discovery.files.length === 0
    let base: BasePolicies | undefined
    if (source.source === 'base') {
      base = await materializeBasePolicies({
        workspace: settings.workspace,
        baseSha: source.baseSha,
        policyPaths: settings.policyPaths,
        dataPaths: settings.dataPaths,
        tempDir: settings.runnerTemp,
        log: line => core.info(line)
      })
    }
    let findings: Finding[] = []
    let gate: GateRun | undefined
    let judging: PolicyStage
    let policyChange: ReportContext['policyChange']
    try {
      // The policies that decide: the base commit's on pull requests, else the working tree's.
      const policySettings = base
        ? {
            ...settings,
            workspace: base.workspace,
            policyPaths: base.policyPaths,
            dataPaths: base.dataPaths
          }
        : settings
      judging = await policyStage(policySettings, nothingToCheck)
      findings = judging.errors
      const runFiles = async (policySets: PolicySet[]): Promise<GateRun> =>
        runGate({
          cwd: settings.workspace,
          files: discovery.files,
          ...(settings.parser ? { parser: settings.parser } : {}),
          maxFileSize: settings.maxFileSize,
          combine: settings.combine,
          policySets
        })
      if (findings.length === 0 && !nothingToCheck) {
        gate = await runFiles(judging.policySets)
        findings = withTerraformSources(gate.findings, gate.parsed, settings.workspace)
        for (const line of gate.prints) core.info(`print: ${escapeLogLine(line)}`)
        for (const file of gate.unsupported)
          core.info(`policy-gate: skipped ${escapeLogLine(file)}: no parser for this file type`)
      }
      if (base && base.changed.length > 0 && source.source === 'base') {
        core.notice(
          `policy-gate: this pull request changes ${base.changed.length} policy or data file(s); the check used the base commit's policies.`
        )
        const head = nothingToCheck
          ? { findings: [] }
          : await auditHeadPolicies(source, async () => {
              const own = await policyStage(settings, false)
              if (own.errors.length > 0) throw new Error(own.errors.map(e => e.message).join('; '))
              return (await runFiles(own.policySets)).findings
            })
        policyChange = summarizePolicyChange({
          baseSha: source.baseSha,
          changed: base.changed,
          baseFindings: findings,
          head
        })
      }
    } finally {
      await base?.cleanup()
    }
    const { compiled, domains } = judging
    const outcome = decide(findings, { mode: settings.mode, failOnWarn: settings.failOnWarn })
    const ctx: ReportContext = {
      repository: runContext.repository,
      serverUrl: runContext.serverUrl,
      sha: runContext.sha,
      runUrl: runContext.runUrl,
      job: runContext.job,
      ...(runContext.pullRequest ? { pullRequest: runContext.pullRequest.number } : {}),
      policySource: [
        ...(compiled
          ? [
              settings.policyPaths.join(', ') +
                (source.source === 'base'
                  ? ` at the base commit ${source.baseSha.slice(0, 7)}`
                  : '')
            ]
          : []),
        ...(domains.length ? [`built-in library (${domains.join(', ')})`] : [])
      ].join(' and '),
      policies: compiled?.source === 'cache' ? 'cached' : 'compiled',
      filesEvaluated: gate?.parsed.length ?? 0,
      rulesEvaluated: judging.policySets.reduce(
        (n, set) => n + set.compiled.plan.namespaces.reduce((m, ns) => m + ns.rules.length, 0),
        0
      ),
      mode: settings.mode,
      ...(settings.resultsFile ? { resultsFile: settings.resultsFile } : {}),
      ...(policyChange ? { policyChange } : {})
    }
    await report(settings, runContext, octokit, {
      ctx,
      outcome,
      findings,
      checkResults: gate?.checkResults ?? []
    })
    if (outcome.result === 'fail') core.setFailed(outcome.reason)
    else core.info(outcome.reason)
  } catch (error) {
    core.setFailed(`policy-gate: ${error instanceof Error ? error.message : String(error)}`)
  }
}

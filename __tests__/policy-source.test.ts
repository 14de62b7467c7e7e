// Where the policies come from: the decision per event (table-driven, on real webhook payloads),
// the comparison of the base's and the head's findings, and materializeBasePolicies against real
// git repositories cloned shallow as actions/checkout clones them — ending with the attack itself:
// a pull request that deletes the rule it breaks still fails the gate.

import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Finding } from '../src/findings.js'
import { HOST_BUILTIN_NAMES, runGate } from '../src/gate.js'
import { compilePolicies } from '../src/opa/compile.js'
import { decide } from '../src/outcome.js'
import {
  auditHeadPolicies,
  comparePolicyResults,
  decidePolicySource,
  materializeBasePolicies,
  parsePolicySourceSetting,
  PULL_REQUEST_TARGET_OPT_IN,
  summarizePolicyChange,
  type PolicySourceSettings
} from '../src/policy-source.js'
import { renderComment, renderSummary } from '../src/report/markdown.js'
import {
  checkoutCommit,
  cloneGitRepo,
  createGitRepo,
  removeTemporaryDirectories,
  temporaryDirectory,
  type GitRepo
} from './support/git-repo.js'
import { context, finding } from './support/report-fixtures.js'
import { OPA_VERSION, opaBinary } from './support/tools.js'

type Payload = Record<string, unknown>
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json'
) as { name: string; examples: Payload[] }[]

function example(event: string): Payload {
  const found = examples.find(group => group.name === event)?.examples[0]
  if (!found) throw new Error(`no ${event} example in @octokit/webhooks-examples`)
  return structuredClone(found)
}

const pullRequest = example('pull_request')
const PR_BASE = (pullRequest.pull_request as { base: { sha: string } }).base.sha
const mergeGroup = example('merge_group')
const GROUP_BASE = (mergeGroup.merge_group as { base_sha: string }).base_sha

const settings = (over: Partial<PolicySourceSettings> = {}): PolicySourceSettings => ({
  policySource: 'auto',
  allowPullRequestTargetHead: false,
  ...over
})

afterAll(async () => {
  await removeTemporaryDirectories()
})

describe('parsePolicySourceSetting', () => {
  it.each([
    ['', 'auto'],
    ['auto', 'auto'],
    [' base ', 'base'],
    ['HEAD', 'head']
  ])('%j → %s', (value, expected) => {
    expect(parsePolicySourceSetting(value)).toBe(expected)
  })

  it('names the input, the value and what it accepts', () => {
    expect(() => parsePolicySourceSetting('pr')).toThrow(
      "Input 'policy-source' has an invalid value 'pr': expected 'base'"
    )
  })
})

describe('decidePolicySource', () => {
  it.each([
    ['pull_request', 'auto', 'base', PR_BASE, pullRequest],
    ['pull_request', 'base', 'base', PR_BASE, pullRequest],
    ['pull_request', 'head', 'head', undefined, pullRequest],
    ['merge_group', 'auto', 'base', GROUP_BASE, mergeGroup],
    ['merge_group', 'head', 'head', undefined, mergeGroup],
    ['push', 'auto', 'working-tree', undefined, example('push')],
    ['push', 'base', 'working-tree', undefined, example('push')],
    ['schedule', 'auto', 'working-tree', undefined, {}],
    ['workflow_dispatch', 'head', 'working-tree', undefined, {}],
    ['', 'auto', 'working-tree', undefined, {}]
  ] as const)('%j with policy-source %s → %s', (event, setting, source, baseSha, payload) => {
    const decision = decidePolicySource(event, payload, settings({ policySource: setting }))
    expect(decision.source).toBe(source)
    expect(decision.source === 'base' ? decision.baseSha : undefined).toBe(baseSha)
  })

  it('runs the head policies in audit mode on pull requests, never on pull_request_target', () => {
    const pr = decidePolicySource('pull_request', pullRequest, settings())
    const target = decidePolicySource(
      'pull_request_target',
      pullRequest,
      settings({ allowPullRequestTargetHead: true })
    )
    expect(pr).toMatchObject({ source: 'base', auditHead: true })
    expect(target).toMatchObject({ source: 'base', baseSha: PR_BASE, auditHead: false })
  })

  it('refuses pull_request_target unless the workflow opted in, explaining the risk', () => {
    const decision = decidePolicySource('pull_request_target', pullRequest, settings())
    expect(decision.source).toBe('refuse')
    const message = decision.source === 'refuse' ? decision.message : ''
    expect(message).toContain(`${PULL_REQUEST_TARGET_OPT_IN}: true`)
    expect(message).toContain('secrets')
    expect(message).toContain('pwn request')
    expect(message).toContain('actions/checkout')
    expect(message).toContain('Use the pull_request event instead')
  })

  it('refuses policy-source: head on pull_request_target even when opted in', () => {
    const decision = decidePolicySource(
      'pull_request_target',
      pullRequest,
      settings({ allowPullRequestTargetHead: true, policySource: 'head' })
    )
    expect(decision.source).toBe('refuse')
  })

  it.each([
    ['missing', undefined],
    ['a branch name', 'main'],
    ['an option', '--upload-pack=touch /tmp/pwned'],
    ['short', 'abc1234']
  ])('refuses (never falls back to the head) when the base sha is %s', (_, sha) => {
    const payload = structuredClone(pullRequest) as { pull_request: { base: { sha?: string } } }
    if (sha === undefined) delete payload.pull_request.base.sha
    else payload.pull_request.base.sha = sha
    const decision = decidePolicySource('pull_request', payload, settings())
    expect(decision.source).toBe('refuse')
    expect(decision.source === 'refuse' && decision.message).toContain('pull_request.base.sha')
  })
})

describe('auditHeadPolicies', () => {
  const pr = decidePolicySource('pull_request', pullRequest, settings())
  const target = decidePolicySource(
    'pull_request_target',
    pullRequest,
    settings({ allowPullRequestTargetHead: true })
  )
  if (pr.source !== 'base' || target.source !== 'base') throw new Error('expected base decisions')

  it('returns the findings of the pull request policies', async () => {
    const found = [finding()]
    expect(await auditHeadPolicies(pr, async () => found)).toEqual({ findings: found })
  })

  it('turns a failure into the reason shown, never an exception', async () => {
    const audit = await auditHeadPolicies(pr, async () => {
      throw new Error('policy/a.rego:3: rego_parse_error: unexpected eof')
    })
    expect(audit).toEqual({ error: 'policy/a.rego:3: rego_parse_error: unexpected eof' })
  })

  it('does not run them at all on pull_request_target', async () => {
    let ran = false
    const audit = await auditHeadPolicies(target, async () => {
      ran = true
      return []
    })
    expect(ran).toBe(false)
    expect(audit).toEqual({ notRun: expect.stringContaining('pull_request_target') })
  })
})

describe('comparePolicyResults', () => {
  const a = finding({ message: 'a' })
  const b = finding({ message: 'b', severity: 'warning' })

  it('lists findings that appear and disappear, as multisets, ignoring lines', () => {
    const result = comparePolicyResults([a, a, b], [{ ...a, line: 99 }, finding({ message: 'c' })])
    expect(result.disappear.map(f => f.message)).toEqual(['a', 'b'])
    expect(result.appear.map(f => f.message)).toEqual(['c'])
  })

  it('sees a failure turned into an exception as one disappearing and one appearing', () => {
    const excepted = { ...a, severity: 'exception' as const }
    const result = comparePolicyResults([a], [excepted])
    expect(result.disappear).toEqual([a])
    expect(result.appear).toEqual([excepted])
  })

  it('is empty when both agree', () => {
    expect(comparePolicyResults([a, b], [b, a])).toEqual({ appear: [], disappear: [] })
  })
})

// ---------------------------------------------------------------------------------------------
// Real repositories

const DENY_PRIVILEGED = `package main

import rego.v1

deny contains msg if {
\tsome c in input.spec.containers
\tc.securityContext.privileged
\tmsg := sprintf("container %q must not be privileged", [c.name])
}
`
const ALLOW_ALL =
  'package main\n\nimport rego.v1\n\nwarn contains "policies were edited" if false\n'
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: true
`

/** A repository whose main branch has policies, and a pull request branch made by `change`. */
async function repositoryWithPullRequest(
  base: Record<string, string | null>,
  change: Record<string, string | null>
): Promise<{ origin: GitRepo; baseSha: string; headSha: string }> {
  const origin = await createGitRepo()
  const baseSha = await origin.commit('base', base)
  await origin.git('checkout', '-q', '-b', 'feature')
  const headSha = await origin.commit('pull request', change)
  await origin.git('checkout', '-q', 'main')
  return { origin, baseSha, headSha }
}

async function materialize(
  workspace: string,
  baseSha: string,
  over: { policyPaths?: string[]; dataPaths?: string[] } = {}
): ReturnType<typeof materializeBasePolicies> {
  return materializeBasePolicies({
    workspace,
    baseSha,
    policyPaths: over.policyPaths ?? ['policy'],
    dataPaths: over.dataPaths ?? [],
    tempDir: await temporaryDirectory('policy-gate-runner-temp-')
  })
}

/** The gate's findings for manifests in `checkout`, with the policies compiled in `policyCwd`. */
async function gateFindings(
  policyCwd: string,
  policyPaths: string[],
  checkout: string,
  files: string[]
): Promise<Finding[]> {
  const compiled = await compilePolicies({
    opa: async () => opaBinary,
    opaVersion: OPA_VERSION,
    policyPaths,
    cwd: policyCwd,
    hostBuiltins: HOST_BUILTIN_NAMES,
    cacheDir: await temporaryDirectory('policy-gate-bundles-')
  })
  const run = await runGate({
    cwd: checkout,
    files,
    maxFileSize: 5_000_000,
    combine: false,
    policySets: [
      { name: 'policies', compiled, selection: { namespaces: ['main'], all: false }, data: {} }
    ]
  })
  return run.findings
}

describe('materializeBasePolicies', () => {
  it('judges a pull request that deletes the rule it breaks by the base rule: the gate still fails', async () => {
    const { origin, baseSha, headSha } = await repositoryWithPullRequest(
      { 'policy/deny.rego': DENY_PRIVILEGED, 'README.md': 'app\n' },
      { 'policy/deny.rego': ALLOW_ALL, 'k8s/pod.yaml': PRIVILEGED_POD }
    )
    // actions/checkout's default for a pull request: one commit, no base in the clone.
    const checkout = await checkoutCommit(origin, headSha)
    expect(await checkout.git('cat-file', '-t', baseSha).catch(() => 'missing')).toBe('missing')

    const base = await materialize(checkout.dir, baseSha)
    try {
      expect(base.policyPaths).toEqual(['policy'])
      expect(await readFile(path.join(base.workspace, 'policy', 'deny.rego'), 'utf8')).toBe(
        DENY_PRIVILEGED
      )
      expect(base.changed).toEqual([
        { path: 'policy/deny.rego', status: 'modified', kind: 'policy' }
      ])

      const withBase = await gateFindings(base.workspace, base.policyPaths, checkout.dir, [
        'k8s/pod.yaml'
      ])
      const withHead = await gateFindings(checkout.dir, ['policy'], checkout.dir, ['k8s/pod.yaml'])
      expect(decide(withBase, { mode: 'enforce', failOnWarn: false }).result).toBe('fail')
      expect(withBase.map(f => f.message)).toEqual(['container "web" must not be privileged'])
      expect(decide(withHead, { mode: 'enforce', failOnWarn: false }).result).toBe('pass')

      // What reviewers see: the check used the base's rules, and the head's would drop a failure.
      const change = summarizePolicyChange({
        baseSha,
        changed: base.changed,
        baseFindings: withBase,
        head: { findings: withHead }
      })
      expect(change.head).toMatchObject({ outcome: 'evaluated', appear: [] })
      const comment = renderComment(
        { ...context, policyChange: change },
        decide(withBase, { mode: 'enforce', failOnWarn: false }),
        withBase
      )
      expect(comment).toContain('**This pull request changes the policies.**')
      expect(comment).toContain(`commit [${baseSha.slice(0, 7)}]`)
      expect(comment).toContain('<code>policy/deny.rego</code> (modified)')
      expect(comment).toContain('1 finding would disappear and 0 findings would appear')
      expect(comment).toContain('container "web" must not be privileged')
    } finally {
      await base.cleanup()
    }
    expect(existsSync(base.workspace)).toBe(false)
  })

  it('has no policies at the base when the pull request adds the first ones', async () => {
    const { origin, baseSha, headSha } = await repositoryWithPullRequest(
      { 'README.md': 'app\n' },
      { 'policy/deny.rego': DENY_PRIVILEGED, 'policy/deny_test.rego': 'package main_test\n' }
    )
    const checkout = await checkoutCommit(origin, headSha)
    const base = await materialize(checkout.dir, baseSha)
    expect(base.policyPaths).toEqual([])
    expect(base.absentAtBase).toEqual(['policy'])
    expect(existsSync(path.join(base.workspace, 'policy'))).toBe(false)
    // A test module changes no decision, so it is not listed.
    expect(base.changed).toEqual([{ path: 'policy/deny.rego', status: 'added', kind: 'policy' }])
    await base.cleanup()
  })

  it('reads data from the base, lists added, modified and removed files, and ignores CRLF', async () => {
    const { origin, baseSha, headSha } = await repositoryWithPullRequest(
      {
        'policy/a.rego': 'package main\n',
        'policy/b.rego': 'package b\n',
        'policy/c.rego': 'package c\n',
        'policy/notes.md': 'not a policy\n',
        'data/allowed.yaml': 'registries: [ghcr.io]\n'
      },
      {
        'policy/a.rego': 'package main\r\n',
        'policy/b.rego': null,
        'policy/d.rego': 'package d\n',
        'policy/notes.md': 'changed, still not a policy\n',
        'data/allowed.yaml': 'registries: [ghcr.io, docker.io]\n'
      }
    )
    const checkout = await cloneGitRepo(origin, { depth: 1, branch: 'feature' })
    const base = await materialize(checkout.dir, baseSha, { dataPaths: ['data'] })
    expect(headSha).toBe(await checkout.sha())
    expect(base.dataPaths).toEqual(['data'])
    expect(await readFile(path.join(base.workspace, 'data', 'allowed.yaml'), 'utf8')).toBe(
      'registries: [ghcr.io]\n'
    )
    expect(existsSync(path.join(base.workspace, 'policy', 'notes.md'))).toBe(false)
    expect(base.changed).toEqual([
      { path: 'data/allowed.yaml', status: 'modified', kind: 'data' },
      { path: 'policy/b.rego', status: 'removed', kind: 'policy' },
      { path: 'policy/d.rego', status: 'added', kind: 'policy' }
    ])
    await base.cleanup()
  })

  it('mirrors a workspace inside a subfolder of the repository, and takes paths literally', async () => {
    const { origin, baseSha, headSha } = await repositoryWithPullRequest(
      {
        'infra/policy/deny.rego': DENY_PRIVILEGED,
        'infra/p*/other.rego': 'package other\n',
        'shared/data.json': '{"x": 1}\n'
      },
      { 'infra/policy/deny.rego': ALLOW_ALL }
    )
    const checkout = await checkoutCommit(origin, headSha)
    const workspace = path.join(checkout.dir, 'infra')
    const base = await materialize(workspace, baseSha, {
      policyPaths: ['policy', path.join(workspace, 'p*')],
      dataPaths: ['../shared/data.json']
    })
    expect(base.workspace.endsWith(`${path.sep}infra`)).toBe(true)
    expect(base.policyPaths).toEqual(['policy', 'p*'])
    expect(base.dataPaths).toEqual(['../shared/data.json'])
    expect(await readFile(path.join(base.workspace, '..', 'shared', 'data.json'), 'utf8')).toBe(
      '{"x": 1}\n'
    )
    // `p*` is a directory name, not a glob that also matches `policy`.
    expect(existsSync(path.join(base.workspace, 'p*', 'other.rego'))).toBe(true)
    expect(existsSync(path.join(base.workspace, 'p*', 'deny.rego'))).toBe(false)
    expect(base.changed).toEqual([{ path: 'policy/deny.rego', status: 'modified', kind: 'policy' }])
    await base.cleanup()
  })

  it('uses a policy path outside the repository as it is on disk', async () => {
    const { origin, baseSha, headSha } = await repositoryWithPullRequest(
      { 'README.md': 'x\n' },
      { 'README.md': 'y\n' }
    )
    const checkout = await checkoutCommit(origin, headSha)
    const outside = await temporaryDirectory('policy-gate-shared-policies-')
    await writeFile(path.join(outside, 'org.rego'), 'package main\n')
    const base = await materialize(checkout.dir, baseSha, { policyPaths: [outside] })
    expect(base.outsideRepository).toEqual([outside])
    expect(base.policyPaths).toEqual([outside])
    expect(base.changed).toEqual([])
    await base.cleanup()
  })

  it('refuses a policy directory that is a symbolic link at the base', async () => {
    const origin = await createGitRepo()
    await origin.commit('real', { 'rules/deny.rego': DENY_PRIVILEGED })
    await symlink('rules', path.join(origin.dir, 'policy'))
    const baseSha = await origin.commit('link', {})
    const checkout = await cloneGitRepo(origin, { depth: 1 })
    await expect(materialize(checkout.dir, baseSha)).rejects.toThrow(
      /policy path policy is a symbolic link in the base commit .*does not follow links/
    )
  })

  it('does not follow a link the pull request put in place of the policy directory', async () => {
    const { origin, baseSha } = await repositoryWithPullRequest(
      { 'policy/deny.rego': DENY_PRIVILEGED },
      {}
    )
    const checkout = await cloneGitRepo(origin, { depth: 1 })
    await checkout.git('rm', '-q', '-r', 'policy')
    await symlink('/', path.join(checkout.dir, 'policy'))
    const started = performance.now()
    const base = await materialize(checkout.dir, baseSha)
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(base.changed).toEqual([{ path: 'policy/deny.rego', status: 'removed', kind: 'policy' }])
    expect(await readFile(path.join(base.workspace, 'policy', 'deny.rego'), 'utf8')).toBe(
      DENY_PRIVILEGED
    )
    await base.cleanup()
  })

  it('says what to do when the base commit cannot be fetched', async () => {
    const { origin, headSha } = await repositoryWithPullRequest(
      { 'policy/a.rego': 'package a\n' },
      {}
    )
    const checkout = await checkoutCommit(origin, headSha)
    await checkout.git('remote', 'set-url', 'origin', `file://${checkout.dir}/nowhere`)
    await expect(materialize(checkout.dir, 'f'.repeat(40))).rejects.toThrow(
      /base commit f{40}.*fetching it from origin failed.*persist-credentials/s
    )
  })

  it('says the workspace must be a git checkout', async () => {
    const dir = await temporaryDirectory('policy-gate-not-git-')
    await mkdir(path.join(dir, 'policy'))
    await expect(materialize(dir, 'a'.repeat(40))).rejects.toThrow(
      /is not a git checkout.*policy-source: head/s
    )
  })
})

describe('the policy-change note', () => {
  const change = summarizePolicyChange({
    baseSha: 'a'.repeat(40),
    changed: Array.from({ length: 12 }, (_, i) => ({
      path: `policy/p${i}.rego`,
      status: 'modified' as const,
      kind: 'policy' as const
    })),
    baseFindings: [],
    head: { error: 'policy/p1.rego:3: rego_parse_error: unexpected eof' }
  })

  it('is in the summary and the comment, and lists at most ten files', () => {
    const outcome = decide([], { mode: 'enforce', failOnWarn: false })
    for (const text of [
      renderSummary({ ...context, policyChange: change }, outcome, [], []),
      renderComment({ ...context, policyChange: change }, outcome, [])
    ]) {
      expect(text).toContain('> [!IMPORTANT]')
      expect(text).toContain('<code>policy/p9.rego</code> (modified), and 2 more.')
      expect(text).not.toContain('p10.rego')
      expect(text).toContain(
        "The pull request's own policies could not be run: policy/p1.rego:3: rego\\_parse\\_error: unexpected eof"
      )
    }
  })

  it('says why the head policies were not run on pull_request_target', () => {
    const notRun = summarizePolicyChange({
      baseSha: 'b'.repeat(40),
      changed: [{ path: 'policy/a.rego', status: 'added', kind: 'policy' }],
      baseFindings: [],
      head: { notRun: 'pull_request_target runs are privileged' }
    })
    const comment = renderComment(
      { ...context, policyChange: notRun },
      decide([], { mode: 'enforce', failOnWarn: false }),
      []
    )
    expect(comment).toContain(
      "> The pull request's own policies were not run: pull\\_request\\_target runs are privileged"
    )
  })
})

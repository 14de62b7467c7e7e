/**
 * The yardstick: `policy-gate test` and the pinned `conftest test` on the same policies, inputs
 * and flags must print the same JSON (after sorting what conftest leaves in Go map order) and exit
 * with the same code. Cases: conftest's own examples (read in place from the Go module cache) in
 * the formats policy-gate parses, and the project's cases for each rule of conftest's semantics.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { conftest, normalise, policyGate } from './support/conftest-diff.js'
import { repoRoot } from './support/tools.js'

const conftestSource = (() => {
  try {
    const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim()
    const dir = path.join(modcache, 'github.com', 'open-policy-agent', 'conftest@v0.69.0')
    return existsSync(path.join(dir, 'examples')) ? dir : undefined
  } catch {
    return undefined
  }
})()

interface Case {
  name: string
  args: string[]
  cwd: string
}

/**
 * conftest's acceptance commands (acceptance.bats) whose inputs policy-gate parses. Left out:
 * formats policy-gate has no parser for (toml, edn, xml, hocon, vcl, jsonnet, cue, ini, dotenv,
 * properties, spdx, cyclonedx, textproto, ignore files, hcl1), --update (network), --strict,
 * --capabilities and --show-builtin-errors (flags policy-gate does not take), stdin input (`-`).
 */
const EXAMPLES: [string, string[]][] = [
  ['kubernetes service', ['-p', 'examples/kubernetes/policy', 'examples/kubernetes/service.yaml']],
  [
    'kubernetes deployment',
    ['-p', 'examples/kubernetes/policy', 'examples/kubernetes/deployment.yaml']
  ],
  [
    'kubernetes fail-on-warn',
    ['--fail-on-warn', '-p', 'examples/kubernetes/policy', 'examples/kubernetes/service.yaml']
  ],
  [
    'namespace not present',
    [
      '--namespace',
      'notpresent',
      '-p',
      'examples/kubernetes/policy',
      'examples/kubernetes/deployment.yaml'
    ]
  ],
  [
    'two files',
    [
      '-p',
      'examples/kubernetes/policy',
      'examples/kubernetes/deployment.yaml',
      'examples/kubernetes/service.yaml'
    ]
  ],
  [
    'multi-document',
    ['-p', 'examples/kubernetes/policy', 'examples/kubernetes/deployment+service.yaml']
  ],
  [
    'kubernetes all namespaces',
    ['-p', 'examples/kubernetes/policy/', 'examples/kubernetes/deployment.yaml', '--all-namespaces']
  ],
  [
    'kubernetes combine',
    [
      '-p',
      'examples/kubernetes/policy',
      '--combine',
      'examples/kubernetes/combine/deployment.yaml',
      'examples/kubernetes/combine/service.yaml'
    ]
  ],
  [
    'docker all namespaces',
    ['-p', 'examples/docker/policy', 'examples/docker/Dockerfile', '--all-namespaces']
  ],
  [
    'docker namespace main',
    ['-p', 'examples/docker/policy', 'examples/docker/Dockerfile', '--namespace', 'main']
  ],
  [
    'docker namespace *',
    ['-p', 'examples/docker/policy', 'examples/docker/Dockerfile', '--namespace', '*']
  ],
  [
    'docker namespace c*',
    ['-p', 'examples/docker/policy', 'examples/docker/Dockerfile', '--namespace', 'c*']
  ],
  [
    'print',
    ['-p', 'examples/report/policy_print/labels.rego', 'examples/kubernetes/deployment.yaml']
  ],
  ['hcl2', ['-p', 'examples/hcl2/policy', 'examples/hcl2/terraform.tf']],
  ['terraform plan json', ['-p', 'examples/hcl1/policy/base.rego', 'examples/hcl1/gke-show.json']],
  [
    'data directory',
    ['-p', 'examples/data/policy', '-d', 'examples/data/exclusions', 'examples/data/service.yaml']
  ],
  ['compose', ['-p', 'examples/compose/policy', 'examples/compose/docker-compose.yml']],
  ['compose valid', ['-p', 'examples/compose/policy', 'examples/compose/docker-compose-valid.yml']],
  ['exceptions', ['-p', 'examples/exceptions/policy', 'examples/exceptions/deployments.yaml']],
  [
    'combine users',
    [
      '-p',
      'examples/combine/policy',
      'examples/combine/team.yaml',
      'examples/combine/user1.yaml',
      'examples/combine/user2.yaml',
      '--combine'
    ]
  ],
  [
    'combine list',
    [
      '-p',
      'examples/combine/policy',
      'examples/combine/team.yaml',
      'examples/combine/users.yaml',
      '--combine'
    ]
  ],
  // The example's policy calls an undefined function: both must refuse it at the same line.
  [
    'serverless (policy does not compile)',
    ['-p', 'examples/serverless/policy', 'examples/serverless/serverless.yaml']
  ],
  ['awssam', ['-p', 'examples/awssam/policy', 'examples/awssam/lambda.yaml']],
  [
    'kustomize',
    [
      '-p',
      'examples/kustomize/policy',
      'examples/kustomize/deployment.yaml',
      'examples/kustomize/service.yaml',
      'examples/kustomize/configMap.yaml'
    ]
  ]
]

const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'engine')

const OWN: Case[] = [
  {
    name: 'semantics: rules, bodies, objects, exceptions, data',
    args: [
      '-p',
      'semantics/policy',
      '-d',
      'semantics/data',
      'semantics/k8s.yaml',
      'semantics/list.json'
    ]
  },
  {
    name: 'semantics: all namespaces',
    args: [
      '-p',
      'semantics/policy',
      '-d',
      'semantics/data',
      '--all-namespaces',
      'semantics/k8s.yaml',
      'semantics/list.json'
    ]
  },
  {
    name: 'semantics: namespace glob',
    args: ['-p', 'semantics/policy', '-d', 'semantics/data', '-n', 'other.*', 'semantics/k8s.yaml']
  },
  {
    name: 'semantics: two namespaces',
    args: [
      '-p',
      'semantics/policy',
      '-d',
      'semantics/data',
      '-n',
      'main',
      '-n',
      'other.checks',
      'semantics/k8s.yaml'
    ]
  },
  {
    name: 'semantics: combine',
    args: [
      '-p',
      'semantics/policy',
      '-d',
      'semantics/data',
      '--combine',
      '--all-namespaces',
      'semantics/k8s.yaml',
      'semantics/list.json'
    ]
  },
  {
    name: 'semantics: fail-on-warn',
    args: [
      '-p',
      'semantics/policy',
      '-d',
      'semantics/data',
      '--fail-on-warn',
      '-n',
      'other.checks',
      'semantics/list.json'
    ]
  },
  {
    name: 'semantics: no-fail',
    args: ['-p', 'semantics/policy', '-d', 'semantics/data', '--no-fail', 'semantics/k8s.yaml']
  },
  { name: 'rego v1 only', args: ['-p', 'mixed/v1', '--all-namespaces', 'semantics/k8s.yaml'] },
  {
    name: 'rego v0 forced',
    args: ['-p', 'mixed/v0', '--rego-version', 'v0', '--all-namespaces', 'semantics/k8s.yaml']
  },
  { name: 'built-ins', args: ['-p', 'builtins/policy', 'builtins/input.json'] }
].map(c => ({ ...c, cwd: fixtures }))

async function compare(c: Case): Promise<void> {
  const [expected, actual] = await Promise.all([
    conftest([...c.args, '-o', 'json'], c.cwd),
    policyGate([...c.args, '-o', 'json'], c.cwd)
  ])
  expect(actual.code).toBe(expected.code)
  if (expected.stdout === '') {
    // conftest refused the policies: policy-gate must too, naming the same file and line.
    const where = /([\w./-]+\.rego:\d+)/.exec(expected.stderr)?.[1]
    expect(where).toBeDefined()
    expect(actual.stderr).toContain(where)
    expect(actual.stdout).toBe('')
    return
  }
  expect(actual.stderr).toBe('')
  expect(normalise(actual.stdout)).toEqual(normalise(expected.stdout))
}

describe('policy-gate test gives conftest test JSON', () => {
  it.each(OWN.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    await compare(c)
  })

  const examples = conftestSource
    ? EXAMPLES.map(([name, args]) => [name, { name, args, cwd: conftestSource }] as const)
    : []
  if (!conftestSource) {
    it.skip('conftest examples (conftest v0.69.0 is not in the Go module cache: run scripts/install-tools.sh)', () => {})
  } else {
    it.each(examples)('conftest example: %s', async (_name, c) => {
      await compare(c)
    })
  }

  it('mixes v0 and v1 policies in one run, deciding as conftest does for each', async () => {
    // conftest takes one Rego version a run: run it once per version and put the results together.
    const [v0, v1, both] = await Promise.all([
      conftest(
        [
          '-p',
          'mixed/v0',
          '--rego-version',
          'v0',
          '--all-namespaces',
          'semantics/k8s.yaml',
          '-o',
          'json'
        ],
        fixtures
      ),
      conftest(
        ['-p', 'mixed/v1', '--all-namespaces', 'semantics/k8s.yaml', '-o', 'json'],
        fixtures
      ),
      policyGate(
        [
          '-p',
          'mixed/v0',
          '-p',
          'mixed/v1',
          '--all-namespaces',
          'semantics/k8s.yaml',
          '-o',
          'json'
        ],
        fixtures
      )
    ])
    const merged = JSON.stringify([...JSON.parse(v0.stdout), ...JSON.parse(v1.stdout)])
    expect(normalise(both.stdout)).toEqual(normalise(merged))
    expect(both.code).toBe(Math.max(v0.code, v1.code))
  })
})

/**
 * The built-in policy library in policy/: its Rego tests and coverage with the pinned OPA, its
 * generated docs and catalog, its WASM build with only the built-ins the engine runs, and its
 * results under the pinned conftest, on fixtures and on the real corpora.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { normalise, policyGate } from './support/conftest-diff.js'
import { conftestBinary, opaBinary, repoRoot, run } from './support/tools.js'

const policyDir = path.join(repoRoot, 'policy')
const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'policy-library')
const corpora = path.resolve(repoRoot, '..', 'shared', 'corpora')

/** The packages that hold rules, as conftest namespaces. */
const DOMAIN_PACKAGES = [
  'kubernetes',
  'terraform.aws',
  'terraform.gcp',
  'terraform.azure',
  'docker',
  'github',
  'gitlab'
]

/**
 * The built-ins the engine can run (WASM-native, plus the host built-ins it implements). The
 * canonical list will live in src/evaluate/capabilities.ts; this one is deliberately the
 * stricter list the library was written against (no opa.runtime, no crypto, no http.send).
 */
const ENGINE_BUILTINS = new Set(
  `abs all and any array.concat array.reverse array.slice assign ceil concat contains count div
  endswith eq equal floor format_int glob.match gt gte indexof internal.member_2 internal.member_3
  intersection is_array is_boolean is_null is_number is_object is_set is_string json.filter
  json.is_valid json.marshal json.remove json.unmarshal lower lt lte max min minus mul neq
  net.cidr_contains net.cidr_intersects net.cidr_overlap numbers.range object.filter object.get
  object.keys object.remove object.union object.union_n or plus product
  regex.find_all_string_submatch_n regex.is_valid regex.match rem replace strings.replace_n round
  set_diff sort split startswith strings.reverse substring sum to_number trim trim_left
  trim_prefix trim_right trim_space trim_suffix type_name union upper walk sprintf time.now_ns
  time.parse_rfc3339_ns time.parse_ns time.date time.add_date time.diff units.parse_bytes
  units.parse semver.compare semver.is_valid regex.split print internal.print`.split(/\s+/)
)
const ENGINE_BUILTIN_FAMILIES = ['base64.', 'bits.', 'yaml.']

interface CapabilitiesDocument {
  builtins: { name: string }[]
}

function engineCapabilities(current: CapabilitiesDocument): CapabilitiesDocument {
  return {
    ...current,
    builtins: current.builtins.filter(
      b => ENGINE_BUILTINS.has(b.name) || ENGINE_BUILTIN_FAMILIES.some(f => b.name.startsWith(f))
    )
  }
}

async function writeCapabilities(dir: string): Promise<string> {
  const current = await run(opaBinary, ['capabilities', '--current'])
  expect(current.code).toBe(0)
  const file = path.join(dir, 'capabilities.json')
  await fs.writeFile(file, JSON.stringify(engineCapabilities(JSON.parse(current.stdout))))
  return file
}

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'policy-library-'))
  try {
    return await body(dir)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

interface ConftestResult {
  msg: string
  metadata?: Record<string, unknown>
}

interface ConftestCheck {
  filename: string
  namespace: string
  failures?: ConftestResult[]
  warnings?: ConftestResult[]
  exceptions?: ConftestResult[]
}

/** `conftest test --all-namespaces -p policy` on the files, as parsed JSON. */
async function conftest(
  files: readonly string[],
  extra: readonly string[] = []
): Promise<{ code: number; checks: ConftestCheck[]; stderr: string }> {
  const result = await run(conftestBinary, [
    'test',
    '--all-namespaces',
    '--no-color',
    '-o',
    'json',
    '-p',
    policyDir,
    ...extra,
    ...files
  ])
  let checks: ConftestCheck[] = []
  try {
    checks = JSON.parse(result.stdout) as ConftestCheck[]
  } catch {
    // Not JSON: conftest stopped before testing (a parse or policy error, in stderr).
  }
  return { code: result.code, checks, stderr: result.stderr }
}

/** "f:ID" for failures and "w:ID" for warnings, per file and namespace, sorted. */
function outcomes(checks: readonly ConftestCheck[]): Record<string, string[]> {
  const byKey: Record<string, Set<string>> = {}
  for (const check of checks) {
    const entries = [
      ...(check.failures ?? []).map(r => `f:${String(r.metadata?.id)}`),
      ...(check.warnings ?? []).map(r => `w:${String(r.metadata?.id)}`)
    ]
    if (entries.length === 0) continue
    const key = `${path.relative(fixtures, check.filename)} ${check.namespace}`
    byKey[key] ??= new Set()
    for (const entry of entries) byKey[key].add(entry)
  }
  return Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, [...v].sort()]))
}

function results(checks: readonly ConftestCheck[]): ConftestResult[] {
  return checks.flatMap(c => [...(c.failures ?? []), ...(c.warnings ?? [])])
}

describe('Rego tests (opa test, pinned OPA)', () => {
  it('pass, every rule has a test that reports it and one that does not', async () => {
    const tested = await run(opaBinary, ['test', '--format', 'json', policyDir])
    const cases = JSON.parse(tested.stdout) as { name: string; fail?: boolean; error?: unknown }[]
    expect(cases.filter(c => c.fail || c.error).map(c => c.name)).toEqual([])
    expect(tested.code).toBe(0)

    const catalog = await run(opaBinary, [
      'eval',
      '--format',
      'json',
      '-d',
      policyDir,
      'object.keys(data.lib.catalog.rules)'
    ])
    const ids = JSON.parse(catalog.stdout).result[0].expressions[0].value as string[]
    expect(ids.length).toBeGreaterThan(60)
    const names = cases.map(c => c.name)
    const missing = ids.flatMap(id => {
      const prefix = `test_${id.toLowerCase().replaceAll('-', '_')}_`
      return (['flags', 'allows'] as const)
        .filter(kind => !names.some(n => n.startsWith(`${prefix}${kind}_`)))
        .map(kind => `${prefix}${kind}_…`)
    })
    expect(missing).toEqual([])
  })

  it('cover at least 90% of the lines, and of the library without its tests', async () => {
    const covered = await run(opaBinary, ['test', '--coverage', '--format', 'json', policyDir])
    expect(covered.code).toBe(0)
    const report = JSON.parse(covered.stdout) as {
      coverage: number
      files: Record<string, { covered_lines?: number; not_covered_lines?: number }>
    }
    let hit = 0
    let total = 0
    for (const [file, lines] of Object.entries(report.files)) {
      if (file.endsWith('_test.rego')) continue
      hit += lines.covered_lines ?? 0
      total += (lines.covered_lines ?? 0) + (lines.not_covered_lines ?? 0)
    }
    expect(report.coverage).toBeGreaterThanOrEqual(90)
    expect((hit / total) * 100).toBeGreaterThanOrEqual(90)
  })

  it('are strict-clean and formatted with opa fmt', async () => {
    const check = await run(opaBinary, ['check', '--strict', policyDir])
    expect(check.stderr).toBe('')
    expect(check.code).toBe(0)
    const fmt = await run(opaBinary, ['fmt', '--list', policyDir])
    expect(fmt.stdout.trim()).toBe('')
  })
})

describe('METADATA', () => {
  it('docs/policies.md and policy/lib/catalog.rego are generated from it and up to date', async () => {
    const generated = await run(process.execPath, [
      path.join(repoRoot, 'scripts', 'gen-policy-docs.mjs'),
      '--check'
    ])
    expect(generated.stderr).toBe('')
    expect(generated.code).toBe(0)
    const docs = await fs.readFile(path.join(repoRoot, 'docs', 'policies.md'), 'utf8')
    for (const id of ['K8S-001', 'TF-AWS-101', 'DOCKER-001', 'GHA-004', 'GITLAB-002', 'GATE-001']) {
      expect(docs).toContain(`### ${id}`)
    }
  })
})

describe('WASM build (opa build -t wasm, engine built-ins only)', () => {
  it('compiles every package, tests included', async () => {
    await withTempDir(async dir => {
      const capabilities = await writeCapabilities(dir)
      const entrypoints = DOMAIN_PACKAGES.flatMap(p => {
        const ref = p.replaceAll('.', '/')
        return ['-e', `${ref}/deny`, '-e', `${ref}/warn`]
      })
      const built = await run(opaBinary, [
        'build',
        '-t',
        'wasm',
        '--capabilities',
        capabilities,
        ...entrypoints,
        '-o',
        path.join(dir, 'bundle.tar.gz'),
        policyDir
      ])
      expect(built.stderr).toBe('')
      expect(built.code).toBe(0)
    })
  })

  it('with capabilities that reject a built-in the engine cannot run', async () => {
    await withTempDir(async dir => {
      const capabilities = await writeCapabilities(dir)
      const policy = path.join(dir, 'policy')
      await fs.mkdir(policy)
      await fs.writeFile(
        path.join(policy, 'p.rego'),
        'package p\n\ndeny contains msg if {\n\tmsg := opa.runtime().version\n}\n'
      )
      const built = await run(opaBinary, [
        'build',
        '-t',
        'wasm',
        '--capabilities',
        capabilities,
        '-e',
        'p/deny',
        '-o',
        path.join(dir, 'bundle.tar.gz'),
        policy
      ])
      expect(built.code).not.toBe(0)
      expect(built.stdout + built.stderr).toContain('undefined function opa.runtime')
    })
  })
})

describe('conftest test --all-namespaces -p policy (pinned conftest)', () => {
  const insecure = [
    'kubernetes/insecure.yaml',
    'docker/insecure/Dockerfile',
    'github/insecure.yml',
    'gitlab/insecure/.gitlab-ci.yml',
    'terraform/insecure.tfplan.json'
  ].map(f => path.join(fixtures, f))
  const hardened = [
    'kubernetes/hardened.yaml',
    'docker/hardened/Dockerfile',
    'github/hardened.yml',
    'gitlab/hardened/.gitlab-ci.yml',
    'terraform/hardened.tfplan.json'
  ].map(f => path.join(fixtures, f))

  it('reports each insecure fixture in its own namespace only', async () => {
    const { code, checks, stderr } = await conftest(insecure)
    expect(stderr).toBe('')
    expect(code).toBe(1)
    expect(outcomes(checks)).toEqual({
      'kubernetes/insecure.yaml kubernetes': [
        'f:K8S-001',
        'f:K8S-002',
        'f:K8S-003',
        'f:K8S-004',
        'f:K8S-005',
        'f:K8S-102',
        'f:K8S-103',
        'f:K8S-105',
        'f:K8S-106',
        'f:K8S-201',
        'f:K8S-401',
        'f:K8S-402',
        'w:K8S-202',
        'w:K8S-301',
        'w:K8S-302',
        'w:K8S-403',
        'w:K8S-404',
        'w:K8S-501'
      ],
      'docker/insecure/Dockerfile docker': [
        'f:DOCKER-001',
        'f:DOCKER-002',
        'f:DOCKER-004',
        'f:DOCKER-005',
        'f:DOCKER-006',
        'f:DOCKER-007',
        'w:DOCKER-003',
        'w:DOCKER-008',
        'w:DOCKER-009',
        'w:DOCKER-010'
      ],
      'github/insecure.yml github': ['f:GHA-001', 'f:GHA-002', 'f:GHA-004', 'f:GHA-005'],
      'gitlab/insecure/.gitlab-ci.yml gitlab': ['f:GITLAB-002', 'w:GITLAB-001'],
      'terraform/insecure.tfplan.json terraform.aws': [
        'f:TF-AWS-001',
        'f:TF-AWS-005',
        'f:TF-AWS-101',
        'f:TF-AWS-201',
        'f:TF-AWS-202',
        'w:TF-AWS-003',
        'w:TF-AWS-006'
      ]
    })
  })

  it('gives every result the documented fields, with the path of the offending field', async () => {
    const { checks } = await conftest(insecure)
    for (const result of results(checks)) {
      expect(Object.keys(result.metadata ?? {})).toEqual(
        expect.arrayContaining(['id', 'severity', 'title', 'remediation', 'path'])
      )
      expect(Array.isArray(result.metadata?.path)).toBe(true)
    }
    const privileged = results(checks).find(r => r.metadata?.id === 'K8S-001')
    expect(privileged).toEqual({
      msg: 'Deployment/web: container "web" runs privileged',
      metadata: expect.objectContaining({
        title: 'Privileged container',
        severity: 'critical',
        path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']
      })
    })
  })

  it('reports nothing on the hardened fixtures', async () => {
    const { code, checks, stderr } = await conftest(hardened)
    expect(stderr).toBe('')
    expect(outcomes(checks)).toEqual({})
    expect(code).toBe(0)
  })

  it('applies exceptions per finding and enforcement per rule from a data directory', async () => {
    const { checks } = await conftest(insecure, ['-d', path.join(fixtures, 'data')])
    const got = outcomes(checks)
    const kubernetes = got['kubernetes/insecure.yaml kubernetes']
    // K8S-001 is waived until 2999; the K8S-003 exception expired in 2000: reported, plus GATE-001.
    expect(kubernetes).not.toContain('f:K8S-001')
    expect(kubernetes).toEqual(expect.arrayContaining(['f:K8S-003', 'w:GATE-001']))
    // Enforcement: LoadBalancer denied, hostPort audited.
    expect(kubernetes).toEqual(expect.arrayContaining(['f:K8S-501', 'w:K8S-004']))
    const audit = results(checks).find(r => r.metadata?.id === 'K8S-004')
    expect(audit?.msg).toMatch(/^\[audit\] /)
    expect(audit?.metadata?.enforcement).toBe('audit')
    // `off` unquoted (YAML false) still turns the rule off.
    expect(got['docker/insecure/Dockerfile docker']).not.toContain('f:DOCKER-007')
    // deny_after in the future: a warning that says when it will fail.
    expect(got['github/insecure.yml github']).toContain('w:GHA-002')
    const pending = results(checks).find(r => r.metadata?.id === 'GHA-002')
    expect(pending?.metadata?.deny_after).toBe('2999-01-01')
    // A Terraform exception names the address.
    expect(got['terraform/insecure.tfplan.json terraform.aws']).not.toContain('f:TF-AWS-101')
  })

  it("leaves conftest's own exception rules working for the user's policies", async () => {
    await withTempDir(async dir => {
      await fs.writeFile(
        path.join(dir, 'user.rego'),
        [
          'package main',
          '',
          'deny_no_owner contains "every object needs an owner label" if not input.metadata.labels.owner',
          '',
          'exception contains rules if {',
          '\tinput.kind == "Deployment"',
          '\trules := ["no_owner"]',
          '}',
          ''
        ].join('\n')
      )
      const { checks } = await conftest(
        [path.join(fixtures, 'kubernetes/insecure.yaml')],
        ['-p', dir]
      )
      const main = checks.find(c => c.namespace === 'main')
      expect(main?.exceptions?.length).toBeGreaterThan(0)
      expect(outcomes(checks)['kubernetes/insecure.yaml kubernetes']).toContain('f:K8S-001')
    })
  })
})

describe("the action's engine (WASM) against conftest", () => {
  it.each([
    { name: 'without data', extra: [] as string[] },
    { name: 'with exceptions and enforcement', extra: ['-d', path.join(fixtures, 'data')] }
  ])('gives the same results on every fixture, $name', async ({ extra }) => {
    const files = ['kubernetes', 'docker', 'github', 'gitlab', 'terraform'].map(d =>
      path.relative(repoRoot, path.join(fixtures, d))
    )
    const args = ['--all-namespaces', '-p', 'policy', '-o', 'json', ...extra, ...files]
    const reference = await run(conftestBinary, ['test', ...args], { cwd: repoRoot })
    const engine = await policyGate(args, repoRoot)
    expect(engine.stderr).toBe('')
    const reported = (json: string): unknown[] =>
      normalise(json).filter(r => (r.failures?.length ?? 0) + (r.warnings?.length ?? 0) > 0)
    expect(reported(engine.stdout)).toEqual(reported(reference.stdout))
    expect(engine.code).toBe(reference.code)
  })
})

/** Every file under dir whose name passes the filter. */
async function listFiles(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const found: string[] = []
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && keep(entry.name)) found.push(path.join(entry.parentPath, entry.name))
  }
  return found.sort()
}

/**
 * conftest over many files. conftest stops at the first file it cannot parse, so a failing batch
 * is split in halves until the unparsable files are isolated (and set aside).
 */
async function conftestCorpus(
  files: readonly string[]
): Promise<{ checks: ConftestCheck[]; unparsable: string[] }> {
  if (files.length === 0) return { checks: [], unparsable: [] }
  const { checks, stderr } = await conftest(files)
  if (checks.length > 0 || !stderr.includes('parse configurations')) {
    expect(stderr).toBe('')
    return { checks, unparsable: [] }
  }
  if (files.length === 1) return { checks: [], unparsable: [...files] }
  const middle = Math.ceil(files.length / 2)
  const [left, right] = await Promise.all([
    conftestCorpus(files.slice(0, middle)),
    conftestCorpus(files.slice(middle))
  ])
  return {
    checks: [...left.checks, ...right.checks],
    unparsable: [...left.unparsable, ...right.unparsable]
  }
}

const describeCorpora = existsSync(corpora) ? describe : describe.skip
if (!existsSync(corpora)) {
  console.warn(`Skipping the corpus runs of the policy library: ${corpora} is absent`)
}

describeCorpora('the library on real public files (/work/shared/corpora)', () => {
  const isYaml = (n: string): boolean => /\.ya?ml$/.test(n)
  const isDockerfile = (n: string): boolean => n.startsWith('Dockerfile')

  it.each([
    {
      corpus: 'kubernetes__examples',
      keep: (n: string) => isYaml(n) || n.endsWith('.json'),
      namespaces: ['kubernetes']
    },
    { corpus: 'kubernetes__examples', keep: isDockerfile, namespaces: ['docker'] },
    { corpus: 'docker-library__python', keep: isDockerfile, namespaces: ['docker'] },
    { corpus: 'docker-library__php', keep: isDockerfile, namespaces: ['docker'] },
    { corpus: 'docker-library__golang', keep: isDockerfile, namespaces: ['docker'] },
    { corpus: 'actions__starter-workflows', keep: isYaml, namespaces: ['github'] },
    { corpus: 'firecow__gitlab-ci-local', keep: isYaml, namespaces: ['gitlab'] },
    {
      corpus: 'fugue__regula',
      keep: (n: string) => n.endsWith('.json'),
      namespaces: ['terraform.aws', 'terraform.gcp', 'terraform.azure']
    },
    { corpus: 'fugue__regula', keep: (n: string) => n.endsWith('.tf'), namespaces: [] }
  ])('$corpus: results only from $namespaces', async ({ corpus, keep, namespaces }) => {
    const files = await listFiles(path.join(corpora, corpus), keep)
    expect(files.length).toBeGreaterThan(0)
    const { checks, unparsable } = await conftestCorpus(files)
    // A few corpus files are templates that are not valid YAML or JSON for conftest.
    expect(unparsable.length).toBeLessThan(files.length / 10)
    const reporting = new Set(
      checks
        .filter(c => (c.failures?.length ?? 0) + (c.warnings?.length ?? 0) > 0)
        .map(c => c.namespace)
    )
    expect([...reporting].filter(ns => !namespaces.includes(ns))).toEqual([])
    if (namespaces.length > 0) expect(reporting.size).toBeGreaterThan(0)
    for (const result of results(checks)) {
      expect(typeof result.metadata?.id).toBe('string')
      expect(Array.isArray(result.metadata?.path)).toBe(true)
    }
  })
})

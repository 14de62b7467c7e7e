// @ts-check
/**
 * Generates, from the `# METADATA` blocks of the built-in policy library in policy/:
 *   - docs/policies.md: every rule (ID, severity, enforcement, what it checks, how to fix) and the
 *     library's configuration, with the defaults as the library evaluates them;
 *   - policy/lib/catalog.rego: the rule catalog the library reads at evaluation time to give each
 *     result its title, severity, remediation and default enforcement.
 * Both come from the same annotations, so neither can drift from the rules.
 *
 *   node scripts/gen-policy-docs.mjs           write both files
 *   node scripts/gen-policy-docs.mjs --check   exit 1 if either file is out of date
 *
 * Reads annotations with the pinned OPA (`opa inspect -a`), found in .tools/bin or $OPA.
 */
import { execFileSync } from 'node:child_process'
import console from 'node:console'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import YAML from 'yaml'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const DOCS_FILE = 'docs/policies.md'
export const CATALOG_FILE = 'policy/lib/catalog.rego'
const GENERATE_COMMAND = 'node scripts/gen-policy-docs.mjs'

const SEVERITIES = ['critical', 'high', 'medium', 'low']
const ENFORCEMENTS = ['deny', 'warn']
const ID_PATTERN = /^(K8S|TF-AWS|TF-GCP|TF-AZ|DOCKER|GHA|GITLAB|GATE)-\d{3}$/

/** Domain packages in the order the documentation presents them; others follow by name. */
const PACKAGE_ORDER = [
  'kubernetes',
  'terraform.aws',
  'terraform.gcp',
  'terraform.azure',
  'docker',
  'github',
  'gitlab'
]

/** Library packages whose descriptions document the configuration, in reading order. */
const CONFIGURATION_PACKAGES = [
  'lib.result',
  'lib.config',
  'lib.enforcement',
  'lib.exceptions',
  'lib.dates'
]

/**
 * @typedef {{ file: string, row: number }} Location
 * @typedef {{
 *   id: string, title: string, description: string, severity: string, enforcement: string,
 *   remediation: string, related: string[], pkg: string, rule: string, location: Location
 * }} Rule
 * @typedef {{ pkg: string, title: string, description: string, location: Location }} PackageDoc
 */

/** Runs `opa inspect -a` on the policy directory and returns its annotation entries. */
export function readAnnotations(opa, policyDir) {
  const out = execFileSync(opa, ['inspect', '-a', '--format', 'json', policyDir], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  return JSON.parse(out).annotations ?? []
}

/** Evaluates the library's configuration defaults, so the docs show what the code uses. */
export function readDefaults(opa, policyDir) {
  const out = execFileSync(
    opa,
    ['eval', '--format', 'json', '-d', policyDir, 'data.lib.config.defaults'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  )
  const value = JSON.parse(out).result?.[0]?.expressions?.[0]?.value
  if (value === undefined) throw new Error('data.lib.config.defaults is undefined')
  return value
}

/** The dotted package name (`terraform.aws`) of an annotation's path. */
function packageOf(entry, isPackageScope) {
  const parts = entry.path.slice(1).map(p => p.value)
  return (isPackageScope ? parts : parts.slice(0, -1)).join('.')
}

/**
 * Splits annotation entries into rules (those with `custom.id`) and package descriptions,
 * checking that every rule's metadata is complete and every ID unique.
 * @returns {{ rules: Rule[], packages: Map<string, PackageDoc> }}
 */
export function collectMetadata(entries) {
  /** @type {Rule[]} */
  const rules = []
  /** @type {Map<string, PackageDoc>} */
  const packages = new Map()
  const problems = []
  for (const entry of entries) {
    const a = entry.annotations ?? {}
    const location = { file: entry.location.file, row: entry.location.row }
    const where = `${location.file}:${location.row}`
    if (a.scope === 'package') {
      const pkg = packageOf(entry, true)
      packages.set(pkg, { pkg, title: a.title ?? pkg, description: a.description ?? '', location })
      continue
    }
    const custom = a.custom ?? {}
    if (custom.id === undefined) continue
    const rule = {
      id: String(custom.id),
      title: a.title ?? '',
      description: a.description ?? '',
      severity: custom.severity,
      enforcement: custom.enforcement,
      remediation: custom.remediation,
      related: (a.related_resources ?? []).map(r => r.ref),
      pkg: packageOf(entry, false),
      rule: entry.path[entry.path.length - 1].value,
      location
    }
    if (!ID_PATTERN.test(rule.id))
      problems.push(`${where}: id "${rule.id}" does not match ${ID_PATTERN}`)
    if (!rule.title) problems.push(`${where}: ${rule.id} has no title`)
    if (!rule.description) problems.push(`${where}: ${rule.id} has no description`)
    if (!SEVERITIES.includes(rule.severity))
      problems.push(
        `${where}: ${rule.id} severity "${rule.severity}" is not one of ${SEVERITIES.join(', ')}`
      )
    if (!ENFORCEMENTS.includes(rule.enforcement))
      problems.push(
        `${where}: ${rule.id} enforcement "${rule.enforcement}" is not one of ${ENFORCEMENTS.join(', ')}`
      )
    if (typeof rule.remediation !== 'string' || rule.remediation === '')
      problems.push(`${where}: ${rule.id} has no remediation`)
    const earlier = rules.find(r => r.id === rule.id)
    if (earlier)
      problems.push(
        `${where}: ${rule.id} is already used at ${earlier.location.file}:${earlier.location.row}`
      )
    rules.push(rule)
  }
  if (problems.length > 0) throw new Error(`Invalid rule METADATA:\n  ${problems.join('\n  ')}`)
  rules.sort((a, b) => compareIds(a.id, b.id))
  return { rules, packages }
}

function compareIds(a, b) {
  return a.localeCompare(b, 'en', { numeric: true })
}

/** The catalog as Rego, formatted as `opa fmt` formats it. */
export function renderCatalog(rules) {
  const entries = rules.map(r =>
    [
      `\t${JSON.stringify(r.id)}: {`,
      `\t\t"enforcement": ${JSON.stringify(r.enforcement)},`,
      `\t\t"remediation": ${JSON.stringify(r.remediation)},`,
      `\t\t"severity": ${JSON.stringify(r.severity)},`,
      `\t\t"title": ${JSON.stringify(r.title)},`,
      `\t},`
    ].join('\n')
  )
  return [
    `# Code generated by ${GENERATE_COMMAND} from the rules' METADATA. DO NOT EDIT.`,
    '# Results take their title, severity and remediation from here, and the default enforcement.',
    'package lib.catalog',
    '',
    'rules := {',
    ...entries,
    '}',
    ''
  ].join('\n')
}

function orderPackages(names) {
  const known = PACKAGE_ORDER.filter(p => names.includes(p))
  const rest = names.filter(p => !PACKAGE_ORDER.includes(p)).sort()
  return [...known, ...rest]
}

function anchor(id) {
  return id.toLowerCase()
}

function sourceLink(location) {
  return `[${location.file}:${location.row}](../${location.file}#L${location.row})`
}

function escapeCell(text) {
  return text.replace(/\|/g, '\\|')
}

/** docs/policies.md. */
export function renderDocs({ rules, packages, defaults }) {
  const lines = []
  const push = (...l) => lines.push(...l)
  const counts = (list, key, values) =>
    values.map(v => `${list.filter(r => r[key] === v).length} ${v}`).join(', ')

  push(
    '# Built-in policies',
    '',
    `<!-- Generated by ${GENERATE_COMMAND} from the METADATA in policy/. Do not edit by hand. -->`,
    '',
    'policy-gate ships this Rego library and uses it when a repository has no policies of its own.',
    'It is written the way your own policies are: Rego v1, one package per kind of file, `deny` and',
    '`warn` rules as conftest expects, so `conftest test --all-namespaces -p policy <files>` gives the',
    'same results as the action. Each package only reports on documents of its own kind.',
    '',
    `${rules.length} rules: ${counts(rules, 'severity', SEVERITIES)}; ` +
      `${counts(rules, 'enforcement', ENFORCEMENTS)} by default.`,
    ''
  )

  for (const pkg of CONFIGURATION_PACKAGES) {
    const doc = packages.get(pkg)
    if (!doc) continue
    push(`## ${doc.title}`, '', doc.description, '')
    if (pkg === 'lib.config') {
      push(
        'The defaults:',
        '',
        '```yaml',
        YAML.stringify({ policy_gate: defaults }, { lineWidth: 0 }).trimEnd(),
        '```',
        ''
      )
    }
  }

  const byPackage = new Map()
  for (const rule of rules) {
    if (!byPackage.has(rule.pkg)) byPackage.set(rule.pkg, [])
    byPackage.get(rule.pkg).push(rule)
  }
  const order = orderPackages([...byPackage.keys()])

  push('## Rules', '', '| ID | Title | Severity | Enforcement | Package |', '|---|---|---|---|---|')
  for (const pkg of order) {
    for (const r of byPackage.get(pkg)) {
      push(
        `| [${r.id}](#${anchor(r.id)}) | ${escapeCell(r.title)} | ${r.severity} | ${r.enforcement} | \`${pkg}\` |`
      )
    }
  }
  push('')

  for (const pkg of order) {
    // Rules of the library's own packages (GATE-…) are about its configuration, described above.
    const doc = pkg.startsWith('lib.') ? undefined : packages.get(pkg)
    const title = pkg.startsWith('lib.') ? 'The library itself' : (doc?.title ?? pkg)
    push(`## ${title} (\`${pkg}\`)`, '')
    if (doc?.description) push(doc.description, '')
    for (const r of byPackage.get(pkg)) {
      push(
        `### ${r.id}`,
        '',
        `**${r.title}** · severity ${r.severity} · ${r.enforcement} by default · ${sourceLink(r.location)}`,
        '',
        r.description,
        '',
        `**How to fix:** ${r.remediation}`,
        ''
      )
      if (r.related.length > 0) push(`See: ${r.related.map(u => `<${u}>`).join(', ')}`, '')
    }
  }
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  )
}

/** Everything the generator writes, keyed by repository-relative path. */
export function generate({ opa, policyDir = 'policy' }) {
  const { rules, packages } = collectMetadata(readAnnotations(opa, policyDir))
  const defaults = readDefaults(opa, policyDir)
  return {
    [CATALOG_FILE]: renderCatalog(rules),
    [DOCS_FILE]: renderDocs({ rules, packages, defaults })
  }
}

function readIfPresent(file) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function main(argv) {
  const check = argv.includes('--check')
  const opa = process.env.OPA ?? path.join(repoRoot, '.tools', 'bin', 'opa')
  const files = generate({ opa })
  const stale = []
  for (const [file, content] of Object.entries(files)) {
    const absolute = path.join(repoRoot, file)
    if (readIfPresent(absolute) === content) continue
    if (check) stale.push(file)
    else writeFileSync(absolute, content)
  }
  if (stale.length > 0) {
    console.error(
      `${stale.join(' and ')} out of date with the policy METADATA: run \`${GENERATE_COMMAND}\``
    )
    process.exit(1)
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2))
}

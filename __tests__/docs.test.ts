/**
 * What the README and the docs say, checked against what the repository has: the quick start is
 * the two commands it promises, links and anchors resolve, rule IDs exist in the library, the
 * workflow snippets use only the action's real inputs and outputs and pin what they use, and the
 * repository's own workflows ask for least permissions and pin third-party actions by SHA.
 * (The commands themselves are run by examples.test.ts.)
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import YAML from 'yaml'
import { codeBlocks } from './support/doc-commands.js'
import { repoRoot, run } from './support/tools.js'

const DOCUMENTS = [
  'README.md',
  'docs/writing-policies.md',
  'docs/exceptions-and-rollout.md',
  'examples/README.md',
  'CHANGELOG.md'
]

const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8')

type Json = Record<string, unknown>
const action = YAML.parse(read('action.yml')) as { inputs: Json; outputs: Json }
const packageJson = JSON.parse(read('package.json')) as { version: string; scripts: Json }

/** Markdown without its fenced code blocks, where `[x](y)` is code, not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, '')
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const result = new Set<string>()
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(match[1])
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    result.add(n === 0 ? base : `${base}-${n}`)
  }
  return result
}

/** The relative links of a Markdown file: [text](target) and [text](target#anchor). */
function relativeLinks(markdown: string): { target: string; anchor?: string }[] {
  const links: { target: string; anchor?: string }[] = []
  for (const match of prose(markdown).matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
    const href = match[1]
    if (/^[a-z]+:/i.test(href)) continue
    const [target, anchor] = href.split('#')
    links.push({ target, ...(anchor !== undefined ? { anchor } : {}) })
  }
  return links
}

/** Every YAML code block of the README and the docs, parsed. */
function yamlBlocks(): { file: string; line: number; value: unknown }[] {
  return DOCUMENTS.flatMap(file =>
    codeBlocks(read(file))
      .filter(block => block.info === 'yaml')
      .map(block => ({ file, line: block.line, value: YAML.parse(block.lines.join('\n')) }))
  )
}

/** Every step object in a parsed workflow, job or step list. */
function steps(value: unknown): Json[] {
  const found: Json[] = []
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit)
    else if (typeof v === 'object' && v !== null) {
      const o = v as Json
      if (typeof o.uses === 'string' || typeof o.run === 'string') found.push(o)
      Object.values(o).forEach(visit)
    }
  }
  visit(value)
  return found
}

const SHA_PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/
const THIS_ACTION = /^org\/policy-gate@/

describe('README quick start', () => {
  it('starts with the two commands a newcomer runs, and both are real', () => {
    const readme = read('README.md')
    const lines = readme.split('\n')
    expect(lines[0]).toBe('# policy-gate')
    const first = codeBlocks(readme)[0]
    expect(first.line).toBe(4) // the title, a blank line, the fence
    expect(first.info).toBe('sh')
    expect(first.lines.map(line => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npm run demo',
      'npm ci && npm test'
    ])
    expect(packageJson.scripts.demo).toBe('bash scripts/demo.sh')
    expect(packageJson.scripts.test).toMatch(/\bjest\b/)
    // `npm test` installs OPA and conftest itself, as the README says.
    expect(packageJson.scripts.pretest).toBe('npm run tools')
    expect(packageJson.scripts.tools).toBe('bash scripts/install-tools.sh')
  })

  it('counts the built-in rules as docs/policies.md does', () => {
    const library = /^(\d+) rules:/m.exec(read('docs/policies.md'))?.[1]
    expect(library).toBeDefined()
    expect(read('README.md')).toContain(`${library} rules for Kubernetes`)
  })
})

describe.each(DOCUMENTS)('%s', file => {
  const markdown = read(file)

  it('links only to files and headings that exist', () => {
    const broken: string[] = []
    for (const link of relativeLinks(markdown)) {
      const target =
        link.target === '' ? file : path.posix.join(path.posix.dirname(file), link.target)
      if (!existsSync(path.join(repoRoot, target))) {
        broken.push(`${link.target} (no such file)`)
        continue
      }
      if (link.anchor !== undefined && target.endsWith('.md') && !/^L\d+$/.test(link.anchor)) {
        if (!anchors(read(target)).has(link.anchor)) broken.push(`${target}#${link.anchor}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('names only rule IDs the built-in library has', () => {
    const known = new Set(
      read('docs/policies.md')
        .match(/^### ([A-Z][A-Z0-9]*(?:-[A-Z]+)?-\d{3})$/gm)
        ?.map(h => h.slice(4))
    )
    expect(known.size).toBeGreaterThan(50)
    const named = new Set(
      markdown.match(/\b(?:K8S|TF-AWS|TF-GCP|TF-AZ|DOCKER|GHA|GITLAB|GATE)-\d{3}\b/g) ?? []
    )
    expect([...named].filter(id => !known.has(id))).toEqual([])
  })
})

describe('workflow snippets in the README and the docs', () => {
  const blocks = yamlBlocks()

  it('parse as YAML', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6)
  })

  it('give the action only the inputs action.yml declares, and read only its outputs', () => {
    const problems: string[] = []
    for (const { file, line, value } of blocks) {
      const gateSteps = steps(value).filter(s => THIS_ACTION.test(String(s.uses ?? '')))
      const ids = new Set(gateSteps.map(s => s.id).filter(Boolean))
      for (const step of gateSteps) {
        for (const input of Object.keys((step.with as Json | undefined) ?? {})) {
          if (!(input in action.inputs)) problems.push(`${file}:${line}: input '${input}'`)
        }
      }
      for (const m of JSON.stringify(value).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (ids.has(m[1]) && !(m[2] in action.outputs))
          problems.push(`${file}:${line}: output '${m[2]}'`)
      }
    }
    expect(problems).toEqual([])
  })

  it('pin every other action to a full commit SHA', () => {
    const unpinned = blocks.flatMap(({ file, line, value }) =>
      steps(value)
        .map(s => s.uses)
        .filter((uses): uses is string => typeof uses === 'string')
        .filter(uses => !THIS_ACTION.test(uses) && !SHA_PINNED.test(uses))
        .map(uses => `${file}:${line}: ${uses}`)
    )
    expect(unpinned).toEqual([])
  })
})

describe('.github/workflows', () => {
  const dir = path.join(repoRoot, '.github', 'workflows')
  const workflows = readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => ({ name, value: YAML.parse(readFileSync(path.join(dir, name), 'utf8')) as Json }))

  it('has CI, the self-test and the release workflow', () => {
    expect(workflows.map(w => w.name).sort()).toEqual(['ci.yml', 'release.yml', 'self-test.yml'])
  })

  it.each(['ci.yml', 'release.yml', 'self-test.yml'])(
    '%s reads only the repository by default and pins third-party actions by SHA',
    name => {
      const workflow = workflows.find(w => w.name === name)?.value ?? {}
      expect(workflow.permissions).toEqual({ contents: 'read' })
      const uses = steps(workflow.jobs)
        .map(s => s.uses)
        .filter((u): u is string => typeof u === 'string')
      expect(uses.filter(u => u !== './' && !SHA_PINNED.test(u))).toEqual([])
    }
  )

  it('self-test runs the action on the passing and the failing fixture and asserts the failure', () => {
    const workflow = workflows.find(w => w.name === 'self-test.yml')?.value as {
      jobs: Record<string, { steps: Json[] }>
    }
    const gate = (job: string): Json | undefined =>
      workflow.jobs[job].steps.find(s => s.uses === './')
    const pass = gate('pass')
    const fail = gate('fail')
    expect((pass?.with as Json).policy).toBe('__tests__/fixtures/e2e/pass/policy')
    expect((fail?.with as Json).policy).toBe('__tests__/fixtures/e2e/fail/policy')
    for (const fixture of ['pass', 'fail']) {
      expect(
        existsSync(path.join(repoRoot, '__tests__', 'fixtures', 'e2e', fixture, 'policy'))
      ).toBe(true)
    }
    expect(fail?.['continue-on-error']).toBe(true)
    const check = workflow.jobs.fail.steps.at(-1) as { env: Json; run: string }
    expect(check.env.OUTCOME).toBe(`\${{ steps.${String(fail?.id)}.outcome }}`)
    expect(check.run).toContain('test "$OUTCOME" = failure')
  })

  it('release moves the major tag and publishes the CHANGELOG section', () => {
    const text = readFileSync(path.join(dir, 'release.yml'), 'utf8')
    const release = workflows.find(w => w.name === 'release.yml')?.value as {
      on: { push: { tags: string[] } }
      jobs: { release: { permissions: Json } }
    }
    expect(release.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+'])
    expect(release.jobs.release.permissions).toEqual({ contents: 'write' })
    expect(text).toContain('bash scripts/check-dist.sh')
    expect(text).toContain('bash scripts/release-notes.sh')
    expect(text).toContain('git push --force origin "refs/tags/$major"')
  })
})

describe('scripts/release-notes.sh', () => {
  const script = path.join(repoRoot, 'scripts', 'release-notes.sh')
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [1.1.0] - 2027-02-01',
    '',
    '### Fixed',
    '',
    '- Something.',
    '',
    '## [1.0.0] - 2027-01-04',
    '',
    '## [0.9.0] - 2026-12-01',
    '',
    '- First.',
    ''
  ].join('\n')

  it.each([
    ['1.1.0', 0, '### Fixed\n\n- Something.\n'],
    ['0.9.0', 0, '- First.\n'],
    ['1.0.0', 1, ''], // a heading without notes
    ['1.1', 1, ''] // not a prefix match of 1.1.0
  ])('prints the notes of %s (exit %d)', async (version, exit, notes) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'policy-gate-changelog-'))
    try {
      writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog)
      const result = await run('bash', [script, version, path.join(dir, 'CHANGELOG.md')])
      expect({ exit: result.code, notes: result.stdout }).toEqual({ exit, notes })
      if (exit !== 0) expect(result.stderr).toContain(`before tagging v${version}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('finds the next release notes under Unreleased in CHANGELOG.md', () => {
    const unreleased = /^## \[Unreleased\]\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(
      read('CHANGELOG.md')
    )
    expect(unreleased?.[1].trim()).not.toBe('')
  })
})

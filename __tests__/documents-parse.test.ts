import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, mkdir, symlink, truncate, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  CONFTEST_PARSERS,
  SUPPORTED_PARSERS,
  parseFile,
  parserFor
} from '../src/documents/parse.js'
import { readDocumentFile } from '../src/documents/read.js'
import type { ParsedFile } from '../src/findings.js'
import { canonicalJson, conftestParse } from './support/conftest-parse.js'
import { repoRoot, run } from './support/tools.js'

const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'documents')
const corpora = path.resolve(repoRoot, '..', 'shared', 'corpora')

function conftestModule(): string {
  const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim()
  return path.join(modcache, 'github.com', 'open-policy-agent', 'conftest@v0.69.0')
}

/** Every file under `dir` that conftest would parse with a parser policy-gate has. */
function supportedFiles(dir: string): string[] {
  const files: string[] = []
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile() && parserFor(full)?.supported) files.push(full)
    }
  }
  walk(dir)
  return files.sort()
}

/** The value `conftest parse` prints for a file, rebuilt from policy-gate's documents. */
function conftestView(parsed: ParsedFile): unknown {
  return parsed.documents.length === 1
    ? parsed.documents[0].value
    : parsed.documents.map(d => d.value)
}

interface Comparison {
  files: number
  identical: number
  bothRejected: string[]
  excluded: { file: string; reason: string }[]
  differences: { file: string; detail: string }[]
}

/** Parses each file with policy-gate and with the real conftest, and compares the two. */
async function compareWithConftest(files: string[]): Promise<Comparison> {
  const result: Comparison = {
    files: files.length,
    identical: 0,
    bothRejected: [],
    excluded: [],
    differences: []
  }
  const ours = new Map<string, ParsedFile>()
  for (const file of files) {
    const read = await readDocumentFile(path.dirname(file), path.basename(file), {
      maxFileSize: 50 * 1024 * 1024
    })
    if ('error' in read) {
      result.excluded.push({ file, reason: read.error })
      continue
    }
    ours.set(file, await parseFile(file, read.text))
  }
  const theirs = await conftestParse([...ours.keys()])
  for (const [file, parsed] of ours) {
    const expected = theirs.get(file)
    if (!expected) throw new Error(`conftest gave nothing for ${file}`)
    if ('error' in expected || parsed.error) {
      if ('error' in expected && parsed.error) result.bothRejected.push(file)
      else
        result.differences.push({
          file,
          detail:
            'error' in expected
              ? `conftest rejects it (${expected.error}), policy-gate parses it`
              : `policy-gate rejects it (${parsed.error?.message}), conftest parses it`
        })
      continue
    }
    if (canonicalJson(conftestView(parsed)) === canonicalJson(expected.value)) result.identical++
    else result.differences.push({ file, detail: 'values differ' })
  }
  return result
}

function report(name: string, comparison: Comparison): void {
  console.log(
    `${name}: ${comparison.files} files, ${comparison.identical} identical to conftest parse, ` +
      `${comparison.bothRejected.length} rejected by both, ${comparison.excluded.length} excluded` +
      comparison.excluded.map(e => `\n  excluded ${e.file}: ${e.reason}`).join('')
  )
}

describe('parserFor chooses as conftest does', () => {
  it.each([
    ['Dockerfile', 'dockerfile'],
    ['build/Dockerfile.prod', 'dockerfile'],
    ['app.dockerfile', 'dockerfile'],
    ['DOCKERFILE', 'dockerfile'],
    ['k8s/deploy.yaml', 'yaml'],
    ['.github/workflows/ci.YML', 'yaml'],
    ['main.tf', 'hcl2'],
    ['prod.tfvars', 'hcl2'],
    ['terragrunt.hcl', 'hcl2'],
    ['plan.json', 'json'],
    ['tfplan.tfplan.json', 'json'],
    ['config.toml', 'toml'],
    ['.env', 'dotenv'],
    ['.env.production', 'dotenv'],
    ['nginx.conf', 'nginx'],
    ['.gitignore', 'ignore'],
    ['x.textproto', 'textproto'],
    ['settings.jsonc', 'jsonc'],
    ['file.hcl2', 'hcl2']
  ])('%s → %s', (file, parser) => {
    expect(parserFor(file)?.parser).toBe(parser)
    expect(parserFor(file)?.supported).toBe(
      (SUPPORTED_PARSERS as readonly string[]).includes(parser)
    )
  })

  it.each(['README.md', 'Makefile', 'Containerfile', 'script.sh', 'noextension'])(
    '%s is not a file conftest parses',
    file => expect(parserFor(file)).toBeUndefined()
  )

  it('agrees with the real conftest on which names it can parse', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'parser-for-'))
    const names = ['a.yaml', 'a.tf', 'a.md', 'Containerfile', 'a.toml', 'a.sh', 'Dockerfile.dev']
    for (const name of names) await writeFile(path.join(dir, name), '')
    for (const name of names) {
      const { stderr } = await run(path.join(repoRoot, '.tools', 'bin', 'conftest'), [
        'parse',
        path.join(dir, name)
      ])
      const conftestKnows = !stderr.includes('unknown parser')
      expect([name, parserFor(name) !== undefined]).toEqual([name, conftestKnows])
    }
  })

  it('lists every parser conftest has', async () => {
    const { stdout } = await run(path.join(repoRoot, '.tools', 'bin', 'conftest'), [
      'parse',
      '--help'
    ])
    const listed = /Valid parsers: \[([^\]]+)\]/.exec(stdout)?.[1].split(' ') ?? []
    expect(listed.length).toBeGreaterThan(10)
    for (const name of listed) expect(CONFTEST_PARSERS).toContain(name)
  })
})

describe('parseFile against conftest parse', () => {
  it("matches conftest on every supported file of conftest's own repository", async () => {
    const files = supportedFiles(conftestModule())
    const comparison = await compareWithConftest(files)
    report('conftest v0.69.0 (examples/, tests/, repository files)', comparison)
    expect(comparison.differences).toEqual([])
    expect(comparison.files).toBeGreaterThanOrEqual(50)
    expect(comparison.identical).toBe(comparison.files)
  })

  it('matches conftest on the parity fixtures (YAML 1.1, merges, tags, CRLF, heredocs...)', async () => {
    const files = supportedFiles(path.join(fixtures, 'conftest-parity'))
    const comparison = await compareWithConftest(files)
    report('parity fixtures', comparison)
    expect(comparison.differences).toEqual([])
    expect(comparison.identical).toBe(files.length)
    expect(files.length).toBeGreaterThanOrEqual(30)
  })

  const corporaIt = existsSync(corpora) ? it : it.skip
  corporaIt(
    'matches conftest on the real corpora (skipped when /work/shared/corpora is absent)',
    async () => {
      const files = supportedFiles(corpora)
      const comparison = await compareWithConftest(files)
      report('corpora', comparison)
      expect(comparison.differences).toEqual([])
      expect(comparison.identical + comparison.bothRejected.length).toBe(
        comparison.files - comparison.excluded.length
      )
      expect(comparison.files).toBeGreaterThan(900)
    }
  )
  if (!existsSync(corpora)) console.log(`corpora not found at ${corpora}; corpus tests skipped`)
})

describe('a run over good and bad files together', () => {
  it('parses the good files and turns each bad one into an error that says what to do', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'documents-run-'))
    const outside = await mkdtemp(path.join(os.tmpdir(), 'documents-outside-'))
    await writeFile(path.join(outside, 'secret.yaml'), 'password: hunter2\n')
    const put = (name: string, content: string | Buffer): Promise<void> =>
      writeFile(path.join(workspace, name), content)
    await mkdir(path.join(workspace, 'k8s'))
    await put('k8s/good.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\n')
    await put('good.json', '{"a": [1, 2]}\n')
    await put('main.tf', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    await put('Dockerfile', 'FROM alpine:3.20\nUSER app\n')
    await put('bad.yaml', 'a: 1\nb: [unclosed\nc: 3\n')
    await put('bad.json', '{\n  "a": 1,\n  "b": ,\n}\n')
    await put('bad.tf', 'resource "a" "b" {\n  x = \n}\n')
    await put('bad.Dockerfile', 'FROM alpine\nFROBNICATE now\n')
    await put(
      'bomb.yaml',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' +
        ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']
          .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
          .join('\n') +
        '\n'
    )
    await put('deep.yaml', '['.repeat(100_000) + ']'.repeat(100_000))
    await put('big.yaml', 'a: b\n')
    await truncate(path.join(workspace, 'big.yaml'), 2 * 1024 * 1024 * 1024) // sparse 2 GB
    await put('binary.yaml', Buffer.from([0x61, 0x3a, 0x20, 0x00, 0x01, 0x0a]))
    await put('latin1.yaml', Buffer.from('caf\xe9: 1\n', 'latin1'))
    await put('empty.yaml', '')
    await put('empty-doc.yaml', '---\n---\nkind: A\n')
    await symlink(path.join(outside, 'secret.yaml'), path.join(workspace, 'linked.yaml'))

    const files = [
      'k8s/good.yaml',
      'good.json',
      'main.tf',
      'Dockerfile',
      'bad.yaml',
      'bad.json',
      'bad.tf',
      'bad.Dockerfile',
      'bomb.yaml',
      'deep.yaml',
      'big.yaml',
      'binary.yaml',
      'latin1.yaml',
      'empty.yaml',
      'empty-doc.yaml',
      'linked.yaml'
    ]
    const started = Date.now()
    const outcome: Record<string, { documents: number; error?: string; line?: number }> = {}
    for (const file of files) {
      const read = await readDocumentFile(workspace, file)
      if ('error' in read) {
        outcome[file] = { documents: 0, error: read.error }
        continue
      }
      const parsed = await parseFile(file, read.text)
      outcome[file] = {
        documents: parsed.documents.length,
        ...(parsed.error ? { error: parsed.error.message, line: parsed.error.line } : {})
      }
    }
    expect(Date.now() - started).toBeLessThan(60_000) // a hang guard, not a speed test

    expect(outcome['k8s/good.yaml']).toEqual({ documents: 1 })
    expect(outcome['good.json']).toEqual({ documents: 1 })
    expect(outcome['main.tf']).toEqual({ documents: 1 })
    expect(outcome['Dockerfile']).toEqual({ documents: 1 })
    expect(outcome['empty.yaml']).toEqual({ documents: 1 })
    expect(outcome['empty-doc.yaml']).toEqual({ documents: 2 })

    expect(outcome['bad.yaml']).toMatchObject({ line: 3 })
    expect(outcome['bad.yaml'].error).toMatch(/^invalid YAML at line 3.*Fix the syntax/)
    expect(outcome['bad.json']).toMatchObject({ line: 3 })
    expect(outcome['bad.json'].error).toMatch(/^invalid JSON at line 3, column 8/)
    expect(outcome['bad.tf']).toMatchObject({ line: 2 })
    expect(outcome['bad.tf'].error).toMatch(/^invalid HCL at line 2.*Invalid expression/)
    expect(outcome['bad.Dockerfile']).toMatchObject({ line: 2 })
    expect(outcome['bad.Dockerfile'].error).toMatch(/unknown instruction: FROBNICATE/)
    expect(outcome['bomb.yaml'].error).toMatch(/excessive aliasing/)
    expect(outcome['deep.yaml'].error).toMatch(/deeper than 1000 levels/)
    expect(outcome['big.yaml'].error).toMatch(/is 2048\.0 MB, over the 5\.0 MB limit/)
    expect(outcome['binary.yaml'].error).toMatch(/looks binary \(a NUL byte at offset 3\)/)
    expect(outcome['latin1.yaml'].error).toMatch(/not valid UTF-8/)
    expect(outcome['linked.yaml'].error).toMatch(/symbolic link to .*outside the workspace/)
    for (const file of files) {
      if (outcome[file].error) expect(outcome[file].documents).toBe(0)
    }

    // The content errors are conftest's too.
    const rejected = ['bad.yaml', 'bad.json', 'bad.tf', 'bad.Dockerfile', 'bomb.yaml', 'deep.yaml']
    const theirs = await conftestParse(rejected.map(file => path.join(workspace, file)))
    for (const [file, result] of theirs) expect([file, 'error' in result]).toEqual([file, true])
  })

  it('reports a forced parser it does not have, and unknown file types, without throwing', async () => {
    expect((await parseFile('a.toml', 'x = 1')).error?.message).toMatch(
      /cannot parse toml files yet \(conftest can\)/
    )
    expect((await parseFile('a.yaml', 'a: 1', { parser: 'xml' })).error?.message).toMatch(
      /cannot parse xml files yet/
    )
    expect((await parseFile('README.md', '# hi')).error?.message).toMatch(
      /does not know how to parse README\.md/
    )
    const forced = await parseFile('notes.txt', 'a: 1\n', { parser: 'yaml' })
    expect(forced.documents.map(d => d.value)).toEqual([{ a: 1 }])
  })
})
